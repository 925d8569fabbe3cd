/**
 * @module Starting a background job from a command handler: one pending async_jobs row, then the
 * zone's JobRunner takes it. If the runner cannot be reached the row is failed at once (530), so a
 * job id handed to a client always ends.
 */
import { ERROR } from "../api/errors";
import type { Deps } from "../commands/types";
import { asyncJobs } from "../db/schema";
import type { Caller } from "../domain/access";
import { newUuid } from "../lib/ids";
import { logError } from "../lib/log";
import { finishJob } from "./finish";
import { JOB_KINDS } from "./registry";
import type { JobRequest, StoredJob } from "./types";

/** Seconds → ms of the `job.timeout` setting, the default bound of every job. */
export function defaultJobTimeoutMs(deps: Pick<Deps, "settings">): number {
	return Math.max(deps.settings.int("job.timeout"), 10) * 1000;
}

/**
 * Records the job as pending and hands it to its zone's runner; returns the job id. `caller` is
 * whoever the job runs for: the API caller, or a resource's owner for jobs the system starts
 * (the expunge sweep, HA restarts).
 */
export async function startJob(
	deps: Deps,
	caller: Pick<Caller, "userId" | "accountId" | "domainId">,
	request: JobRequest,
): Promise<string> {
	const kind = JOB_KINDS.get(request.kind);
	if (!kind) throw new Error(`unknown job kind ${request.kind}`);
	const id = newUuid();
	const created = deps.clock.now();
	const timeoutMs = kind.timeoutMs?.(deps.settings, request.payload) ?? defaultJobTimeoutMs(deps);
	const job: StoredJob = {
		...request,
		id,
		owner: { userId: caller.userId, accountId: caller.accountId, domainId: caller.domainId },
		created,
		deadline: created + timeoutMs,
	};
	await deps.db.insert(asyncJobs).values({
		id,
		cmd: request.cmd,
		userId: caller.userId,
		accountId: caller.accountId,
		domainId: caller.domainId,
		status: 0,
		instanceType: request.instanceType,
		instanceId: request.instanceId ?? null,
		zoneId: request.zoneId,
		created,
	});
	try {
		await deps.jobs.submit(job);
	} catch (error) {
		logError(`jobs:${request.zoneId}`, `handing job ${id} (${request.kind}) to its runner failed`, error);
		await finishJob(deps.db, id, deps.clock.now(), {
			status: 2,
			resultCode: ERROR.internal,
			result: { errorcode: ERROR.internal, errortext: "The job could not be started; try again" },
		});
	}
	return id;
}
