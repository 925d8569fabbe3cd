/**
 * A site for the lifecycle tests, built through the API with the fake agent in the zone: zone →
 * pod (guest range) → cluster with two sim hosts → NFS primary pool → secondary store → a Ready
 * template → offerings; `deploy` then runs deployVirtualMachine to Running. The agent's handler
 * answers the VM commands as the simulator driver would and keeps the domains per host, so a test
 * can kill a domain, take a host down, or make a command fail.
 */
import { env } from "cloudflare:workers";
import type { CommandFrame, Domain, Host } from "@flarestack/protocol";
import { expect } from "vitest";
import type { Params } from "../../helpers/api";
import { defaultAnswer, type FakeAgent, type FakeAnswer, startFakeAgent } from "../../helpers/fake-agent";
import { type Actor, call, listItems, ok, runJob, unique, type World } from "../../helpers/identity-fixtures";
import { createTree } from "../../helpers/inventory-fixtures";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
type Obj = any;

export interface Site {
	zone: Obj;
	pod: Obj;
	cluster: Obj;
	hosts: Obj[];
	pool: Obj;
	template: Obj;
	offering: Obj;
	haOffering: Obj;
	agent: FakeAgent;
	/** Domains per host id, as the fake hosts run them. */
	domains: Map<string, Domain[]>;
	/** Per-command overrides: return an answer to replace the simulated one. */
	override: ((frame: CommandFrame) => FakeAnswer | undefined) | null;
}

function report(site: Site, hostId: string, domain: { uuid: string; name: string }, state: Domain["state"]) {
	const list = (site.domains.get(hostId) ?? []).filter((d) => d.uuid !== domain.uuid);
	if (state !== "shutoff") list.push({ uuid: domain.uuid, name: domain.name, state });
	site.domains.set(hostId, list);
}

/** The simulated answers of the VM and volume commands; everything else is the default handler's. */
function vmAnswer(site: Site, frame: CommandFrame, agent: FakeAgent): FakeAnswer {
	const forced = site.override?.(frame);
	if (forced) return forced;
	switch (frame.name) {
		case "vm.start": {
			const { uuid, name } = frame.args.domain;
			report(site, frame.args.hostId, { uuid, name }, "running");
			return { ok: true, result: { uuid, name, state: "running" } };
		}
		case "vm.stop": {
			for (const [hostId, list] of site.domains) {
				const d = list.find((x) => x.name === frame.args.name);
				if (d && hostId === frame.args.hostId) report(site, hostId, d, "shutoff");
			}
			return { ok: true, result: {} };
		}
		case "vm.reboot": {
			const d = site.domains.get(frame.args.hostId)?.find((x) => x.name === frame.args.name);
			if (!d) return { ok: false, error: { code: "invalid", text: `no domain ${frame.args.name}` } };
			return { ok: true, result: { uuid: d.uuid, name: d.name, state: "running" } };
		}
		case "vm.migrate": {
			const d = site.domains.get(frame.args.hostId)?.find((x) => x.name === frame.args.name);
			if (!d) return { ok: false, error: { code: "invalid", text: `no domain ${frame.args.name}` } };
			report(site, frame.args.hostId, d, "shutoff");
			report(site, frame.args.targetHostId, d, "running");
			return { ok: true, result: { uuid: d.uuid, name: d.name, state: "running" } };
		}
		case "volume.create":
			return {
				ok: true,
				result: { path: frame.args.path, format: "QCOW2", sizeBytes: frame.args.sizeBytes, physicalBytes: 196_608 },
			};
		default:
			return defaultAnswer(frame, agent);
	}
}

/** The fake hosts as a hello reports them now (with their domains). */
export function helloHosts(site: Site): Host[] {
	return site.agent.hosts.map((h) => ({ ...h, domains: site.domains.get(h.id) ?? [] }));
}

export async function buildSite(world: World): Promise<Site> {
	const { zone, pod, cluster } = await createTree(world);
	const prefix = (pod.gateway as string).replace(/\.1$/, "");
	ok(await call(world.root, { command: "updateZone", id: zone.id, allocationstate: "Enabled" }), "updateZone");
	const site = { zone, pod, cluster, hosts: [], domains: new Map(), override: null } as unknown as Site;
	site.agent = await startFakeAgent(zone, {
		onCommand: (frame, agent) => {
			const answer = vmAnswer(site, frame, agent);
			// host.refresh answers carry the domains the fake hosts run.
			if (frame.name === "host.refresh" && answer !== "ignore" && answer.ok) {
				const host = answer.result as Host;
				return { ok: true, result: { ...host, domains: site.domains.get(host.id) ?? [] } };
			}
			return answer;
		},
	});
	ok(
		await call(world.root, {
			command: "createVlanIpRange",
			podid: pod.id,
			gateway: `${prefix}.1`,
			netmask: "255.255.255.0",
			startip: `${prefix}.100`,
			endip: `${prefix}.140`,
		}),
		"createVlanIpRange",
	);
	for (const name of ["hv-a", "hv-b"]) {
		const body = ok(
			await call(world.root, {
				command: "addHost",
				zoneid: zone.id,
				podid: pod.id,
				clusterid: cluster.id,
				hypervisor: "KVM",
				url: `sim://${unique(name)}?cpus=8&mhz=2400&memory=16G`,
				username: "root",
				password: "unused",
			}),
			"addHost",
		);
		site.hosts.push(body.host[0]);
	}
	site.pool = ok(
		await call(world.root, {
			command: "createStoragePool",
			name: unique("pool-"),
			url: `nfs://10.9.9.9/export/${unique("primary")}`,
			zoneid: zone.id,
			podid: pod.id,
			clusterid: cluster.id,
		}),
		"createStoragePool",
	).storagepool;
	ok(
		await call(world.root, {
			command: "addImageStore",
			provider: "NFS",
			url: `nfs://10.9.9.8/export/${unique("secondary")}`,
			zoneid: zone.id,
		}),
		"addImageStore",
	);
	site.template = ok(
		await call(world.root, {
			command: "registerTemplate",
			name: unique("tmpl-"),
			url: "http://images.example.com/guest.qcow2",
			format: "QCOW2",
			hypervisor: "KVM",
			zoneid: zone.id,
			ispublic: "true",
		}),
		"registerTemplate",
	).template[0];
	await until(async () => {
		const [t] = await listItems(world.root, "listTemplates", "template", {
			templatefilter: "all",
			id: site.template.id,
		});
		return t?.isready === true;
	}, "the template to be Ready");
	const offering = (extra: Params) =>
		call(world.root, {
			command: "createServiceOffering",
			name: unique("so-"),
			displaytext: "test",
			cpunumber: "1",
			cpuspeed: "1000",
			memory: "512",
			...extra,
		});
	site.offering = ok(await offering({}), "createServiceOffering").serviceoffering;
	site.haOffering = ok(await offering({ offerha: "true" }), "createServiceOffering").serviceoffering;
	return site;
}

/** Polls `probe` until it holds (fails after `timeoutMs`). */
export async function until(probe: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
	const end = Date.now() + timeoutMs;
	for (;;) {
		if (await probe()) return;
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

/** deployVirtualMachine as `actor` (Running unless startvm=false); answers the job's VM. */
export async function deploy(site: Site, actor: Actor, extra: Params = {}): Promise<Obj> {
	const result = await runJob(actor, {
		command: "deployVirtualMachine",
		zoneid: site.zone.id,
		serviceofferingid: site.offering.id,
		templateid: site.template.id,
		...extra,
	});
	const vm = result.virtualmachine;
	expect(vm?.id).toMatch(/^[0-9a-f-]{36}$/);
	// A user's view has no host: the tests read it from D1.
	const row = await env.DB.prepare("SELECT host_id AS h FROM vm_instances WHERE id = ?")
		.bind(vm.id)
		.first<{ h: string | null }>();
	return { ...vm, hostid: row?.h ?? undefined };
}

export async function vmOf(actor: Actor, id: string): Promise<Obj> {
	const [vm] = await listItems(actor, "listVirtualMachines", "virtualmachine", { id, listall: "true" });
	return vm;
}

export async function hostAllocated(hostId: string): Promise<{ cpu: number; memory: number }> {
	const row = await env.DB.prepare("SELECT cpu_allocated AS cpu, memory_allocated AS memory FROM hosts WHERE id = ?")
		.bind(hostId)
		.first<{ cpu: number; memory: number }>();
	return row ?? { cpu: -1, memory: -1 };
}

export async function eventsOf(vmId: string): Promise<string[]> {
	const rows = await env.DB.prepare("SELECT type FROM events WHERE resource_id = ? ORDER BY created, rowid")
		.bind(vmId)
		.all<{ type: string }>();
	return rows.results.map((r) => r.type);
}
