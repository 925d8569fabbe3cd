/**
 * @module The Deps every command handler and job gets, built from the Worker's bindings. The API
 * builds them per request (after the first-run bootstrap); the JobRunner builds them per job.
 */
import type { Deps } from "./commands/types";
import { createDb } from "./db/client";
import { invalidateSettings, loadSettings } from "./db/settings";
import { jobQueueFor } from "./jobs/queue";
import { systemClock } from "./lib/clock";
import { secretBoxFor } from "./lib/crypto";
import { signExtractToken } from "./relay/extract";
import { relayLinkFor } from "./relay/link-impl";

export async function depsFor(env: Env): Promise<Deps> {
	const db = createDb(env.DB);
	return {
		db,
		clock: systemClock,
		secrets: secretBoxFor(env.SECRET_KEK),
		settings: await loadSettings(db, systemClock.now()),
		invalidateSettings,
		relay: relayLinkFor(env),
		jobs: jobQueueFor(env),
		signExtractLink: (link, expiresAt) => signExtractToken(env, link, expiresAt),
	};
}
