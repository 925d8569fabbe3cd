/**
 * @module The libvirt driver's guest methods, all through virsh (argument arrays, never a shell).
 * Guests are transient domains (`virsh create`): a stopped guest is gone from libvirt, as with
 * CloudStack's KVM agent, so the Worker's D1 is the only place a stopped VM's definition lives.
 * Every method first looks at what is there, so a command resent after a reconnect does not act
 * twice (a second `create` of a running guest, a second migration).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Domain } from "@flarestack/protocol";
import { ExecError } from "../exec.ts";
import { diskXml, domainXml } from "./domain-xml.ts";
import { type CallOptions, DriverError, type VmDriver } from "./driver.ts";
import { parseDomains } from "./virsh-output.ts";

export type VirshRun = (uri: string, args: string[], options: CallOptions) => Promise<string>;

/** Printed between the two listings of one virsh run; our own text. */
const MARK = "@@flarestack-domains@@";
/** How often a graceful stop looks whether the guest is gone. */
const STOP_POLL_MS = 500;

/** A guest that is not there (any more) is not an error for stop/detach; virsh says it this way. */
const NOT_FOUND = /failed to get domain|domain not found|no domain with matching/i;
/** virsh could not talk to libvirtd at all: the host is unreachable, not the command refused. */
const NO_LINK = /failed to connect to the hypervisor|unable to connect|cannot recv data|end of file while reading/i;

export function vmError(error: unknown): DriverError {
	if (error instanceof DriverError) return error;
	if (error instanceof ExecError) {
		if (error.kind === "timeout") return new DriverError("timeout", error.message);
		if (error.kind === "missing" || NO_LINK.test(error.message)) return new DriverError("unreachable", error.message);
		return new DriverError("failed", error.message);
	}
	return new DriverError("failed", error instanceof Error ? error.message : String(error));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work` with a private temporary file holding `text` (virsh reads XML from a file). */
async function withXmlFile<T>(text: string, work: (file: string) => Promise<T>): Promise<T> {
	const dir = await mkdtemp(path.join(tmpdir(), "flarestack-xml-"));
	const file = path.join(dir, "device.xml");
	try {
		await writeFile(file, text, { mode: 0o600 });
		return await work(file);
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
}

/** The disk targets of `virsh domblklist`: ` Target   Source`, dashes, then `<target> <source>` rows. */
export function parseBlockTargets(text: string): string[] {
	const rows = text.split("\n");
	const dashes = rows.findIndex((row) => /^-{3,}\s*$/.test(row.trim()));
	return rows
		.slice(dashes + 1)
		.map((row) => row.trim().split(/\s+/)[0] ?? "")
		.filter((target) => target !== "");
}

/** `qemu+tcp://10.0.0.12/system` → `tcp://10.0.0.12`: where QEMU sends the migration stream. */
export function migrateUriFor(targetUri: string): string {
	let host = "";
	try {
		host = new URL(targetUri).hostname;
	} catch {}
	if (!host) throw new DriverError("failed", `cannot live-migrate to ${targetUri}: it names no host address`);
	return `tcp://${host}`;
}

export function libvirtVmMethods(run: VirshRun): VmDriver {
	const list = async (uri: string, options: CallOptions): Promise<Domain[]> => {
		try {
			const output = await run(uri, [`list --all --uuid --name ; echo ${MARK} ; list --all`], options);
			const [uuidNames = "", table = ""] = output.split(`${MARK}\n`);
			return parseDomains(uuidNames, table);
		} catch (error) {
			throw vmError(error);
		}
	};
	const find = async (uri: string, name: string, options: CallOptions) =>
		(await list(uri, options)).find((domain) => domain.name === name);
	const virsh = async (uri: string, args: string[], options: CallOptions) => {
		try {
			return await run(uri, args, options);
		} catch (error) {
			throw vmError(error);
		}
	};
	const targets = async (uri: string, name: string, options: CallOptions) =>
		parseBlockTargets(await virsh(uri, ["domblklist", name], options));
	const live = (domain: Domain | undefined) => domain !== undefined && domain.state !== "shutoff";

	return {
		listDomains: list,

		async startDomain(uri, spec, settings, options) {
			const existing = await find(uri, spec.name, options);
			if (live(existing) && existing) return existing;
			await withXmlFile(domainXml(spec, settings), (file) => virsh(uri, ["create", file], options));
			const started = await find(uri, spec.name, options);
			if (!started) throw new DriverError("failed", `${spec.name} was created but libvirt does not list it`);
			return started;
		},

		async stopDomain(uri, name, graceMs, options) {
			const deadline = Date.now() + Math.min(graceMs, options.timeoutMs);
			if (graceMs > 0) {
				try {
					await run(uri, ["shutdown", name], options);
				} catch (error) {
					if (NOT_FOUND.test(vmError(error).message)) return;
				}
				while (Date.now() < deadline) {
					if (!live(await find(uri, name, options))) return;
					await sleep(Math.min(STOP_POLL_MS, Math.max(0, deadline - Date.now())));
				}
			}
			try {
				await run(uri, ["destroy", name], options);
			} catch (error) {
				// Gone meanwhile (or never there): stopped either way. Anything else is a real failure.
				if (live(await find(uri, name, options))) throw vmError(error);
			}
		},

		async resetDomain(uri, name, options) {
			await virsh(uri, ["reset", name], options);
			const domain = await find(uri, name, options);
			if (!domain) throw new DriverError("failed", `${name} is not running after the reset`);
			return domain;
		},

		async migrateDomain(uri, name, target, options) {
			const there = await find(target.uri, name, options);
			if (live(there) && there && !live(await find(uri, name, options))) return there;
			// --unsafe: the disks are on shared pool storage (NFS through qemu's own client) with the
			// default cache mode, which libvirt cannot prove coherent and refuses without it; both hosts
			// see the same files, and the source stops writing before the target starts.
			await virsh(
				uri,
				["migrate", "--live", "--unsafe", name, target.uri, "--migrateuri", migrateUriFor(target.uri)],
				options,
			);
			const arrived = await find(target.uri, name, options);
			if (!arrived) throw new DriverError("failed", `${name} migrated but the target does not list it`);
			return arrived;
		},

		async attachDisk(uri, name, disk, options) {
			if ((await targets(uri, name, options)).includes(disk.target)) return;
			await withXmlFile(`${diskXml(disk).text}\n`, (file) =>
				virsh(uri, ["attach-device", name, file, "--live"], options),
			);
		},

		async detachDisk(uri, name, target, options) {
			if (!(await targets(uri, name, options)).includes(target)) return;
			await virsh(uri, ["detach-disk", name, target, "--live"], options);
		},

		async resizeDisk(uri, name, target, sizeBytes, options) {
			await virsh(uri, ["blockresize", name, target, `${sizeBytes}B`], options);
		},
	};
}
