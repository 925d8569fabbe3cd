import { permissionDenied } from "../../api/errors";
import { requireUser } from "../../db/repos/accounts";
import { isRootAdmin } from "../../domain/access";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { USER_KEYS_FIELDS } from "./user-keys";

export const getUserKeys = defineCommand({
	name: "getUserKeys",
	description:
		"Returns a user's API key and secret key: only to the user itself or a root admin (a domain admin never reads another user's secret)",
	since: "4.10.0",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: { id: p.uuid("ID of the user whose keys are required", { required: true, related: "listUsers" }) },
	responseFields: USER_KEYS_FIELDS,
	related: ["registerUserKeys"],
	async handle({ params, deps, caller }) {
		const user = await requireUser(deps.db, params.id);
		if (user.id !== caller.userId && !isRootAdmin(caller)) {
			throw permissionDenied("Only the user itself or a root admin can read a user's keys");
		}
		if (!user.apiKey || !user.secretKeyEnc) {
			return { type: "object", name: "userkeys", value: { apikeyaccess: user.apiKeyAccess } };
		}
		const secretkey = await deps.secrets.open(user.secretKeyEnc);
		return {
			type: "object",
			name: "userkeys",
			value: { apikey: user.apiKey, secretkey, apikeyaccess: user.apiKeyAccess },
		};
	},
});
