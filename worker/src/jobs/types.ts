/**
 * @module What an async job is. A command that needs the site (instances, volumes, snapshots)
 * validates its input in the request, then `startJob` (jobs/start.ts) records a pending job and
 * hands it to its zone's JobRunner Durable Object, which runs the job kind's `run` in the
 * background, in order with the other jobs on the same resource, and always finishes the job
 * row: with `run`'s result, with its CsError, or with a timeout failure at the deadline.
 */
import type { CsError } from "../api/errors";
import type { CommandResult, Deps } from "../commands/types";
import type { Settings } from "../domain/settings";

/** Who started the job: its row's user, account and domain, and the events' actor. */
export interface JobOwner {
	userId: string;
	accountId: string;
	domainId: string;
}

export interface JobContext {
	deps: Deps;
	jobId: string;
	owner: JobOwner;
	zoneId: string;
	/** Epoch ms after which the runner fails the job; long steps pass `remainingMs()` as their timeout. */
	deadline: number;
	remainingMs(): number;
}

/**
 * One kind of job. `run` must be safe to run again from the start on the same payload: after a
 * Worker restart the runner re-runs jobs it finds unfinished (every agent command is idempotent by
 * what it makes, and state changes are compare-and-set). `rollback` releases what a failed or timed
 * out run left half-made (addresses, capacity, volumes, domains); it runs once, after the failure.
 */
export interface JobKind<P = unknown> {
	/** How long the job may take in all; defaults to the `job.timeout` setting. */
	timeoutMs?(settings: Settings, payload: P): number;
	run(ctx: JobContext, payload: P): Promise<CommandResult>;
	rollback?(ctx: JobContext, payload: P, failure: CsError): Promise<void>;
}

/** What startJob records and the runner keeps. */
export interface JobRequest {
	/** A key of JOB_KINDS (jobs/registry.ts). */
	kind: string;
	zoneId: string;
	/** Jobs with the same key run one after another, in the order they were started (e.g. `vm:<id>`). */
	resource: string;
	/** CloudStack's Java class name, shown as `cmd`. */
	cmd: string;
	/** jobinstancetype / jobinstanceid. */
	instanceType: string;
	instanceId?: string | undefined;
	/** JSON-serializable input of the kind's `run`. */
	payload: unknown;
}

/** A job as the runner keeps it in its storage until the D1 row is finished. */
export interface StoredJob extends JobRequest {
	id: string;
	owner: JobOwner;
	created: number;
	deadline: number;
}

/** How Worker code reaches a zone's JobRunner (jobs/queue.ts binds it to the DO). */
export interface JobQueue {
	/** Keeps the job and starts it (or queues it behind its resource's earlier jobs). */
	submit(job: StoredJob): Promise<void>;
}
