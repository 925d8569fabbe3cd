import { and, count, desc, gte, like, type SQL } from "drizzle-orm";
import { JOB_FIELDS, serializeJob } from "../../api/serializers/job";
import { scopeCondition } from "../../db/repos/scope";
import { asyncJobs } from "../../db/schema";
import { defineCommand } from "../define";
import { domainScopeParams, pageWindow, pagingParams } from "../list-params";
import { p } from "../param-spec";

export const listAsyncJobs = defineCommand({
	name: "listAsyncJobs",
	description: "Lists all pending asynchronous jobs for the account.",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		startdate: p.date("The start date of the async job (use format \"yyyy-MM-dd'T'HH:mm:ss'+'SSSS\")"),
		...domainScopeParams,
		...pagingParams,
	},
	responseFields: JOB_FIELDS,
	async handle({ params, deps, caller }) {
		const { limit, offset } = pageWindow(params, deps.settings);
		const filters: (SQL | undefined)[] = [
			await scopeCondition(
				deps.db,
				caller,
				params,
				{ accountId: asyncJobs.accountId, domainId: asyncJobs.domainId },
				{ ownByDefault: true },
			),
		];
		if (params.startdate !== undefined) filters.push(gte(asyncJobs.created, params.startdate));
		if (params.keyword) filters.push(like(asyncJobs.cmd, `%${params.keyword}%`));
		const where = and(...filters);
		const [rows, [total]] = await Promise.all([
			deps.db.select().from(asyncJobs).where(where).orderBy(desc(asyncJobs.created)).limit(limit).offset(offset),
			deps.db.select({ n: count() }).from(asyncJobs).where(where),
		]);
		return { type: "list", name: "asyncjobs", items: rows.map(serializeJob), count: total?.n ?? 0 };
	},
});
