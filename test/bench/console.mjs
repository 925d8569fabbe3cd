#!/usr/bin/env node
/**
 * `npm run bench:console`: the web console on this machine.
 *
 *  1. bundle — runs the production build (`vite build`, worker/console/dist/client, as
 *              `npm run build:console`) and prints the gzipped size of the initial load: index.html
 *              plus the scripts and stylesheets it references and the modules they import statically
 *              (test/bench/console-bundle.ts); lazy chunks are listed apart. Target ≤ 300 kB
 *              (1 kB = 1,000 bytes, as Vite prints).
 *  2. list   — BENCH_VMS instances (default 10,000, with NICs and ROOT volumes: test/e2e/vm-bench-list.ts)
 *              in the D1 of a fresh `wrangler dev` with no relay agent (one would stop the seeded
 *              Running VMs), the built console served by it. In headless Chromium, BENCH_RUNS times
 *              (default 15, after 2 warm-ups): load the console, log in, wait for the network to go
 *              quiet, then go to #/instances and time until the table's first row is visible (in the
 *              page: performance.now() to a visible `tbody tr`). Side by side, as the baseline, the
 *              same first page (listVirtualMachines listall=true page=1 pagesize=20) fetched from a
 *              second page of the same origin with its own session. Prints p50/p90 and the ratio;
 *              target ≤ 1 s.
 *
 * BENCH_PARTS=bundle,list picks the parts (default both; `list` serves whatever is in dist, so run
 * `bundle` first or `npm run build:console`). Runs on Node ≥ 22.18 (type stripping).
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { chromium } from "playwright-core";
import { REPO_ROOT } from "../clients/server.ts";
import { assertConsoleBuilt, CHROMIUM, CHROMIUM_ARGS, CONSOLE_DIST } from "../console/harness.ts";
import { seedFleet } from "../e2e/vm-bench-list.ts";
import { startHarness } from "../e2e/vm-harness.ts";
import { bundleReport } from "./console-bundle.ts";

function intEnv(name, fallback, min, max) {
	const raw = process.env[name];
	const value = raw === undefined || raw === "" ? fallback : Number(raw);
	if (!Number.isInteger(value) || value < min || value > max) {
		throw new Error(`${name} must be an integer from ${min} to ${max}, not ${JSON.stringify(raw)}`);
	}
	return value;
}

const PARTS = (process.env.BENCH_PARTS ?? "bundle,list").split(",").filter(Boolean);
const VMS = intEnv("BENCH_VMS", 10_000, 1000, 200_000);
const RUNS = intEnv("BENCH_RUNS", 15, 10, 500);
const WARMUPS = 2;
const BUNDLE_TARGET = 300_000;
const LIST_TARGET_MS = 1000;

const verdict = (ok) => (ok ? "met" : "NOT met");
const kB = (bytes) => (bytes / 1000).toFixed(1);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted, p) {
	if (sorted.length === 0) return Number.NaN;
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function runVite() {
	return new Promise((resolve, reject) => {
		const vite = path.join(REPO_ROOT, "node_modules", "vite", "bin", "vite.js");
		const child = spawn(
			process.execPath,
			[vite, "build", "--config", "worker/console/vite.config.ts", "--logLevel", "warn"],
			{ cwd: REPO_ROOT, stdio: ["ignore", "inherit", "inherit"] },
		);
		child.on("error", reject);
		child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`vite build failed (exit ${code})`))));
	});
}

async function partBundle() {
	console.log("\nbench: vite build …");
	const t0 = performance.now();
	await runVite();
	const seconds = (performance.now() - t0) / 1000;
	const r = await bundleReport(CONSOLE_DIST);
	console.log(`\n1. production bundle (vite build ${seconds.toFixed(1)} s, ${path.relative(REPO_ROOT, CONSOLE_DIST)})`);
	console.log("   initial load                                   raw kB   gzip kB");
	for (const f of r.initial) {
		console.log(`   ${f.file.padEnd(45)} ${kB(f.bytes).padStart(7)}   ${kB(f.gzip).padStart(7)}`);
	}
	console.log(
		`   ${"total".padEnd(45)} ${kB(r.initialBytes).padStart(7)}   ${kB(r.initialGzip).padStart(7)}   target ≤ ${kB(BUNDLE_TARGET)} kB gzipped: ${verdict(r.initialGzip <= BUNDLE_TARGET)}`,
	);
	console.log(`   lazy chunks (loaded with their page): ${r.lazy.length} files, ${kB(r.lazyGzip)} kB gzipped in all`);
	for (const f of r.lazy.slice(0, 12)) {
		console.log(`     ${f.file.padEnd(45)} ${kB(f.bytes).padStart(7)}   ${kB(f.gzip).padStart(7)}`);
	}
	if (r.lazy.length > 12) console.log(`     … and ${r.lazy.length - 12} smaller`);
}

/** Resolves once `page` has had no API request in flight for `quietMs`. */
async function networkQuiet(inFlight, quietMs = 400, maxMs = 15_000) {
	const deadline = Date.now() + maxMs;
	let quietSince = Date.now();
	while (Date.now() < deadline) {
		if (inFlight.size > 0) quietSince = Date.now();
		else if (Date.now() - quietSince >= quietMs) return;
		await sleep(25);
	}
}

/** In the page: sets the hash to #/instances and times until a table row is visible. */
function timeInstancesPage(page) {
	return page.evaluate(
		() =>
			new Promise((resolve, reject) => {
				const t0 = performance.now();
				const visibleRow = () => {
					for (const row of document.querySelectorAll("main table tbody tr")) {
						const box = row.getBoundingClientRect();
						if (box.height > 0 && box.width > 0) return true;
					}
					return false;
				};
				const timer = setTimeout(() => {
					observer.disconnect();
					reject(
						new Error(`no instance row after 30 s at ${location.hash}: ${document.body.textContent.slice(0, 300)}`),
					);
				}, 30_000);
				const observer = new MutationObserver(() => {
					if (!visibleRow()) return;
					const ms = performance.now() - t0;
					observer.disconnect();
					clearTimeout(timer);
					resolve(ms);
				});
				observer.observe(document.body, { childList: true, subtree: true, attributes: true });
				location.hash = "/instances";
			}),
	);
}

async function partList() {
	assertConsoleBuilt();
	console.log(`\nbench: a fresh wrangler dev, ${VMS} instances seeded into D1 …`);
	const h = await startHarness({ driver: "none", name: "bench-console" });
	let browser;
	try {
		const fleet = await seedFleet(h, VMS);
		console.log(`bench: seeded ${fleet.vms} VMs in ${fleet.seedSeconds.toFixed(1)} s; starting Chromium`);
		const consoleUrl = `${h.dev.origin}/client/`;
		browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });

		// The console, in its own context (cookie jar).
		const consoleContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
		const page = await consoleContext.newPage();
		const errors = [];
		page.on("pageerror", (error) => errors.push(error.message));
		const inFlight = new Set();
		/** What the page fetched while the instances page loaded (the last run's is printed). */
		let trace = [];
		let traceStart = 0;
		const traced = new Map();
		page.on("request", (request) => {
			const url = request.url();
			const body = request.postData() ?? "";
			const what = url.includes("/client/api")
				? body.replace(/&?(sessionkey|response)=[^&]*/g, "").replace(/^&/, "")
				: url.replace(consoleUrl, "");
			traced.set(request, { what, start: performance.now() - traceStart });
			if (url.includes("/client/api")) inFlight.add(request);
		});
		const done = (request) => {
			inFlight.delete(request);
			const entry = traced.get(request);
			if (entry) trace.push({ ...entry, ms: performance.now() - traceStart - entry.start });
			traced.delete(request);
		};
		page.on("requestfinished", done);
		page.on("requestfailed", done);

		// The baseline, in another context: the same API call with a session of its own.
		const baseContext = await browser.newContext();
		const basePage = await baseContext.newPage();
		await basePage.goto(`${h.dev.origin}/health`);
		const sessionKey = await basePage.evaluate(async (password) => {
			const body = new URLSearchParams({
				command: "login",
				username: "admin",
				password,
				domain: "/",
				response: "json",
			});
			const answer = await (await fetch("/client/api", { method: "POST", body })).json();
			return answer.loginresponse.sessionkey;
		}, h.dev.adminPassword);
		const baseline = () =>
			basePage.evaluate(async (key) => {
				const body = new URLSearchParams({
					command: "listVirtualMachines",
					listall: "true",
					page: "1",
					pagesize: "20",
					response: "json",
					sessionkey: key,
				});
				const t0 = performance.now();
				const answer = await (await fetch("/client/api", { method: "POST", body })).json();
				const ms = performance.now() - t0;
				const inner = answer.listvirtualmachinesresponse;
				if (!inner?.virtualmachine?.length) throw new Error(`baseline: ${JSON.stringify(answer).slice(0, 300)}`);
				return { ms, count: inner.count };
			}, sessionKey);

		const consoleTimes = [];
		const baseTimes = [];
		let count = 0;
		for (let run = 0; run < WARMUPS + RUNS; run++) {
			// A fresh load each run: the session lives in memory only, and an empty query cache means
			// the page really asks the API (a second visit would show cached rows at once).
			await page.goto(`${consoleUrl}?run=${run}#/dashboard`);
			await page.getByLabel("Username").fill("admin");
			await page.getByRole("textbox", { name: "Password" }).fill(h.dev.adminPassword);
			await page.getByRole("button", { name: "Log in" }).click();
			await page.getByRole("button", { name: "Log out" }).waitFor({ timeout: 30_000 });
			await networkQuiet(inFlight);
			trace = [];
			traceStart = performance.now();
			const ms = await timeInstancesPage(page);
			const base = await baseline();
			count = base.count;
			if (run < WARMUPS) continue;
			consoleTimes.push(ms);
			baseTimes.push(base.ms);
		}
		consoleTimes.sort((a, b) => a - b);
		baseTimes.sort((a, b) => a - b);
		const c50 = percentile(consoleTimes, 50);
		const c90 = percentile(consoleTimes, 90);
		const b50 = percentile(baseTimes, 50);
		const b90 = percentile(baseTimes, 90);
		console.log(
			`\n2. instances page, ${fleet.vms} VMs in D1 (listVirtualMachines count ${count}), headless Chromium, ${RUNS} runs after ${WARMUPS} warm-ups`,
		);
		console.log("   what                                                 p50 ms   p90 ms");
		console.log(
			`   console: #/instances → first row visible              ${c50.toFixed(0).padStart(6)}   ${c90.toFixed(0).padStart(6)}   target ≤ ${LIST_TARGET_MS} ms: ${verdict(c90 <= LIST_TARGET_MS)} (p90)`,
		);
		console.log(
			`   baseline: fetch listVirtualMachines page 1 (20 rows)   ${b50.toFixed(0).padStart(6)}   ${b90.toFixed(0).padStart(6)}`,
		);
		console.log(
			`   ratio console/baseline                               ${(c50 / b50).toFixed(2).padStart(6)}   ${(c90 / b90).toFixed(2).padStart(6)}`,
		);
		console.log("   what the page fetched in the last run (ms after the hash change: start + duration):");
		for (const t of trace.sort((a, b) => a.start - b.start)) {
			console.log(`     ${t.start.toFixed(0).padStart(5)} +${t.ms.toFixed(0).padStart(5)}  ${t.what.slice(0, 110)}`);
		}
		if (errors.length > 0) console.log(`   page errors: ${errors.join(" | ")}`);
	} finally {
		await browser?.close();
		await h.dispose();
	}
}

const started = performance.now();
try {
	if (PARTS.includes("bundle")) await partBundle();
	if (PARTS.includes("list")) await partList();
	console.log(`\n(total ${((performance.now() - started) / 1000).toFixed(1)} s)`);
} catch (error) {
	console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
	process.exitCode = 1;
}
