/** @module Async job rows: what queryAsyncJobResult and listAsyncJobs read. */
import type { Caller } from "../../domain/access";
import { newUuid } from "../../lib/ids";
import type { Db } from "../client";
import { asyncJobs } from "../schema";

export interface FinishedJob {
	cmd: string;
	instanceType: string;
	instanceId?: string | undefined;
	status: 1 | 2;
	resultCode: number;
	result: Record<string, unknown>;
}

/**
 * Records a job whose work already ran in this request. Commands whose work needs the site
 * (VMs, volumes) will insert pending jobs and finish them from the relay instead.
 */
export async function recordFinishedJob(db: Db, caller: Caller, now: number, job: FinishedJob): Promise<string> {
	const id = newUuid();
	await db.insert(asyncJobs).values({
		id,
		cmd: job.cmd,
		userId: caller.userId,
		accountId: caller.accountId,
		domainId: caller.domainId,
		status: job.status,
		resultCode: job.resultCode,
		result: JSON.stringify(job.result),
		instanceType: job.instanceType,
		instanceId: job.instanceId ?? null,
		created: now,
		completed: now,
	});
	return id;
}
