/** @module Failed-login counting per source address (guessing across many user names). */
import { eq, sql } from "drizzle-orm";
import type { Settings } from "../../domain/settings";
import type { Db } from "../client";
import { loginFailures } from "../schema";

/** True when the source has used up its failed logins for the current window. */
export async function sourceIsThrottled(db: Db, source: string, now: number, settings: Settings): Promise<boolean> {
	const [row] = await db.select().from(loginFailures).where(eq(loginFailures.source, source)).limit(1);
	if (!row) return false;
	const windowMs = settings.int("login.source.window.seconds") * 1000;
	return now - row.windowStart < windowMs && row.count >= settings.int("login.source.attempts.allowed");
}

/** An upsert that counts one failure, starting a new window when the old one has passed. */
export function countSourceFailure(db: Db, source: string, now: number, settings: Settings) {
	const windowMs = settings.int("login.source.window.seconds") * 1000;
	return db
		.insert(loginFailures)
		.values({ source, count: 1, windowStart: now })
		.onConflictDoUpdate({
			target: loginFailures.source,
			set: {
				count: sql`CASE WHEN ${now} - ${loginFailures.windowStart} >= ${windowMs} THEN 1 ELSE ${loginFailures.count} + 1 END`,
				windowStart: sql`CASE WHEN ${now} - ${loginFailures.windowStart} >= ${windowMs} THEN ${now} ELSE ${loginFailures.windowStart} END`,
			},
		});
}
