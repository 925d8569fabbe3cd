import { ACCOUNT_FIELDS } from "../../api/serializers/account";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { setAccountState } from "./account-state";
import { managedAccount } from "./managed-account";

export const enableAccount = defineCommand({
	name: "enableAccount",
	description: "Enables an account",
	access: "authenticated",
	authorized: ["Admin", "DomainAdmin"],
	params: {
		id: p.uuid("Account id", { related: "listAccounts" }),
		account: p.string("Enables specified account."),
		domainid: p.uuid("Enables specified account in this domain.", { related: "listDomains" }),
	},
	responseFields: ACCOUNT_FIELDS,
	async handle({ params, deps, caller }) {
		const account = await managedAccount(deps.db, caller, params);
		const value = await setAccountState(deps.db, deps.clock.now(), caller, account, "enabled");
		return { type: "object", name: "account", value };
	},
});
