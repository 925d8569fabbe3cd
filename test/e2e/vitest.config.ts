/**
 * Real-infrastructure tests (plain Node): the namespace libvirt lab (test/e2e/lab.sh), a private
 * `wrangler dev` and the real relay agent. Needs root and `ip netns`; one file at a time.
 */
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
	test: {
		root: path.join(import.meta.dirname, "..", ".."),
		include: ["test/e2e/**/*.test.ts"],
		environment: "node",
		pool: "forks",
		fileParallelism: false,
		testTimeout: 120_000,
		hookTimeout: 300_000,
		teardownTimeout: 60_000,
	},
});
