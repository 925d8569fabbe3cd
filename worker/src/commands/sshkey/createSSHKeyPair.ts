import { CREATED_SSH_KEYPAIR_FIELDS } from "../../api/serializers/ssh-keypair";
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
import { fingerprint, generateRsaKeyPair } from "./ssh-key-format";

export const createSSHKeyPair = defineCommand({
	name: "createSSHKeyPair",
	description:
		"Create a new keypair (RSA 2048) and returns the private key; only the public key is kept, so the private key is shown only in this answer",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		name: p.string("Name of the keypair", { required: true }),
		account: p.string("an optional account for the ssh key. Must be used with domainId."),
		domainid: p.uuid(
			"an optional domainId for the ssh key. If the account parameter is used, domainId must also be used.",
			{ related: "listDomains" },
		),
		projectid: p.uuid("not supported: flarestack has no projects"),
	},
	responseName: "createsshkeypairresponse",
	responseFields: CREATED_SSH_KEYPAIR_FIELDS,
	related: SSH_KEYPAIR_RELATED,
	async handle({ params, deps, caller }) {
		const name = keyPairName(params.name);
		const owner = await keyPairOwner(deps.db, caller, params, "create SSH key pairs");
		await checkNameFree(deps.db, owner, name);
		const generated = await generateRsaKeyPair();
		const row = await insertKeyPair(
			deps,
			caller,
			owner,
			{ name, publicKey: generated.publicKey, fingerprint: await fingerprint(generated.publicKey.blob) },
			{ type: "CREATE.SSH.KEYPAIR", description: `Successfully created SSH key pair ${name}` },
		);
		return {
			type: "object",
			name: "keypair",
			value: { privatekey: generated.privateKey, ...(await keyPairResponse(deps.db, row)) },
		};
	},
});
