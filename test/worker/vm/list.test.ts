/**
 * listVirtualMachines: CloudStack's scoping (own account by default, listall for admins' scope,
 * users never see destroyed instances), every filter of the issue (state, zoneid, podid, hostid,
 * account+domainid, keyword, name, id/ids, tags, details), paging with the total count, and a
 * 500-row page of a few thousand instances answered quickly (one query per related table).
 */
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorld, call, expectParamError, listItems, ok, runJob, type World } from "../../helpers/identity-fixtures";
import { buildSite, deployParams, type Obj, row, type Site } from "./vm-fixtures";

let world: World;
let site: Site;
let a1: Obj;
let a2: Obj;
let b1: Obj;

const list = (actor: World["root"], params: Record<string, string> = {}) =>
	listItems(actor, "listVirtualMachines", "virtualmachine", params);

beforeAll(async () => {
	world = await buildWorld();
	site = await buildSite(world, 2);
	a1 = (await runJob(world.alice, deployParams(site, { name: "alpha-web", displayname: "Alpha Web" }))).virtualmachine;
	a2 = (await runJob(world.alice, deployParams(site, { name: "alpha-db", startvm: "false" }))).virtualmachine;
	b1 = (await runJob(world.bob, deployParams(site, { name: "bravo" }))).virtualmachine;
});

afterAll(() => site.agent.close());

const ids = (items: Obj[]) => items.map((v) => v.id).sort();

describe("listVirtualMachines scoping", () => {
	it("a user sees only their own instances, even with listall", async () => {
		expect(ids(await list(world.alice))).toEqual([a1.id, a2.id].sort());
		expect(ids(await list(world.alice, { listall: "true" }))).toEqual([a1.id, a2.id].sort());
		expect(ids(await list(world.bob))).toEqual([b1.id]);
	});

	it("admins see their own by default and their scope with listall; account+domainid narrows", async () => {
		expect(await list(world.root)).toHaveLength(0);
		const all = ids(await list(world.root, { listall: "true", zoneid: site.zone.id }));
		expect(all).toEqual([a1.id, a2.id, b1.id].sort());
		expect(ids(await list(world.domainAdmin, { listall: "true", zoneid: site.zone.id }))).toEqual(all);
		const alice = await list(world.root, { account: world.alice.accountName, domainid: world.alice.domainId });
		expect(ids(alice)).toEqual([a1.id, a2.id].sort());
		expect(await list(world.carol, { listall: "true" })).toHaveLength(0);
	});

	it("users do not see their destroyed instances; admins do", async () => {
		await env.DB.prepare("UPDATE vm_instances SET state = 'Destroyed' WHERE id = ?").bind(a2.id).run();
		try {
			expect(ids(await list(world.alice))).toEqual([a1.id]);
			expect(ids(await list(world.root, { listall: "true", state: "Destroyed" }))).toContain(a2.id);
		} finally {
			await env.DB.prepare("UPDATE vm_instances SET state = 'Stopped' WHERE id = ?").bind(a2.id).run();
		}
	});
});

describe("listVirtualMachines filters", () => {
	const admin = (params: Record<string, string>) =>
		list(world.root, { listall: "true", zoneid: site.zone.id, ...params });

	it("state, id, ids, name, keyword", async () => {
		expect(ids(await admin({ state: "running" }))).toEqual([a1.id, b1.id].sort());
		expect(ids(await admin({ state: "Stopped" }))).toEqual([a2.id]);
		expect(ids(await admin({ id: a1.id }))).toEqual([a1.id]);
		expect(ids(await admin({ ids: `${a1.id},${b1.id}` }))).toEqual([a1.id, b1.id].sort());
		expect(ids(await admin({ name: "alpha" }))).toEqual([a1.id, a2.id].sort());
		expect(ids(await admin({ keyword: "Alpha Web" }))).toEqual([a1.id]);
		expectParamError(await call(world.root, { command: "listVirtualMachines", ids: "nope" }), "listVirtualMachines");
	});

	it("hostid and podid (admins), templateid, serviceofferingid", async () => {
		const hostId = (await row("vm_instances", a1.id)).host_id;
		const onHost = await admin({ hostid: hostId });
		expect(onHost.map((v: Obj) => v.id)).toContain(a1.id);
		expect(onHost.every((v: Obj) => v.hostid === hostId)).toBe(true);
		expect(ids(await admin({ podid: site.pod.id }))).toEqual([a1.id, a2.id, b1.id].sort());
		expect(ids(await admin({ podid: crypto.randomUUID() }))).toEqual([]);
		expect(await admin({ templateid: site.template.id })).toHaveLength(3);
		expect(await admin({ serviceofferingid: crypto.randomUUID() })).toHaveLength(0);
	});

	it("tags", async () => {
		await env.DB.prepare(
			`INSERT INTO resource_tags (id, key, value, resource_type, resource_id, account_id, domain_id, created)
			 VALUES (?, 'tier', 'web', 'UserVm', ?, ?, ?, ?)`,
		)
			.bind(crypto.randomUUID(), a1.id, world.alice.accountId, world.alice.domainId, Date.now())
			.run();
		const tagged = await admin({ "tags[0].key": "tier", "tags[0].value": "web" });
		expect(ids(tagged)).toEqual([a1.id]);
		expect(tagged[0].tags).toEqual([expect.objectContaining({ key: "tier", value: "web" })]);
	});

	it("details=min leaves out the NICs; the default shows them", async () => {
		const [full] = await admin({ id: a1.id });
		expect(full.nic).toHaveLength(1);
		const [min] = await admin({ id: a1.id, details: "min" });
		expect(min.nic).toBeUndefined();
		expectParamError(
			await call(world.root, { command: "listVirtualMachines", details: "everything" }),
			"listVirtualMachines",
		);
	});

	it("pages with the total count", async () => {
		const body = ok(
			await call(world.root, {
				command: "listVirtualMachines",
				listall: "true",
				zoneid: site.zone.id,
				pagesize: "2",
				page: "2",
			}),
			"listVirtualMachines",
		);
		expect(body.count).toBe(3);
		expect(body.virtualmachine).toHaveLength(1);
	});
});

describe("listVirtualMachines at size", () => {
	it("a 500-row page of 3,000 instances, with NICs, answers fast", async () => {
		const n = 3000;
		await env.DB.prepare(
			`WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${n})
			INSERT INTO vm_instances (id, name, display_name, instance_name, account_id, domain_id, user_id, zone_id,
				pod_id, cluster_id, service_offering_id, template_id, cpu_number, cpu_speed, memory, state, created)
			SELECT lower(hex(randomblob(16))), 'bulk-' || n, 'bulk-' || n, 'i-bulk-' || n || '-' || lower(hex(randomblob(4))),
				?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, 1000, 512, 'Stopped', 1700000000000 + n FROM seq`,
		)
			.bind(
				world.carol.accountId,
				world.carol.domainId,
				world.carol.userId,
				site.zone.id,
				site.pod.id,
				site.cluster.id,
				site.offering.id,
				site.template.id,
			)
			.run();
		await env.DB.prepare(
			`INSERT INTO nics (id, vm_id, network_id, ip_address, mac_address, is_default, device_id, created)
			SELECT lower(hex(randomblob(16))), id, ?2, '10.9.0.1', '02:00:' || lower(hex(randomblob(4))), 1, 0, created
			FROM vm_instances WHERE account_id = ?1`,
		)
			.bind(world.carol.accountId, a1.nic[0].networkid)
			.run();
		const started = Date.now();
		const body = ok(
			await call(world.carol, { command: "listVirtualMachines", pagesize: "500", page: "3" }),
			"listVirtualMachines",
		);
		const elapsed = Date.now() - started;
		expect(body.count).toBe(n);
		expect(body.virtualmachine).toHaveLength(500);
		expect(body.virtualmachine[0]).toMatchObject({ account: world.carol.accountName, templateid: site.template.id });
		expect(body.virtualmachine[0].nic).toHaveLength(1);
		expect(elapsed).toBeLessThan(3000);
	});
});
