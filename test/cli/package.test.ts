/**
 * The CLI as an npm package: its `flarestack` bin, and the compiled dist/ (what `npm pack` ships,
 * built by `prepack`) running without the TypeScript sources.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../clients/server.ts";

const CLI = path.join(REPO_ROOT, "cli");
const LOCAL_NODE = path.join(REPO_ROOT, "node_modules", ".bin", "node");
const NODE = existsSync(LOCAL_NODE) ? LOCAL_NODE : process.execPath;
const TSC = path.join(REPO_ROOT, "node_modules", ".bin", "tsc");

let dir = "";
afterAll(async () => {
	if (dir) await rm(dir, { recursive: true, force: true });
});

describe("the npm package", () => {
	it("declares the flarestack bin and ships bin/ and dist/", async () => {
		const pkg = JSON.parse(await readFile(path.join(CLI, "package.json"), "utf8"));
		expect(pkg.bin).toEqual({ flarestack: "bin/flarestack.js" });
		expect(pkg.files).toEqual(["bin", "dist"]);
		expect(pkg.scripts.prepack).toContain("tsconfig.build.json");
		for (const version of Object.values({ ...pkg.dependencies, ...pkg.devDependencies })) {
			expect(version, "dependencies are pinned").toMatch(/^\d+\.\d+\.\d+$/);
		}
		expect((await readFile(path.join(CLI, "bin", "flarestack.js"), "utf8")).startsWith("#!/usr/bin/env node\n")).toBe(
			true,
		);
	});

	it("compiles to dist/ and runs from it", async () => {
		dir = await mkdtemp(path.join(tmpdir(), "flarestack-pkg-"));
		const build = spawnSync(
			NODE,
			[TSC, "-p", path.join(CLI, "tsconfig.build.json"), "--outDir", path.join(dir, "dist")],
			{
				encoding: "utf8",
			},
		);
		expect(build.stdout + build.stderr).toBe("");
		expect(build.status).toBe(0);
		// The packed layout: package.json, bin/, dist/ and no src/; dependencies from the repository.
		await copyFile(path.join(CLI, "package.json"), path.join(dir, "package.json"));
		await mkdir(path.join(dir, "bin"));
		await copyFile(path.join(CLI, "bin", "flarestack.js"), path.join(dir, "bin", "flarestack.js"));
		await symlink(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"));
		const env = { ...process.env, FLARESTACK_CONFIG: path.join(dir, "config.json") };
		const run = (args: string[]) =>
			spawnSync(NODE, [path.join(dir, "bin", "flarestack.js"), ...args], { encoding: "utf8", env });
		const pkg = JSON.parse(await readFile(path.join(CLI, "package.json"), "utf8"));
		expect(run(["--version"]).stdout.trim()).toBe(pkg.version);
		expect(run(["completion", "bash"]).stdout).toContain("complete -F _flarestack flarestack");
		const noProfile = run(["list", "zones"]);
		expect(noProfile.status).toBe(2);
		expect(noProfile.stderr).toContain("no profile configured");
	});
});
