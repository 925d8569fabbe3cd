import { USER_FIELDS } from "../../api/serializers/account";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { setUserState } from "./user-state";

export const disableUser = defineCommand({
	name: "disableUser",
	description: "Disables a user account",
	access: "authenticated",
	authorized: ["Admin", "DomainAdmin"],
	async: { className: "org.apache.cloudstack.api.command.admin.user.DisableUserCmd", instanceType: "User" },
	params: { id: p.uuid("Disables user by user ID.", { required: true, related: "listUsers" }) },
	responseFields: USER_FIELDS,
	async handle({ params, deps, caller }) {
		return { type: "object", name: "user", value: await setUserState(deps, caller, params.id, "disabled") };
	},
});
