import { eq } from "drizzle-orm";
import { invalidParam } from "../../api/errors";
import { JOB_FIELDS, serializeJob } from "../../api/serializers/job";
import { accountTarget, findAccount } from "../../db/repos/accounts";
import { asyncJobs } from "../../db/schema";
import { canSeeAccount } from "../../domain/access";
import { defineCommand } from "../define";
import { p } from "../param-spec";

export const queryAsyncJobResult = defineCommand({
	name: "queryAsyncJobResult",
	description: "Retrieves the current status of asynchronous job.",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: { jobid: p.uuid("the ID of the asynchronous job", { required: true }) },
	responseFields: JOB_FIELDS,
	async handle({ params, deps, caller }) {
		const job = await deps.db.select().from(asyncJobs).where(eq(asyncJobs.id, params.jobid)).get();
		const owner = job ? await findAccount(deps.db, job.accountId) : undefined;
		const visible =
			job &&
			(job.accountId === caller.accountId || (owner && canSeeAccount(caller, await accountTarget(deps.db, owner))));
		// Another tenant's job looks exactly like a job that does not exist.
		if (!job || !visible) throw invalidParam("jobid", params.jobid);
		return { type: "fields", value: serializeJob(job) };
	},
});
