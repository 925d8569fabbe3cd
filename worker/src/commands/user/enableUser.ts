import { USER_FIELDS } from "../../api/serializers/account";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { setUserState } from "./user-state";

export const enableUser = defineCommand({
	name: "enableUser",
	description: "Enables a user account",
	access: "authenticated",
	authorized: ["Admin", "DomainAdmin"],
	params: { id: p.uuid("Enables user by user ID.", { required: true, related: "listUsers" }) },
	responseFields: USER_FIELDS,
	async handle({ params, deps, caller }) {
		return { type: "object", name: "user", value: await setUserState(deps, caller, params.id, "enabled") };
	},
});
