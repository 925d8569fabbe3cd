import { and, inArray, isNull } from "drizzle-orm";
import { CsError, ERROR, permissionDenied } from "../../api/errors";
import { eventInsert } from "../../db/events";
import { inIds } from "../../db/in-ids";
import { requireDomain, startsWith } from "../../db/repos/domains";
import { domainCleanup } from "../../db/repos/owned-resources";
import { accounts, domains, sessions, users } from "../../db/schema";
import { canManageDomain, isRootAdmin } from "../../domain/access";
import { defineCommand } from "../define";
import { p } from "../param-spec";

export const deleteDomain = defineCommand({
	name: "deleteDomain",
	description: "Deletes a specified domain",
	access: "authenticated",
	authorized: ["Admin", "DomainAdmin"],
	async: { className: "org.apache.cloudstack.api.command.admin.domain.DeleteDomainCmd", instanceType: "Domain" },
	params: {
		id: p.uuid("ID of domain to delete", { required: true, related: "listDomains" }),
		cleanup: p.boolean("true if all domain resources (child domains, accounts) have to be cleaned up, false otherwise"),
	},
	responseFields: { success: ["boolean", "true if operation is executed successfully"] },
	async handle({ params, deps, caller }) {
		const domain = await requireDomain(deps.db, params.id, "id");
		if (domain.parentId === null) throw permissionDenied("Can't delete ROOT domain");
		const ownDomain = domain.id === caller.domainId && !isRootAdmin(caller);
		if (!canManageDomain(caller, domain.path) || ownDomain) {
			throw permissionDenied(`The caller cannot delete domain ${domain.id}`);
		}
		const subtree = and(startsWith(domains.path, domain.path), isNull(domains.removed));
		const domainIds = (await deps.db.select({ id: domains.id }).from(domains).where(subtree)).map((d) => d.id);
		const accountIds = (
			await deps.db
				.select({ id: accounts.id })
				.from(accounts)
				.where(and(inIds(accounts.domainId, domainIds), isNull(accounts.removed)))
		).map((a) => a.id);
		if (!params.cleanup && (domainIds.length > 1 || accountIds.length > 0)) {
			throw new CsError(
				ERROR.internal,
				`Can't delete the domain yet: it still has ${domainIds.length - 1} sub-domain(s) and ${accountIds.length} account(s); use cleanup=true`,
			);
		}
		const now = deps.clock.now();
		const removedUsers = deps.db.select({ id: users.id }).from(users).where(inIds(users.domainId, domainIds));
		await deps.db.batch([
			deps.db.delete(sessions).where(inArray(sessions.userId, removedUsers)),
			deps.db
				.update(users)
				.set({ removed: now, apiKey: null, secretKeyEnc: null })
				.where(and(inIds(users.domainId, domainIds), isNull(users.removed))),
			deps.db
				.update(accounts)
				.set({ removed: now })
				.where(and(inIds(accounts.domainId, domainIds), isNull(accounts.removed))),
			deps.db.update(domains).set({ removed: now, state: "Inactive" }).where(subtree),
			...domainCleanup(deps.db, domainIds),
			eventInsert(deps.db, now, caller, {
				type: "DOMAIN.DELETE",
				description: `Domain ${domain.name} deleted${params.cleanup ? " with cleanup" : ""}`,
				resourceType: "Domain",
				resourceId: domain.id,
				resourceName: domain.name,
			}),
		]);
		return { type: "success" };
	},
});
