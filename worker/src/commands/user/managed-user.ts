/** @module Loading the user a command acts on, with CloudStack's access check. */
import { permissionDenied } from "../../api/errors";
import type { Db } from "../../db/client";
import { type AccountRow, accountTarget, findAccount, requireUser, type UserRow } from "../../db/repos/accounts";
import { type Caller, canManageAccount } from "../../domain/access";

export interface ManagedUser {
	user: UserRow;
	account: AccountRow;
	isSelf: boolean;
}

/**
 * The user by id; 531 unless the caller manages its account or, with `allowSelf`, is that user.
 */
export async function managedUser(db: Db, caller: Caller, id: string, allowSelf: boolean): Promise<ManagedUser> {
	const user = await requireUser(db, id);
	const account = await findAccount(db, user.accountId);
	if (!account) throw permissionDenied();
	const isSelf = user.id === caller.userId;
	if ((allowSelf && isSelf) || canManageAccount(caller, await accountTarget(db, account))) {
		return { user, account, isSelf };
	}
	throw permissionDenied(`The caller does not have permission to act on user ${user.id}`);
}
