/**
 * Pages larger than D1's 100 bound parameters per statement: serializers that look up the rows of
 * a page (tags, names, counts) must not bind one parameter per row. Rows are inserted straight into
 * D1 (hundreds of API calls would only slow the test down), then read through the API.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../../worker/src/db/client";
import { domains, resourceTags, serviceOfferings, vlanIpRanges, zones } from "../../../worker/src/db/schema";
import { buildWorld, listItems, type World } from "../../helpers/identity-fixtures";
import { createPod, createZone } from "../../helpers/inventory-fixtures";

const db = createDb(env.DB);
const COUNT = 150;
let world: World;
const now = Date.now();

/** Inserts `rows` in chunks (each insert binds every column of every row). */
async function insertAll<T>(rows: T[], insert: (part: T[]) => Promise<unknown>): Promise<void> {
	for (let i = 0; i < rows.length; i += 5) await insert(rows.slice(i, i + 5));
}

beforeAll(async () => {
	world = await buildWorld();
});

describe(`pages of ${COUNT} rows`, () => {
	it("listZones returns every zone with its tags", async () => {
		const rows = Array.from({ length: COUNT }, (_, i) => ({
			id: crypto.randomUUID(),
			name: `bulk-zone-${i}`,
			networkType: "Advanced",
			dns1: "8.8.8.8",
			internalDns1: "10.0.0.2",
			allocationState: "Enabled",
			created: now + i,
		}));
		await insertAll(rows, (part) => db.insert(zones).values(part));
		await insertAll(rows, (part) =>
			db.insert(resourceTags).values(
				part.map((z) => ({
					id: crypto.randomUUID(),
					key: "rack",
					value: z.name,
					resourceType: "Zone",
					resourceId: z.id,
					accountId: world.root.accountId,
					domainId: world.root.domainId,
					created: now,
				})),
			),
		);
		const listed = await listItems(world.root, "listZones", "zone", { keyword: "bulk-zone-", pagesize: "500" });
		expect(listed).toHaveLength(COUNT);
		for (const zone of listed) expect(zone.tags).toEqual([expect.objectContaining({ key: "rack", value: zone.name })]);
	});

	it("listDomains returns every child domain with its parent and children flag", async () => {
		const rows = Array.from({ length: COUNT }, (_, i) => ({
			id: crypto.randomUUID(),
			name: `bulk-dom-${i}`,
			parentId: world.rootDomainId,
			path: `/bulk-dom-${i}/`,
			level: 1,
			created: now + i,
		}));
		await insertAll(rows, (part) => db.insert(domains).values(part));
		const listed = await listItems(world.root, "listDomains", "domain", {
			listall: "true",
			keyword: "bulk-dom-",
			pagesize: "500",
		});
		expect(listed).toHaveLength(COUNT);
		for (const domain of listed) {
			expect(domain.parentdomainname).toBe("ROOT");
			expect(domain.haschild).toBe(false);
		}
	});

	it("listVlanIpRanges returns every range with its pod name", async () => {
		const zone = await createZone(world);
		const pod = await createPod(world, zone.id);
		const rows = Array.from({ length: COUNT }, (_, i) => ({
			id: crypto.randomUUID(),
			zoneId: zone.id,
			podId: pod.id,
			networkId: crypto.randomUUID(),
			gateway: "10.200.0.1",
			netmask: "255.255.0.0",
			startIp: `10.200.${i}.10`,
			endIp: `10.200.${i}.20`,
			created: now + i,
		}));
		await insertAll(rows, (part) => db.insert(vlanIpRanges).values(part));
		const listed = await listItems(world.root, "listVlanIpRanges", "vlaniprange", { zoneid: zone.id, pagesize: "500" });
		expect(listed).toHaveLength(COUNT);
		for (const range of listed) expect(range.podname).toBe(pod.name);
	});

	it("listServiceOfferings accepts more than 100 ids", async () => {
		const rows = Array.from({ length: COUNT }, (_, i) => ({
			id: crypto.randomUUID(),
			name: `bulk-offering-${i}`,
			displayText: `bulk offering ${i}`,
			cpuNumber: 1,
			cpuSpeed: 1000,
			memory: 512,
			created: now + i,
		}));
		await insertAll(rows, (part) => db.insert(serviceOfferings).values(part));
		const listed = await listItems(world.root, "listServiceOfferings", "serviceoffering", {
			ids: rows.map((r) => r.id).join(","),
			pagesize: "500",
		});
		expect(listed.map((o: { id: string }) => o.id).sort()).toEqual(rows.map((r) => r.id).sort());
	});
});
