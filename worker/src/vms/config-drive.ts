/**
 * @module The files of an instance's config drive, in OpenStack's layout (cloud-init's ConfigDrive
 * datasource, volume label `config-2`): `openstack/latest/meta_data.json` (uuid, hostname, name,
 * availability zone and the SSH public keys), `user_data` (the deploy call's user data, decoded)
 * and `network_data.json` (each NIC by MAC with its static address, route and the zone's DNS).
 * The agent turns these into the ISO (relay-agent); this module only says what is in it.
 */
import type { ConfigDrive } from "@flarestack/protocol";
import { and, eq } from "drizzle-orm";
import { CsError, ERROR } from "../api/errors";
import type { Db } from "../db/client";
import { inIds } from "../db/in-ids";
import { nics, sshKeyPairs, zones } from "../db/schema";
import { fromBase64, toBase64 } from "../lib/ids";
import type { NicRow, VmRow } from "./vm-rows";

export type ConfigDriveFile = ConfigDrive["files"][number];

export const META_DATA = "openstack/latest/meta_data.json";
export const USER_DATA = "openstack/latest/user_data";
export const NETWORK_DATA = "openstack/latest/network_data.json";

/** The protocol's limit on one file (Base64 characters). */
const MAX_FILE_BASE64 = 1 << 20;

/**
 * User data as stored (Base64 as the caller gave it: standard or URL-safe, padded or not, line
 * breaks allowed) → canonical Base64 of the same bytes; 431 when it is not Base64 or too large.
 * deployVirtualMachine can call this to refuse bad user data before anything is made.
 */
export function canonicalUserData(raw: string): string {
	const compacted = raw.replace(/\s+/g, "").replaceAll("-", "+").replaceAll("_", "/").replace(/=+$/, "");
	if (!/^[A-Za-z0-9+/]*$/.test(compacted) || compacted.length % 4 === 1) {
		throw new CsError(ERROR.paramError, "User data is not valid Base64");
	}
	const padded = compacted + "=".repeat((4 - (compacted.length % 4)) % 4);
	const canonical = toBase64(fromBase64(padded));
	if (canonical.length > MAX_FILE_BASE64) {
		throw new CsError(ERROR.paramError, `User data is too large: at most ${(MAX_FILE_BASE64 / 4) * 3} bytes`);
	}
	return canonical;
}

function jsonFile(name: string, value: unknown): ConfigDriveFile {
	return { name, base64: toBase64(new TextEncoder().encode(JSON.stringify(value))) };
}

/** The names in `vm.keypairs` (comma-separated, in the order given), without blanks or repeats. */
function keyPairNames(list: string | null): string[] {
	return [...new Set((list ?? "").split(",").map((n) => n.trim()))].filter((n) => n !== "");
}

/**
 * The public keys of the instance's key pairs, by name, looked up in the instance's account. A
 * pair deleted since the deploy is left out (the guest keeps what an earlier drive gave it).
 */
async function publicKeys(db: Db, vm: Pick<VmRow, "accountId" | "keypairs">): Promise<[string, string][]> {
	const names = keyPairNames(vm.keypairs);
	if (names.length === 0) return [];
	const rows = await db
		.select({ name: sshKeyPairs.name, publicKey: sshKeyPairs.publicKey })
		.from(sshKeyPairs)
		.where(and(eq(sshKeyPairs.accountId, vm.accountId), inIds(sshKeyPairs.name, names)));
	const byName = new Map(rows.map((r) => [r.name, r.publicKey]));
	return names.flatMap((name) => {
		const key = byName.get(name);
		return key ? [[name, key] as [string, string]] : [];
	});
}

/** OpenStack's network_data.json: one link per NIC, a static IPv4 network where it has an address. */
function networkData(nicRows: NicRow[], dns: string[]): Record<string, unknown> {
	const sorted = [...nicRows].sort((a, b) => a.deviceId - b.deviceId);
	const links = sorted.map((nic) => ({
		id: `interface${nic.deviceId}`,
		type: "phy",
		ethernet_mac_address: nic.macAddress,
	}));
	const networks = sorted.map((nic) => {
		const base = { id: `network${nic.deviceId}`, link: `interface${nic.deviceId}`, network_id: nic.networkId };
		if (!nic.ipAddress || !nic.netmask) return { ...base, type: "ipv4_dhcp" };
		// Only the default NIC carries the default route, so a second NIC cannot take the guest's traffic.
		const routes =
			nic.isDefault && nic.gateway ? [{ network: "0.0.0.0", netmask: "0.0.0.0", gateway: nic.gateway }] : [];
		return { ...base, type: "ipv4", ip_address: nic.ipAddress, netmask: nic.netmask, routes };
	});
	return { links, networks, services: dns.map((address) => ({ type: "dns", address })) };
}

/** Everything the guest's cloud-init reads from its config drive, as the agent writes it. */
export async function configDriveFiles(db: Db, vm: VmRow): Promise<ConfigDriveFile[]> {
	const [zone, nicRows, keys] = await Promise.all([
		db
			.select({ name: zones.name, dns1: zones.dns1, dns2: zones.dns2 })
			.from(zones)
			.where(eq(zones.id, vm.zoneId))
			.get(),
		db.select().from(nics).where(eq(nics.vmId, vm.id)),
		publicKeys(db, vm),
	]);
	const meta: Record<string, unknown> = {
		uuid: vm.id,
		hostname: vm.name,
		name: vm.displayName,
		launch_index: 0,
		availability_zone: zone?.name ?? vm.zoneId,
		public_keys: Object.fromEntries(keys),
		keys: keys.map(([name, data]) => ({ name, type: "ssh", data })),
	};
	const files = [jsonFile(META_DATA, meta)];
	if (vm.userData?.trim()) files.push({ name: USER_DATA, base64: canonicalUserData(vm.userData) });
	const dns = [zone?.dns1, zone?.dns2].filter((d): d is string => !!d);
	files.push(jsonFile(NETWORK_DATA, networkData(nicRows, dns)));
	return files;
}
