/**
 * Helpers of the host tests: addHost's parameters, hosts inserted straight into D1 (as if a relay
 * had connected them) for the commands that need no agent, and reads of D1 and the event log.
 */
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { ApiResult, Params } from "../../helpers/api";
import { type Actor, call, envelope, listItems, unique, type World } from "../../helpers/identity-fixtures";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
export type Obj = any;

export interface Cluster {
	id: string;
	name: string;
	podid: string;
	zoneid: string;
}

/** The password every addHost of the tests sends: it must never come back. */
export const HOST_PASSWORD = "s3cret-host-password";

export function addHostParams(cluster: Cluster, extra: Params = {}): Params {
	return {
		command: "addHost",
		zoneid: cluster.zoneid,
		podid: cluster.podid,
		clusterid: cluster.id,
		hypervisor: "KVM",
		url: `http://${unique("kvm")}.example`,
		username: "root",
		password: HOST_PASSWORD,
		...extra,
	};
}

export interface HostRowFields {
	name?: string;
	state?: string;
	resourceState?: string;
	cpuNumber?: number;
	cpuSpeed?: number;
	memoryTotal?: number;
	cpuAllocated?: number;
	memoryAllocated?: number;
	url?: string;
	hostTags?: string;
	created?: number;
}

let seq = 0;
/** A host row as addHost leaves it, without an agent; answers its id. */
export async function insertHost(cluster: Cluster, fields: HostRowFields = {}): Promise<string> {
	seq += 1;
	const id = crypto.randomUUID();
	const name = fields.name ?? unique("host-");
	await env.DB.prepare(
		`INSERT INTO hosts (id, name, zone_id, pod_id, cluster_id, state, resource_state, cpu_number, cpu_speed,
			memory_total, cpu_allocated, memory_allocated, url, ip_address, hypervisor_version, domain_type, host_tags,
			last_pinged, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'kvm', ?, ?, ?)`,
	)
		.bind(
			id,
			name,
			cluster.zoneid,
			cluster.podid,
			cluster.id,
			fields.state ?? "Up",
			fields.resourceState ?? "Enabled",
			fields.cpuNumber ?? 8,
			fields.cpuSpeed ?? 2400,
			fields.memoryTotal ?? 16 * 1024 ** 3,
			fields.cpuAllocated ?? 0,
			fields.memoryAllocated ?? 0,
			fields.url ?? `sim://${name}?cpus=8`,
			name,
			"9.0.0",
			fields.hostTags ?? "",
			Date.now(),
			fields.created ?? Date.now() + seq,
		)
		.run();
	return id;
}

export async function hostRow(id: string): Promise<Obj> {
	return env.DB.prepare("SELECT * FROM hosts WHERE id = ?").bind(id).first();
}

export async function hostCount(): Promise<number> {
	const row = await env.DB.prepare("SELECT count(*) AS n FROM hosts").first<{ n: number }>();
	return row?.n ?? 0;
}

export async function listHosts(world: World, params: Params = {}, actor: Actor = world.root): Promise<Obj[]> {
	return listItems(actor, "listHosts", "host", params);
}

export async function hostEvents(world: World, type: string, resourceid: string): Promise<Obj[]> {
	return listItems(world.root, "listEvents", "event", { type, resourceid, listall: "true" });
}

/** An error answer with CloudStack's shape: HTTP status == errorcode, the text matching `text`. */
export function expectError(result: ApiResult, command: string, code: number, text?: RegExp): Obj {
	expect(result.status, result.text).toBe(code);
	const body = result.body?.[envelope(command)];
	expect(body?.errorcode, result.text).toBe(code);
	if (text) expect(body.errortext).toMatch(text);
	return body;
}

/** The finished job of an async call (its jobstatus and jobresult). */
export async function jobOf(actor: Actor, result: ApiResult, command: string): Promise<Obj> {
	expect(result.status, result.text).toBe(200);
	const { jobid } = result.body[envelope(command)];
	const job = await call(actor, { command: "queryAsyncJobResult", jobid });
	return job.body.queryasyncjobresultresponse;
}
