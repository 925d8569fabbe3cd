#!/usr/bin/env node
/**
 * `npm run bench:api`: throughput and latency of `listAccounts page=1 pagesize=20` with 10,000
 * accounts, signed (apiKey + HMAC-SHA1) versus session (cookies + sessionkey).
 *
 * By default it starts a private `wrangler dev` (temporary state, random port on 127.0.0.1),
 * seeds 10,000 accounts (one user each) straight into its local D1 with `wrangler d1 execute`,
 * and measures the two modes in alternating rounds (A B B A …) so drift hits both alike.
 *
 * Environment:
 *   BENCH_SECONDS      measured seconds per mode (default 10, at most 60)
 *   BENCH_CONCURRENCY  requests in flight (default 16)
 *   BENCH_ACCOUNTS     accounts to seed (default 10000)
 *   BENCH_URL          benchmark an already running server instead, e.g. the one from
 *                      `npm start` (http://127.0.0.1:8080); nothing is seeded there. Log in with
 *                      BENCH_USER (default admin) and BENCH_PASSWORD (default: ADMIN_PASSWORD from
 *                      .dev.vars, else "password"). Note: this regenerates that user's API keys.
 *
 * Runs on Node ≥ 22.18 (type stripping: it imports the TypeScript helpers in test/clients).
 */
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { adminKeys, login, sessionCall, signedQuery, unwrap } from "../clients/api.ts";
import { REPO_ROOT, startDevServer } from "../clients/server.ts";

const ROOT_DOMAIN_ID = "00000000-0000-4000-8000-0000000000d0";
const USER_ROLE_ID = "00000000-0000-4000-8000-000000000004";
const ROWS_PER_INSERT = 250;

function intEnv(name, fallback, min, max) {
	const raw = process.env[name];
	const value = raw === undefined || raw === "" ? fallback : Number(raw);
	if (!Number.isInteger(value) || value < min || value > max) {
		throw new Error(`${name} must be an integer from ${min} to ${max}, not ${JSON.stringify(raw)}`);
	}
	return value;
}

const SECONDS = intEnv("BENCH_SECONDS", 10, 1, 60);
const CONCURRENCY = intEnv("BENCH_CONCURRENCY", 16, 1, 256);
const ACCOUNTS = intEnv("BENCH_ACCOUNTS", 10_000, 0, 200_000);
/** Rounds per mode; each round runs one mode for SECONDS / ROUNDS. */
const ROUNDS = 4;

const sqlText = (s) => `'${String(s).replaceAll("'", "''")}'`;

/** INSERTs for `count` enabled user accounts in ROOT, each with one user (unusable password). */
function seedSql(count) {
	const now = Date.now();
	const statements = [];
	for (let start = 0; start < count; start += ROWS_PER_INSERT) {
		const accounts = [];
		const users = [];
		for (let i = start; i < Math.min(count, start + ROWS_PER_INSERT); i++) {
			const name = `bench-${String(i).padStart(6, "0")}`;
			const accountId = randomUUID();
			const created = now - (count - i) * 1000;
			accounts.push(
				`(${sqlText(accountId)},${sqlText(name)},0,${sqlText(USER_ROLE_ID)},${sqlText(ROOT_DOMAIN_ID)},${created})`,
			);
			users.push(
				`(${sqlText(randomUUID())},${sqlText(name)},${sqlText(accountId)},${sqlText(ROOT_DOMAIN_ID)},'seeded-no-login','Bench','User ${i}',${sqlText(`${name}@bench.invalid`)},${created})`,
			);
		}
		statements.push(`INSERT INTO accounts (id,name,type,role_id,domain_id,created) VALUES\n${accounts.join(",\n")};`);
		statements.push(
			`INSERT INTO users (id,username,account_id,domain_id,password_hash,first_name,last_name,email,created) VALUES\n${users.join(",\n")};`,
		);
	}
	return `${statements.join("\n")}\n`;
}

function percentile(sorted, p) {
	if (sorted.length === 0) return Number.NaN;
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Runs `request` with CONCURRENCY workers for `ms`; returns latencies (ms) and failures. */
async function load(request, ms) {
	const latencies = [];
	let failures = 0;
	let firstFailure = "";
	const end = performance.now() + ms;
	const worker = async () => {
		while (performance.now() < end) {
			const t0 = performance.now();
			try {
				const res = await request();
				const body = await res.text();
				if (res.status === 200 && body.includes('"listaccountsresponse"')) {
					latencies.push(performance.now() - t0);
				} else {
					failures++;
					firstFailure ||= `HTTP ${res.status} ${body.slice(0, 300)}`;
				}
			} catch (error) {
				failures++;
				firstFailure ||= String(error);
			}
		}
	};
	await Promise.all(Array.from({ length: CONCURRENCY }, worker));
	return { latencies, failures, firstFailure };
}

function devVarsPassword() {
	const file = path.join(REPO_ROOT, ".dev.vars");
	if (!existsSync(file)) return undefined;
	const match = /^\s*ADMIN_PASSWORD\s*=\s*["']?(.*?)["']?\s*$/m.exec(readFileSync(file, "utf8"));
	return match?.[1];
}

async function main() {
	const started = performance.now();
	let server;
	let apiUrl;
	let username = "admin";
	let password;
	if (process.env.BENCH_URL) {
		apiUrl = `${process.env.BENCH_URL.replace(/\/+$/, "").replace(/\/client\/api$/, "")}/client/api`;
		username = process.env.BENCH_USER ?? "admin";
		password = process.env.BENCH_PASSWORD ?? devVarsPassword() ?? "password";
		console.log(`bench: using ${apiUrl} (nothing seeded)`);
	} else {
		console.log("bench: starting a private wrangler dev …");
		server = await startDevServer();
		apiUrl = server.apiUrl;
		password = server.adminPassword;
	}

	try {
		// The first request bootstraps ROOT, the roles and admin; seeding must come after it.
		const session = await login(apiUrl, username, password);
		const keys = await adminKeys(apiUrl, session);

		if (server && ACCOUNTS > 0) {
			const t0 = performance.now();
			const dir = await mkdtemp(path.join(tmpdir(), "flarestack-seed-"));
			try {
				const file = path.join(dir, "seed.sql");
				await writeFile(file, seedSql(ACCOUNTS));
				await server.wrangler(
					["d1", "execute", "DB", "--local", "--persist-to", server.persistTo, "--file", file],
					180_000,
				);
			} finally {
				await rm(dir, { recursive: true, force: true });
			}
			console.log(`bench: seeded ${ACCOUNTS} accounts in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
		}

		const params = { page: "1", pagesize: "20" };
		const check = unwrap(await sessionCall(apiUrl, session, "listAccounts", params, "GET"), "listAccounts");
		const items = Array.isArray(check.account) ? check.account.length : 0;
		console.log(`bench: listAccounts count=${check.count}, ${items} accounts on page 1`);
		if (server && Number(check.count) < ACCOUNTS) {
			throw new Error(`expected at least ${ACCOUNTS} accounts, the server reports ${check.count}`);
		}

		const sessionUrl = `${apiUrl}?${new URLSearchParams({ command: "listAccounts", ...params, sessionkey: session.sessionKey, response: "json" })}`;
		const modes = {
			signed: () => fetch(`${apiUrl}?${signedQuery("listAccounts", params, keys)}`),
			session: () => fetch(sessionUrl, { headers: { cookie: session.cookie } }),
		};

		// Warm-up: caches (HMAC keys, settings), JIT and connections.
		for (const request of Object.values(modes)) {
			const warm = await load(request, 1_000);
			if (warm.failures > 0) throw new Error(`warm-up failed: ${warm.firstFailure}`);
		}

		const results = {
			signed: { latencies: [], failures: 0, firstFailure: "", ms: 0 },
			session: { latencies: [], failures: 0, firstFailure: "", ms: 0 },
		};
		const slice = (SECONDS * 1000) / ROUNDS;
		console.log(`bench: measuring ${SECONDS} s per mode, concurrency ${CONCURRENCY}, ${ROUNDS} alternating rounds …`);
		for (let round = 0; round < ROUNDS; round++) {
			const order = round % 2 === 0 ? ["signed", "session"] : ["session", "signed"];
			for (const mode of order) {
				const t0 = performance.now();
				const run = await load(modes[mode], slice);
				const result = results[mode];
				result.ms += performance.now() - t0;
				result.latencies.push(...run.latencies);
				result.failures += run.failures;
				result.firstFailure ||= run.firstFailure;
			}
		}

		console.log("");
		console.log(`listAccounts page=1 pagesize=20, ${check.count} accounts, concurrency ${CONCURRENCY}`);
		console.log("mode      requests   req/s    p50 ms   p99 ms   errors");
		const rates = {};
		for (const [mode, result] of Object.entries(results)) {
			const sorted = result.latencies.sort((a, b) => a - b);
			rates[mode] = sorted.length / (result.ms / 1000);
			console.log(
				`${mode.padEnd(8)}  ${String(sorted.length).padStart(8)}  ${rates[mode].toFixed(1).padStart(6)}  ${percentile(sorted, 50).toFixed(1).padStart(7)}  ${percentile(sorted, 99).toFixed(1).padStart(7)}  ${String(result.failures).padStart(7)}`,
			);
			if (result.failures > 0) console.log(`  first ${mode} failure: ${result.firstFailure}`);
		}
		console.log(`signed/session throughput ratio: ${(rates.signed / rates.session).toFixed(2)}`);
		console.log(`(total ${((performance.now() - started) / 1000).toFixed(1)} s)`);
		if (results.signed.failures + results.session.failures > 0) process.exitCode = 1;
	} finally {
		await server?.stop();
	}
}

try {
	await main();
} catch (error) {
	console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
	process.exitCode = 1;
}
