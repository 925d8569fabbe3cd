/** @module enable/disable/lock: one compare-and-set on the account's state, with its event. */
import { and, eq, inArray, ne } from "drizzle-orm";
import type { Db } from "../../db/client";
import { eventInsert } from "../../db/events";
import { accountView } from "../../db/repos/account-views";
import type { AccountRow } from "../../db/repos/accounts";
import { accounts, sessions, users } from "../../db/schema";
import type { Caller } from "../../domain/access";

const EVENT: Record<string, string> = {
	enabled: "ACCOUNT.ENABLE",
	disabled: "ACCOUNT.DISABLE",
	locked: "ACCOUNT.DISABLE",
};

/** Moves the account to `state`; sessions of its users end when it stops being enabled. */
export async function setAccountState(
	db: Db,
	now: number,
	caller: Caller,
	account: AccountRow,
	state: "enabled" | "disabled" | "locked",
): Promise<Record<string, unknown>> {
	const accountUsers = db.select({ id: users.id }).from(users).where(eq(users.accountId, account.id));
	await db.batch([
		db
			.update(accounts)
			.set({ state })
			.where(and(eq(accounts.id, account.id), ne(accounts.state, state))),
		...(state === "enabled" ? [] : [db.delete(sessions).where(inArray(sessions.userId, accountUsers))]),
		eventInsert(db, now, caller, {
			type: EVENT[state] ?? "ACCOUNT.UPDATE",
			description: `Account ${account.name} ${state}`,
			resourceType: "Account",
			resourceId: account.id,
			resourceName: account.name,
		}),
	]);
	return accountView(db, account.id);
}
