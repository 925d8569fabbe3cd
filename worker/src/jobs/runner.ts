/**
 * @module The JobRunner Durable Object: one per zone (named by the zone id), it runs the zone's
 * async jobs in the background. A job is kept in the DO's storage from `submit` until its D1 row is
 * finished, so a job survives the request that started it and a restart of the DO: the alarm finds
 * jobs nobody runs and runs them again from the start (job kinds are re-runnable), or fails them
 * once their deadline passed. Jobs on the same resource run one after another, in order.
 */
import { DurableObject } from "cloudflare:workers";
import { resultBody } from "../api/envelope";
import { CsError, ERROR } from "../api/errors";
import { takeEventsPending } from "../db/events";
import { depsFor } from "../deps";
import { logError } from "../lib/log";
import { engineDeps } from "../webhooks/engine";
import { publishAfterRequest } from "../webhooks/publisher";
import { finishJob, isJobPending } from "./finish";
import { JOB_KINDS } from "./registry";
import type { JobContext, StoredJob } from "./types";

const JOB = "job:";
/** How often the alarm looks at kept jobs while there are any. */
const SWEEP_EVERY_MS = 30_000;

export class JobRunner extends DurableObject<Env> {
	/** Jobs this instance is running or has queued (lost with the instance; the alarm re-drives). */
	private readonly running = new Set<string>();
	/** The last queued job per resource: the next one starts when it settles. */
	private readonly tails = new Map<string, Promise<void>>();

	/** Keeps the job and starts it behind the earlier jobs on its resource. */
	async submit(job: StoredJob): Promise<void> {
		await this.ctx.storage.put(JOB + job.id, job);
		await this.scheduleAlarm();
		this.drive(job);
	}

	override async alarm(): Promise<void> {
		const kept = [...(await this.ctx.storage.list<StoredJob>({ prefix: JOB })).values()];
		kept.sort((a, b) => a.created - b.created);
		// Jobs kept but not running here were cut off by a restart: run them again (or fail them).
		for (const job of kept) this.drive(job);
		await this.scheduleAlarm();
	}

	private async scheduleAlarm(): Promise<void> {
		const kept = await this.ctx.storage.list<StoredJob>({ prefix: JOB });
		if (kept.size === 0) return;
		const now = Date.now();
		let next = now + SWEEP_EVERY_MS;
		for (const job of kept.values()) next = Math.min(next, Math.max(job.deadline + 1, now + 1));
		const current = await this.ctx.storage.getAlarm();
		if (current === null || current > next || current < now) await this.ctx.storage.setAlarm(next);
	}

	private drive(job: StoredJob): void {
		if (this.running.has(job.id)) return;
		this.running.add(job.id);
		const previous = this.tails.get(job.resource) ?? Promise.resolve();
		const done = previous
			.then(() => this.execute(job))
			.catch((error) => logError(`jobs:${job.zoneId}`, `job ${job.id} (${job.kind}) failed to run`, error))
			.finally(() => this.running.delete(job.id));
		this.tails.set(job.resource, done);
		void done.finally(() => {
			if (this.tails.get(job.resource) === done) this.tails.delete(job.resource);
		});
	}

	/**
	 * Runs the job's kind and finishes its row. At the deadline the row is failed (and the kind's
	 * rollback runs) even while `run` still works: the next job on the resource still waits for
	 * `run` to settle, so two jobs never act on one resource at once.
	 */
	private async execute(job: StoredJob): Promise<void> {
		const deps = await depsFor(this.env);
		const forget = () => this.ctx.storage.delete(JOB + job.id);
		if (!(await isJobPending(deps.db, job.id))) return void (await forget());
		const kind = JOB_KINDS.get(job.kind);
		const ctx: JobContext = {
			deps,
			jobId: job.id,
			owner: job.owner,
			zoneId: job.zoneId,
			deadline: job.deadline,
			remainingMs: () => Math.max(1, job.deadline - Date.now()),
		};
		let settled = false;
		const fail = async (failure: CsError) => {
			if (settled) return;
			settled = true;
			try {
				await kind?.rollback?.(ctx, job.payload, failure);
			} catch (error) {
				logError(`jobs:${job.zoneId}`, `rolling back job ${job.id} (${job.kind}) failed`, error);
			}
			await finishJob(deps.db, job.id, Date.now(), {
				status: 2,
				resultCode: failure.code,
				result: { errorcode: failure.code, errortext: failure.message },
			});
		};
		const timer = setTimeout(
			() => void fail(timedOut(job)).catch((error) => logError(`jobs:${job.zoneId}`, "failing a late job", error)),
			Math.max(0, job.deadline - Date.now()),
		);
		try {
			if (!kind) throw new Error(`unknown job kind ${job.kind}`);
			if (Date.now() >= job.deadline) throw timedOut(job);
			const result = await kind.run(ctx, job.payload);
			if (!settled) {
				settled = true;
				await finishJob(deps.db, job.id, Date.now(), { status: 1, resultCode: 0, result: resultBody(result) });
			}
		} catch (thrown) {
			await fail(asCsError(job, thrown));
		} finally {
			clearTimeout(timer);
			await forget();
			this.publishEvents();
		}
	}

	/** Events the job wrote go to webhooks at once, as after an API request (the cron is the net). */
	private publishEvents(): void {
		if (!takeEventsPending()) return;
		this.ctx.waitUntil(
			engineDeps(this.env)
				.then(publishAfterRequest)
				.catch((error) => logError("jobs", "publishing job events to webhooks failed", error)),
		);
	}
}

function timedOut(job: StoredJob): CsError {
	const seconds = Math.round((job.deadline - job.created) / 1000);
	return new CsError(
		ERROR.internal,
		`The job did not finish within ${seconds} s (job.timeout); what it had started was released`,
	);
}

function asCsError(job: StoredJob, thrown: unknown): CsError {
	if (thrown instanceof CsError) return thrown;
	logError(`jobs:${job.zoneId}`, `job ${job.id} (${job.kind}) threw`, thrown);
	return new CsError(ERROR.internal, `Internal error while running the job; it was logged as job ${job.id}`);
}
