/**
 * @module libvirt domain XML from a DomainSpec. The Worker never sends XML: it sends a checked spec,
 * and this file is the only place text becomes XML, through `el`, which escapes every attribute and
 * text node. (No XML library is among the agent's dependencies; this is the small part of one the
 * agent needs: building, never parsing.)
 *
 * NFS disks are libvirt network disks read by qemu's own NFS client (libnfs), so no kernel NFS mount
 * is needed on the host. Every layer of a backing chain is given explicitly with its own
 * `<identity user='root' group='root'/>`: qemu (as libvirt-qemu) cannot read the 0600 root files
 * made over NFS otherwise, and qemu resolves a relative backing name over nfs:// wrongly.
 */
import type { DiskLayer, DiskSpec, DomainSpec, ImageFormat, StoreLocation } from "@flarestack/protocol";
import type { GuestSettings } from "./driver.ts";

type Attrs = Record<string, string | number | undefined>;
type Child = string | Xml;

/** An element already rendered; plain strings passed as children are text and get escaped. */
export class Xml {
	readonly text: string;
	constructor(text: string) {
		this.text = text;
	}
}

export function escapeXml(value: string): string {
	return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `<name a='…'>children</name>`, or `<name a='…'/>` without children. */
export function el(name: string, attrs: Attrs = {}, ...children: Child[]): Xml {
	const attrText = Object.entries(attrs)
		.filter(([, value]) => value !== undefined)
		.map(([key, value]) => ` ${key}='${escapeXml(String(value))}'`)
		.join("");
	if (children.length === 0) return new Xml(`<${name}${attrText}/>`);
	const body = children.map((child) => (child instanceof Xml ? child.text : escapeXml(child))).join("");
	return new Xml(`<${name}${attrText}>${body}</${name}>`);
}

/** Where the serial console of `name` is logged on its host (append='off': each start begins anew). */
export function consoleLogPath(name: string): string {
	return `/var/log/libvirt/qemu/${name}-console.log`;
}

const driverType = (format: ImageFormat) => (format === "QCOW2" ? "qcow2" : "raw");

/** A file of a store as libvirt sees it: `<source>` (+ the disk/backingStore `type`). */
function source(store: StoreLocation, path: string): { type: "network" | "file"; source: Xml } {
	const full = `${store.path.replace(/\/+$/, "")}/${path}`;
	if (store.kind === "local") return { type: "file", source: el("source", { file: full }) };
	return {
		type: "network",
		source: el(
			"source",
			{ protocol: "nfs", name: full },
			el("host", { name: store.server }),
			el("identity", { user: "root", group: "root" }),
		),
	};
}

/** The chain below a disk, nearest layer first; the innermost ends with an empty `<backingStore/>`. */
function backingChain(store: StoreLocation, chain: DiskLayer[]): Xml {
	let inner = el("backingStore");
	for (const layer of [...chain].reverse()) {
		const { type, source: src } = source(store, layer.path);
		inner = el("backingStore", { type }, el("format", { type: driverType(layer.format) }), src, inner);
	}
	return inner;
}

/** The guest-visible serial of a volume: its id without dashes, cut to virtio-blk's 20 characters. */
export function diskSerial(volumeId: string): string {
	return volumeId.replaceAll("-", "").slice(0, 20);
}

/** One `<disk>`: for the domain (with its boot order, if it boots), and alone for `virsh attach-device`. */
export function diskXml(disk: DiskSpec, bootOrder?: number): Xml {
	const { type, source: src } = source(disk.store, disk.path);
	const cdrom = disk.device === "cdrom";
	return el(
		"disk",
		{ type, device: disk.device },
		el("driver", { name: "qemu", type: driverType(disk.format) }),
		src,
		backingChain(disk.store, disk.chain),
		el("target", { dev: disk.target, bus: disk.bus }),
		...(bootOrder === undefined ? [] : [el("boot", { order: bootOrder })]),
		...(cdrom ? [] : [el("serial", {}, diskSerial(disk.volumeId))]),
		...(disk.readonly || cdrom ? [el("readonly")] : []),
	);
}

/**
 * Boot orders per disk index: the root disk (the first `disk`), after the first cdrom when the guest
 * boots from an ISO. Per-device orders, not `<os><boot dev='hd'/>`: with several disks (a data disk
 * hot-plugged before a migration) the firmware's "first hard disk" need not be the root one.
 */
function bootOrders(spec: DomainSpec): Map<number, number> {
	const orders = new Map<number, number>();
	const root = spec.disks.findIndex((disk) => disk.device === "disk");
	const cdrom = spec.disks.findIndex((disk) => disk.device === "cdrom");
	if (spec.bootCdrom && cdrom >= 0) orders.set(cdrom, 1);
	if (root >= 0) orders.set(root, orders.size + 1);
	return orders;
}

/** The whole transient domain. */
export function domainXml(spec: DomainSpec, settings: GuestSettings): string {
	const orders = bootOrders(spec);
	const xml = el(
		"domain",
		{ type: spec.type },
		el("name", {}, spec.name),
		el("uuid", {}, spec.uuid),
		el("memory", { unit: "MiB" }, String(spec.memoryMiB)),
		el("currentMemory", { unit: "MiB" }, String(spec.memoryMiB)),
		el("vcpu", { placement: "static" }, String(spec.vcpus)),
		el("cputune", {}, el("shares", {}, String(spec.cpuShares))),
		el("os", {}, el("type", { arch: "x86_64", machine: "pc" }, "hvm")),
		el("features", {}, el("acpi"), el("apic")),
		el("clock", { offset: "utc" }),
		el("on_poweroff", {}, "destroy"),
		el("on_reboot", {}, "restart"),
		el("on_crash", {}, "destroy"),
		el(
			"devices",
			{},
			...spec.disks.map((disk, index) => diskXml(disk, orders.get(index))),
			...spec.nics.map((nic) =>
				el(
					"interface",
					{ type: "bridge" },
					el("mac", { address: nic.mac }),
					el("source", { bridge: settings.guestBridge }),
					el("model", { type: nic.model }),
				),
			),
			el(
				"serial",
				{ type: "pty" },
				el("log", { file: consoleLogPath(spec.name), append: "off" }),
				el("target", { port: 0 }),
			),
			el("console", { type: "pty" }, el("target", { type: "serial", port: 0 })),
			// No balloon: memory is fixed per offering, and guests without a balloon driver would hang on it.
			el("memballoon", { model: "none" }),
		),
	);
	return `${xml.text}\n`;
}
