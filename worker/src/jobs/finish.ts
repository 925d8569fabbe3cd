/** @module Finishing a pending async_jobs row: once, by compare-and-set on `status = 0`. */
import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { asyncJobs } from "../db/schema";

export interface JobEnd {
	status: 1 | 2;
	resultCode: number;
	result: Record<string, unknown>;
}

/** True when the row was still pending and is now finished; false when it had already ended. */
export async function finishJob(db: Db, jobId: string, now: number, end: JobEnd): Promise<boolean> {
	const updated = await db
		.update(asyncJobs)
		.set({ status: end.status, resultCode: end.resultCode, result: JSON.stringify(end.result), completed: now })
		.where(and(eq(asyncJobs.id, jobId), eq(asyncJobs.status, 0)))
		.returning({ id: asyncJobs.id });
	return updated.length > 0;
}

export async function isJobPending(db: Db, jobId: string): Promise<boolean> {
	const row = await db.select({ status: asyncJobs.status }).from(asyncJobs).where(eq(asyncJobs.id, jobId)).get();
	return row?.status === 0;
}
