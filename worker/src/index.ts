/** @module The Worker's entry points: HTTP (the Hono app), the webhook delivery queue, and the every-minute cron. */
import { app } from "./app";
import { logError } from "./lib/log";
import { consumeDeliveries } from "./webhooks/consumer";
import { type DeliveryMessage, engineDeps } from "./webhooks/engine";
import { publishEvents, resendStale } from "./webhooks/publisher";

export default {
	fetch: app.fetch,
	async queue(batch, env) {
		await consumeDeliveries(batch, await engineDeps(env));
	},
	async scheduled(_controller, env, ctx) {
		ctx.waitUntil(
			(async () => {
				const deps = await engineDeps(env);
				await publishEvents(deps);
				await resendStale(deps);
			})().catch((error) => logError("scheduled", "webhook publishing sweep failed", error)),
		);
	},
} satisfies ExportedHandler<Env, DeliveryMessage>;
