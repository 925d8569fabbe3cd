/** @module The Worker's entry points: HTTP (the Hono app), the webhook delivery queue, and the every-minute cron. */
import { app } from "./app";
import { pruneEvents } from "./db/retention";
import { checkStorageCapacity } from "./db/storage-alerts";
import { depsFor } from "./deps";
import { logError } from "./lib/log";
import { sweepDestroyedVms } from "./vms/expunge";

export { JobRunner } from "./jobs/runner";
export { ZoneRelay } from "./relay/zone-relay";

import { consumeDeliveries } from "./webhooks/consumer";
import { type DeliveryMessage, engineDeps } from "./webhooks/engine";
import { publishEvents, resendStale } from "./webhooks/publisher";

/** One cron task; a failure is logged and never stops the others. */
async function task(name: string, run: () => Promise<unknown>): Promise<void> {
	await run().catch((error) => logError("scheduled", `${name} failed`, error));
}

export default {
	fetch: app.fetch,
	async queue(batch, env) {
		await consumeDeliveries(batch, await engineDeps(env));
	},
	async scheduled(_controller, env, ctx) {
		ctx.waitUntil(
			(async () => {
				const deps = await engineDeps(env);
				const now = deps.now();
				await task("webhook publishing sweep", async () => {
					await publishEvents(deps);
					await resendStale(deps);
				});
				await task("storage capacity check", () => checkStorageCapacity(deps.db, now, deps.settings));
				await task("event and alert retention", () => pruneEvents(deps.db, now, deps.settings));
				await task("expunge of destroyed VMs past expunge.delay", async () => sweepDestroyedVms(await depsFor(env)));
			})().catch((error) => logError("scheduled", "cron set-up failed", error)),
		);
	},
} satisfies ExportedHandler<Env, DeliveryMessage>;
