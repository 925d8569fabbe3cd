/**
 * The seeded catalogue: listOsCategories listOsTypes listHypervisors listHypervisorCapabilities —
 * fields, filters, keyword and paging, the fixed ids templates rely on (findOsType), and the
 * five-role access matrix.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { findOsType, OS_TYPES } from "../../../worker/src/domain/os-types";
import {
	buildWorld,
	type Case,
	type CommandMatrix,
	call,
	describeMatrix,
	expectParamError,
	listItems,
	ok,
	unavailable,
	type World,
} from "../../helpers/identity-fixtures";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
type Obj = any;

let world: World;
let zoneId: string;

beforeAll(async () => {
	world = await buildWorld();
	// A zone row inserted straight into D1 (createZone is written by another helper at the same time).
	zoneId = crypto.randomUUID();
	await env.DB.prepare(
		"INSERT INTO zones (id, name, network_type, dns1, internal_dns1, created) VALUES (?, 'cat-zone', 'Basic', '8.8.8.8', '10.0.0.2', ?)",
	)
		.bind(zoneId, Date.now())
		.run();
});

const REQUIRED_OS_TYPES = [
	"Other Linux (64-bit)",
	"Other Linux (32-bit)",
	"Debian GNU/Linux 12 (64-bit)",
	"Ubuntu 24.04 LTS",
	"CentOS 7",
	"Rocky Linux 9",
	"Windows Server 2022 (64-bit)",
	"Other (64-bit)",
];

const osTypes = (params: Record<string, string> = {}) => listItems(world.root, "listOsTypes", "ostype", params);
const categories = (params: Record<string, string> = {}) =>
	listItems(world.root, "listOsCategories", "oscategory", params);

describe("listOsCategories", () => {
	it("lists CloudStack's usual categories with fixed ids", async () => {
		const body = ok(await call(world.alice, { command: "listOsCategories" }), "listOsCategories");
		const names = body.oscategory.map((c: Obj) => c.name);
		expect(names).toEqual(
			expect.arrayContaining([
				"CentOS",
				"Debian",
				"Oracle",
				"RedHat",
				"SUSE",
				"Windows",
				"Ubuntu",
				"Other",
				"Unix",
				"Novel",
			]),
		);
		expect(body.count).toBe(names.length);
		const centos = body.oscategory.find((c: Obj) => c.name === "CentOS");
		expect(centos).toEqual({
			id: "00000000-0000-4000-8000-0000000c0001",
			name: "CentOS",
			isfeatured: true,
			created: "2026-01-01T00:00:00+0000",
		});
	});

	it("filters by id, name (case-insensitive), keyword and isfeatured", async () => {
		const [ubuntu] = await categories({ name: "ubuntu" });
		expect(ubuntu.name).toBe("Ubuntu");
		expect(await categories({ id: ubuntu.id })).toEqual([ubuntu]);
		expect((await categories({ keyword: "UB" })).map((c) => c.name)).toEqual(["Ubuntu"]);
		const featured = await categories({ isfeatured: "true" });
		expect(featured.length).toBeGreaterThan(0);
		expect(featured.every((c) => c.isfeatured === true)).toBe(true);
		expect((await categories({ isfeatured: "false" })).map((c) => c.name)).toContain("Other");
		expect(ok(await call(world.root, { command: "listOsCategories", name: "Plan9" }), "listOsCategories")).toEqual({});
	});

	it("pages with count = total", async () => {
		const all = await categories();
		const body = ok(
			await call(world.root, { command: "listOsCategories", pagesize: "4", page: "2" }),
			"listOsCategories",
		);
		expect(body.count).toBe(all.length);
		expect(body.oscategory).toEqual(all.slice(4, 8));
	});
});

describe("listOsTypes", () => {
	it("includes the OS types templates are registered with, with CloudStack's fields", async () => {
		const all = await osTypes();
		const descriptions = all.map((t) => t.description);
		for (const name of REQUIRED_OS_TYPES) expect(descriptions).toContain(name);
		const debian = all.find((t) => t.description === "Debian GNU/Linux 12 (64-bit)");
		const [category] = await categories({ name: "Debian" });
		expect(debian).toEqual({
			id: expect.stringMatching(/^00000000-0000-4000-8000-0000000d[0-9a-f]{4}$/),
			name: "Debian GNU/Linux 12 (64-bit)",
			description: "Debian GNU/Linux 12 (64-bit)",
			oscategoryid: category.id,
			oscategoryname: "Debian",
			isuserdefined: false,
			fordisplay: true,
		});
		expect(new Set(all.map((t) => t.id)).size).toBe(all.length);
	});

	it("filters by exact description (case-insensitive), keyword, category and id", async () => {
		const [rocky] = await osTypes({ description: "rocky linux 9" });
		expect(rocky.description).toBe("Rocky Linux 9");
		expect(await osTypes({ description: "Rocky Linux" })).toEqual([]);
		expect((await osTypes({ keyword: "rocky" })).map((t) => t.description)).toEqual(["Rocky Linux 8", "Rocky Linux 9"]);
		expect(await osTypes({ id: rocky.id })).toEqual([rocky]);
		const [windows] = await categories({ name: "Windows" });
		const inWindows = await osTypes({ oscategoryid: windows.id });
		expect(inWindows.map((t) => t.description)).toContain("Windows Server 2022 (64-bit)");
		expect(inWindows.every((t) => t.oscategoryname === "Windows")).toBe(true);
		expect(await osTypes({ fordisplay: "false" })).toEqual([]);
	});

	it("pages with count = total", async () => {
		const body = ok(await call(world.alice, { command: "listOsTypes", pagesize: "5", page: "2" }), "listOsTypes");
		expect(body.count).toBe(OS_TYPES.length);
		expect(body.ostype).toHaveLength(5);
		expect(body.ostype[0].id).toBe(OS_TYPES[5]?.id);
	});

	it("refuses a malformed id with 431", async () => {
		expectParamError(
			await call(world.root, { command: "listOsTypes", id: "centos" }),
			"listOsTypes",
			/Invalid parameter id/,
		);
	});

	it("findOsType resolves the listed ids (for templates) and nothing else", async () => {
		const [ubuntu] = await osTypes({ description: "Ubuntu 24.04 LTS" });
		expect(findOsType(ubuntu.id)?.description).toBe("Ubuntu 24.04 LTS");
		expect(findOsType(ubuntu.id.toUpperCase())?.id).toBe(ubuntu.id);
		expect(findOsType("00000000-0000-4000-8000-0000000dffff")).toBeUndefined();
	});
});

describe("listHypervisors", () => {
	it("answers KVM, for the cloud and for a zone", async () => {
		const body = ok(await call(world.alice, { command: "listHypervisors" }), "listHypervisors");
		expect(body).toEqual({ count: 1, hypervisor: [{ name: "KVM" }] });
		expect(ok(await call(world.alice, { command: "listHypervisors", zoneid: zoneId }), "listHypervisors")).toEqual(
			body,
		);
	});

	it("refuses an unknown zone with 431", async () => {
		expectParamError(
			await call(world.root, { command: "listHypervisors", zoneid: "77777777-7777-4777-8777-777777777777" }),
			"listHypervisors",
			/Invalid parameter zoneid value=77777777-7777-4777-8777-777777777777/,
		);
	});
});

describe("listHypervisorCapabilities", () => {
	const KVM = {
		id: "00000000-0000-4000-8000-0000000b0001",
		hypervisor: "KVM",
		hypervisorversion: "default",
		maxguestslimit: 50,
		securitygroupenabled: true,
		maxdatavolumeslimit: 24,
		maxhostspercluster: 32,
		storagemotionenabled: true,
		vmsnapshotenabled: true,
	};
	const caps = (params: Record<string, string> = {}) =>
		listItems(world.root, "listHypervisorCapabilities", "hypervisorCapabilities", params);

	it("lists the fixed KVM row under CloudStack's item key", async () => {
		const result = await call(world.root, { command: "listHypervisorCapabilities" });
		expect(ok(result, "listHypervisorCapabilities")).toEqual({ count: 1, hypervisorCapabilities: [KVM] });
	});

	it("filters by hypervisor (case-insensitive), id and keyword", async () => {
		expect(await caps({ hypervisor: "kvm" })).toEqual([KVM]);
		expect(await caps({ hypervisor: "XenServer" })).toEqual([]);
		expect(await caps({ id: KVM.id })).toEqual([KVM]);
		expect(await caps({ id: "00000000-0000-4000-8000-0000000b0002" })).toEqual([]);
		expect(await caps({ keyword: "vm" })).toEqual([KVM]);
	});
});

const allowed = (command: string): Case => ({ expect: "allowed", run: (_w, a) => call(a, { command }) });
const everyone = (command: string): CommandMatrix => ({
	RootAdmin: [allowed(command)],
	ResourceAdmin: [allowed(command)],
	DomainAdmin: [allowed(command)],
	User: [allowed(command)],
	ReadOnlyAdmin: [allowed(command)],
});

const matrix: Record<string, CommandMatrix> = {
	listOsCategories: everyone("listOsCategories"),
	listOsTypes: everyone("listOsTypes"),
	listHypervisors: everyone("listHypervisors"),
	listHypervisorCapabilities: {
		RootAdmin: [allowed("listHypervisorCapabilities")],
		ReadOnlyAdmin: [allowed("listHypervisorCapabilities")],
		ResourceAdmin: [unavailable("listHypervisorCapabilities")],
		DomainAdmin: [unavailable("listHypervisorCapabilities")],
		User: [unavailable("listHypervisorCapabilities")],
	},
};

describeMatrix("catalogue commands × roles", () => world, matrix);
