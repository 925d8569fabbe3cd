import { and, eq, isNull } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import { USER_FIELDS } from "../../api/serializers/account";
import { userView } from "../../db/repos/account-views";
import { accountTarget, findAccount } from "../../db/repos/accounts";
import { users } from "../../db/schema";
import { canSeeAccount } from "../../domain/access";
import { defineCommand } from "../define";
import { p } from "../param-spec";

export const getUser = defineCommand({
	name: "getUser",
	description: "Find user account by API key",
	access: "authenticated",
	authorized: ["Admin"],
	params: { userapikey: p.string("API key of the user", { required: true }) },
	responseFields: USER_FIELDS,
	related: ["listUsers"],
	async handle({ params, deps, caller }) {
		const [user] = await deps.db
			.select()
			.from(users)
			.where(and(eq(users.apiKey, params.userapikey), isNull(users.removed)))
			.limit(1);
		const account = user ? await findAccount(deps.db, user.accountId) : undefined;
		if (!user || !account || !canSeeAccount(caller, await accountTarget(deps.db, account))) {
			throw new CsError(ERROR.paramError, "Unable to find user by the given API key");
		}
		return { type: "object", name: "user", value: await userView(deps.db, user.id) };
	},
});
