#!/usr/bin/env node
/**
 * `npm run bench:inventory`: latency of the inventory list commands on a realistic datacenter:
 * 50 zones, 1,000 pods, 5,000 clusters, 20,000 cluster-scoped primary pools (4 per cluster),
 * one KVM host per cluster, an image store and a default guest network per zone, a guest IP range
 * of 32 addresses per pod (a quarter allocated), and resource tags: `tier=gold` on 10 % of the
 * clusters and pools, `tier=silver` on another 20 %, `env=prod` on half of them.
 *
 * The first zone is the big one (10 % of the pods, so 500 clusters and 2,000 pools): a page of 500
 * with its `zoneid` is full, and its `listCapacity` sums the most rows. The other 900 pods are
 * spread over the other 49 zones.
 *
 * It starts a private `wrangler dev` (temporary state, random port on 127.0.0.1), seeds straight
 * into its local D1 with `wrangler d1 execute`, checks each query's answer once, then measures the
 * queries in alternating rounds (the order rotates every round, so drift hits all alike) with
 * signed (apiKey + HMAC-SHA1) GET requests, and prints requests/s, p50 and p99 against the target.
 * A last row, `listZones id` (one small object), is the baseline: what any signed call costs on
 * this machine, so a slow figure can be told apart from a slow machine.
 *
 * Environment:
 *   BENCH_SECONDS      measured seconds per query (default 10, at most 60; the run takes about
 *                      6 × this plus 30 s for start-up and seeding)
 *   BENCH_CONCURRENCY  requests in flight (default 1: the latency of one client; one local workerd
 *                      serves every request, so p99 grows about linearly with this)
 *   BENCH_ONLY         comma-separated words: only the queries whose label contains one
 *   BENCH_TARGET_MS    the p99 target (default 50); a miss is reported, errors make the exit code 1
 *
 * Runs on Node ≥ 22.18 (type stripping: it imports the TypeScript helpers in test/clients).
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { adminKeys, login, signedCall, signedQuery, unwrap } from "../clients/api.ts";
import { startDevServer } from "../clients/server.ts";

const ROOT_DOMAIN_ID = "00000000-0000-4000-8000-0000000000d0";
const ADMIN_ACCOUNT_ID = "00000000-0000-4000-8000-0000000000a0";
/** The basic zone's network offering (worker/src/domain/network-offerings.ts). */
const BASIC_OFFERING_ID = "00000000-0000-4000-8000-0000000000a1";
const ROWS_PER_INSERT = 200;

function intEnv(name, fallback, min, max) {
	const raw = process.env[name];
	const value = raw === undefined || raw === "" ? fallback : Number(raw);
	if (!Number.isInteger(value) || value < min || value > max) {
		throw new Error(`${name} must be an integer from ${min} to ${max}, not ${JSON.stringify(raw)}`);
	}
	return value;
}

const SECONDS = intEnv("BENCH_SECONDS", 10, 1, 60);
const CONCURRENCY = intEnv("BENCH_CONCURRENCY", 1, 1, 256);
const TARGET_MS = intEnv("BENCH_TARGET_MS", 50, 1, 10_000);
const ROUNDS = 4;
/** BENCH_ONLY=listClusters,capacity: measure only the queries whose label contains one of the words. */
const ONLY = (process.env.BENCH_ONLY ?? "").split(",").filter(Boolean);

const ZONES = 50;
const PODS = 1_000;
const BIG_ZONE_PODS = 100;
const CLUSTERS_PER_POD = 5;
const POOLS_PER_CLUSTER = 4;
const GUEST_IPS_PER_POD = 32;
const GIB = 1024 ** 3;

const q = (v) =>
	v === null || v === undefined ? "NULL" : typeof v === "number" ? String(v) : `'${String(v).replaceAll("'", "''")}'`;

/** Collects rows per table and renders multi-row INSERTs of ROWS_PER_INSERT rows. */
class Seed {
	tables = new Map();
	add(table, row) {
		const rows = this.tables.get(table) ?? [];
		if (rows.length === 0) this.tables.set(table, rows);
		rows.push(row);
	}
	count(table) {
		return this.tables.get(table)?.length ?? 0;
	}
	sql() {
		const out = [];
		for (const [table, rows] of this.tables) {
			const columns = Object.keys(rows[0]);
			for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
				const values = rows.slice(i, i + ROWS_PER_INSERT).map((row) => `(${columns.map((c) => q(row[c])).join(",")})`);
				out.push(`INSERT INTO ${table} (${columns.join(",")}) VALUES\n${values.join(",\n")};`);
			}
		}
		return `${out.join("\n")}\n`;
	}
}

/** The whole datacenter, with consistent zone → pod → cluster → pool/host ids (column names as in schema.ts). */
function buildSeed() {
	const seed = new Seed();
	const gold = new Set();
	let clock = Date.UTC(2026, 0, 1);
	const tick = () => (clock += 1000);
	const tag = (type, id, key, value) =>
		seed.add("resource_tags", {
			id: randomUUID(),
			key,
			value,
			resource_type: type,
			resource_id: id,
			account_id: ADMIN_ACCOUNT_ID,
			domain_id: ROOT_DOMAIN_ID,
			created: clock,
		});
	/** tier=gold on 10 %, tier=silver on the next 20 %, env=prod on every other one. */
	const tagByIndex = (type, id, i) => {
		if (i % 10 === 0) {
			tag(type, id, "tier", "gold");
			gold.add(id);
		} else if (i % 10 <= 2) tag(type, id, "tier", "silver");
		if (i % 2 === 1) tag(type, id, "env", "prod");
	};

	const zones = [];
	for (let z = 0; z < ZONES; z++) {
		const zone = { id: randomUUID(), networkId: randomUUID(), name: `bench-zone-${String(z).padStart(2, "0")}` };
		zones.push(zone);
		const created = tick();
		seed.add("zones", {
			id: zone.id,
			name: zone.name,
			network_type: "Basic",
			dns1: "8.8.8.8",
			internal_dns1: "10.0.0.2",
			allocation_state: "Enabled",
			created,
		});
		seed.add("networks", {
			id: zone.networkId,
			name: "defaultGuestNetwork",
			display_text: `Default guest network of zone ${zone.name}`,
			zone_id: zone.id,
			network_offering_id: BASIC_OFFERING_ID,
			guest_type: "Shared",
			traffic_type: "Guest",
			state: "Setup",
			acl_type: "Domain",
			domain_id: ROOT_DOMAIN_ID,
			subdomain_access: 1,
			is_default: 1,
			created,
		});
		seed.add("image_stores", {
			id: randomUUID(),
			name: `${zone.name}-secondary`,
			zone_id: zone.id,
			url: `nfs://10.0.0.5/export/secondary/${z}`,
			protocol: "nfs",
			provider: "NFS",
			scope: "ZONE",
			capacity_bytes: 10_240 * GIB,
			used_bytes: 1_024 * GIB,
			created,
		});
	}

	let clusterIndex = 0;
	let poolIndex = 0;
	for (let p = 0; p < PODS; p++) {
		const zone = zones[p < BIG_ZONE_PODS ? 0 : 1 + ((p - BIG_ZONE_PODS) % (ZONES - 1))];
		const podId = randomUUID();
		const net = `10.${Math.floor(p / 250)}.${p % 250}`;
		seed.add("pods", {
			id: podId,
			zone_id: zone.id,
			name: `pod-${String(p).padStart(4, "0")}`,
			gateway: `${net}.1`,
			netmask: "255.255.255.0",
			start_ip: `${net}.10`,
			end_ip: `${net}.50`,
			allocation_state: "Enabled",
			created: tick(),
		});
		const rangeId = randomUUID();
		seed.add("vlan_ip_ranges", {
			id: rangeId,
			zone_id: zone.id,
			pod_id: podId,
			network_id: zone.networkId,
			gateway: `${net}.1`,
			netmask: "255.255.255.0",
			start_ip: `${net}.100`,
			end_ip: `${net}.${100 + GUEST_IPS_PER_POD - 1}`,
			for_virtual_network: 0,
			created: clock,
		});
		const base = (10 << 24) + (Math.floor(p / 250) << 16) + ((p % 250) << 8);
		for (let a = 0; a < GUEST_IPS_PER_POD; a++) {
			const taken = a % 4 === 0;
			seed.add("guest_ips", {
				id: randomUUID(),
				range_id: rangeId,
				network_id: zone.networkId,
				zone_id: zone.id,
				pod_id: podId,
				address: `${net}.${100 + a}`,
				address_num: base + 100 + a,
				allocated_to: taken ? randomUUID() : null,
				allocated: taken ? clock : null,
			});
		}
		for (let c = 0; c < CLUSTERS_PER_POD; c++, clusterIndex++) {
			const clusterId = randomUUID();
			const name = `cluster-${String(clusterIndex).padStart(5, "0")}`;
			seed.add("clusters", {
				id: clusterId,
				zone_id: zone.id,
				pod_id: podId,
				name,
				hypervisor: "KVM",
				cluster_type: "CloudManaged",
				created: tick(),
			});
			tagByIndex("Cluster", clusterId, clusterIndex);
			seed.add("hosts", {
				id: randomUUID(),
				name: `kvm-${String(clusterIndex).padStart(5, "0")}`,
				zone_id: zone.id,
				pod_id: podId,
				cluster_id: clusterId,
				state: "Up",
				resource_state: "Enabled",
				cpu_number: 32,
				cpu_speed: 2400,
				memory_total: 256 * GIB,
				cpu_allocated: (clusterIndex % 8) * 4 * 2400,
				memory_allocated: (clusterIndex % 8) * 16 * GIB,
				created: clock,
			});
			for (let s = 0; s < POOLS_PER_CLUSTER; s++, poolIndex++) {
				const poolId = randomUUID();
				const exportPath = `/export/primary/${name}/${s}`;
				seed.add("storage_pools", {
					id: poolId,
					name: `${name}-pool-${s}`,
					zone_id: zone.id,
					pod_id: podId,
					cluster_id: clusterId,
					scope: "CLUSTER",
					type: "NetworkFilesystem",
					host: "10.0.0.5",
					path: exportPath,
					url: `nfs://10.0.0.5${exportPath}`,
					hypervisor: "KVM",
					state: "Up",
					capacity_bytes: 2_048 * GIB,
					used_bytes: (poolIndex % 10) * 100 * GIB,
					allocated_bytes: (poolIndex % 10) * 150 * GIB,
					created: tick(),
				});
				tagByIndex("Storage", poolId, poolIndex);
			}
		}
	}
	return { seed, bigZone: zones[0], gold };
}

function percentile(sorted, p) {
	if (sorted.length === 0) return Number.NaN;
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Runs `url` with CONCURRENCY workers for `ms`; a request counts if it is 200 with `marker` in the body. */
async function load(url, marker, ms) {
	const latencies = [];
	let failures = 0;
	let firstFailure = "";
	const end = performance.now() + ms;
	const worker = async () => {
		while (performance.now() < end) {
			const t0 = performance.now();
			try {
				const res = await fetch(url());
				const body = await res.text();
				if (res.status === 200 && body.includes(marker)) latencies.push(performance.now() - t0);
				else {
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

async function main() {
	const started = performance.now();
	console.log("bench: starting a private wrangler dev …");
	const server = await startDevServer();
	try {
		// The first request bootstraps ROOT, the roles and admin; seeding must come after it.
		const keys = await adminKeys(server.apiUrl, await login(server.apiUrl, "admin", server.adminPassword));

		let t0 = performance.now();
		const { seed, bigZone, gold } = buildSeed();
		const dir = await mkdtemp(path.join(tmpdir(), "flarestack-seed-"));
		try {
			const file = path.join(dir, "seed.sql");
			await writeFile(file, seed.sql());
			await server.wrangler(
				["d1", "execute", "DB", "--local", "--persist-to", server.persistTo, "--file", file],
				300_000,
			);
		} finally {
			await rm(dir, { recursive: true, force: true });
		}
		const summary = ["zones", "pods", "clusters", "storage_pools", "hosts", "guest_ips", "resource_tags"]
			.map((t) => `${seed.count(t)} ${t}`)
			.join(", ");
		console.log(`bench: seeded ${summary} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

		const goldTag = { "tags[0].key": "tier", "tags[0].value": "gold" };
		const page = { page: "1", pagesize: "500" };
		const queries = [
			{ label: "listClusters zoneid", command: "listClusters", params: { ...page, zoneid: bigZone.id }, count: 500 },
			{ label: "listClusters tier=gold", command: "listClusters", params: { ...page, ...goldTag }, count: 500 },
			{
				label: "listStoragePools zoneid",
				command: "listStoragePools",
				params: { ...page, zoneid: bigZone.id },
				count: 2000,
			},
			{
				label: "listStoragePools tier=gold",
				command: "listStoragePools",
				params: { ...page, ...goldTag },
				count: 2000,
			},
			{ label: "listCapacity zoneid", command: "listCapacity", params: { zoneid: bigZone.id } },
			// The cost of any signed call on this machine (signature, session of wrangler dev, one D1 read).
			{ label: "listZones id (baseline)", command: "listZones", params: { id: bigZone.id }, baseline: true },
		].filter((query) => ONLY.length === 0 || ONLY.some((word) => query.label.includes(word)));

		// Each answer checked once: the right total, a full page, and (for the tag filter) only gold.
		for (const query of queries) {
			const inner = unwrap(await signedCall(server.apiUrl, keys, query.command, query.params), query.command);
			const key = Object.keys(inner).find((k) => k !== "count");
			const list = Array.isArray(inner[key]) ? inner[key] : [];
			query.items = list.length;
			query.marker = `"${query.command.toLowerCase()}response"`;
			if (query.count !== undefined && (inner.count !== query.count || list.length !== 500)) {
				throw new Error(
					`${query.label}: expected count ${query.count} and 500 items, got ${inner.count} and ${list.length}`,
				);
			}
			// ClusterResponse has no tags, and a pool's `tags` are its storage tags: check ids against the seed.
			if (query.params["tags[0].key"] && !list.every((o) => gold.has(o.id))) {
				throw new Error(
					`${query.label}: an item without tier=gold: ${JSON.stringify(list.find((o) => !gold.has(o.id)))}`,
				);
			}
			// The seed's ids are consistent: every item is in the big zone, with its pod (and cluster) joined.
			const stray = list.find((o) => o.zoneid !== bigZone.id || (query.count && !o.podname));
			if (query.params.zoneid && stray) throw new Error(`${query.label}: unexpected item ${JSON.stringify(stray)}`);
			if (list.length === 0) throw new Error(`${query.label} returned nothing`);
		}

		// Warm-up (JIT, statement caches, connections), then alternating measured rounds.
		for (const query of queries) {
			const warm = await load(
				() => `${server.apiUrl}?${signedQuery(query.command, query.params, keys)}`,
				query.marker,
				800,
			);
			if (warm.failures > 0) throw new Error(`warm-up of ${query.label} failed: ${warm.firstFailure}`);
		}
		const results = queries.map(() => ({ latencies: [], failures: 0, firstFailure: "", ms: 0 }));
		const slice = (SECONDS * 1000) / ROUNDS;
		console.log(`bench: measuring ${SECONDS} s per query, concurrency ${CONCURRENCY}, ${ROUNDS} rotating rounds …`);
		for (let round = 0; round < ROUNDS; round++) {
			for (let k = 0; k < queries.length; k++) {
				const i = (k + round) % queries.length;
				const query = queries[i];
				// Signed per request: cs-style clients sign every call, so signing is part of the cost.
				const url = () => `${server.apiUrl}?${signedQuery(query.command, query.params, keys)}`;
				t0 = performance.now();
				const run = await load(url, query.marker, slice);
				const result = results[i];
				result.ms += performance.now() - t0;
				result.latencies.push(...run.latencies);
				result.failures += run.failures;
				result.firstFailure ||= run.firstFailure;
			}
		}

		console.log("");
		console.log(`inventory lists, concurrency ${CONCURRENCY}, target p99 ≤ ${TARGET_MS} ms`);
		console.log("query                        items  requests    req/s   p50 ms   p99 ms  errors  target");
		let failed = false;
		queries.forEach((query, i) => {
			const result = results[i];
			const sorted = result.latencies.sort((a, b) => a - b);
			const p99 = percentile(sorted, 99);
			const meets = p99 <= TARGET_MS && result.failures === 0;
			failed ||= result.failures > 0;
			console.log(
				`${query.label.padEnd(27)}  ${String(query.items).padStart(5)}  ${String(sorted.length).padStart(8)}  ${(sorted.length / (result.ms / 1000)).toFixed(1).padStart(7)}  ${percentile(sorted, 50).toFixed(1).padStart(7)}  ${p99.toFixed(1).padStart(7)}  ${String(result.failures).padStart(6)}  ${query.baseline ? "-" : meets ? "meets" : "MISSES"}`,
			);
			if (result.failures > 0) console.log(`  first failure: ${result.firstFailure}`);
		});
		console.log(`(total ${((performance.now() - started) / 1000).toFixed(1)} s)`);
		if (failed) process.exitCode = 1;
	} finally {
		await server.stop();
	}
}

try {
	await main();
} catch (error) {
	console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
	process.exitCode = 1;
}
