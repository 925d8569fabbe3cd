import { eq, inArray } from "drizzle-orm";
import { eventInsert } from "../../db/events";
import { accountCleanup } from "../../db/repos/owned-resources";
import { accounts, sessions, users } from "../../db/schema";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { managedAccount, refuseProtected } from "./managed-account";

export const deleteAccount = defineCommand({
	name: "deleteAccount",
	description: "Deletes an account and all its users",
	access: "authenticated",
	authorized: ["Admin", "DomainAdmin"],
	async: { className: "org.apache.cloudstack.api.command.admin.account.DeleteAccountCmd", instanceType: "Account" },
	params: { id: p.uuid("Account id", { required: true, related: "listAccounts" }) },
	responseFields: { success: ["boolean", "true if operation is executed successfully"] },
	async handle({ params, deps, caller }) {
		const account = await managedAccount(deps.db, caller, { id: params.id });
		refuseProtected(account, caller, "deleted");
		const now = deps.clock.now();
		const accountUsers = deps.db.select({ id: users.id }).from(users).where(eq(users.accountId, account.id));
		await deps.db.batch([
			deps.db.delete(sessions).where(inArray(sessions.userId, accountUsers)),
			deps.db
				.update(users)
				.set({ removed: now, apiKey: null, secretKeyEnc: null })
				.where(eq(users.accountId, account.id)),
			deps.db.update(accounts).set({ removed: now }).where(eq(accounts.id, account.id)),
			...accountCleanup(deps.db, account.id),
			eventInsert(deps.db, now, caller, {
				type: "ACCOUNT.DELETE",
				description: `Account ${account.name} deleted`,
				resourceType: "Account",
				resourceId: account.id,
				resourceName: account.name,
			}),
		]);
		return { type: "success" };
	},
});
