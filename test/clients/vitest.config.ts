/**
 * Tests that run in plain Node against a private `wrangler dev` (test/clients/server.ts): real
 * CloudStack clients over real HTTP. No Cloudflare plugin; each file starts its own server, and
 * files run one at a time so two workerd instances do not compete for the CPU.
 */
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
	test: {
		root: path.join(import.meta.dirname, "..", ".."),
		include: ["test/clients/**/*.test.ts"],
		environment: "node",
		pool: "forks",
		fileParallelism: false,
		testTimeout: 120_000,
		hookTimeout: 180_000,
		teardownTimeout: 30_000,
	},
});
