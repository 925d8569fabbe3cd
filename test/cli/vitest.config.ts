/**
 * The `flarestack` CLI (cli/) in plain Node: unit tests of its signing, grammar and output, and
 * end-to-end runs of the real command against a private `wrangler dev` (test/clients/server.ts).
 * Files run one at a time so two workerd instances do not compete for the CPU.
 */
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
	test: {
		root: path.join(import.meta.dirname, "..", ".."),
		include: ["test/cli/**/*.test.ts"],
		environment: "node",
		pool: "forks",
		fileParallelism: false,
		testTimeout: 120_000,
		hookTimeout: 180_000,
		teardownTimeout: 30_000,
	},
});
