/** @module Loading the account a command acts on, with CloudStack's access check. */
import { permissionDenied } from "../../api/errors";
import type { Db } from "../../db/client";
import { type AccountRow, accountTarget, resolveAccount } from "../../db/repos/accounts";
import { type Caller, canManageAccount } from "../../domain/access";

/** The account by `id` or `account` + `domainid`; 531 unless the caller may change it. */
export async function managedAccount(
	db: Db,
	caller: Caller,
	ref: { id?: string | undefined; account?: string | undefined; domainid?: string | undefined },
): Promise<AccountRow> {
	const account = await resolveAccount(db, ref);
	if (!canManageAccount(caller, await accountTarget(db, account))) {
		throw permissionDenied(`The caller does not have permission to change account ${account.id}`);
	}
	return account;
}

/** The built-in admin account and the caller's own account cannot be disabled or deleted. */
export function refuseProtected(account: AccountRow, caller: Caller, action: string): void {
	if (account.isDefault) throw permissionDenied(`The default account ${account.name} cannot be ${action}`);
	if (account.id === caller.accountId) throw permissionDenied(`An account cannot be ${action} by its own users`);
}
