/**
 * @module What the SSH key pair commands share: the owner (the caller, or an account an admin
 * manages), CloudStack's name rules and texts, storing a pair with its event, and the response.
 * A pair is identified by (owner account, name), as in CloudStack's deleteSSHKeyPair.
 */
import { and, eq } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import { type KeyPairOwnerNames, type SshKeyPairRow, serializeSshKeyPair } from "../../api/serializers/ssh-keypair";
import type { Db } from "../../db/client";
import { eventInsert } from "../../db/events";
import { accounts, domains, sshKeyPairs } from "../../db/schema";
import type { Caller } from "../../domain/access";
import { newUuid } from "../../lib/ids";
import { type ResourceOwner, resourceOwner } from "../resource-owner";
import type { Deps } from "../types";
import { isUniqueViolation } from "../zone/zone-rules";
import type { PublicKey } from "./ssh-key-format";

export const SSH_KEYPAIR_RELATED = [
	"createSSHKeyPair",
	"registerSSHKeyPair",
	"listSSHKeyPairs",
	"deleteSSHKeyPair",
] as const;

export interface OwnerParams {
	account?: string | undefined;
	domainid?: string | undefined;
	projectid?: string | undefined;
}

/** The account the pair belongs to; `what` finishes CloudStack's permission refusal. */
export async function keyPairOwner(db: Db, caller: Caller, params: OwnerParams, what: string): Promise<ResourceOwner> {
	if (params.projectid !== undefined) {
		throw new CsError(ERROR.paramError, "Projects are not supported by flarestack: leave out projectid");
	}
	return resourceOwner(db, caller, params, what);
}

/**
 * A key pair name: trimmed and not empty. A comma is refused because deployVirtualMachine's
 * `keypairs` is a comma-separated list of names, so such a pair could never be used.
 */
export function keyPairName(raw: string): string {
	const name = raw.trim();
	if (name === "") throw new CsError(ERROR.paramError, "Please specify a name for the key pair");
	if (name.includes(",")) throw new CsError(ERROR.paramError, "A key pair name may not contain a comma");
	return name;
}

export async function findKeyPair(db: Db, accountId: string, name: string): Promise<SshKeyPairRow | undefined> {
	return db
		.select()
		.from(sshKeyPairs)
		.where(and(eq(sshKeyPairs.accountId, accountId), eq(sshKeyPairs.name, name)))
		.get();
}

export function duplicateName(name: string): CsError {
	return new CsError(ERROR.paramError, `A key pair with name '${name}' already exists for this account.`);
}

export async function checkNameFree(db: Db, owner: ResourceOwner, name: string): Promise<void> {
	if (await findKeyPair(db, owner.id, name)) throw duplicateName(name);
}

export interface NewKeyPair {
	name: string;
	publicKey: PublicKey;
	fingerprint: string;
}

/**
 * Stores the pair and its event in one batch. The unique (account, name) index settles a race
 * between two creates of the same name: the loser gets the same 431 as a plain duplicate.
 */
export async function insertKeyPair(
	deps: Deps,
	caller: Caller,
	owner: ResourceOwner,
	pair: NewKeyPair,
	event: { type: "CREATE.SSH.KEYPAIR" | "REGISTER.SSH.KEYPAIR"; description: string },
): Promise<SshKeyPairRow> {
	const now = deps.clock.now();
	const row: SshKeyPairRow = {
		id: newUuid(),
		name: pair.name,
		accountId: owner.id,
		domainId: owner.domainId,
		publicKey: pair.publicKey.openssh,
		fingerprint: pair.fingerprint,
		created: now,
	};
	try {
		await deps.db.batch([
			deps.db.insert(sshKeyPairs).values(row),
			eventInsert(deps.db, now, caller, {
				type: event.type,
				description: event.description,
				resourceType: "SSHKeyPair",
				resourceId: row.id,
				resourceName: row.name,
				owner: { accountId: owner.id, domainId: owner.domainId },
			}),
		]);
	} catch (error) {
		if (isUniqueViolation(error)) throw duplicateName(pair.name);
		throw error;
	}
	return row;
}

/** The owner names a response shows, for one account. */
export async function ownerNames(db: Db, accountId: string): Promise<KeyPairOwnerNames> {
	const row = await db
		.select({ account: accounts.name, domain: domains.name, domainPath: domains.path })
		.from(accounts)
		.leftJoin(domains, eq(domains.id, accounts.domainId))
		.where(eq(accounts.id, accountId))
		.get();
	return { account: row?.account ?? null, domain: row?.domain ?? null, domainPath: row?.domainPath ?? null };
}

export async function keyPairResponse(db: Db, row: SshKeyPairRow): Promise<Record<string, unknown>> {
	return serializeSshKeyPair(row, await ownerNames(db, row.accountId));
}
