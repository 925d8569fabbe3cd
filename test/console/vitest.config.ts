/**
 * The web console's browser test (plain Node): a private `wrangler dev` serving the built console
 * (worker/console/dist/client, `npm run build:console`), a local relay agent on the simulator and
 * headless Chromium (Debian's /usr/bin/chromium through playwright-core). One ordered flow in one
 * file, so one fork and no parallelism; the timeouts are long because every step waits for a real
 * Worker, agent and browser on a 2-core machine.
 */
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
	test: {
		root: path.join(import.meta.dirname, "..", ".."),
		include: ["test/console/**/*.test.ts"],
		environment: "node",
		pool: "forks",
		fileParallelism: false,
		sequence: { concurrent: false },
		testTimeout: 180_000,
		hookTimeout: 240_000,
		teardownTimeout: 60_000,
	},
});
