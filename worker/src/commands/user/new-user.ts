/** @module The parameters and checks createAccount and createUser share for a new user. */
import { CsError, ERROR } from "../../api/errors";
import type { users } from "../../db/schema";
import { hashPassword } from "../../lib/crypto";
import { isUuid } from "../../lib/ids";
import { p } from "../param-spec";

export const newUserParams = {
	username: p.string("Unique username.", { required: true }),
	password: p.string(
		"Clear text password (Default hashed to SHA256SALT). If you wish to use any other hashing algorithm, you would need to write a custom authentication adapter See Docs section.",
		{ required: true },
	),
	email: p.string("email", { required: true }),
	firstname: p.string("firstname", { required: true }),
	lastname: p.string("lastname", { required: true }),
	timezone: p.string(
		"Specifies a timezone for this command. For more information on the timezone parameter, see Time Zone Format.",
	),
	userid: p.string("User UUID, required for adding account from external provisioning system"),
};

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Rejects what CloudStack would: blank names and passwords, bad e-mail, malformed custom ids. */
export function validateNewUser(params: {
	username: string;
	password: string;
	email: string;
	userid?: string | undefined;
}): void {
	if (params.username.trim() === "" || /[\s/]/.test(params.username)) {
		throw new CsError(ERROR.paramError, "Username must not be empty or contain spaces or '/'");
	}
	if (params.password === "") throw new CsError(ERROR.paramError, "Password must not be empty");
	if (!EMAIL.test(params.email)) throw new CsError(ERROR.paramError, `Invalid email address: ${params.email}`);
	if (params.userid !== undefined && !isUuid(params.userid)) {
		throw new CsError(ERROR.paramError, "userid must be a UUID");
	}
}

interface NewUserFields {
	username: string;
	password: string;
	email: string;
	firstname: string;
	lastname: string;
	timezone?: string | undefined;
}

/** The users row for a new user of `account`, with the password hashed. */
export async function newUserRow(
	id: string,
	params: NewUserFields,
	account: { id: string; domainId: string },
	now: number,
): Promise<typeof users.$inferInsert> {
	return {
		id,
		username: params.username,
		accountId: account.id,
		domainId: account.domainId,
		passwordHash: await hashPassword(params.password),
		firstName: params.firstname,
		lastName: params.lastname,
		email: params.email,
		timezone: params.timezone ?? null,
		created: now,
	};
}
