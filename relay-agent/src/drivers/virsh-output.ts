/**
 * @module Parsers for what `virsh` prints (with LC_ALL=C, libvirt 9). Pure functions over text, so
 * they are tested against captured output; each one throws a DriverError("failed") when the text is
 * not what it expects rather than guess.
 */
import type { Domain, DomainState, DomainType } from "@flarestack/protocol";
import { DriverError } from "./driver.ts";

export interface NodeInfo {
	cpuCount: number;
	cpuMhz: number;
	memoryBytes: number;
}

/** `key: value` lines, as nodeinfo and version print them. */
function fields(text: string): Map<string, string> {
	const out = new Map<string, string>();
	for (const line of text.split("\n")) {
		const colon = line.indexOf(":");
		if (colon > 0) out.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
	}
	return out;
}

function integer(value: string | undefined, what: string): number {
	const match = value?.match(/^(\d+)/);
	if (!match?.[1]) throw new DriverError("failed", `virsh nodeinfo: no ${what}`);
	return Number(match[1]);
}

const MEMORY_UNITS: Record<string, number> = { b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4 };

/**
 * `virsh nodeinfo`:
 * ```
 * CPU(s):              16
 * CPU frequency:       1400 MHz
 * Memory size:         3145728 KiB
 * ```
 */
export function parseNodeInfo(text: string): NodeInfo {
	const info = fields(text);
	const memory = info.get("memory size")?.match(/^(\d+)\s*([a-z]*)/i);
	const unit = MEMORY_UNITS[(memory?.[2] || "KiB").toLowerCase()];
	if (!memory?.[1] || unit === undefined) throw new DriverError("failed", "virsh nodeinfo: no memory size");
	return {
		cpuCount: integer(info.get("cpu(s)"), "CPU(s)"),
		// Some hosts (ARM, some VMs) report 0 MHz; that is a fact, not an error.
		cpuMhz: integer(info.get("cpu frequency"), "CPU frequency"),
		memoryBytes: Number(memory[1]) * unit,
	};
}

/**
 * The hypervisor's version from `virsh version` (`Running hypervisor: QEMU 7.2.0` → `7.2.0`), or
 * the library's when the driver does not say (`Using library: libvirt 9.0.0`).
 */
export function parseHypervisorVersion(text: string): string {
	const info = fields(text);
	const running = info.get("running hypervisor") ?? info.get("using library");
	const version = running?.match(/(\d+(?:\.\d+)*)\s*$/)?.[1];
	if (!version) throw new DriverError("failed", "virsh version: no hypervisor version");
	return version;
}

/** `virsh hostname`: one line. */
export function parseHostname(text: string): string {
	const name = text.trim().split("\n")[0]?.trim() ?? "";
	if (!name) throw new DriverError("failed", "virsh hostname: empty answer");
	return name.slice(0, 255);
}

/** The words `virsh list` prints for each virDomainState, and the protocol's names for them. */
const STATE_WORDS: [string, DomainState][] = [
	["no state", "nostate"],
	["running", "running"],
	["idle", "blocked"],
	["blocked", "blocked"],
	["paused", "paused"],
	["in shutdown", "shutdown"],
	["shut off", "shutoff"],
	["crashed", "crashed"],
	["pmsuspended", "pmsuspended"],
];

/**
 * Domains from `virsh list --all --uuid --name` (`<uuid> <name>` per line) and the table of
 * `virsh list --all` (` Id   Name   State`, a dashed line, then `<id|->  <name>  <state words>`),
 * joined by name (unique per host). A domain missing from the table (it came or went between the two
 * listings) is left out.
 */
export function parseDomains(uuidNames: string, table: string): Domain[] {
	const states = new Map<string, DomainState>();
	const rows = table.split("\n");
	const dashes = rows.findIndex((row) => /^-{3,}\s*$/.test(row.trim()));
	for (const row of rows.slice(dashes + 1)) {
		const line = row.trim();
		if (!line) continue;
		const known = STATE_WORDS.find(([words]) => line.endsWith(` ${words}`));
		if (!known) continue;
		const [words, state] = known;
		const rest = line.slice(0, line.length - words.length).trim();
		const name = rest.replace(/^(\d+|-)\s+/, "").trim();
		if (name) states.set(name, state);
	}
	const domains: Domain[] = [];
	for (const row of uuidNames.split("\n")) {
		const match = row.trim().match(/^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\s+(.+)$/i);
		if (!match?.[1] || !match[2]) continue;
		const state = states.get(match[2]);
		if (state) domains.push({ uuid: match[1].toLowerCase(), name: match[2].slice(0, 255), state });
	}
	return domains;
}

/**
 * The domain type guests get, from `virsh capabilities`: `kvm` only when a guest architecture offers
 * `<domain type='kvm'>` AND the host CPU's features include `vmx` (Intel) or `svm` (AMD). libvirt
 * advertises kvm on kernels whose /dev/kvm cannot run stock guests (e.g. a PVM backend without
 * hardware virtualization), so its word alone is not enough; without both, guests use TCG (`qemu`).
 */
export function decideDomainType(capabilitiesXml: string): DomainType {
	const host = between(capabilitiesXml, "<host>", "</host>");
	const cpu = host === undefined ? undefined : between(host, "<cpu>", "</cpu>");
	const hardware = cpu !== undefined && /<feature\s+name=['"](vmx|svm)['"]|<(vmx|svm)\s*\/>/.test(cpu);
	const offered = /<domain\s+type=['"]kvm['"]/.test(capabilitiesXml);
	return offered && hardware ? "kvm" : "qemu";
}

function between(text: string, open: string, close: string): string | undefined {
	const start = text.indexOf(open);
	if (start < 0) return undefined;
	const end = text.indexOf(close, start + open.length);
	return end < 0 ? undefined : text.slice(start + open.length, end);
}
