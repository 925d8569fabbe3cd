/**
 * @module ssh_keypairs → CloudStack `keypair` / `sshkeypair` (SSHKeyPairResponse). The public key
 * itself is not part of CloudStack's response; the private key appears only in
 * createSSHKeyPair's answer (CreateSSHKeyPairResponse) and is never stored.
 */
import type { FieldTable } from "../../commands/types";
import type { sshKeyPairs } from "../../db/schema";
import { displayPath } from "./domain";
import { compact } from "./format";

export type SshKeyPairRow = typeof sshKeyPairs.$inferSelect;

export const SSH_KEYPAIR_FIELDS = {
	id: ["string", "ID of the ssh keypair"],
	name: ["string", "Name of the keypair"],
	account: ["string", "the owner of the keypair"],
	domainid: ["string", "the domain id of the keypair owner"],
	domain: ["string", "the domain name of the keypair owner"],
	domainpath: ["string", "the domain path of the keypair owner"],
	fingerprint: ["string", "Fingerprint of the public key"],
	hasannotations: ["boolean", "whether the keypair has annotations"],
} as const satisfies FieldTable;

export const CREATED_SSH_KEYPAIR_FIELDS = {
	privatekey: ["string", "Private key: shown only in this answer, flarestack does not keep it"],
	...SSH_KEYPAIR_FIELDS,
} as const satisfies FieldTable;

export interface KeyPairOwnerNames {
	account: string | null;
	domain: string | null;
	domainPath: string | null;
}

export function serializeSshKeyPair(row: SshKeyPairRow, owner: KeyPairOwnerNames): Record<string, unknown> {
	return compact({
		id: row.id,
		name: row.name,
		account: owner.account,
		domainid: row.domainId,
		domain: owner.domain,
		domainpath: owner.domainPath ? displayPath(owner.domainPath) : undefined,
		fingerprint: row.fingerprint,
		hasannotations: false,
	} satisfies Record<keyof typeof SSH_KEYPAIR_FIELDS, unknown>);
}
