/**
 * @module The admin's side of the relay tests and benchmark: a signed API client (CloudStack keys,
 * as an operator's tooling uses) against a `wrangler dev`, and the few steps they need — a zone with
 * a pod and a KVM cluster, enrolment tokens, hosts. Erasable TypeScript only.
 */
import { randomBytes } from "node:crypto";
import { type ApiResult, adminKeys, type Keys, login, signedCall, unwrap } from "../clients/api.ts";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field
export type Json = Record<string, any>;

export interface AdminApi {
	/** The inner object of a successful answer; throws with the whole body otherwise. */
	call(command: string, params?: Record<string, string>): Promise<Json>;
	/** The raw answer (status and body), for refusals. */
	raw(command: string, params?: Record<string, string>): Promise<ApiResult>;
}

export async function adminApi(apiUrl: string, password: string): Promise<AdminApi> {
	const keys: Keys = await adminKeys(apiUrl, await login(apiUrl, "admin", password));
	return {
		call: async (command, params = {}) => unwrap(await signedCall(apiUrl, keys, command, params), command),
		raw: (command, params = {}) => signedCall(apiUrl, keys, command, params),
	};
}

export interface Site {
	zoneId: string;
	podId: string;
	clusterId: string;
}

let subnet = 60;

/** A Basic zone with one pod and one KVM cluster. */
export async function createSite(api: AdminApi, tag = randomBytes(3).toString("hex")): Promise<Site> {
	const net = `10.${subnet++}.0`;
	const zone = (
		await api.call("createZone", {
			name: `relay-${tag}`,
			networktype: "Basic",
			dns1: "8.8.8.8",
			internaldns1: "10.0.0.2",
		})
	).zone;
	const pod = (
		await api.call("createPod", {
			zoneid: zone.id,
			name: `pod-${tag}`,
			gateway: `${net}.1`,
			netmask: "255.255.255.0",
			startip: `${net}.10`,
			endip: `${net}.50`,
		})
	).pod;
	const cluster = (
		await api.call("addCluster", {
			zoneid: zone.id,
			podid: pod.id,
			clustername: `cluster-${tag}`,
			hypervisor: "KVM",
			clustertype: "CloudManaged",
		})
	).cluster[0];
	return { zoneId: zone.id, podId: pod.id, clusterId: cluster.id };
}

/** A fresh one-time enrolment token for the zone. */
export async function enrollmentToken(api: AdminApi, zoneId: string, validity?: number): Promise<string> {
	const params: Record<string, string> = { zoneid: zoneId };
	if (validity !== undefined) params.validity = String(validity);
	return (await api.call("createRelayEnrollmentToken", params)).relayenrollmenttoken.token;
}

/** addHost with a libvirt (or sim://) URI; resolves with the host it answers. */
export async function addHost(api: AdminApi, site: Site, url: string): Promise<Json> {
	const inner = await api.call("addHost", {
		zoneid: site.zoneId,
		podid: site.podId,
		clusterid: site.clusterId,
		url,
		hypervisor: "KVM",
		username: "root",
		password: "unused",
	});
	return inner.host[0];
}

/** Every host of the zone, page by page (500 is the default largest page). */
export async function zoneHosts(api: AdminApi, zoneId: string): Promise<Json[]> {
	const all: Json[] = [];
	for (let page = 1; ; page++) {
		const inner = await api.call("listHosts", { zoneid: zoneId, pagesize: "500", page: String(page) });
		const hosts: Json[] = inner.host ?? [];
		all.push(...hosts);
		if (hosts.length < 500) return all;
	}
}

/** Polls `probe` every `everyMs` until it returns something truthy; rejects after `ms`. */
export async function waitUntil<T>(
	what: string,
	probe: () => Promise<T | undefined | false> | T | undefined | false,
	ms = 30_000,
	everyMs = 100,
): Promise<T> {
	const deadline = Date.now() + ms;
	let last: unknown;
	for (;;) {
		try {
			const value = await probe();
			if (value) return value;
		} catch (error) {
			last = error;
		}
		if (Date.now() > deadline)
			throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${last}` : ""}`);
		await new Promise((resolve) => setTimeout(resolve, everyMs));
	}
}
