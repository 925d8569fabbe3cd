/**
 * vms/config-drive.ts: the OpenStack-layout files cloud-init reads — meta_data.json (uuid,
 * hostname, name, zone, the instance's key pairs by name from its own account), user_data
 * decoded, network_data.json with each NIC's static address — from rows written straight to D1.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../../worker/src/db/client";
import { nics, sshKeyPairs, vmInstances, zones } from "../../../worker/src/db/schema";
import { fromBase64, toBase64 } from "../../../worker/src/lib/ids";
import {
	canonicalUserData,
	configDriveFiles,
	META_DATA,
	NETWORK_DATA,
	USER_DATA,
} from "../../../worker/src/vms/config-drive";
import type { VmRow } from "../../../worker/src/vms/vm-rows";

// biome-ignore lint/suspicious/noExplicitAny: file contents are asserted field by field
type Obj = any;

const db = createDb(env.DB);
const zoneId = crypto.randomUUID();
const accountId = crypto.randomUUID();
const otherAccountId = crypto.randomUUID();
const networkId = crypto.randomUUID();
const ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGzvdykYEjsB+7GJze8HyjRpqlb/1Tv885Ecne8XJaB+";
const RSA = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC2EuMat2Pr2Qv2JWqigHI4d7ieIm7MDpuL3oLOgi5Z";

function text(base64: string): string {
	return new TextDecoder().decode(fromBase64(base64));
}

function file(files: { name: string; base64: string }[], name: string): { name: string; base64: string } | undefined {
	return files.find((f) => f.name === name);
}

function json(files: { name: string; base64: string }[], name: string): Obj {
	const found = file(files, name);
	expect(found, name).toBeDefined();
	return JSON.parse(text(found?.base64 ?? ""));
}

async function insertVm(extra: Partial<VmRow> = {}): Promise<VmRow> {
	const id = crypto.randomUUID();
	const row: VmRow = {
		id,
		name: `VM-${id}`,
		displayName: "web server",
		instanceName: `i-${id.replaceAll("-", "").slice(0, 12)}-VM`,
		accountId,
		domainId: crypto.randomUUID(),
		userId: crypto.randomUUID(),
		zoneId,
		podId: null,
		clusterId: null,
		hostId: null,
		lastHostId: null,
		serviceOfferingId: crypto.randomUUID(),
		templateId: crypto.randomUUID(),
		isoId: null,
		cpuNumber: 1,
		cpuSpeed: 500,
		memory: 256,
		state: "Stopped",
		haEnabled: false,
		userData: null,
		keypairs: null,
		details: null,
		displayVm: true,
		jobId: null,
		destroyed: null,
		created: Date.now(),
		removed: null,
		...extra,
	};
	await db.insert(vmInstances).values(row);
	return row;
}

async function insertNic(vmId: string, deviceId: number, extra: Partial<typeof nics.$inferInsert> = {}) {
	await db.insert(nics).values({
		id: crypto.randomUUID(),
		vmId,
		networkId,
		ipAddress: `10.1.1.${10 + deviceId}`,
		gateway: "10.1.1.1",
		netmask: "255.255.255.0",
		macAddress: `02:00:00:00:${Math.floor(Math.random() * 256)
			.toString(16)
			.padStart(2, "0")}:${deviceId.toString(16).padStart(2, "0")}`,
		isDefault: deviceId === 0,
		deviceId,
		created: Date.now(),
		...extra,
	});
}

beforeAll(async () => {
	await db.insert(zones).values({
		id: zoneId,
		name: "cd-zone",
		networkType: "Advanced",
		dns1: "192.0.2.53",
		dns2: "192.0.2.54",
		internalDns1: "10.0.0.53",
		created: Date.now(),
	});
	const pair = (owner: string, name: string, publicKey: string) => ({
		id: crypto.randomUUID(),
		name,
		accountId: owner,
		domainId: crypto.randomUUID(),
		publicKey,
		fingerprint: "00",
		created: Date.now(),
	});
	await db
		.insert(sshKeyPairs)
		.values([pair(accountId, "laptop", ED25519), pair(accountId, "ci", RSA), pair(otherAccountId, "other", RSA)]);
});

describe("configDriveFiles", () => {
	it("writes meta_data.json with the instance, its zone and its key pairs in the order given", async () => {
		const vm = await insertVm({ keypairs: "ci, laptop,gone,ci,other" });
		await insertNic(vm.id, 0);
		const files = await configDriveFiles(db, vm);
		expect(files.map((f) => f.name)).toEqual([META_DATA, NETWORK_DATA]);
		const meta = json(files, META_DATA);
		expect(meta).toEqual({
			uuid: vm.id,
			hostname: vm.name,
			name: "web server",
			launch_index: 0,
			availability_zone: "cd-zone",
			// "gone" was deleted and "other" belongs to another account: both left out.
			public_keys: { ci: RSA, laptop: ED25519 },
			keys: [
				{ name: "ci", type: "ssh", data: RSA },
				{ name: "laptop", type: "ssh", data: ED25519 },
			],
		});
		expect(Object.keys(meta.public_keys)).toEqual(["ci", "laptop"]);
	});

	it("has no keys and no user_data when the instance was given none", async () => {
		const vm = await insertVm({ userData: "  " });
		const files = await configDriveFiles(db, vm);
		const meta = json(files, META_DATA);
		expect(meta.public_keys).toEqual({});
		expect(meta.keys).toEqual([]);
		expect(file(files, USER_DATA)).toBeUndefined();
		expect(json(files, NETWORK_DATA)).toEqual({
			links: [],
			networks: [],
			services: [
				{ type: "dns", address: "192.0.2.53" },
				{ type: "dns", address: "192.0.2.54" },
			],
		});
	});

	it("decodes user data into user_data (standard or URL-safe Base64, with line breaks)", async () => {
		const script = "#cloud-config\nruncmd:\n - echo hi >/dev/console\n\u00e9\u00ff?>";
		const standard = toBase64(new TextEncoder().encode(script));
		const urlSafe = standard.replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
		for (const userData of [standard, `${standard.slice(0, 10)}\n${standard.slice(10)}`, urlSafe]) {
			const vm = await insertVm({ userData });
			const found = file(await configDriveFiles(db, vm), USER_DATA);
			expect(text(found?.base64 ?? "")).toBe(script);
		}
	});

	it("refuses user data that is not Base64 (431)", () => {
		for (const bad of ["not base64!", "abcde", "ab$c"]) {
			expect(() => canonicalUserData(bad), bad).toThrow(/User data is not valid Base64/);
		}
		expect(canonicalUserData("aGk")).toBe("aGk=");
	});

	it("lists every NIC by MAC in device order; only the default one has the default route", async () => {
		const vm = await insertVm();
		await insertNic(vm.id, 1, { gateway: "10.1.1.254" });
		await insertNic(vm.id, 0);
		await insertNic(vm.id, 2, { ipAddress: null, netmask: null, gateway: null });
		const net = json(await configDriveFiles(db, vm), NETWORK_DATA);
		expect(net.links.map((l: Obj) => [l.id, l.type])).toEqual([
			["interface0", "phy"],
			["interface1", "phy"],
			["interface2", "phy"],
		]);
		expect(net.links[0].ethernet_mac_address).toMatch(/^02:00:00:00:[0-9a-f]{2}:00$/);
		expect(net.networks).toEqual([
			{
				id: "network0",
				link: "interface0",
				network_id: networkId,
				type: "ipv4",
				ip_address: "10.1.1.10",
				netmask: "255.255.255.0",
				routes: [{ network: "0.0.0.0", netmask: "0.0.0.0", gateway: "10.1.1.1" }],
			},
			{
				id: "network1",
				link: "interface1",
				network_id: networkId,
				type: "ipv4",
				ip_address: "10.1.1.11",
				netmask: "255.255.255.0",
				routes: [],
			},
			{ id: "network2", link: "interface2", network_id: networkId, type: "ipv4_dhcp" },
		]);
	});

	it("produces files the protocol accepts (names and sizes)", async () => {
		const { ConfigDriveFile } = await import("@flarestack/protocol");
		const vm = await insertVm({ keypairs: "laptop", userData: btoa("#!/bin/sh\necho hi\n") });
		await insertNic(vm.id, 0);
		for (const f of await configDriveFiles(db, vm)) expect(ConfigDriveFile.safeParse(f).success, f.name).toBe(true);
	});
});
