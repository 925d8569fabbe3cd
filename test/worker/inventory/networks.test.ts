/**
 * Guest networks: listNetworks (who sees which network, fields, filters, paging),
 * listNetworkOfferings (the seeded catalog) and createNetwork (shared networks, root admins only),
 * with events, refusals and the five-role access matrix.
 *
 * Networks built here (advanced zone unless noted):
 *   basic zone default network  ROOT, Domain ACL, subdomain access (everyone sees it)
 *   net-d1     Domain ACL of d1, no subdomain access, VLAN 100, range .10–.20
 *   net-alice  Account ACL, alice's
 *   net-d2     Domain ACL of d2
 *   net-root   Domain ACL of ROOT without subdomain access (only ROOT's own members see it)
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { Params } from "../../helpers/api";
import {
	type Actor,
	buildWorld,
	type Case,
	call,
	describeMatrix,
	expectDenied,
	expectParamError,
	listItems,
	ok,
	type World,
} from "../../helpers/identity-fixtures";
import { createZone } from "../../helpers/inventory-fixtures";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
type Obj = any;

const SG_OFFERING = "00000000-0000-4000-8000-0000000e0001";
const VLAN_OFFERING = "00000000-0000-4000-8000-0000000e0002";

let world: World;
let basic: Obj;
let advanced: Obj;
let basicNet: Obj;
let netD1: Obj;
let netAlice: Obj;
let netD2: Obj;
let netRoot: Obj;
let createResult: Obj;

function createNetwork(params: Params, by?: Actor) {
	return call(by ?? world.root, {
		command: "createNetwork",
		zoneid: advanced.id,
		networkofferingid: SG_OFFERING,
		...params,
	});
}

const names = (items: { name: string }[]) => items.map((n) => n.name).sort();

async function visible(actor: Actor, params: Params = {}): Promise<string[]> {
	return names(await listItems(actor, "listNetworks", "network", params));
}

async function networkCount(): Promise<number> {
	return ok(await call(world.root, { command: "listNetworks", listall: "true" }), "listNetworks").count ?? 0;
}

beforeAll(async () => {
	world = await buildWorld();
	basic = await createZone(world);
	advanced = await createZone(world, { networktype: "Advanced" });
	[basicNet] = await listItems(world.root, "listNetworks", "network", { zoneid: basic.id });
	createResult = await createNetwork({
		name: "net-d1",
		displaytext: "Network of d1",
		networkofferingid: VLAN_OFFERING,
		vlan: "100",
		gateway: "192.168.10.1",
		netmask: "255.255.255.0",
		startip: "192.168.10.10",
		endip: "192.168.10.20",
		domainid: world.d1,
		subdomainaccess: "false",
	});
	netD1 = ok(createResult, "createNetwork").network;
	netAlice = ok(
		await createNetwork({
			name: "net-alice",
			acltype: "account",
			account: "alice",
			domainid: world.d1,
			gateway: "192.168.20.1",
			netmask: "255.255.255.0",
		}),
		"createNetwork",
	).network;
	netD2 = ok(
		await createNetwork({ name: "net-d2", domainid: world.d2, gateway: "192.168.30.1", netmask: "255.255.255.0" }),
		"createNetwork",
	).network;
	netRoot = ok(
		await createNetwork({
			name: "net-root",
			subdomainaccess: "false",
			gateway: "192.168.40.1",
			netmask: "255.255.255.0",
		}),
		"createNetwork",
	).network;
});

describe("createNetwork", () => {
	it("creates a shared Domain network with its first IP range and answers with the network", () => {
		expect(Object.keys(createResult.body)).toEqual(["createnetworkresponse"]);
		expect(netD1).toMatchObject({
			name: "net-d1",
			displaytext: "Network of d1",
			zoneid: advanced.id,
			zonename: advanced.name,
			networkofferingid: VLAN_OFFERING,
			networkofferingname: "DefaultSharedNetworkOffering",
			networkofferingdisplaytext: "Offering for Shared networks",
			type: "Shared",
			traffictype: "Guest",
			gateway: "192.168.10.1",
			netmask: "255.255.255.0",
			cidr: "192.168.10.0/24",
			vlan: "vlan://100",
			broadcastdomaintype: "Vlan",
			state: "Setup",
			acltype: "Domain",
			domainid: world.d1,
			domain: "d1",
			subdomainaccess: false,
			isdefault: false,
			specifyipranges: true,
			canusefordeploy: true,
			issystem: false,
			restartrequired: false,
			tags: [],
		});
		expect(netD1.account).toBeUndefined();
		expect(netD1.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
		expect(netD1.service.map((s: Obj) => s.name)).toEqual(["Dhcp", "Dns", "UserData"]);
		expect(netD1.service[0]).toEqual({ name: "Dhcp", provider: [{ name: "ConfigDrive" }] });
	});

	it("puts the range in listVlanIpRanges and writes NETWORK.CREATE and VLAN.IP.RANGE.CREATE", async () => {
		const ranges = await listItems(world.root, "listVlanIpRanges", "vlaniprange", { networkid: netD1.id });
		expect(ranges).toHaveLength(1);
		expect(ranges[0]).toMatchObject({
			startip: "192.168.10.10",
			endip: "192.168.10.20",
			vlan: "vlan://100",
			zoneid: advanced.id,
		});
		expect(ranges[0].podid).toBeUndefined();
		const created = await listItems(world.root, "listEvents", "event", { type: "NETWORK.CREATE", listall: "true" });
		expect(created.find((e) => e.resourceid === netD1.id)).toMatchObject({
			resourcetype: "Network",
			username: "admin",
		});
		const rangeEvents = await listItems(world.root, "listEvents", "event", {
			type: "VLAN.IP.RANGE.CREATE",
			listall: "true",
		});
		expect(rangeEvents.some((e) => e.resourceid === ranges[0].id)).toBe(true);
	});

	it("creates an Account network owned by the named account", () => {
		expect(netAlice).toMatchObject({
			acltype: "Account",
			account: "alice",
			domainid: world.d1,
			canusefordeploy: false,
		});
		expect(netAlice.subdomainaccess).toBeUndefined();
	});

	const refusals: [string, () => Params, RegExp][] = [
		[
			"an unknown (e.g. isolated) offering",
			() => ({
				name: "x",
				networkofferingid: "00000000-0000-4000-8000-00000000dead",
				gateway: "10.9.0.1",
				netmask: "255.255.255.0",
			}),
			/Only shared guest networks are offered here \(isolated networks need virtual routers/,
		],
		[
			"a second network in a basic zone",
			() => ({ name: "x", zoneid: basic.id }),
			/Can't have more than one Guest network in zone with network type Basic/,
		],
		["a missing gateway in an advanced zone", () => ({ name: "x" }), /gateway\/netmask are required/],
		[
			"an invalid netmask",
			() => ({ name: "x", gateway: "10.9.0.1", netmask: "255.255.0.255" }),
			/not a contiguous IPv4 netmask/,
		],
		["an invalid gateway", () => ({ name: "x", gateway: "10.9.0", netmask: "255.255.255.0" }), /Invalid gateway/],
		[
			"an unknown acltype",
			() => ({ name: "x", acltype: "global", gateway: "10.9.0.1", netmask: "255.255.255.0" }),
			/AclType should be Domain or Account/,
		],
		[
			"subdomainaccess on an Account network",
			() => ({ name: "x", acltype: "account", subdomainaccess: "true", gateway: "10.9.0.1", netmask: "255.255.255.0" }),
			/subDomainAccess can be specified only with aclType=Domain/,
		],
		[
			"a vlan with an offering that has specifyvlan=false",
			() => ({ name: "x", vlan: "200", gateway: "10.9.0.1", netmask: "255.255.255.0" }),
			/Can't specify vlan/,
		],
		[
			"no vlan with an offering that has specifyvlan=true",
			() => ({ name: "x", networkofferingid: VLAN_OFFERING, gateway: "10.9.0.1", netmask: "255.255.255.0" }),
			/Vlan has to be specified/,
		],
		[
			"a vlan another network of the zone uses",
			() => ({
				name: "x",
				networkofferingid: VLAN_OFFERING,
				vlan: "vlan://100",
				gateway: "10.9.0.1",
				netmask: "255.255.255.0",
			}),
			/network with vlan id: vlan:\/\/100 already exists .*net-d1/,
		],
		[
			"an invalid network domain",
			() => ({ name: "x", networkdomain: "-bad-", gateway: "10.9.0.1", netmask: "255.255.255.0" }),
			/Invalid network domain/,
		],
		[
			"a range outside the subnet",
			() => ({ name: "x", gateway: "10.9.0.1", netmask: "255.255.255.0", startip: "10.9.1.10" }),
			/not in the subnet 10\.9\.0\.0\/24/,
		],
		[
			"a range overlapping another network's range",
			() => ({
				name: "x",
				gateway: "192.168.10.1",
				netmask: "255.255.255.0",
				startip: "192.168.10.15",
				endip: "192.168.10.30",
			}),
			/overlaps the guest IP range 192\.168\.10\.10-192\.168\.10\.20 .* of network net-d1/,
		],
		[
			"endip without startip",
			() => ({ name: "x", gateway: "10.9.0.1", netmask: "255.255.255.0", endip: "10.9.0.5" }),
			/endip requires startip/,
		],
		[
			"an unknown account",
			() => ({
				name: "x",
				acltype: "account",
				account: "nobody",
				domainid: world.d1,
				gateway: "10.9.0.1",
				netmask: "255.255.255.0",
			}),
			/Unable to find account nobody/,
		],
		[
			"a missing zone",
			() => ({
				name: "x",
				zoneid: "00000000-0000-4000-8000-00000000dead",
				gateway: "10.9.0.1",
				netmask: "255.255.255.0",
			}),
			/Invalid parameter zoneid/,
		],
	];
	for (const [what, params, text] of refusals) {
		it(`refuses ${what} (431, nothing written)`, async () => {
			const before = await networkCount();
			expectParamError(await createNetwork(params()), "createNetwork", text);
			expect(await networkCount()).toBe(before);
		});
	}

	it("refuses non-root callers a shared network (531), even in their own domain", async () => {
		for (const actor of [world.domainAdmin, world.resourceAdmin, world.alice]) {
			const result = await createNetwork(
				{ name: "mine", domainid: world.d1, gateway: "10.8.0.1", netmask: "255.255.255.0" },
				actor,
			);
			expectDenied(result, "createNetwork");
			expect(result.body.createnetworkresponse.errortext).toBe(
				"Only ROOT admins can create networks of guest type Shared",
			);
		}
		expect(await visible(world.root, { listall: "true", name: "mine" })).toEqual([]);
	});
});

describe("listNetworks: who sees what", () => {
	it("a user sees the ROOT-wide basic network, its own domain's and its own account's networks", async () => {
		expect(await visible(world.alice)).toEqual(names([basicNet, netD1, netAlice]));
		expect(await visible(world.alice, { listall: "true" })).toEqual(names([basicNet, netD1, netAlice]));
		expect(await visible(world.bob)).toEqual(names([basicNet, netD1]));
		expect(await visible(world.carol)).toEqual(names([basicNet, netD2]));
	});

	it("a user may not ask for another domain or account (531)", async () => {
		expectDenied(await call(world.alice, { command: "listNetworks", domainid: world.d2 }), "listNetworks");
		expectDenied(
			await call(world.alice, { command: "listNetworks", domainid: world.d1, account: "bob" }),
			"listNetworks",
		);
	});

	it("a domain admin sees its subtree's networks with listall=true, never another branch's", async () => {
		expect(await visible(world.domainAdmin)).toEqual(names([basicNet, netD1]));
		expect(await visible(world.domainAdmin, { listall: "true" })).toEqual(names([basicNet, netD1, netAlice]));
		expect(await visible(world.domainAdmin, { domainid: world.d1, account: "alice" })).toEqual(["net-alice"]);
		expectDenied(await call(world.domainAdmin, { command: "listNetworks", domainid: world.d2 }), "listNetworks");
	});

	it("root and read-only admins see everything with listall=true", async () => {
		const all = names([basicNet, netD1, netAlice, netD2, netRoot]);
		expect(await visible(world.root, { listall: "true" })).toEqual(expect.arrayContaining(all));
		expect(await visible(world.readOnly, { listall: "true" })).toEqual(await visible(world.root, { listall: "true" }));
		expect(await visible(world.root)).toEqual(expect.arrayContaining([basicNet.name, "net-root"]));
		expect(await visible(world.root)).not.toContain("net-d1");
		expect(await visible(world.root, { domainid: world.d1 })).toEqual(["net-alice", "net-d1"]);
		expect(
			await visible(world.root, { domainid: world.rootDomainId, isrecursive: "true", zoneid: advanced.id }),
		).toEqual(names([netD1, netAlice, netD2, netRoot]));
	});

	it("hides the VLAN from everyone but ROOT-level admins", async () => {
		const [forAlice] = await listItems(world.alice, "listNetworks", "network", { id: netD1.id });
		expect(forAlice.vlan).toBeUndefined();
		expect(forAlice.name).toBe("net-d1");
		const [forRoot] = await listItems(world.root, "listNetworks", "network", { id: netD1.id });
		expect(forRoot.vlan).toBe("vlan://100");
	});

	it("finds a network by id only within what the caller may see", async () => {
		expect(await visible(world.root, { id: netD2.id })).toEqual(["net-d2"]);
		expect(await visible(world.domainAdmin, { id: netAlice.id })).toEqual(["net-alice"]);
		expect(await visible(world.domainAdmin, { id: netD2.id })).toEqual([]);
		expect(await visible(world.alice, { id: netD2.id })).toEqual([]);
		expect(await visible(world.bob, { id: netAlice.id })).toEqual([]);
	});

	it("shows a basic zone's default network as CloudStack does", () => {
		expect(basicNet).toMatchObject({
			name: "defaultGuestNetwork",
			zoneid: basic.id,
			type: "Shared",
			acltype: "Domain",
			domainid: world.rootDomainId,
			domain: "ROOT",
			subdomainaccess: true,
			isdefault: true,
			networkofferingname: "DefaultSharedNetworkOfferingWithSGService",
			canusefordeploy: false,
			state: "Setup",
		});
		expect(basicNet.service.map((s: Obj) => s.name)).toContain("SecurityGroup");
	});
});

describe("listNetworks filters and paging", () => {
	const all = { listall: "true" };
	it("filters by zone, type, traffic type, ACL type, offering, name, keyword and the constant flags", async () => {
		expect(await visible(world.root, { ...all, zoneid: basic.id })).toEqual(["defaultGuestNetwork"]);
		expect((await visible(world.root, { ...all, type: "SHARED" })).length).toBe(await networkCount());
		expect(await visible(world.root, { ...all, type: "Isolated" })).toEqual([]);
		expect((await visible(world.root, { ...all, traffictype: "guest" })).length).toBe(await networkCount());
		expect(await visible(world.root, { ...all, acltype: "account" })).toEqual(["net-alice"]);
		expect(await visible(world.root, { ...all, networkofferingid: VLAN_OFFERING })).toEqual(["net-d1"]);
		expect(await visible(world.root, { ...all, name: "NET-D2" })).toEqual(["net-d2"]);
		expect(await visible(world.root, { ...all, keyword: "of d1" })).toEqual(["net-d1"]);
		expect(await visible(world.root, { ...all, issystem: "true" })).toEqual([]);
		expect((await visible(world.root, { ...all, issystem: "false" })).length).toBe(await networkCount());
		expect(await visible(world.root, { ...all, restartrequired: "true" })).toEqual([]);
		expect(await visible(world.root, { ...all, vlan: "100" })).toEqual(["net-d1"]);
		expect(await visible(world.root, { ...all, canusefordeploy: "true", zoneid: advanced.id })).toEqual(["net-d1"]);
		expect(await visible(world.root, { ...all, id: netD2.id })).toEqual(["net-d2"]);
	});

	it("filters by tags and embeds them", async () => {
		await env.DB.prepare(
			"INSERT INTO resource_tags (id, key, value, resource_type, resource_id, account_id, domain_id, created) VALUES (?, 'tier', 'gold', 'Network', ?, ?, ?, 0)",
		)
			.bind(crypto.randomUUID(), netD2.id, world.root.accountId, world.rootDomainId)
			.run();
		const tagged = await listItems(world.root, "listNetworks", "network", {
			...all,
			"tags[0].key": "tier",
			"tags[0].value": "gold",
		});
		expect(tagged.map((n) => n.name)).toEqual(["net-d2"]);
		expect(tagged[0].tags).toEqual([{ key: "tier", value: "gold", resourcetype: "Network", resourceid: netD2.id }]);
	});

	it("pages in creation order with count = total", async () => {
		const every = await listItems(world.root, "listNetworks", "network", all);
		const page = ok(
			await call(world.root, { command: "listNetworks", ...all, page: "2", pagesize: "2" }),
			"listNetworks",
		);
		expect(page.count).toBe(every.length);
		expect(page.network.map((n: Obj) => n.id)).toEqual(every.slice(2, 4).map((n) => n.id));
		expect(ok(await call(world.root, { command: "listNetworks", name: "none-such" }), "listNetworks")).toEqual({});
	});
});

describe("listNetworkOfferings", () => {
	it("lists the seeded shared offerings with CloudStack's fields", async () => {
		const result = await call(world.alice, { command: "listNetworkOfferings" });
		expect(Object.keys(result.body)).toEqual(["listnetworkofferingsresponse"]);
		const body = ok(result, "listNetworkOfferings");
		expect(body.count).toBe(2);
		const sg = body.networkoffering.find((o: Obj) => o.id === SG_OFFERING);
		expect(sg).toMatchObject({
			name: "DefaultSharedNetworkOfferingWithSGService",
			displaytext: "Offering for Shared Security group enabled networks",
			traffictype: "Guest",
			guestiptype: "Shared",
			isdefault: true,
			specifyvlan: false,
			specifyipranges: true,
			availability: "Optional",
			state: "Enabled",
			conservemode: true,
			forvpc: false,
			created: "2026-01-01T00:00:00+0000",
		});
		expect(sg.service).toContainEqual({ name: "SecurityGroup", provider: [{ name: "SecurityGroupProvider" }] });
	});

	it("filters (case-insensitive) and pages", async () => {
		const ids = async (params: Params) =>
			(await listItems(world.root, "listNetworkOfferings", "networkoffering", params)).map((o) => o.id);
		expect(await ids({ id: VLAN_OFFERING })).toEqual([VLAN_OFFERING]);
		expect(await ids({ name: "defaultsharednetworkoffering" })).toEqual([VLAN_OFFERING]);
		expect((await ids({ guestiptype: "shared" })).length).toBe(2);
		expect(await ids({ guestiptype: "Isolated" })).toEqual([]);
		expect((await ids({ traffictype: "GUEST", isdefault: "true", state: "enabled" })).length).toBe(2);
		expect(await ids({ specifyvlan: "true" })).toEqual([VLAN_OFFERING]);
		expect(await ids({ keyword: "security group" })).toEqual([SG_OFFERING]);
		expect(await ids({ supportedservices: "SecurityGroup" })).toEqual([SG_OFFERING]);
		expect(await ids({ forvpc: "true" })).toEqual([]);
		expect((await ids({ zoneid: advanced.id })).length).toBe(2);
		// CloudStack shows no offerings for a basic zone: no network can be created there.
		expect(await ids({ zoneid: basic.id })).toEqual([]);
		expectParamError(
			await call(world.root, { command: "listNetworkOfferings", zoneid: "00000000-0000-4000-8000-00000000dead" }),
			"listNetworkOfferings",
			/Invalid parameter zoneid/,
		);
		const page = ok(
			await call(world.root, { command: "listNetworkOfferings", page: "2", pagesize: "1" }),
			"listNetworkOfferings",
		);
		expect(page.count).toBe(2);
		expect(page.networkoffering).toHaveLength(1);
	});
});

describe("createNetwork in a basic zone (last: its network is visible to everyone)", () => {
	it("creates a basic zone's only network when it has none, untagged and ROOT-wide", async () => {
		const zone = await createZone(world);
		const [existing] = await listItems(world.root, "listNetworks", "network", { zoneid: zone.id });
		await env.DB.prepare("DELETE FROM networks WHERE id = ?").bind(existing.id).run();
		expectParamError(
			await createNetwork({ name: "b", zoneid: zone.id, gateway: "10.7.0.1", netmask: "255.255.255.0" }),
			"createNetwork",
			/can't be specified for zone of type Basic/,
		);
		expectParamError(
			await createNetwork({ name: "b", zoneid: zone.id, domainid: world.d1 }),
			"createNetwork",
			/dedicated to ROOT domain/,
		);
		const net = ok(await createNetwork({ name: "b", zoneid: zone.id }), "createNetwork").network;
		expect(net).toMatchObject({
			zoneid: zone.id,
			isdefault: true,
			vlan: "untagged",
			acltype: "Domain",
			subdomainaccess: true,
		});
		expect(net.gateway).toBeUndefined();
	});
});

// ---- access matrix -------------------------------------------------------------------------

const listNetworksCase: Case = {
	expect: "allowed",
	run: (_w, a) => call(a, { command: "listNetworks" }),
	verify: (_w, r) => expect(r.body.listnetworksresponse.network.map((n: Obj) => n.id)).toContain(basicNet.id),
};
const listOfferingsCase: Case = {
	expect: "allowed",
	run: (_w, a) => call(a, { command: "listNetworkOfferings" }),
	verify: (_w, r) => expect(r.body.listnetworkofferingsresponse.count).toBe(2),
};
let matrixNet = 0;
const createCase = (expectation: "allowed" | 432 | 531): Case => ({
	expect: expectation,
	run: (_w, a) => {
		matrixNet += 1;
		return createNetwork(
			{ name: `matrix-${a.username}`, gateway: `10.60.${matrixNet}.1`, netmask: "255.255.255.0" },
			a,
		);
	},
	verify: async (_w, _r, a) => {
		const found = await visible(world.root, { listall: "true", name: `matrix-${a.username}` });
		expect(found).toEqual(expectation === "allowed" ? [`matrix-${a.username}`] : []);
	},
});

describeMatrix("network access", () => world, {
	listNetworks: {
		RootAdmin: [listNetworksCase],
		ResourceAdmin: [listNetworksCase],
		DomainAdmin: [listNetworksCase],
		User: [listNetworksCase],
		ReadOnlyAdmin: [listNetworksCase],
	},
	listNetworkOfferings: {
		RootAdmin: [listOfferingsCase],
		ResourceAdmin: [listOfferingsCase],
		DomainAdmin: [listOfferingsCase],
		User: [listOfferingsCase],
		ReadOnlyAdmin: [listOfferingsCase],
	},
	createNetwork: {
		RootAdmin: [createCase("allowed")],
		ResourceAdmin: [createCase(531)],
		DomainAdmin: [createCase(531)],
		User: [createCase(531)],
		ReadOnlyAdmin: [createCase(432)],
	},
});
