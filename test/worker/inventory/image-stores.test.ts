/**
 * Secondary storage (addImageStore, addSecondaryStorage, listImageStores, deleteImageStore): NFS
 * image stores in a zone, the URL rules, events, paging and the access matrix.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../../worker/src/commands/registry";
import type { Params } from "../../helpers/api";
import {
	type Actor,
	buildWorld,
	type Case,
	type CommandMatrix,
	call,
	describeMatrix,
	expectParamError,
	listItems,
	ok,
	unavailable,
	unique,
	type World,
} from "../../helpers/identity-fixtures";
import { createZone } from "../../helpers/inventory-fixtures";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
type Obj = any;

let world: World;
let zone: { id: string; name: string };
let otherZone: { id: string; name: string };

let seq = 0;
/** A zone through createZone when it exists; otherwise a row inserted straight into D1. */
async function makeZone(): Promise<{ id: string; name: string }> {
	if (commands.has("createZone")) return createZone(world);
	seq += 1;
	const id = crypto.randomUUID();
	const name = unique("zone-");
	await env.DB.prepare(
		"INSERT INTO zones (id, name, network_type, dns1, internal_dns1, created) VALUES (?, ?, 'Basic', '8.8.8.8', '10.0.0.2', ?)",
	)
		.bind(id, name, Date.now() + seq)
		.run();
	return { id, name };
}

let exportNo = 0;
function nfsUrl(): string {
	exportNo += 1;
	return `nfs://nfs.example.com/export/secondary-${exportNo}`;
}

function addParams(extra: Params = {}): Params {
	return { command: "addImageStore", provider: "NFS", url: nfsUrl(), zoneid: zone.id, ...extra };
}

async function addStore(extra: Params = {}): Promise<Obj> {
	return ok(await call(world.root, addParams(extra)), "addImageStore").imagestore;
}

async function listStores(params: Params = {}, actor: Actor = world.root): Promise<Obj[]> {
	return listItems(actor, "listImageStores", "imagestore", params);
}

async function storeCount(): Promise<number> {
	const row = await env.DB.prepare("SELECT count(*) AS n FROM image_stores").first<{ n: number }>();
	return row?.n ?? 0;
}

async function events(type: string, resourceid: string): Promise<Obj[]> {
	return listItems(world.root, "listEvents", "event", { type, resourceid, listall: "true" });
}

async function insertTag(storeId: string, key: string, value: string): Promise<void> {
	await env.DB.prepare(
		"INSERT INTO resource_tags (id, key, value, resource_type, resource_id, account_id, domain_id, created) VALUES (?, ?, ?, 'ImageStore', ?, ?, ?, ?)",
	)
		.bind(crypto.randomUUID(), key, value, storeId, world.root.accountId, world.root.domainId, Date.now())
		.run();
}

beforeAll(async () => {
	world = await buildWorld();
	zone = await makeZone();
	otherZone = await makeZone();
});

describe("addImageStore", () => {
	it("adds an NFS store in a zone, named after its URL by default, and writes IMAGE.STORE.CREATE", async () => {
		const url = nfsUrl();
		const result = await call(world.root, {
			command: "addImageStore",
			provider: "nfs",
			url,
			zoneid: zone.id,
			"details[0].key": "ignored",
			"details[0].value": "yes",
		});
		const store = ok(result, "addImageStore").imagestore;
		expect(Object.keys(result.body)).toEqual(["addimagestoreresponse"]);
		expect(store).toEqual({
			id: expect.stringMatching(/^[0-9a-f-]{36}$/),
			name: url,
			zoneid: zone.id,
			zonename: zone.name,
			url,
			protocol: "nfs",
			providername: "NFS",
			scope: "ZONE",
			readonly: false,
		});
		expect(await listStores({ id: store.id })).toEqual([store]);
		const [event] = await events("IMAGE.STORE.CREATE", store.id);
		expect(event).toMatchObject({ level: "INFO", resourcetype: "ImageStore", resourcename: url });
	});

	it("takes a name and keeps the URL in a canonical form (lower-case scheme and server, no trailing slash)", async () => {
		const store = await addStore({ name: "sec-1", url: "NFS://NAS-1.Example.com:2049/exports/sec/" });
		expect(store).toMatchObject({ name: "sec-1", url: "nfs://nas-1.example.com:2049/exports/sec" });
		const byIp = await addStore({ url: "nfs://192.168.1.20/srv/images" });
		expect(byIp.url).toBe("nfs://192.168.1.20/srv/images");
	});

	it("refuses providers other than NFS and a missing provider", async () => {
		const before = await storeCount();
		for (const provider of ["S3", "Swift", "SMB"]) {
			expectParamError(await call(world.root, addParams({ provider })), "addImageStore", /NFS secondary storage only/);
		}
		const params = addParams();
		delete params.provider;
		expectParamError(await call(world.root, params), "addImageStore", /missing parameter provider/);
		expect(await storeCount()).toBe(before);
	});

	it("refuses URLs that are not nfs://host/absolute-path", async () => {
		const before = await storeCount();
		const wrong = /Make sure it's of the format nfs:\/\/hostname\/path/;
		expectParamError(await call(world.root, addParams({ url: "nfs://server" })), "addImageStore", wrong);
		expectParamError(await call(world.root, addParams({ url: "nfs://server/" })), "addImageStore", wrong);
		expectParamError(await call(world.root, addParams({ url: "nfs:///export" })), "addImageStore", wrong);
		expectParamError(await call(world.root, addParams({ url: "nfs://bad_host!/export" })), "addImageStore", wrong);
		expectParamError(await call(world.root, addParams({ url: "nfs://300.1.1.1/export" })), "addImageStore", wrong);
		expectParamError(await call(world.root, addParams({ url: "nfs://server:99999/export" })), "addImageStore", wrong);
		expectParamError(await call(world.root, addParams({ url: "/export/only" })), "addImageStore", /add nfs:\/\//);
		expectParamError(
			await call(world.root, addParams({ url: "http://server/export" })),
			"addImageStore",
			/Unsupported image store URL scheme http/,
		);
		const params = addParams();
		delete params.url;
		expectParamError(await call(world.root, params), "addImageStore", /url is required for an NFS image store/);
		expect(await storeCount()).toBe(before);
	});

	it("requires an existing zone for NFS", async () => {
		const params = addParams();
		delete params.zoneid;
		expectParamError(await call(world.root, params), "addImageStore", /zoneid is required/);
		expectParamError(
			await call(world.root, addParams({ zoneid: crypto.randomUUID() })),
			"addImageStore",
			/Invalid parameter zoneid/,
		);
	});

	it("refuses the same export twice in a zone, however it is written, but allows it in another zone", async () => {
		const url = nfsUrl();
		const first = await addStore({ url, name: "first" });
		expectParamError(
			await call(world.root, addParams({ url })),
			"addImageStore",
			new RegExp(`The image store first already uses ${url} in zone ${zone.name}`),
		);
		expectParamError(
			await call(world.root, addParams({ url: `${url.replace("nfs.example.com", "NFS.EXAMPLE.COM")}/` })),
			"addImageStore",
			/already uses/,
		);
		const elsewhere = await addStore({ url, zoneid: otherZone.id });
		expect(elsewhere).toMatchObject({ url, zoneid: otherZone.id });
		expect(elsewhere.id).not.toBe(first.id);
	});
});

describe("addSecondaryStorage", () => {
	it("adds the same NFS image store, answered as secondarystorage", async () => {
		const url = nfsUrl();
		const result = await call(world.root, { command: "addSecondaryStorage", url, zoneid: zone.id });
		const store = ok(result, "addSecondaryStorage").secondarystorage;
		expect(store).toMatchObject({
			name: url,
			url,
			zoneid: zone.id,
			providername: "NFS",
			protocol: "nfs",
			scope: "ZONE",
		});
		expect(await listStores({ id: store.id })).toEqual([store]);
		expect(await events("IMAGE.STORE.CREATE", store.id)).toHaveLength(1);
	});

	it("applies the same rules: a zone, an NFS URL, no duplicate", async () => {
		expectParamError(
			await call(world.root, { command: "addSecondaryStorage", url: nfsUrl() }),
			"addSecondaryStorage",
			/zoneid is required/,
		);
		expectParamError(
			await call(world.root, { command: "addSecondaryStorage", url: "nfs://server", zoneid: zone.id }),
			"addSecondaryStorage",
			/nfs:\/\/hostname\/path/,
		);
		const url = nfsUrl();
		await addStore({ url });
		expectParamError(
			await call(world.root, { command: "addSecondaryStorage", url, zoneid: zone.id }),
			"addSecondaryStorage",
			/already uses/,
		);
	});
});

describe("listImageStores", () => {
	let listZone: { id: string; name: string };
	let s1: Obj;
	let s2: Obj;
	let s3: Obj;

	beforeAll(async () => {
		listZone = await makeZone();
		s1 = await addStore({ zoneid: listZone.id, name: "Primary-Sec" });
		s2 = await addStore({ zoneid: listZone.id, name: "backup-sec" });
		s3 = await addStore({ zoneid: listZone.id, name: "archive" });
		await env.DB.prepare("UPDATE image_stores SET readonly = 1 WHERE id = ?").bind(s3.id).run();
	});

	const ids = (items: Obj[]) => items.map((s) => s.id);

	it("lists by zone, oldest first, with count", async () => {
		const body = ok(await call(world.root, { command: "listImageStores", zoneid: listZone.id }), "listImageStores");
		expect(body.count).toBe(3);
		expect(ids(body.imagestore)).toEqual([s1.id, s2.id, s3.id]);
		expect(body.imagestore[0]).toMatchObject({ zonename: listZone.name });
	});

	it("filters by name, protocol, provider (case-insensitive), id, ids, readonly and keyword", async () => {
		const z = { zoneid: listZone.id };
		expect(ids(await listStores({ ...z, name: "primary-sec" }))).toEqual([s1.id]);
		expect(ids(await listStores({ ...z, protocol: "NFS" }))).toHaveLength(3);
		expect(ids(await listStores({ ...z, provider: "nfs" }))).toHaveLength(3);
		expect(ids(await listStores({ ...z, provider: "S3" }))).toEqual([]);
		expect(ids(await listStores({ id: s2.id }))).toEqual([s2.id]);
		expect(ids(await listStores({ ids: `${s1.id},${s3.id}` }))).toEqual([s1.id, s3.id]);
		expect(ids(await listStores({ ...z, readonly: "true" }))).toEqual([s3.id]);
		expect(ids(await listStores({ ...z, readonly: "false" }))).toEqual([s1.id, s2.id]);
		expect(ids(await listStores({ ...z, keyword: "SEC" }))).toEqual([s1.id, s2.id]);
		expect((await listStores({ ...z, readonly: "true" }))[0].readonly).toBe(true);
	});

	it("pages with count = total matches", async () => {
		const page = ok(
			await call(world.root, { command: "listImageStores", zoneid: listZone.id, pagesize: "2", page: "2" }),
			"listImageStores",
		);
		expect(page.count).toBe(3);
		expect(ids(page.imagestore)).toEqual([s3.id]);
		const none = await call(world.root, { command: "listImageStores", zoneid: listZone.id, name: "nothing" });
		expect(none.body).toEqual({ listimagestoresresponse: {} });
	});

	it("filters by tags", async () => {
		await insertTag(s2.id, "site", "east");
		expect(ids(await listStores({ "tags[0].key": "site", "tags[0].value": "east" }))).toEqual([s2.id]);
		expect(await listStores({ "tags[0].key": "site", "tags[0].value": "west" })).toEqual([]);
	});
});

describe("deleteImageStore", () => {
	it("deletes the store and its tags, and writes IMAGE.STORE.DELETE", async () => {
		const store = await addStore();
		await insertTag(store.id, "k", "v");
		expect(ok(await call(world.root, { command: "deleteImageStore", id: store.id }), "deleteImageStore")).toEqual({
			success: true,
		});
		expect(await listStores({ id: store.id })).toEqual([]);
		const tags = await env.DB.prepare("SELECT count(*) AS n FROM resource_tags WHERE resource_id = ?")
			.bind(store.id)
			.first<{ n: number }>();
		expect(tags?.n).toBe(0);
		const [event] = await events("IMAGE.STORE.DELETE", store.id);
		expect(event).toMatchObject({ resourcetype: "ImageStore", resourcename: store.name });
		// The URL is free again in the zone.
		expect((await addStore({ url: store.url })).url).toBe(store.url);
	});

	it("answers 431 for an unknown store", async () => {
		expectParamError(
			await call(world.root, { command: "deleteImageStore", id: crypto.randomUUID() }),
			"deleteImageStore",
			/Invalid parameter id/,
		);
	});
});

// ---- access matrix --------------------------------------------------------------------------

const refusedAdd = (command: "addImageStore" | "addSecondaryStorage"): Case => {
	const url = nfsUrl();
	return {
		expect: 432,
		run: (_w, a) => call(a, command === "addImageStore" ? addParams({ url }) : { command, url, zoneid: zone.id }),
		verify: async () => expect((await listStores({ zoneid: zone.id })).some((s) => s.url === url)).toBe(false),
	};
};

const rootAdds = (command: "addImageStore" | "addSecondaryStorage"): Case => {
	const url = nfsUrl();
	return {
		expect: "allowed",
		run: (_w, a) => call(a, command === "addImageStore" ? addParams({ url }) : { command, url, zoneid: zone.id }),
		verify: async () => expect((await listStores({ zoneid: zone.id })).some((s) => s.url === url)).toBe(true),
	};
};

const seesStores: Case = {
	scenario: "sees every image store",
	expect: "allowed",
	run: (_w, a) => call(a, { command: "listImageStores" }),
	verify: (_w, r) => expect(r.body.listimagestoresresponse.count).toBeGreaterThan(0),
};

function deleteAs(expectOutcome: "allowed" | 432): Case {
	let store: Obj;
	return {
		expect: expectOutcome,
		run: async (_w, a) => {
			store = await addStore();
			return call(a, { command: "deleteImageStore", id: store.id });
		},
		verify: async () => expect(await listStores({ id: store.id })).toHaveLength(expectOutcome === "allowed" ? 0 : 1),
	};
}

const matrix: Record<string, CommandMatrix> = {
	addImageStore: {
		RootAdmin: [rootAdds("addImageStore")],
		ResourceAdmin: [refusedAdd("addImageStore")],
		DomainAdmin: [refusedAdd("addImageStore")],
		User: [refusedAdd("addImageStore")],
		ReadOnlyAdmin: [refusedAdd("addImageStore")],
	},
	addSecondaryStorage: {
		RootAdmin: [rootAdds("addSecondaryStorage")],
		ResourceAdmin: [refusedAdd("addSecondaryStorage")],
		DomainAdmin: [refusedAdd("addSecondaryStorage")],
		User: [refusedAdd("addSecondaryStorage")],
		ReadOnlyAdmin: [refusedAdd("addSecondaryStorage")],
	},
	listImageStores: {
		RootAdmin: [seesStores],
		ReadOnlyAdmin: [seesStores],
		ResourceAdmin: [unavailable("listImageStores")],
		DomainAdmin: [unavailable("listImageStores")],
		User: [unavailable("listImageStores")],
	},
	deleteImageStore: {
		RootAdmin: [deleteAs("allowed")],
		ResourceAdmin: [deleteAs(432)],
		DomainAdmin: [deleteAs(432)],
		User: [deleteAs(432)],
		ReadOnlyAdmin: [deleteAs(432)],
	},
};

describeMatrix("image store access matrix", () => world, matrix);
