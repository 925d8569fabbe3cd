/**
 * The relay agent (relay-agent/) in plain Node: its backoff, dispatcher, virsh parsers, simulator,
 * identity and config, and its connection against a local `ws` server. Tests that need virsh
 * (libvirt's test:///default driver) skip when it is not installed.
 */
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
	test: {
		root: path.join(import.meta.dirname, "..", ".."),
		include: ["test/relay-agent/**/*.test.ts"],
		environment: "node",
		pool: "forks",
		// One file at a time: end-to-end files beside these start their own wrangler dev.
		fileParallelism: false,
		testTimeout: 60_000,
		hookTimeout: 180_000,
		teardownTimeout: 30_000,
	},
});
