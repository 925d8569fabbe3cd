/**
 * The console's production build: `npm run build:console` writes dist/ (client/index.html,
 * client/assets/*, and _headers from public/), which the Worker serves as static assets at
 * /client/ (wrangler.toml [assets]); the app itself only talks to /client/api.
 * `npm run dev:console` serves it on :5173 (/client/) and proxies /client/api to `npm start`.
 */
import path from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
	root: import.meta.dirname,
	// The page is client/index.html under this root, so it lands at dist/client/ and its hashed
	// files under dist/client/assets/; dist/ itself also holds _headers.
	base: "/",
	plugins: [react()],
	build: {
		outDir: path.join(import.meta.dirname, "dist"),
		assetsDir: "client/assets",
		emptyOutDir: true,
		rollupOptions: { input: path.join(import.meta.dirname, "client", "index.html") },
		// The bundle budget is checked by test/bench/console, not by a warning here.
		chunkSizeWarningLimit: 2048,
	},
	// CONSOLE_API: the Worker the dev server proxies the API to (default `npm start`).
	server: { proxy: { "/client/api": process.env.CONSOLE_API ?? "http://127.0.0.1:8080" } },
});
