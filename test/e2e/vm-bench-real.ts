/**
 * @module Part 1 of `npm run bench:deploy`: a real VM on the namespace lab. Ours: the
 * deployVirtualMachine call (hostid = lab host 1) until listVirtualMachines says Running, and until
 * the guest's console shows its boot marker. Bare: on the same host and pool, a linked clone of the
 * same template copy (`qemu-img create -b`) + `virsh define` + `virsh start` of the very domain XML
 * the agent gave our VM (read back with `virsh dumpxml --inactive`, renamed, its own disk), timed
 * the same two ways. The first deploy (which copies the template to the pool) is a warm-up.
 * Erasable TypeScript only.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { startImageServer } from "./image-server.ts";
import { checksums } from "./images.ts";
import { hasCsClient, type Json, waitFor } from "./vm-cloud.ts";
import { type Harness, startHarness } from "./vm-harness.ts";
import { acquireLab, BOOT_MARKER, HOST_URIS, type Lab, labProblem, waitForMarker } from "./vm-lab.ts";

const run = promisify(execFile);

export async function realLabProblem(): Promise<string | undefined> {
	if (!(await hasCsClient())) return "needs python3-cs";
	return labProblem();
}

export interface RealResult {
	trials: number;
	hostName: string;
	/** Best ms to Running, ours and bare. */
	ours: number;
	bare: number;
	/** Best ms to the console marker, ours and bare (0 when not seen). */
	oursBooted: number;
	bareBooted: number;
}

const virsh = (...args: string[]) => run("virsh", ["-c", HOST_URIS[0] as string, ...args]).then((r) => r.stdout);

async function site(h: Harness, lab: Lab, templateUrl: string, sha256: string) {
	const { api, cloud } = h;
	const host = (
		await api.call("addHost", {
			zoneid: cloud.zoneId,
			podid: cloud.podId,
			clusterid: cloud.clusterId,
			url: HOST_URIS[0] as string,
			hypervisor: "KVM",
			username: "root",
			password: "unused",
		})
	).host[0];
	await api.call("createStoragePool", {
		zoneid: cloud.zoneId,
		podid: cloud.podId,
		clusterid: cloud.clusterId,
		name: "bench-primary",
		scope: "cluster",
		url: lab.nfsUrl("primary"),
	});
	await api.call("addImageStore", { zoneid: cloud.zoneId, provider: "NFS", url: lab.nfsUrl("secondary") });
	const registered = (
		await api.call("registerTemplate", {
			name: "bench-guest",
			displaytext: "bench guest",
			url: templateUrl,
			format: "QCOW2",
			hypervisor: "KVM",
			ostypeid: (await api.call("listOsTypes", {})).ostype[0].id,
			zoneid: cloud.zoneId,
			checksum: `{SHA-256}${sha256}`,
		})
	).template[0];
	await waitFor(
		"the template Ready",
		async () => (await api.call("listTemplates", { templatefilter: "all", id: registered.id })).template?.[0]?.isready,
		120_000,
		200,
	);
	const offering = (
		await api.call("createServiceOffering", {
			name: "bench-small",
			displaytext: "bench",
			cpunumber: "1",
			cpuspeed: "500",
			memory: "256",
		})
	).serviceoffering;
	return { host, templateId: registered.id as string, offeringId: offering.id as string };
}

async function job(h: Harness, jobid: string): Promise<Json> {
	return waitFor(
		`job ${jobid}`,
		async () => {
			const j = await h.api.call("queryAsyncJobResult", { jobid });
			if (j.jobstatus === 2) throw new Error(`job failed: ${JSON.stringify(j.jobresult)}`);
			return j.jobstatus === 1 ? j : undefined;
		},
		300_000,
		50,
	);
}

/** The domain XML of our VM, turned into a bare domain: new name and uuid, its own root disk and log. */
function bareXml(xml: string, vm: Json, rootVolumeId: string, name: string, clonePath: string): string {
	return xml
		.replace(/<uuid>[^<]*<\/uuid>/, `<uuid>${randomUUID()}</uuid>`)
		.replace(/<name>[^<]*<\/name>/, `<name>${name}</name>`)
		.replaceAll(`${rootVolumeId}.qcow2`, path.basename(clonePath))
		.replaceAll(`${vm.instancename}-console.log`, `${name}-console.log`)
		.replace(/<mac address='[^']*'\/>/g, "");
}

export async function benchRealDeploy(trials: number): Promise<RealResult> {
	const lab = await acquireLab();
	const server = await startImageServer();
	let h: Harness | undefined;
	try {
		server.add("guest", lab.guestTemplate);
		h = await startHarness({ driver: "libvirt", name: "bench-deploy-real" });
		const { host, templateId, offeringId } = await site(
			h,
			lab,
			server.url("guest"),
			(await checksums(lab.guestTemplate)).sha256,
		);
		const deploy = () =>
			(h as Harness).api.call("deployVirtualMachine", {
				zoneid: (h as Harness).cloud.zoneId,
				serviceofferingid: offeringId,
				templateid: templateId,
				hostid: host.id,
			});
		const expunge = async (id: string) =>
			job(h as Harness, (await (h as Harness).api.call("destroyVirtualMachine", { id, expunge: "true" })).jobid);
		// Warm-up: the template's copy on the pool, libvirt's first start on the host.
		const warm = await deploy();
		await job(h, warm.jobid);
		await expunge(warm.id);

		const ours: number[] = [];
		const oursBooted: number[] = [];
		const bare: number[] = [];
		const bareBooted: number[] = [];
		for (let trial = 0; trial < trials; trial++) {
			const t0 = performance.now();
			const answer = await deploy();
			const vm = await waitFor(
				"Running",
				async () => {
					const row = (await (h as Harness).api.call("listVirtualMachines", { id: answer.id })).virtualmachine?.[0];
					if (row?.state === "Error") throw new Error("deploy ended in Error");
					return row?.state === "Running" ? row : undefined;
				},
				300_000,
				25,
			);
			ours.push(performance.now() - t0);
			const log = lab.consoleLog(1, vm.instancename);
			await waitForMarker(log, BOOT_MARKER, 180_000).then(
				() => oursBooted.push(performance.now() - t0),
				() => undefined,
			);

			// Bare, while our VM runs (its config drive stays in place for the copied XML).
			const rootId = (await h.api.call("listVolumes", { virtualmachineid: vm.id, type: "ROOT" })).volume[0].id;
			const xml = await virsh("dumpxml", "--inactive", vm.instancename);
			const name = `bare-${trial}-${Date.now().toString(36)}`;
			const clone = path.join(lab.exportDir("primary"), `${name}.qcow2`);
			const xmlFile = path.join(h.work, `${name}.xml`);
			await writeFile(xmlFile, bareXml(xml, vm, rootId, name, clone));
			const b0 = performance.now();
			await run("qemu-img", [
				"create",
				"-q",
				"-f",
				"qcow2",
				"-F",
				"qcow2",
				"-b",
				`${lab.nfsUrl("primary")}/template-${templateId}.qcow2`,
				`${lab.nfsUrl("primary")}/${name}.qcow2`,
			]);
			await virsh("define", xmlFile);
			await virsh("start", name);
			bare.push(performance.now() - b0);
			await waitForMarker(lab.consoleLog(1, name), BOOT_MARKER, 180_000).then(
				() => bareBooted.push(performance.now() - b0),
				() => undefined,
			);
			await virsh("destroy", name).catch(() => undefined);
			await virsh("undefine", name).catch(() => undefined);
			await rm(clone, { force: true });
			await expunge(vm.id);
		}
		const best = (xs: number[]) => (xs.length ? Math.min(...xs) : 0);
		return {
			trials,
			hostName: host.name,
			ours: best(ours),
			bare: best(bare),
			oursBooted: best(oursBooted),
			bareBooted: best(bareBooted),
		};
	} finally {
		await server.close();
		await h?.dispose();
		await lab.release();
	}
}
