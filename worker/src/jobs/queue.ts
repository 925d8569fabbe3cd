/** @module JobQueue over Durable Object RPC: each job goes to its zone's JobRunner (`idFromName(zoneId)`). */
import type { JobQueue, StoredJob } from "./types";

export function jobQueueFor(env: Env): JobQueue {
	return {
		async submit(job: StoredJob) {
			await env.JOB_RUNNER.get(env.JOB_RUNNER.idFromName(job.zoneId)).submit(job);
		},
	};
}
