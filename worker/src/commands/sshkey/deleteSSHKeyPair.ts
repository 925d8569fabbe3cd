import { eq } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import { eventInsert } from "../../db/events";
import { sshKeyPairs } from "../../db/schema";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { findKeyPair, keyPairName, keyPairOwner, SSH_KEYPAIR_RELATED } from "./keypair-rules";

function missing(name: string, accountName: string): CsError {
	return new CsError(
		ERROR.paramError,
		`A key pair with name '${name}' does not exist for account ${accountName} in specified domain id`,
	);
}

export const deleteSSHKeyPair = defineCommand({
	name: "deleteSSHKeyPair",
	description:
		"Deletes a keypair by name; VMs deployed with it keep the key they were given, later config drives leave it out",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		name: p.string("Name of the keypair", { required: true }),
		account: p.string("the account associated with the keypair. Must be used with the domainId parameter."),
		domainid: p.uuid("the domain ID associated with the keypair", { related: "listDomains" }),
		projectid: p.uuid("not supported: flarestack has no projects"),
	},
	responseFields: {
		success: ["boolean", "true if operation is executed successfully"],
		displaytext: ["string", "any text associated with the success or failure"],
	},
	related: SSH_KEYPAIR_RELATED,
	async handle({ params, deps, caller }) {
		const name = keyPairName(params.name);
		const owner = await keyPairOwner(deps.db, caller, params, "delete SSH key pairs");
		const row = await findKeyPair(deps.db, owner.id, name);
		if (!row) throw missing(name, owner.name);
		// Delete first and write the event only for the call that really deleted it, so two
		// concurrent deletes leave one event and the loser gets the plain "does not exist".
		const deleted = await deps.db
			.delete(sshKeyPairs)
			.where(eq(sshKeyPairs.id, row.id))
			.returning({ id: sshKeyPairs.id });
		if (deleted.length === 0) throw missing(name, owner.name);
		await eventInsert(deps.db, deps.clock.now(), caller, {
			type: "DELETE.SSH.KEYPAIR",
			description: `Successfully deleted SSH key pair ${name}`,
			resourceType: "SSHKeyPair",
			resourceId: row.id,
			resourceName: name,
			owner: { accountId: owner.id, domainId: owner.domainId },
		});
		return { type: "success" };
	},
});
