import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const root = path.join(import.meta.dirname, "..");

export default defineConfig(async () => {
	const migrations = await readD1Migrations(path.join(root, "migrations"));
	return {
		plugins: [
			cloudflareTest({
				wrangler: { configPath: path.join(root, "wrangler.toml") },
				miniflare: {
					bindings: {
						TEST_MIGRATIONS: migrations,
						ADMIN_PASSWORD: "test-admin-password",
						// A fixed test key: 32 bytes of Base64.
						SECRET_KEK: "dGVzdC1rZXktZW5jcnlwdGlvbi1rZXktMzItYnl0ZXM=",
					},
				},
			}),
		],
		test: {
			root,
			include: ["test/unit/**/*.test.ts", "test/worker/**/*.test.ts", "test/conformance/**/*.test.ts"],
			setupFiles: [path.join(root, "test/helpers/apply-migrations.ts")],
		},
	};
});
