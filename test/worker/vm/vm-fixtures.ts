/**
 * A site to deploy instances on, built through the API with a fake agent in the zone: an Enabled
 * basic zone, pod, cluster, a guest IP range, secondary storage, one NFS pool (100 GiB, so 200 GiB
 * allocatable at the default overprovisioning), hosts inserted as Up (8 × 2400 MHz, 16 GiB), a
 * Ready template and a small service offering. The agent answers the instance commands like the
 * simulator does (vm.start → running; vm.stop; volume.create) and records every command.
 */
import { env } from "cloudflare:workers";
import type { CommandFrame } from "@flarestack/protocol";
import type { Params } from "../../helpers/api";
import { defaultAnswer, type FakeAgent, type FakeAnswer, startFakeAgent } from "../../helpers/fake-agent";
import { type Actor, call, listItems, ok, unique, type World } from "../../helpers/identity-fixtures";
import { createTree } from "../../helpers/inventory-fixtures";
import { insertHost } from "../host/host-fixtures";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
export type Obj = any;

export const POOL_CAPACITY = 100 * 1024 ** 3;

export interface Site {
	zone: Obj;
	pod: Obj;
	cluster: Obj;
	pool: Obj;
	hostIds: string[];
	template: Obj;
	offering: Obj;
	agent: FakeAgent;
	/** The range's addresses: `${prefix}.100` … `${prefix}.120`. */
	prefix: string;
}

/** The agent's answer for instance and volume commands (the simulator's behaviour), else the default. */
export function vmAnswer(frame: CommandFrame, agent: FakeAgent): FakeAnswer {
	switch (frame.name) {
		case "vm.start":
			return { ok: true, result: { uuid: frame.args.domain.uuid, name: frame.args.domain.name, state: "running" } };
		case "vm.stop":
			return { ok: true, result: {} };
		case "volume.create":
			return {
				ok: true,
				result: { path: frame.args.path, format: "QCOW2", sizeBytes: frame.args.sizeBytes, physicalBytes: 196_608 },
			};
		default:
			return defaultAnswer(frame, agent);
	}
}

let subnet = 0;

async function readyTemplate(world: World, zoneId: string): Promise<Obj> {
	const body = ok(
		await call(world.root, {
			command: "registerTemplate",
			name: unique("tmpl-"),
			url: "http://images.example.com/guest.qcow2",
			format: "QCOW2",
			hypervisor: "KVM",
			zoneid: zoneId,
			ispublic: "true",
		}),
		"registerTemplate",
	);
	const id = body.template[0].id;
	const end = Date.now() + 5000;
	for (;;) {
		const [t] = await listItems(world.root, "listTemplates", "template", { templatefilter: "all", id, zoneid: zoneId });
		if (t?.isready) return t;
		if (Date.now() > end) throw new Error(`template ${id} never got ready: ${JSON.stringify(t)}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

export async function createOffering(world: World, extra: Params = {}): Promise<Obj> {
	return ok(
		await call(world.root, {
			command: "createServiceOffering",
			name: unique("so-"),
			displaytext: "small",
			cpunumber: "2",
			cpuspeed: "1000",
			memory: "1024",
			...extra,
		}),
		"createServiceOffering",
	).serviceoffering;
}

/** The whole site; `hosts` hosts in the cluster. */
export async function buildSite(world: World, hosts = 2): Promise<Site> {
	subnet += 1;
	const { zone, pod, cluster } = await createTree(world);
	ok(await call(world.root, { command: "updateZone", id: zone.id, allocationstate: "Enabled" }), "updateZone");
	const prefix = `172.${16 + (subnet % 16)}.${Math.floor(Math.random() * 250)}`;
	ok(
		await call(world.root, {
			command: "createVlanIpRange",
			podid: pod.id,
			gateway: `${prefix}.1`,
			netmask: "255.255.255.0",
			startip: `${prefix}.100`,
			endip: `${prefix}.120`,
		}),
		"createVlanIpRange",
	);
	const agent = await startFakeAgent(zone, { onCommand: vmAnswer });
	ok(
		await call(world.root, {
			command: "addImageStore",
			provider: "NFS",
			url: "nfs://10.1.1.5/export/secondary",
			zoneid: zone.id,
		}),
		"addImageStore",
	);
	const pool = ok(
		await call(world.root, {
			command: "createStoragePool",
			name: unique("pool-"),
			url: "nfs://10.1.1.6/export/primary",
			zoneid: zone.id,
			podid: pod.id,
			clusterid: cluster.id,
			capacitybytes: String(POOL_CAPACITY),
		}),
		"createStoragePool",
	).storagepool;
	const hostIds: string[] = [];
	for (let i = 0; i < hosts; i++) hostIds.push(await insertHost(cluster));
	const template = await readyTemplate(world, zone.id);
	const offering = await createOffering(world);
	return { zone, pod, cluster, pool, hostIds, template, offering, agent, prefix };
}

export function deployParams(site: Site, extra: Params = {}): Params {
	return {
		command: "deployVirtualMachine",
		serviceofferingid: site.offering.id,
		templateid: site.template.id,
		zoneid: site.zone.id,
		...extra,
	};
}

export async function row(table: string, id: string): Promise<Obj> {
	return env.DB.prepare(`SELECT * FROM ${table} WHERE id = ?`).bind(id).first();
}

export async function rows(sql: string, ...binds: unknown[]): Promise<Obj[]> {
	return (
		await env.DB.prepare(sql)
			.bind(...binds)
			.all()
	).results;
}

/** The instance as listVirtualMachines shows it to `actor` (listall). */
export async function shownVm(actor: Actor, id: string): Promise<Obj> {
	const [vm] = await listItems(actor, "listVirtualMachines", "virtualmachine", { id, listall: "true" });
	return vm;
}

/** The first command `name` at or after index `since` whose arguments mention `needle`. */
export function commandsFor(agent: FakeAgent, name: string, needle: string, since = 0): CommandFrame[] {
	return agent.commands.slice(since).filter((c) => c.name === name && JSON.stringify(c.args).includes(needle));
}
