import { and, asc, count, eq, type SQL, sql } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import { SSH_KEYPAIR_FIELDS, serializeSshKeyPair } from "../../api/serializers/ssh-keypair";
import { scopeCondition } from "../../db/repos/scope";
import { accounts, domains, sshKeyPairs } from "../../db/schema";
import { defineCommand } from "../define";
import { domainScopeParams, pageWindow, pagingParams } from "../list-params";
import { p } from "../param-spec";
import { SSH_KEYPAIR_RELATED } from "./keypair-rules";

export const listSSHKeyPairs = defineCommand({
	name: "listSSHKeyPairs",
	description: "List registered keypairs",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		id: p.uuid("the ID of the ssh keypair", { related: "listSSHKeyPairs" }),
		name: p.string("A key pair name to look for"),
		fingerprint: p.string("A public key fingerprint to look for"),
		projectid: p.uuid("not supported: flarestack has no projects"),
		...domainScopeParams,
		...pagingParams,
	},
	responseName: "listsshkeypairsresponse",
	responseFields: SSH_KEYPAIR_FIELDS,
	related: SSH_KEYPAIR_RELATED,
	async handle({ params, deps, caller }) {
		if (params.projectid !== undefined) {
			throw new CsError(ERROR.paramError, "Projects are not supported by flarestack: leave out projectid");
		}
		const { limit, offset } = pageWindow(params, deps.settings);
		const filters: (SQL | undefined)[] = [
			// BaseListProjectAndAccountResourcesCmd: without listall (or an id) an admin sees its own pairs.
			await scopeCondition(
				deps.db,
				caller,
				params,
				{ accountId: sshKeyPairs.accountId, domainId: sshKeyPairs.domainId },
				{ ownByDefault: params.id === undefined },
			),
		];
		if (params.id) filters.push(eq(sshKeyPairs.id, params.id));
		if (params.name) filters.push(eq(sshKeyPairs.name, params.name));
		if (params.fingerprint) filters.push(eq(sshKeyPairs.fingerprint, params.fingerprint.trim().toLowerCase()));
		// A case-insensitive substring of the name; instr keeps `%` and `_` literal (LIKE would not).
		if (params.keyword) filters.push(sql`instr(lower(${sshKeyPairs.name}), lower(${params.keyword})) > 0`);
		const where = and(...filters);
		const [rows, [total]] = await Promise.all([
			deps.db
				.select({ pair: sshKeyPairs, account: accounts.name, domain: domains.name, domainPath: domains.path })
				.from(sshKeyPairs)
				.leftJoin(accounts, eq(accounts.id, sshKeyPairs.accountId))
				.leftJoin(domains, eq(domains.id, sshKeyPairs.domainId))
				.where(where)
				.orderBy(asc(sshKeyPairs.name), asc(sshKeyPairs.id))
				.limit(limit)
				.offset(offset),
			deps.db.select({ n: count() }).from(sshKeyPairs).where(where),
		]);
		const items = rows.map(({ pair, account, domain, domainPath }) =>
			serializeSshKeyPair(pair, { account, domain, domainPath }),
		);
		return { type: "list", name: "sshkeypair", items, count: total?.n ?? 0 };
	},
});
