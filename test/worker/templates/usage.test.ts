/**
 * Store capacity through the relay (workerd, fake agent): store.stat for every image store and
 * pool of the zone on the agent's hello, written to image_stores / storage_pools; addImageStore and
 * createStoragePool answer with the real capacity when the zone's agent is connected, and without
 * one still succeed.
 */
import type { CommandArgs } from "@flarestack/protocol";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { imageStores, storagePools } from "../../../worker/src/db/schema";
import { FAKE_STORE_CAPACITY, FAKE_STORE_USED, startFakeAgent } from "../../helpers/fake-agent";
import { call, ok, unique } from "../../helpers/identity-fixtures";
import { db, eventually, insertImageStore, insertPool, newZone, theWorld } from "./site";

const STAT = "store.stat";

describe("store usage", () => {
	it("stats every image store and pool of the zone on hello and writes their capacity", async () => {
		const zone = await newZone();
		const store = await insertImageStore(zone.id, { url: "nfs://10.3.3.3/export/sec" });
		const pool = await insertPool(zone.id, { type: "Filesystem", host: "localhost", path: "/var/lib/pool/" });
		const agent = await startFakeAgent(zone);
		await eventually(async () => agent.commands.filter((c) => c.name === STAT).length >= 2, "two stats");
		const stores = agent.commands
			.filter((c) => c.name === STAT)
			.map((c) => (c.args as unknown as CommandArgs<"store.stat">).store);
		expect(stores).toEqual(
			expect.arrayContaining([
				{ kind: "nfs", server: "10.3.3.3", path: "/export/sec" },
				{ kind: "local", path: "/var/lib/pool" },
			]),
		);
		await eventually(async () => {
			const row = await db.select().from(imageStores).where(eq(imageStores.id, store.id)).get();
			return row?.capacityBytes === FAKE_STORE_CAPACITY && row.usedBytes === FAKE_STORE_USED;
		}, "image store capacity");
		await eventually(async () => {
			const row = await db.select().from(storagePools).where(eq(storagePools.id, pool.id)).get();
			return row?.capacityBytes === FAKE_STORE_CAPACITY && row.usedBytes === FAKE_STORE_USED;
		}, "pool capacity");
		agent.close();
	});

	it("answers addImageStore and createStoragePool with the real capacity when the agent is there", async () => {
		const world = await theWorld();
		const zone = await newZone();
		const agent = await startFakeAgent(zone);
		const store = ok(
			await call(world.root, {
				command: "addImageStore",
				provider: "NFS",
				url: `nfs://10.4.4.4/export/${unique("sec")}`,
				zoneid: zone.id,
			}),
			"addImageStore",
		).imagestore;
		expect(store).toMatchObject({ disksizetotal: FAKE_STORE_CAPACITY, disksizeused: FAKE_STORE_USED });
		const pool = ok(
			await call(world.root, {
				command: "createStoragePool",
				name: unique("pool-"),
				url: `nfs://10.4.4.5/export/${unique("pri")}`,
				zoneid: zone.id,
				scope: "zone",
				hypervisor: "KVM",
			}),
			"createStoragePool",
		).storagepool;
		expect(pool).toMatchObject({ disksizetotal: FAKE_STORE_CAPACITY, disksizeused: FAKE_STORE_USED });
		agent.close();
	});

	it("adds stores without an agent (capacity unknown until it connects)", async () => {
		const world = await theWorld();
		const zone = await newZone();
		const result = await call(world.root, {
			command: "addImageStore",
			provider: "NFS",
			url: `nfs://10.4.4.6/export/${unique("sec")}`,
			zoneid: zone.id,
		});
		const store = ok(result, "addImageStore").imagestore;
		expect(store.disksizetotal).toBeUndefined();
	});
});
