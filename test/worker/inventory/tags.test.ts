/**
 * Resource tags: createTags deleteTags listTags — the happy paths, each refusal (nothing written),
 * who may tag what, listTags scoping and filters, events, the `tags[0].key/value` filter of
 * listZones and listClusters, and the five-role access matrix.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../../worker/src/db/client";
import { diskOfferings, networks, pods, serviceOfferings } from "../../../worker/src/db/schema";
import type { Params } from "../../helpers/api";
import {
	type Actor,
	buildWorld,
	type Case,
	type CommandMatrix,
	call,
	describeMatrix,
	expectDenied,
	expectNotAvailable,
	expectParamError,
	jobResult,
	listItems,
	ok,
	runJob,
	unique,
	type World,
} from "../../helpers/identity-fixtures";
import { createCluster, createZone } from "../../helpers/inventory-fixtures";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
type Obj = any;

const db = createDb(env.DB);
let world: World;

/** `tags[i].key/value` parameters for a key → value record. */
function tagParams(tags: Record<string, string>): Params {
	const out: Params = {};
	Object.entries(tags).forEach(([key, value], i) => {
		out[`tags[${i}].key`] = key;
		out[`tags[${i}].value`] = value;
	});
	return out;
}

function createTags(actor: Actor, type: string, ids: string[], tags: Record<string, string>, extra: Params = {}) {
	return call(actor, {
		command: "createTags",
		resourcetype: type,
		resourceids: ids.join(","),
		...tagParams(tags),
		...extra,
	});
}

async function tag(actor: Actor, type: string, ids: string[], tags: Record<string, string>, extra: Params = {}) {
	const job = await jobResult(actor, await createTags(actor, type, ids, tags, extra), "createTags");
	expect(job, JSON.stringify(job)).toMatchObject({ jobstatus: 1, jobresultcode: 0, jobresult: { success: true } });
	return job;
}

async function tagsOn(resourceId: string, params: Params = {}, actor: Actor = world.root): Promise<Obj[]> {
	return listItems(actor, "listTags", "tag", { resourceid: resourceId, listall: "true", ...params });
}

async function pairsOn(resourceId: string): Promise<string[]> {
	return (await tagsOn(resourceId)).map((t) => `${t.key}=${t.value}`).sort();
}

async function insertPod(zoneId: string): Promise<{ id: string; zoneid: string }> {
	const id = crypto.randomUUID();
	await db.insert(pods).values({
		id,
		zoneId,
		name: unique("pod-"),
		gateway: "10.7.0.1",
		netmask: "255.255.255.0",
		startIp: "10.7.0.10",
		endIp: "10.7.0.50",
		created: Date.now(),
	});
	return { id, zoneid: zoneId };
}

async function insertNetwork(zoneId: string, owner: { domainId: string; accountId?: string }): Promise<string> {
	const id = crypto.randomUUID();
	await db.insert(networks).values({
		id,
		name: unique("net-"),
		displayText: "a shared network",
		zoneId,
		networkOfferingId: "offering",
		guestType: "Shared",
		aclType: owner.accountId ? "Account" : "Domain",
		domainId: owner.domainId,
		accountId: owner.accountId ?? null,
		created: Date.now(),
	});
	return id;
}

async function insertServiceOffering(): Promise<string> {
	const id = crypto.randomUUID();
	await db.insert(serviceOfferings).values({ id, name: unique("so-"), displayText: "so", created: Date.now() });
	return id;
}

async function insertDiskOffering(): Promise<string> {
	const id = crypto.randomUUID();
	await db.insert(diskOfferings).values({ id, name: unique("do-"), displayText: "do", created: Date.now() });
	return id;
}

async function eventsOf(type: string): Promise<Obj[]> {
	return listItems(world.root, "listEvents", "event", { type, listall: "true" });
}

let zone: Obj;
let pod: { id: string; zoneid: string };
let aliceNet: string;
let d1Net: string;
let carolNet: string;

beforeAll(async () => {
	world = await buildWorld();
	zone = await createZone(world);
	pod = await insertPod(zone.id);
	aliceNet = await insertNetwork(zone.id, { domainId: world.d1, accountId: world.alice.accountId });
	d1Net = await insertNetwork(zone.id, { domainId: world.d1 });
	carolNet = await insertNetwork(zone.id, { domainId: world.d2, accountId: world.carol.accountId });
});

describe("createTags", () => {
	it("tags a zone: the job succeeds and listTags shows each tag with its owner", async () => {
		const z = await createZone(world);
		const result = await createTags(world.root, "Zone", [z.id], { env: "prod", tier: "gold" }, { customer: "acme" });
		expect(Object.keys(result.body)).toEqual(["createtagsresponse"]);
		expect(Object.keys(result.body.createtagsresponse)).toEqual(["jobid"]);
		const job = await jobResult(world.root, result, "createTags");
		expect(job).toMatchObject({
			jobstatus: 1,
			jobresultcode: 0,
			cmd: "org.apache.cloudstack.api.command.user.tag.CreateTagsCmd",
			jobresult: { success: true },
		});
		const tags = await tagsOn(z.id);
		expect(tags).toHaveLength(2);
		expect(tags.find((t) => t.key === "env")).toEqual({
			key: "env",
			value: "prod",
			resourcetype: "Zone",
			resourceid: z.id,
			account: world.root.accountName,
			domainid: world.rootDomainId,
			domain: "ROOT",
			domainpath: "ROOT",
			customer: "acme",
		});
	});

	it("matches resourcetype case-insensitively and stores CloudStack's spelling", async () => {
		const so = await insertServiceOffering();
		const disk = await insertDiskOffering();
		await tag(world.root, "serviceoffering", [so], { a: "1" });
		await tag(world.root, "DISKOFFERING", [disk], { a: "1" });
		await tag(world.root, "pod", [pod.id], { a: "1" });
		expect((await tagsOn(so))[0].resourcetype).toBe("ServiceOffering");
		expect((await tagsOn(disk))[0].resourcetype).toBe("DiskOffering");
		expect((await tagsOn(pod.id))[0].resourcetype).toBe("Pod");
	});

	it("tags several resources at once, every key on every resource", async () => {
		const c1 = await createCluster(world, pod);
		const c2 = await createCluster(world, pod);
		await tag(world.root, "Cluster", [c1.id, c2.id], { rack: "r1", row: "7" });
		expect(await pairsOn(c1.id)).toEqual(["rack=r1", "row=7"]);
		expect(await pairsOn(c2.id)).toEqual(["rack=r1", "row=7"]);
	});

	it("tags primary storage pools and image stores (Storage, ImageStore)", async () => {
		const poolId = crypto.randomUUID();
		const storeId = crypto.randomUUID();
		await env.DB.batch([
			env.DB.prepare(
				"INSERT INTO storage_pools (id, name, zone_id, scope, type, host, path, url, created) VALUES (?, 'p', ?, 'ZONE', 'NetworkFilesystem', 'h', '/p', 'nfs://h/p', 0)",
			).bind(poolId, zone.id),
			env.DB.prepare(
				"INSERT INTO image_stores (id, name, zone_id, url, protocol, provider, scope, created) VALUES (?, 's', ?, 'nfs://h/s', 'nfs', 'NFS', 'ZONE', 0)",
			).bind(storeId, zone.id),
		]);
		await tag(world.root, "storage", [poolId], { disk: "ssd" });
		await tag(world.root, "imagestore", [storeId], { site: "ams" });
		expect((await tagsOn(poolId))[0]).toMatchObject({ resourcetype: "Storage", key: "disk" });
		expect((await tagsOn(storeId))[0]).toMatchObject({ resourcetype: "ImageStore", key: "site" });
	});

	it("writes a CREATE_TAGS event", async () => {
		const z = await createZone(world);
		await tag(world.root, "Zone", [z.id], { audited: "yes" });
		const event = (await eventsOf("CREATE_TAGS")).find((e) => e.resourceid === z.id);
		expect(event).toMatchObject({ type: "CREATE_TAGS", level: "INFO", resourcetype: "Zone", state: "Completed" });
		expect(event.description).toContain("audited");
	});

	describe("refusals write nothing", () => {
		it("an unknown resource type, or one not taggable here", async () => {
			expectParamError(
				await createTags(world.root, "Bogus", [zone.id], { a: "1" }),
				"createTags",
				/Invalid resource type Bogus/,
			);
			expectParamError(
				await createTags(world.root, "uservm", [zone.id], { a: "1" }),
				"createTags",
				/The resource type UserVm doesn't support resource tags/,
			);
		});

		it("missing tags, resourceids or resourcetype; an empty key or value", async () => {
			const base = { command: "createTags", resourcetype: "Zone", resourceids: zone.id };
			expectParamError(await call(world.root, base), "createTags", /missing parameter tags/);
			expectParamError(
				await call(world.root, { command: "createTags", resourcetype: "Zone", ...tagParams({ a: "1" }) }),
				"createTags",
				/missing parameter resourceids/,
			);
			expectParamError(
				await call(world.root, { command: "createTags", resourceids: zone.id, ...tagParams({ a: "1" }) }),
				"createTags",
				/missing parameter resourcetype/,
			);
			expectParamError(
				await call(world.root, { ...base, "tags[0].key": "empty", "tags[0].value": "" }),
				"createTags",
				/Value for the key empty is either null or empty/,
			);
			expectParamError(await call(world.root, { ...base, "tags[0].value": "v" }), "createTags", /key/);
			expect(await tagsOn(zone.id, { key: "empty" })).toEqual([]);
		});

		it("a resource id that does not exist, naming it; the existing resource stays untagged", async () => {
			const z = await createZone(world);
			const ghost = crypto.randomUUID();
			expectParamError(
				await createTags(world.root, "Zone", [z.id, ghost], { a: "1" }),
				"createTags",
				new RegExp(`Unable to find resource by id ${ghost} and type Zone`),
			);
			// A pod id is not a zone.
			expectParamError(await createTags(world.root, "Zone", [pod.id], { a: "1" }), "createTags", new RegExp(pod.id));
			expect(await tagsOn(z.id)).toEqual([]);
		});

		it("a key the resource already has (any case): no other resource gets its tags either", async () => {
			const z1 = await createZone(world);
			const z2 = await createZone(world);
			await tag(world.root, "Zone", [z1.id], { owner: "ops" });
			expectParamError(
				await createTags(world.root, "Zone", [z2.id, z1.id], { fresh: "1", OWNER: "other" }),
				"createTags",
				/tag with key owner already exists/,
			);
			expect(await pairsOn(z1.id)).toEqual(["owner=ops"]);
			expect(await pairsOn(z2.id)).toEqual([]);
		});
	});

	describe("who may tag what", () => {
		const tries = (actor: () => Actor, type: string, id: () => string) =>
			createTags(actor(), type, [id()], { [unique("k")]: "v" });

		it("infrastructure and offerings: root admin only (531 for domain and resource admins and users)", async () => {
			const so = await insertServiceOffering();
			for (const actor of [world.domainAdmin, world.resourceAdmin, world.alice]) {
				expectDenied(await createTags(actor, "Zone", [zone.id], { x: "1" }), "createTags");
				expectDenied(await createTags(actor, "ServiceOffering", [so], { x: "1" }), "createTags");
				expectDenied(await createTags(actor, "Pod", [pod.id], { x: "1" }), "createTags");
			}
			expect(await tagsOn(zone.id, { key: "x" })).toEqual([]);
		});

		it("a user tags its own account, its users and its networks; the tag is the user's", async () => {
			await tag(world.alice, "Account", [world.alice.accountId], { team: "blue" });
			await tag(world.alice, "User", [world.alice.userId], { shift: "night" });
			await tag(world.alice, "Network", [aliceNet], { purpose: "web" });
			const [own] = await tagsOn(aliceNet, {}, world.alice);
			expect(own).toMatchObject({
				key: "purpose",
				account: "alice",
				domainid: world.d1,
				domain: "d1",
				domainpath: "ROOT/d1",
			});
		});

		it("a user may not tag another account, a domain-wide network or a domain", async () => {
			expectDenied(
				await tries(
					() => world.alice,
					"Account",
					() => world.bob.accountId,
				),
				"createTags",
			);
			expectDenied(
				await tries(
					() => world.alice,
					"User",
					() => world.bob.userId,
				),
				"createTags",
			);
			expectDenied(
				await tries(
					() => world.alice,
					"Network",
					() => d1Net,
				),
				"createTags",
			);
			expectDenied(
				await tries(
					() => world.alice,
					"Network",
					() => carolNet,
				),
				"createTags",
			);
			expectDenied(
				await tries(
					() => world.alice,
					"Domain",
					() => world.d1,
				),
				"createTags",
			);
		});

		it("a domain admin tags accounts, networks and domains in its subtree, nothing outside it", async () => {
			await tag(world.domainAdmin, "Account", [world.bob.accountId], { by: "dadmin" });
			await tag(world.domainAdmin, "Network", [d1Net], { by: "dadmin" });
			await tag(world.domainAdmin, "Domain", [world.sub], { by: "dadmin" });
			expectDenied(
				await tries(
					() => world.domainAdmin,
					"Account",
					() => world.carol.accountId,
				),
				"createTags",
			);
			expectDenied(
				await tries(
					() => world.domainAdmin,
					"Network",
					() => carolNet,
				),
				"createTags",
			);
			expectDenied(
				await tries(
					() => world.domainAdmin,
					"Domain",
					() => world.d2,
				),
				"createTags",
			);
		});
	});
});

describe("listTags", () => {
	let net: string;
	beforeAll(async () => {
		net = await insertNetwork(zone.id, { domainId: world.d1, accountId: world.alice.accountId });
		await tag(world.alice, "Network", [net], { Env: "Prod", colour: "green" }, { customer: "acme" });
		await tag(world.root, "Network", [net], { audit: "2025" });
	});

	it("a user sees its own account's tags, including those an admin put on its resources", async () => {
		const mine = await listItems(world.alice, "listTags", "tag", { resourceid: net });
		expect(mine.map((t) => t.key).sort()).toEqual(["Env", "audit", "colour"]);
		expect(mine.every((t: Obj) => t.account === "alice")).toBe(true);
		expect(await listItems(world.bob, "listTags", "tag", { resourceid: net })).toEqual([]);
	});

	it("an admin sees its own tags by default and, with listall, everything in its subtree", async () => {
		// The tags of alice's network are alice's (CloudStack: the resource owner's), whoever set them.
		expect(await listItems(world.root, "listTags", "tag", { resourceid: net })).toEqual([]);
		expect((await tagsOn(net)).map((t) => t.key).sort()).toEqual(["Env", "audit", "colour"]);
		const dadmin = await listItems(world.domainAdmin, "listTags", "tag", { resourceid: net, listall: "true" });
		expect(dadmin.map((t) => t.key).sort()).toEqual(["Env", "audit", "colour"]);
		const carol = await listItems(world.domainAdmin, "listTags", "tag", { resourceid: carolNet, listall: "true" });
		expect(carol).toEqual([]);
	});

	it("narrows by domainid and account", async () => {
		const inD1 = await listItems(world.root, "listTags", "tag", {
			domainid: world.d1,
			account: "alice",
			resourceid: net,
		});
		expect(inD1.map((t) => t.key).sort()).toEqual(["Env", "audit", "colour"]);
		expectDenied(await call(world.domainAdmin, { command: "listTags", domainid: world.d2 }), "listTags");
	});

	it("filters by key, value, customer, resourcetype and keyword, strings case-insensitively", async () => {
		expect((await tagsOn(net, { key: "env" })).map((t) => t.value)).toEqual(["Prod"]);
		expect((await tagsOn(net, { value: "GREEN" })).map((t) => t.key)).toEqual(["colour"]);
		expect((await tagsOn(net, { customer: "ACME" })).map((t) => t.key).sort()).toEqual(["Env", "colour"]);
		expect((await tagsOn(net, { resourcetype: "network" })).length).toBe(3);
		expect(await tagsOn(net, { resourcetype: "Zone" })).toEqual([]);
		expect(await tagsOn(net, { resourcetype: "UserVm" })).toEqual([]);
		expect((await tagsOn(net, { keyword: "gree" })).map((t) => t.key)).toEqual(["colour"]);
		expectParamError(
			await call(world.root, { command: "listTags", resourcetype: "Nope" }),
			"listTags",
			/Invalid resource type Nope/,
		);
	});

	it("pages in creation order and counts every match", async () => {
		const body = ok(
			await call(world.root, { command: "listTags", resourceid: net, listall: "true", pagesize: "2", page: "2" }),
			"listTags",
		);
		expect(body.count).toBe(3);
		expect(body.tag.map((t: Obj) => t.key)).toEqual(["audit"]);
	});
});

describe("deleteTags", () => {
	async function deleteTags(actor: Actor, type: string, ids: string[], tags: Params = {}) {
		return call(actor, { command: "deleteTags", resourcetype: type, resourceids: ids.join(","), ...tags });
	}

	it("deletes one key, or one key with a given value (case-insensitive), and writes DELETE_TAGS", async () => {
		const z = await createZone(world);
		await tag(world.root, "Zone", [z.id], { a: "1", b: "Two", c: "3" });
		let job = await jobResult(
			world.root,
			await deleteTags(world.root, "zone", [z.id], { "tags[0].key": "A" }),
			"deleteTags",
		);
		expect(job).toMatchObject({
			jobstatus: 1,
			cmd: "org.apache.cloudstack.api.command.user.tag.DeleteTagsCmd",
			jobresult: { success: true },
		});
		expect(await pairsOn(z.id)).toEqual(["b=Two", "c=3"]);
		job = await jobResult(
			world.root,
			await deleteTags(world.root, "Zone", [z.id], tagParams({ b: "two" })),
			"deleteTags",
		);
		expect(job.jobstatus).toBe(1);
		expect(await pairsOn(z.id)).toEqual(["c=3"]);
		const event = (await eventsOf("DELETE_TAGS")).find((e) => e.resourceid === z.id);
		expect(event).toMatchObject({ resourcetype: "Zone", level: "INFO" });
	});

	it("without tags deletes every tag of every named resource", async () => {
		const z1 = await createZone(world);
		const z2 = await createZone(world);
		await tag(world.root, "Zone", [z1.id, z2.id], { a: "1", b: "2" });
		await runJob(world.root, { command: "deleteTags", resourcetype: "Zone", resourceids: `${z1.id},${z2.id}` });
		expect(await pairsOn(z1.id)).toEqual([]);
		expect(await pairsOn(z2.id)).toEqual([]);
	});

	it("fails the job when nothing matches (CloudStack: Failed to delete tags)", async () => {
		const z = await createZone(world);
		await tag(world.root, "Zone", [z.id], { a: "1" });
		const job = await jobResult(
			world.root,
			await deleteTags(world.root, "Zone", [z.id], tagParams({ a: "2" })),
			"deleteTags",
		);
		expect(job).toMatchObject({
			jobstatus: 2,
			jobresultcode: 530,
			jobresult: { errorcode: 530, errortext: "Failed to delete tags" },
		});
		expect(await pairsOn(z.id)).toEqual(["a=1"]);
	});

	it("refuses an unknown type or resource (431) before queueing a job", async () => {
		expectParamError(await deleteTags(world.root, "Bogus", [zone.id]), "deleteTags", /Invalid resource type/);
		const ghost = crypto.randomUUID();
		expectParamError(await deleteTags(world.root, "Zone", [ghost]), "deleteTags", new RegExp(ghost));
	});

	it("a user deletes the tags of its own resources; a domain admin those of accounts in its subtree", async () => {
		const net = await insertNetwork(zone.id, { domainId: world.d1, accountId: world.alice.accountId });
		await tag(world.root, "Network", [net], { rootkey: "1" });
		await tag(world.alice, "Network", [net], { alicekey: "1", other: "2" });
		expectDenied(await deleteTags(world.bob, "Network", [net], { "tags[0].key": "alicekey" }), "deleteTags");
		const z = await createZone(world);
		await tag(world.root, "Zone", [z.id], { site: "a" });
		expectDenied(await deleteTags(world.alice, "Zone", [z.id]), "deleteTags");
		expectDenied(await deleteTags(world.domainAdmin, "Zone", [z.id]), "deleteTags");
		await runJob(world.alice, {
			command: "deleteTags",
			resourcetype: "Network",
			resourceids: net,
			"tags[0].key": "rootkey",
			"tags[1].key": "alicekey",
		});
		await runJob(world.domainAdmin, {
			command: "deleteTags",
			resourcetype: "Network",
			resourceids: net,
			"tags[0].key": "other",
		});
		expect(await pairsOn(net)).toEqual([]);
		expect(await pairsOn(z.id)).toEqual(["site=a"]);
	});
});

describe("the tags filter of inventory lists", () => {
	it("listZones tags[0].key/value returns only zones carrying every pair", async () => {
		const prod = await createZone(world);
		const dev = await createZone(world);
		await tag(world.root, "Zone", [prod.id], { stage: "prod", region: "eu" });
		await tag(world.root, "Zone", [dev.id], { stage: "dev", region: "eu" });
		const ids = async (params: Params) =>
			(await listItems(world.root, "listZones", "zone", params)).map((z: Obj) => z.id).sort();
		expect(await ids(tagParams({ stage: "prod" }))).toEqual([prod.id]);
		expect(await ids(tagParams({ region: "eu" }))).toEqual([prod.id, dev.id].sort());
		expect(await ids(tagParams({ region: "eu", stage: "dev" }))).toEqual([dev.id]);
		expect(await ids(tagParams({ stage: "qa" }))).toEqual([]);
	});

	it("listClusters tags[0].key/value returns only the tagged cluster", async () => {
		const c1 = await createCluster(world, pod);
		const c2 = await createCluster(world, pod);
		await tag(world.root, "Cluster", [c1.id], { gpu: "yes" });
		await tag(world.root, "Cluster", [c2.id], { gpu: "no" });
		const found = await listItems(world.root, "listClusters", "cluster", tagParams({ gpu: "yes" }));
		expect(found.map((c: Obj) => c.id)).toEqual([c1.id]);
	});
});

// ---- the access matrix ------------------------------------------------------------------------

const createOn = (type: string, id: (w: World) => string, scenario: string): Case => {
	const key = unique("m");
	return {
		scenario,
		expect: "allowed",
		run: (w, a) => createTags(a, type, [id(w)], { [key]: "v" }),
		verify: async (w, r, a) => {
			const job = await jobResult(a, r, "createTags");
			expect(job.jobstatus).toBe(1);
			expect((await tagsOn(id(w), { key })).length).toBe(1);
		},
	};
};

const deniedOn = (type: string, id: (w: World) => string, scenario: string): Case => ({
	scenario,
	expect: 531,
	run: (w, a) => createTags(a, type, [id(w)], { [unique("m")]: "v" }),
});

/** Tags `id` as root, then `actor` deletes that key. */
const deleteOwn = (scenario: string): Case => {
	let z = "";
	const key = unique("d");
	return {
		scenario,
		expect: "allowed",
		run: async (w, a) => {
			z = await insertNetwork(zone.id, { domainId: w.d1, accountId: w.alice.accountId });
			await tag(a, "Network", [z], { [key]: "v" });
			return call(a, { command: "deleteTags", resourcetype: "Network", resourceids: z, "tags[0].key": key });
		},
		verify: async (_w, r, a) => {
			expect((await jobResult(a, r, "deleteTags")).jobstatus).toBe(1);
			expect(await tagsOn(z, { key })).toEqual([]);
		},
	};
};

const listOwn: Case = {
	expect: "allowed",
	run: (_w, a) => call(a, { command: "listTags" }),
	verify: (_w, r, a) => {
		for (const t of r.body.listtagsresponse.tag ?? []) expect(t.account).toBe(a.accountName);
	},
};

const matrix: Record<string, CommandMatrix> = {
	createTags: {
		RootAdmin: [createOn("Zone", () => zone.id, "on a zone")],
		ResourceAdmin: [
			deniedOn("Zone", () => zone.id, "on a zone"),
			createOn("Account", (w) => w.alice.accountId, "on an account in its domain"),
		],
		DomainAdmin: [
			deniedOn("Zone", () => zone.id, "on a zone"),
			createOn("Account", (w) => w.alice.accountId, "on an account in its domain"),
		],
		User: [
			deniedOn("Zone", () => zone.id, "on a zone"),
			createOn("Account", (w) => w.alice.accountId, "on its own account"),
		],
		ReadOnlyAdmin: [
			{
				expect: 432,
				run: (_w, a) => createTags(a, "Zone", [zone.id], { ro: "1" }),
				verify: async () => expect(await tagsOn(zone.id, { key: "ro" })).toEqual([]),
			},
		],
	},
	deleteTags: {
		RootAdmin: [deleteOwn("its own tag")],
		ResourceAdmin: [deleteOwn("its own tag")],
		DomainAdmin: [deleteOwn("its own tag")],
		User: [deleteOwn("its own tag")],
		ReadOnlyAdmin: [
			{
				expect: 432,
				run: (_w, a) => call(a, { command: "deleteTags", resourcetype: "Zone", resourceids: zone.id }),
			},
		],
	},
	listTags: {
		RootAdmin: [listOwn],
		ResourceAdmin: [listOwn],
		DomainAdmin: [listOwn],
		User: [listOwn],
		ReadOnlyAdmin: [
			{
				scenario: "with listall sees every tag",
				expect: "allowed",
				run: (_w, a) => call(a, { command: "listTags", listall: "true", resourceid: zone.id }),
				verify: async (_w, r) => expect(r.body.listtagsresponse.count).toBe((await tagsOn(zone.id)).length),
			},
		],
	},
};
describeMatrix("tags access", () => world, matrix);

it("read-only admin: createTags is not available", async () => {
	expectNotAvailable(await createTags(world.readOnly, "Zone", [zone.id], { a: "1" }), "createTags", world.readOnly);
});
