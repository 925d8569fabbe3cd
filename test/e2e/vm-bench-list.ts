/**
 * @module Part 3 of `npm run bench:deploy`: listVirtualMachines over a big fleet. The zone, pod,
 * range, cluster, pool, offerings and accounts are made through the API; then, with wrangler dev
 * stopped, BENCH_VMS instances (default 100,000, each with its NIC and ROOT volume, spread over
 * 100 hosts, 3 offerings and 5 accounts, 10 % tagged `tier=gold`) go straight into the local D1's
 * SQLite file, and wrangler dev starts again on the same state. Then signed GETs of 500-row pages
 * are timed: p50/p99 per query (CloudStack needs 10–17 s for its list at 25,000 VMs).
 * Erasable TypeScript only.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { signedQuery, unwrap } from "../clients/api.ts";
import type { Harness } from "./vm-harness.ts";

const ROOT_DOMAIN_ID = "00000000-0000-4000-8000-0000000000d0";
const ADMIN_ACCOUNT_ID = "00000000-0000-4000-8000-0000000000a0";
const ADMIN_USER_ID = "00000000-0000-4000-8000-0000000000a1";
const HOSTS = 100;
const GIB = 1024 ** 3;
const STATES = ["Running", "Running", "Running", "Running", "Running", "Running", "Stopped", "Stopped", "Destroyed"];

/** The local D1's SQLite file under wrangler's --persist-to directory (miniflare's layout). */
async function d1File(persistTo: string): Promise<string> {
	const dir = path.join(persistTo, "v3", "d1", "miniflare-D1DatabaseObject");
	const files = (await readdir(dir)).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
	if (files.length !== 1) throw new Error(`expected one D1 database in ${dir}, found ${files.join(", ") || "none"}`);
	return path.join(dir, files[0] as string);
}

function insertAll(db: DatabaseSync, table: string, rows: Record<string, unknown>[]): void {
	if (rows.length === 0) return;
	const columns = Object.keys(rows[0] as object);
	const statement = db.prepare(
		`INSERT INTO ${table} (${columns.join(",")}) VALUES (${columns.map(() => "?").join(",")})`,
	);
	for (const row of rows) statement.run(...(columns.map((c) => row[c] ?? null) as (string | number | null)[]));
}

export interface Fleet {
	vms: number;
	hostIds: string[];
	accounts: { id: string; name: string }[];
	zoneId: string;
	sampleVmId: string;
	seedSeconds: number;
}

/** Builds the fleet; leaves wrangler dev running on the seeded state. */
export async function seedFleet(h: Harness, vms: number): Promise<Fleet> {
	const { api, cloud } = h;
	const pool = (
		await api.call("createStoragePool", {
			zoneid: cloud.zoneId,
			podid: cloud.podId,
			clusterid: cloud.clusterId,
			name: "fleet-primary",
			scope: "cluster",
			url: "nfs://10.0.0.5/export/fleet",
			capacitybytes: String(100_000 * GIB),
		})
	).storagepool;
	const offerings = [];
	for (const [cpu, memory] of [
		[1, 512],
		[2, 2048],
		[4, 8192],
	] as const) {
		offerings.push(
			(
				await api.call("createServiceOffering", {
					name: `fleet-${cpu}x${memory}`,
					displaytext: `fleet ${cpu} vCPU ${memory} MB`,
					cpunumber: String(cpu),
					cpuspeed: "1000",
					memory: String(memory),
				})
			).serviceoffering,
		);
	}
	const osTypeId = (await api.call("listOsTypes", {})).ostype[0].id;
	const accounts = [{ id: ADMIN_ACCOUNT_ID, name: "admin", userId: ADMIN_USER_ID }];
	for (let i = 1; i <= 4; i++) {
		const name = `fleet-${i}-${randomBytes(2).toString("hex")}`;
		const account = (
			await api.call("createAccount", {
				accounttype: "0",
				email: `${name}@example.com`,
				firstname: "Fleet",
				lastname: String(i),
				username: name,
				password: randomBytes(12).toString("hex"),
				account: name,
			})
		).account;
		accounts.push({ id: account.id, name, userId: account.user[0].id });
	}

	const t0 = performance.now();
	await h.dev.stop();
	const db = new DatabaseSync(await d1File(h.dev.persistTo));
	const hostIds: string[] = [];
	let sampleVmId = "";
	try {
		db.exec("BEGIN");
		const now = Date.now();
		const templateId = randomUUID();
		insertAll(db, "templates", [
			{
				id: templateId,
				name: "fleet-template",
				display_text: "fleet template",
				is_iso: 0,
				format: "QCOW2",
				hypervisor: "KVM",
				os_type_id: osTypeId,
				template_type: "USER",
				account_id: ADMIN_ACCOUNT_ID,
				domain_id: ROOT_DOMAIN_ID,
				is_public: 1,
				created: now,
			},
		]);
		const hosts = [];
		for (let i = 0; i < HOSTS; i++) {
			const id = randomUUID();
			hostIds.push(id);
			hosts.push({
				id,
				name: `fleet-kvm-${String(i).padStart(3, "0")}`,
				zone_id: cloud.zoneId,
				pod_id: cloud.podId,
				cluster_id: cloud.clusterId,
				state: "Up",
				resource_state: "Enabled",
				cpu_number: 256,
				cpu_speed: 2400,
				memory_total: 2048 * GIB,
				url: `sim://fleet-kvm-${i}`,
				ip_address: `10.250.${Math.floor(i / 250)}.${(i % 250) + 1}`,
				created: now,
			});
		}
		insertAll(db, "hosts", hosts);
		const vmRows = [];
		const nicRows = [];
		const volumeRows = [];
		const tagRows = [];
		for (let i = 0; i < vms; i++) {
			const id = randomUUID();
			if (i === Math.floor(vms / 2)) sampleVmId = id;
			const offering = offerings[i % offerings.length];
			const account = accounts[i % accounts.length] as (typeof accounts)[number];
			const state = STATES[i % STATES.length] as string;
			const hostId = state === "Running" ? hostIds[i % HOSTS] : null;
			const created = now - (vms - i) * 1000;
			vmRows.push({
				id,
				name: `VM-${id}`,
				display_name: `fleet-vm-${i}`,
				instance_name: `i-${id.replaceAll("-", "").slice(0, 12)}-VM`,
				account_id: account.id,
				domain_id: ROOT_DOMAIN_ID,
				user_id: account.userId,
				zone_id: cloud.zoneId,
				pod_id: cloud.podId,
				cluster_id: cloud.clusterId,
				host_id: hostId,
				last_host_id: hostIds[i % HOSTS],
				service_offering_id: offering.id,
				template_id: templateId,
				cpu_number: offering.cpunumber,
				cpu_speed: offering.cpuspeed,
				memory: offering.memory,
				state,
				// Destroyed just now: the cron's expunge sweep (expunge.delay) leaves them alone.
				destroyed: state === "Destroyed" ? now : null,
				created,
			});
			const n = 100 + i;
			nicRows.push({
				id: randomUUID(),
				vm_id: id,
				network_id: cloud.networkId,
				ip_address: `10.${200 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`,
				gateway: "10.200.0.1",
				netmask: "255.0.0.0",
				mac_address: `02:00:${[24, 16, 8, 0].map((s) => ((i >> s) & 255).toString(16).padStart(2, "0")).join(":")}`,
				is_default: 1,
				device_id: 0,
				created,
			});
			const volumeId = randomUUID();
			volumeRows.push({
				id: volumeId,
				name: `ROOT-${i + 1}`,
				account_id: account.id,
				domain_id: ROOT_DOMAIN_ID,
				zone_id: cloud.zoneId,
				pool_id: pool.id,
				vm_id: id,
				device_id: 0,
				type: "ROOT",
				state: "Ready",
				size_bytes: 10 * GIB,
				format: "QCOW2",
				path: `${volumeId}.qcow2`,
				template_id: templateId,
				created,
				attached: created,
			});
			if (i % 10 === 0) {
				tagRows.push({
					id: randomUUID(),
					key: "tier",
					value: "gold",
					resource_type: "UserVm",
					resource_id: id,
					account_id: account.id,
					domain_id: ROOT_DOMAIN_ID,
					created,
				});
			}
		}
		insertAll(db, "vm_instances", vmRows);
		insertAll(db, "nics", nicRows);
		insertAll(db, "volumes", volumeRows);
		insertAll(db, "resource_tags", tagRows);
		db.exec("COMMIT");
	} finally {
		db.close();
	}
	await h.dev.start();
	return {
		vms,
		hostIds,
		accounts: accounts.map(({ id, name }) => ({ id, name })),
		zoneId: cloud.zoneId,
		sampleVmId,
		seedSeconds: (performance.now() - t0) / 1000,
	};
}

export interface ListQuery {
	label: string;
	params: Record<string, string>;
}

export function fleetQueries(fleet: Fleet): ListQuery[] {
	const page = { pagesize: "500", page: "1" };
	return [
		// What one signed call costs on this machine now (one row): tells a slow list from a slow machine.
		{ label: "id (one VM: the baseline)", params: { id: fleet.sampleVmId } },
		{ label: "listall, page 1", params: { listall: "true", ...page } },
		{ label: "listall, page 100 (the 50,000th row)", params: { listall: "true", pagesize: "500", page: "100" } },
		{ label: "zoneid + state=Running", params: { listall: "true", zoneid: fleet.zoneId, state: "Running", ...page } },
		{
			label: "account (a user's fleet)",
			params: { account: fleet.accounts[1]?.name ?? "", domainid: ROOT_DOMAIN_ID, ...page },
		},
		{ label: "hostid", params: { listall: "true", hostid: fleet.hostIds[7] ?? "", ...page } },
		{ label: "keyword", params: { listall: "true", keyword: "fleet-vm-4242", ...page } },
		{ label: "tags tier=gold", params: { listall: "true", "tags[0].key": "tier", "tags[0].value": "gold", ...page } },
	];
}

function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return Number.NaN;
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

export interface ListResult {
	label: string;
	count: number;
	items: number;
	p50: number;
	p99: number;
	n: number;
}

/** Times `samples` sequential signed GETs of each query (after 5 warm-ups), checking every answer. */
export async function timeQueries(
	h: Harness,
	queries: ListQuery[],
	samples: number,
	progress?: (result: ListResult) => void,
): Promise<ListResult[]> {
	const results: ListResult[] = [];
	for (const query of queries) {
		let dropped = 0;
		const url = () => `${h.dev.apiUrl}?${signedQuery("listVirtualMachines", query.params, h.keys)}`;
		const once = async (): Promise<{ ms: number; count: number; items: number }> => {
			const t0 = performance.now();
			let res: Response;
			try {
				res = await fetch(url(), { signal: AbortSignal.timeout(60_000) });
			} catch (error) {
				// wrangler dev reloads the Worker when a source file changes, dropping requests in flight.
				if (++dropped > 5) throw new Error(`${query.label}: ${dropped} requests dropped (${error})`);
				await new Promise((resolve) => setTimeout(resolve, 2_000));
				return once();
			}
			const body = (await res.json()) as Record<string, unknown>;
			const ms = performance.now() - t0;
			const inner = unwrap({ status: res.status, body }, "listVirtualMachines") as {
				count?: number;
				virtualmachine?: unknown[];
			};
			return { ms, count: inner.count ?? 0, items: inner.virtualmachine?.length ?? 0 };
		};
		for (let i = 0; i < 5; i++) await once();
		const times: number[] = [];
		let last = { ms: 0, count: 0, items: 0 };
		for (let i = 0; i < samples; i++) {
			last = await once();
			times.push(last.ms);
		}
		times.sort((a, b) => a - b);
		const result = {
			label: query.label,
			count: last.count,
			items: last.items,
			p50: percentile(times, 50),
			p99: percentile(times, 99),
			n: times.length,
		};
		results.push(result);
		progress?.(result);
	}
	return results;
}
