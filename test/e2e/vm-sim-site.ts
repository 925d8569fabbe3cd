/**
 * @module A simulated datacenter for the simulator e2e test and part 2 of the deploy benchmark, on
 * top of a harness (simulator driver): N sim:// hosts in the cluster, a primary pool and a
 * secondary store (simulated: nothing touches a disk), a small real qcow2 served over local HTTP
 * and registered as a template (the simulator downloads it for real), and service offerings.
 * Everything through `python3 -m cs`, except the bulk addHost calls (signed fetch, 8 at a time).
 * Erasable TypeScript only.
 */
import path from "node:path";
import { type ImageServer, startImageServer } from "./image-server.ts";
import { randomQcow2 } from "./images.ts";
import { csAddHost, type Json, waitFor } from "./vm-cloud.ts";
import type { Harness } from "./vm-harness.ts";

const GIB = 1024 ** 3;

export interface SimSite {
	hosts: Json[];
	poolId: string;
	imageStoreId: string;
	template: Json;
	/** 1 vCPU × 500 MHz, 256 MB. */
	small: Json;
	/** Same, with HA. */
	smallHa: Json;
	/** More CPU than any host has: deploys with it must fail with 533. */
	huge: Json;
	server: ImageServer;
}

export interface SimSiteOptions {
	hosts: number;
	/** Per host. */
	cpus?: number;
	mhz?: number;
	memory?: string;
	/** Simulated per-command latency of the hosts, ms. */
	latency?: number;
}

export async function buildSimSite(h: Harness, options: SimSiteOptions): Promise<SimSite> {
	const { cs, api, cloud } = h;
	const query = `cpus=${options.cpus ?? 8}&mhz=${options.mhz ?? 2000}&memory=${options.memory ?? "16G"}&latency=${options.latency ?? 5}`;
	const hosts: Json[] = [await csAddHost(cs, cloud, `sim://sim-h1?${query}`)];
	const rest = Array.from({ length: options.hosts - 1 }, (_, i) => `sim://sim-h${i + 2}?${query}`);
	for (let i = 0; i < rest.length; i += 8) {
		const batch = await Promise.all(
			rest.slice(i, i + 8).map(
				async (url) =>
					(
						await api.call("addHost", {
							zoneid: cloud.zoneId,
							podid: cloud.podId,
							clusterid: cloud.clusterId,
							url,
							hypervisor: "KVM",
							username: "root",
							password: "unused",
						})
					).host[0],
			),
		);
		hosts.push(...batch);
	}
	const pool = (
		await cs.call("createStoragePool", {
			zoneid: cloud.zoneId,
			podid: cloud.podId,
			clusterid: cloud.clusterId,
			name: "sim-primary",
			scope: "cluster",
			url: "nfs://10.0.0.5/export/sim-primary",
		})
	).storagepool;
	const store = (
		await cs.call("addImageStore", {
			zoneid: cloud.zoneId,
			name: "sim-secondary",
			provider: "NFS",
			url: "nfs://10.0.0.5/export/sim-secondary",
		})
	).imagestore;
	const image = await randomQcow2(path.join(h.work, "sim-template.qcow2"), 2 * GIB, 1 << 20);
	const server = await startImageServer();
	server.add("sim", image.file);
	const osTypeId = (await cs.call("listOsTypes", { description: "Other Linux (64-bit)" })).ostype?.[0]?.id;
	const registered = (
		await cs.call("registerTemplate", {
			name: "sim-template",
			displaytext: "simulated guest",
			url: server.url("sim"),
			format: "QCOW2",
			hypervisor: "KVM",
			ostypeid: osTypeId ?? (await cs.call("listOsTypes", {})).ostype[0].id,
			zoneid: cloud.zoneId,
			ispublic: "true",
			checksum: `{SHA-256}${image.sha256}`,
		})
	).template[0];
	const template = await waitFor(
		"the template Ready",
		async () => {
			const row = (await api.call("listTemplates", { templatefilter: "all", id: registered.id })).template?.[0];
			if (row && !row.isready && /error|fail/i.test(String(row.status))) throw new Error(`template: ${row.status}`);
			return row?.isready ? row : undefined;
		},
		60_000,
		200,
	);
	const offering = async (name: string, extra: Record<string, string>) =>
		(
			await cs.call("createServiceOffering", {
				name,
				displaytext: name,
				cpunumber: "1",
				cpuspeed: "500",
				memory: "256",
				...extra,
			})
		).serviceoffering;
	return {
		hosts,
		poolId: pool.id,
		imageStoreId: store.id,
		template,
		small: await offering("sim-small", {}),
		smallHa: await offering("sim-small-ha", { offerha: "true" }),
		huge: await offering("sim-huge", { cpunumber: "64", cpuspeed: "4000", memory: "1024" }),
		server,
	};
}
