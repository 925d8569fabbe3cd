/** @module The event log: every state change writes one row (CloudStack's ActionEvent). */
import type { Caller } from "../domain/access";
import { newUuid } from "../lib/ids";
import type { Db } from "./client";
import { events } from "./schema";

export interface EventInput {
	type: string;
	description: string;
	level?: "INFO" | "WARN" | "ERROR";
	state?: "Created" | "Scheduled" | "Started" | "Completed";
	resourceType?: string;
	resourceId?: string;
	resourceName?: string;
	/** Owner of the event when it is not the caller (e.g. a failed login). */
	owner?: { userId?: string; username?: string; accountId: string; domainId: string };
}

/**
 * Whether this isolate built an event insert since the last publish: read-only requests (most of
 * them) then skip the webhook publisher's query. A missed hint only delays an event to the cron.
 */
let eventsPending = false;

/** True once after events were written in this isolate; resets the hint. */
export function takeEventsPending(): boolean {
	const pending = eventsPending;
	eventsPending = false;
	return pending;
}

/** An insert to put in the same `db.batch` as the change it records. */
export function eventInsert(db: Db, now: number, caller: Caller | null, input: EventInput) {
	eventsPending = true;
	const owner = input.owner ?? caller;
	return db.insert(events).values({
		id: newUuid(),
		type: input.type,
		state: input.state ?? "Completed",
		level: input.level ?? "INFO",
		description: input.description,
		userId: caller?.userId ?? input.owner?.userId ?? null,
		username: caller?.username ?? input.owner?.username ?? null,
		accountId: owner?.accountId ?? null,
		domainId: owner?.domainId ?? null,
		resourceType: input.resourceType ?? null,
		resourceId: input.resourceId ?? null,
		resourceName: input.resourceName ?? null,
		created: now,
	});
}
