import { and, eq } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import { SSH_KEYPAIR_FIELDS } from "../../api/serializers/ssh-keypair";
import { sshKeyPairs } from "../../db/schema";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import {
	checkNameFree,
	insertKeyPair,
	keyPairName,
	keyPairOwner,
	keyPairResponse,
	SSH_KEYPAIR_RELATED,
} from "./keypair-rules";
import { fingerprint, PUBLIC_KEY_TYPES, parsePublicKey } from "./ssh-key-format";

export const registerSSHKeyPair = defineCommand({
	name: "registerSSHKeyPair",
	description: "Register a public key in a keypair under a certain name",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		name: p.string("Name of the keypair", { required: true }),
		publickey: p.string(`Public key material of the keypair (OpenSSH format: ${PUBLIC_KEY_TYPES.join(", ")})`, {
			required: true,
			length: 5120,
		}),
		account: p.string("an optional accountName. Must be used with domainId."),
		domainid: p.uuid("an optional domainId. If the account parameter is used, domainId must also be used.", {
			related: "listDomains",
		}),
		projectid: p.uuid("not supported: flarestack has no projects"),
	},
	responseName: "registersshkeypairresponse",
	responseFields: SSH_KEYPAIR_FIELDS,
	related: SSH_KEYPAIR_RELATED,
	async handle({ params, deps, caller }) {
		const name = keyPairName(params.name);
		const owner = await keyPairOwner(deps.db, caller, params, "register SSH key pairs");
		await checkNameFree(deps.db, owner, name);
		const publicKey = parsePublicKey(params.publickey);
		if (!publicKey) throw new CsError(ERROR.paramError, "Public key is invalid");
		// CloudStack refuses the same key twice in one account: a VM's keys are chosen by name.
		const sameKey = await deps.db
			.select({ name: sshKeyPairs.name })
			.from(sshKeyPairs)
			.where(and(eq(sshKeyPairs.accountId, owner.id), eq(sshKeyPairs.publicKey, publicKey.openssh)))
			.get();
		if (sameKey) {
			throw new CsError(
				ERROR.paramError,
				`A key pair with the same public key already exists for this account: ${sameKey.name}`,
			);
		}
		const row = await insertKeyPair(
			deps,
			caller,
			owner,
			{ name, publicKey, fingerprint: await fingerprint(publicKey.blob) },
			{ type: "REGISTER.SSH.KEYPAIR", description: `Successfully registered SSH key pair ${name}` },
		);
		return { type: "object", name: "keypair", value: await keyPairResponse(deps.db, row) };
	},
});
