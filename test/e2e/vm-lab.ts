/**
 * @module The real lab for the instance e2e test and part 1 of the deploy benchmark: the namespace
 * libvirtd hosts, nfs-ganesha and the self-bootable guest template of test/e2e/lab.sh. Only one lab
 * (and one ganesha) can run per machine, so a running one is reused as it is (found by its
 * namespaces and ganesha's own command line) and only what this process started is stopped.
 *
 * Guests run inside the host namespaces, where 127.0.0.1 is not the root namespace's: when ganesha
 * listens on 127.0.0.1 only, its NFS and MOUNT ports are forwarded from the lab's management
 * address (10.99.0.1, reachable from every host) to 127.0.0.1, and the pools name 10.99.0.1 —
 * which the agent, in the root namespace, reaches too. Erasable TypeScript only.
 */
import { execFile } from "node:child_process";
import { access, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "../clients/server.ts";

const run = promisify(execFile);
export const LAB = path.join(REPO_ROOT, "test", "e2e", "lab.sh");
export const MGMT_ADDRESS = "10.99.0.1";
export const HOST_URIS = ["qemu+tcp://10.99.0.11/system", "qemu+tcp://10.99.0.12/system"];
/** What the guest template's /sbin/init prints on the serial console (lab.sh `guest`). */
export const BOOT_MARKER = "FLARESTACK-GUEST-BOOTED";

export interface Lab {
	W: string;
	/** The address pools and stores name: reachable from the agent and from inside the hosts. */
	nfsServer: string;
	nfsUrl(exportName: "primary" | "secondary"): string;
	/** The export's directory as the root namespace sees it. */
	exportDir(exportName: "primary" | "secondary"): string;
	/** The self-bootable qcow2 template (ext2 + extlinux + kernel) lab.sh `guest` built. */
	guestTemplate: string;
	/** A host's serial console log of domain `name` (host 1 or 2). */
	consoleLog(host: 1 | 2, name: string): string;
	lab(...args: string[]): Promise<string>;
	/** Stops what this process started (the lab, ganesha, the forwarders). */
	release(): Promise<void>;
}

async function has(command: string): Promise<boolean> {
	return run("sh", ["-c", `command -v ${command}`]).then(
		() => true,
		() => false,
	);
}

/** Why the real lab cannot run here, or undefined. */
export async function labProblem(): Promise<string | undefined> {
	if (process.getuid?.() !== 0) return "needs root";
	for (const command of ["ip", "virsh", "libvirtd", "qemu-img", "ganesha.nfsd", "rpcbind", "rpcinfo"]) {
		if (!(await has(command))) return `needs ${command} (test/e2e/lab.sh install)`;
	}
	const script = await readFile(LAB, "utf8");
	if (!script.includes(BOOT_MARKER))
		return `lab.sh guest does not build a self-bootable template printing ${BOOT_MARKER} yet`;
	return undefined;
}

/** The W of the ganesha running now (from its `-f <W>/nfs/ganesha.conf`), if one runs. */
async function runningGaneshaW(): Promise<string | undefined> {
	for (const entry of await readdir("/proc")) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const argv = (await readFile(`/proc/${entry}/cmdline`, "utf8")).split("\0");
			if (!argv[0]?.endsWith("ganesha.nfsd")) continue;
			const conf = argv[argv.indexOf("-f") + 1] ?? "";
			if (conf.endsWith("/nfs/ganesha.conf")) return conf.slice(0, -"/nfs/ganesha.conf".length);
		} catch {
			// Gone while we looked.
		}
	}
	return undefined;
}

async function labNamespacesUp(): Promise<boolean> {
	const { stdout } = await run("ip", ["netns", "list"]);
	return /^lab-h1\b/m.test(stdout) && /^lab-h2\b/m.test(stdout);
}

/** TCP ports ganesha's NFS and MOUNT programs registered with rpcbind. */
async function nfsPorts(): Promise<number[]> {
	const { stdout } = await run("rpcinfo", ["-p", "127.0.0.1"]);
	const ports = new Set<number>([2049]);
	for (const line of stdout.split("\n")) {
		const [program, , proto, port] = line.trim().split(/\s+/);
		if ((program === "100003" || program === "100005") && proto === "tcp") ports.add(Number(port));
	}
	return [...ports];
}

/** Does anything listen on `address`:2049 (or on every address)? */
async function nfsListensOn(address: string): Promise<boolean> {
	const { stdout } = await run("ss", ["-Hltn", "sport = :2049"]);
	return stdout
		.split("\n")
		.some((line) => line.includes(`${address}:2049`) || /\s(0\.0\.0\.0|\*|\[::\]):2049\s/.test(line));
}

function forward(address: string, port: number): Promise<Server> {
	const sockets = new Set<Socket>();
	const server = createServer((inbound) => {
		const outbound = createConnection({ host: "127.0.0.1", port });
		sockets.add(inbound);
		sockets.add(outbound);
		inbound.pipe(outbound);
		outbound.pipe(inbound);
		const close = () => {
			inbound.destroy();
			outbound.destroy();
			sockets.delete(inbound);
			sockets.delete(outbound);
		};
		inbound.on("error", close).on("close", close);
		outbound.on("error", close).on("close", close);
	});
	server.on("close", () => {
		for (const s of sockets) s.destroy();
	});
	return new Promise((resolve, reject) => {
		server.once("error", reject);
		server.listen(port, address, () => resolve(server));
	});
}

/** Brings up (or reuses) the lab hosts, ganesha and the guest template. */
export async function acquireLab(): Promise<Lab> {
	const started: string[] = [];
	const forwarders: Server[] = [];
	let W: string;
	const stateFile = "/run/flarestack-lab.dir";
	if (await labNamespacesUp()) {
		W = (await readFile(stateFile, "utf8").catch(() => "")).trim();
		if (!W) throw new Error("a lab is up but /run/flarestack-lab.dir does not say where");
	} else {
		W = await mkdtemp(path.join(tmpdir(), "flarestack-vm-lab-"));
		await run("bash", [LAB, "up"], { env: { ...process.env, W, LAB_HOSTS: "2" } });
		started.push("hosts");
	}
	const labAt =
		(dir: string) =>
		async (...args: string[]) =>
			(await run("bash", [LAB, ...args], { env: { ...process.env, W: dir, LAB_HOSTS: "2" }, maxBuffer: 1 << 24 }))
				.stdout;
	const lab = labAt(W);
	let nfsW = await runningGaneshaW();
	if (!nfsW) {
		nfsW = W;
		await lab("nfs");
		started.push("nfs");
	}
	const nfsLab = labAt(nfsW);
	const guestDir = path.join(W, "guest");
	const findTemplate = async () => {
		const files = await readdir(guestDir).catch(() => [] as string[]);
		return files.find((f) => /boot.*\.qcow2$/.test(f));
	};
	let template = process.env.FLARESTACK_GUEST_TEMPLATE ?? (await findTemplate());
	if (!template) {
		await lab("guest");
		template = await findTemplate();
	}
	if (!template) throw new Error(`lab.sh guest made no self-bootable template in ${guestDir}`);
	const guestTemplate = path.isAbsolute(template) ? template : path.join(guestDir, template);
	await access(guestTemplate);

	let nfsServer = MGMT_ADDRESS;
	if (!(await nfsListensOn(MGMT_ADDRESS))) {
		for (const port of await nfsPorts()) forwarders.push(await forward(MGMT_ADDRESS, port));
	}
	const exportW = nfsW;
	return {
		W,
		nfsServer,
		nfsUrl: (name) => `nfs://${nfsServer}${exportW}/nfs/${name}`,
		exportDir: (name) => path.join(exportW, "nfs", name),
		guestTemplate,
		consoleLog: (host, name) => path.join(W, "hosts", `h${host}`, "log", "qemu", `${name}-console.log`),
		lab,
		release: async () => {
			for (const f of forwarders) await new Promise((resolve) => f.close(resolve));
			if (started.includes("nfs")) await nfsLab("nfs-down").catch(() => undefined);
			if (started.includes("hosts")) {
				await lab("down").catch(() => undefined);
				await rm(W, { recursive: true, force: true }).catch(() => undefined);
			}
			nfsServer = "";
		},
	};
}

/** Waits until `file` contains `marker`; resolves with the ms it took, or rejects after `ms`. */
export async function waitForMarker(file: string, marker: string, ms: number): Promise<number> {
	const t0 = performance.now();
	for (;;) {
		const text = await readFile(file, "latin1").catch(() => "");
		if (text.includes(marker)) return performance.now() - t0;
		if (performance.now() - t0 > ms) {
			throw new Error(`no ${marker} in ${file} within ${ms} ms; it ends with:\n${text.slice(-2000)}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}
