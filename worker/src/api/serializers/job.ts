/** @module async job → queryAsyncJobResult / listAsyncJobs fields. */
import type { asyncJobs } from "../../db/schema";
import { compact, csDate } from "./format";

export const JOB_FIELDS = {
	accountid: ["string", "the account id that executed the async command"],
	userid: ["string", "the user that executed the async command"],
	cmd: ["string", "the async command executed"],
	jobstatus: ["integer", "the current job status-should be 0 for PENDING"],
	jobprocstatus: ["integer", "the progress information of the PENDING job"],
	jobresultcode: ["integer", "the result code for the job"],
	jobresulttype: ["string", "the result type"],
	jobresult: ["object", "the result reason"],
	jobinstancetype: ["string", "the instance/entity object related to the job"],
	jobinstanceid: ["string", "the unique ID of the instance/entity object related to the job"],
	created: ["date", "the created date of the job"],
	completed: ["date", "the completed date of the job"],
	jobid: ["string", "the ID of the async job"],
} as const;

export function serializeJob(job: typeof asyncJobs.$inferSelect): Record<string, unknown> {
	const finished = job.status !== 0;
	return compact({
		accountid: job.accountId,
		userid: job.userId,
		cmd: job.cmd,
		jobstatus: job.status,
		jobprocstatus: 0,
		jobresultcode: job.resultCode,
		jobresulttype: finished ? "object" : undefined,
		jobresult: finished && job.result ? JSON.parse(job.result) : undefined,
		jobinstancetype: job.instanceType,
		jobinstanceid: job.instanceId,
		created: csDate(job.created),
		completed: job.completed ? csDate(job.completed) : undefined,
		jobid: job.id,
	} satisfies Record<keyof typeof JOB_FIELDS, unknown>);
}
