import { ACCOUNT_FIELDS } from "../../api/serializers/account";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { setAccountState } from "./account-state";
import { managedAccount, refuseProtected } from "./managed-account";

export const disableAccount = defineCommand({
	name: "disableAccount",
	description:
		"Disables an account: lock=true locks it, lock=false disables it; its users can no longer log in or sign requests",
	access: "authenticated",
	authorized: ["Admin", "DomainAdmin"],
	async: { className: "org.apache.cloudstack.api.command.admin.account.DisableAccountCmd", instanceType: "Account" },
	params: {
		id: p.uuid("Account id", { related: "listAccounts" }),
		account: p.string("Disables specified account."),
		domainid: p.uuid("Disables specified account in this domain.", { related: "listDomains" }),
		lock: p.boolean("If true, only lock the account; else disable the account", { required: true }),
	},
	responseFields: ACCOUNT_FIELDS,
	async handle({ params, deps, caller }) {
		const account = await managedAccount(deps.db, caller, params);
		refuseProtected(account, caller, "disabled");
		const value = await setAccountState(
			deps.db,
			deps.clock.now(),
			caller,
			account,
			params.lock ? "locked" : "disabled",
		);
		return { type: "object", name: "account", value };
	},
});
