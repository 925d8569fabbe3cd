/**
 * Template commands without a relay agent (registerTemplate, listTemplates, updateTemplate,
 * deleteTemplate, copyTemplate, list/updateTemplatePermissions, prepareTemplate): what is checked
 * before anything is stored, the answer shapes, the filters and who sees what, the status strings
 * of each download state (rows set straight in D1), events.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { Params } from "../../helpers/api";
import {
	type Actor,
	buildWorld,
	call,
	expectDenied,
	expectNotAvailable,
	expectParamError,
	listItems,
	ok,
	runJob,
	unique,
	type World,
} from "../../helpers/identity-fixtures";
import { createZone } from "../../helpers/inventory-fixtures";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
type Obj = any;

const UBUNTU = "00000000-0000-4000-8000-0000000d0022";
const SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

let world: World;
let zoneA: Obj;
let zoneB: Obj;

beforeAll(async () => {
	world = await buildWorld();
	zoneA = await createZone(world);
	zoneB = await createZone(world);
	ok(
		await call(world.root, {
			command: "addImageStore",
			provider: "NFS",
			url: "nfs://nfs.example.com/export/secondary",
			zoneid: zoneA.id,
		}),
		"addImageStore",
	);
});

function registerParams(extra: Params = {}): Params {
	return {
		command: "registerTemplate",
		name: unique("tmpl-"),
		url: "http://images.example.com/ubuntu.qcow2",
		format: "QCOW2",
		hypervisor: "KVM",
		ostypeid: UBUNTU,
		zoneid: zoneA.id,
		...extra,
	};
}

async function register(actor: Actor = world.root, extra: Params = {}): Promise<Obj> {
	const body = ok(await call(actor, registerParams(extra)), "registerTemplate");
	expect(body.count).toBe(body.template.length);
	return body.template[0];
}

async function list(actor: Actor, params: Params): Promise<Obj[]> {
	return listItems(actor, "listTemplates", "template", params);
}

async function setCopy(templateId: string, zoneId: string, values: Record<string, string | number | null>) {
	const names = Object.keys(values);
	const columns = names.map((n) => `${n} = ?`).join(", ");
	await env.DB.prepare(`UPDATE template_stores SET ${columns} WHERE template_id = ? AND zone_id = ?`)
		.bind(...names.map((n) => values[n] ?? null), templateId, zoneId)
		.run();
}

async function events(type: string, resourceid: string): Promise<Obj[]> {
	return listItems(world.root, "listEvents", "event", { type, resourceid, listall: "true" });
}

describe("registerTemplate", () => {
	it("answers a list with the template in its zone, waiting for the relay agent, and writes TEMPLATE.CREATE", async () => {
		const body = ok(
			await call(
				world.alice,
				registerParams({
					displaytext: "Ubuntu 24.04",
					checksum: `{SHA-256}${SHA256}`,
					passwordenabled: "true",
					"details[0].keyboard": "us",
				}),
			),
			"registerTemplate",
		);
		expect(body.count).toBe(1);
		const [t] = body.template;
		expect(t).toMatchObject({
			displaytext: "Ubuntu 24.04",
			ispublic: false,
			isfeatured: false,
			isready: false,
			isextractable: false,
			passwordenabled: true,
			format: "QCOW2",
			hypervisor: "KVM",
			ostypeid: UBUNTU,
			ostypename: "Ubuntu 24.04 LTS",
			account: "alice",
			accountid: world.alice.accountId,
			domainid: world.d1,
			zoneid: zoneA.id,
			zonename: zoneA.name,
			status: "Waiting for the zone's relay agent",
			templatetype: "USER",
			crossZones: false,
			checksum: `{SHA-256}${SHA256}`,
			url: "http://images.example.com/ubuntu.qcow2",
			details: { keyboard: "us" },
			bits: 64,
			arch: "x86_64",
		});
		expect(t.size).toBeUndefined();
		expect(t.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
		const row = await env.DB.prepare("SELECT state, image_store_id FROM template_stores WHERE template_id = ?")
			.bind(t.id)
			.first<{ state: string; image_store_id: string | null }>();
		expect(row?.state).toBe("Allocated");
		expect(row?.image_store_id).not.toBeNull();
		const [event] = await events("TEMPLATE.CREATE", t.id);
		expect(event).toMatchObject({ account: "alice", level: "INFO" });
	});

	it("registers for every zone with zoneid -1 (crossZones): one item per zone", async () => {
		const body = ok(await call(world.root, registerParams({ zoneid: "-1" })), "registerTemplate");
		const zones = body.template.map((t: Obj) => t.zoneid);
		expect(zones).toEqual(expect.arrayContaining([zoneA.id, zoneB.id]));
		expect(body.template.every((t: Obj) => t.crossZones === true)).toBe(true);
		// zoneB has no image store: its copy waits for one.
		const b = body.template.find((t: Obj) => t.zoneid === zoneB.id);
		expect(b.status).toBe("Waiting for secondary storage in the zone: add one with addImageStore");
	});

	it("takes zoneids, and the formats and hypervisor in any case", async () => {
		const body = ok(
			await call(
				world.root,
				registerParams({ zoneid: "", zoneids: `${zoneA.id},${zoneB.id}`, format: "raw", hypervisor: "kvm" }),
			),
			"registerTemplate",
		);
		expect(body.count).toBe(2);
		expect(body.template[0].format).toBe("RAW");
	});

	it("quietly drops isfeatured for callers that are not root admins (as CloudStack)", async () => {
		expect((await register(world.alice, { isfeatured: "true", ispublic: "true" })).isfeatured).toBe(false);
		expect((await register(world.root, { isfeatured: "true", ispublic: "true" })).isfeatured).toBe(true);
	});

	it("defaults the OS type to Other (64-bit)", async () => {
		expect((await register(world.root, { ostypeid: "" })).ostypename).toBe("Other (64-bit)");
	});

	it.each<[string, Params, RegExp]>([
		["format VHD", { format: "VHD" }, /VHD is not supported by flarestack \(KVM\): use QCOW2 or RAW/],
		["format ISO", { format: "ISO" }, /ISO is not supported by flarestack \(KVM\): use QCOW2 or RAW/],
		["hypervisor XenServer", { hypervisor: "XenServer" }, /Hypervisor XenServer is not supported/],
		["an ftp URL", { url: "ftp://images.example.com/a.qcow2" }, /only http and https/],
		["a file URL", { url: "file:///etc/shadow" }, /only http and https/],
		["a metadata address", { url: "http://169.254.169.254/latest" }, /template\.download\.denied\.cidrs/],
		["a malformed checksum", { checksum: "{SHA-256}abc" }, /SHA-256 digest is 64 hex digits/],
		["an unknown checksum algorithm", { checksum: `{SHA-3}${SHA256}` }, /Unsupported checksum algorithm/],
		["an unknown OS type", { ostypeid: "00000000-0000-4000-8000-0000000dffff" }, /ostypeid/],
		["an unknown zone", { zoneid: "00000000-0000-4000-8000-00000000abcd" }, /zoneid/],
		["-1 with other zones", { zoneid: "-1", zoneids: "x" }, /cannot be combined/],
		["directdownload", { directdownload: "true" }, /directdownload is not supported/],
		["a project", { projectid: "00000000-0000-4000-8000-00000000abcd" }, /Projects are not supported/],
		["bits 16", { bits: "16" }, /bits must be 32 or 64/],
		["templatetype SYSTEM by a user", { templatetype: "SYSTEM" }, /Only root admins/],
	])("refuses %s with 431 and stores nothing", async (_what, extra, text) => {
		const name = unique("bad-");
		expectParamError(await call(world.alice, registerParams({ name, ...extra })), "registerTemplate", text);
		const row = await env.DB.prepare("SELECT count(*) AS n FROM templates WHERE name = ?")
			.bind(name)
			.first<{ n: number }>();
		expect(row?.n).toBe(0);
	});

	it("lets an admin register for an account it manages, and refuses a user naming another account", async () => {
		const t = await register(world.domainAdmin, { account: "bob", domainid: world.d1 });
		expect(t.account).toBe("bob");
		expectDenied(await call(world.alice, registerParams({ account: "bob", domainid: world.d1 })), "registerTemplate");
	});
});

describe("listTemplates", () => {
	let priv: Obj;
	let pub: Obj;
	let featured: Obj;

	beforeAll(async () => {
		priv = await register(world.alice);
		pub = await register(world.alice, { ispublic: "true" });
		featured = await register(world.root, { ispublic: "true", isfeatured: "true" });
		await setCopy(pub.id, zoneA.id, { state: "Ready", size_bytes: 2147483648, physical_bytes: 734003200 });
		await setCopy(featured.id, zoneA.id, { state: "Ready", size_bytes: 1073741824, physical_bytes: 1073741824 });
	});

	const ids = (items: Obj[]) => items.map((t) => t.id);

	it("shows each download state as CloudStack's status text", async () => {
		const t = await register(world.alice);
		const status = async () => (await list(world.alice, { templatefilter: "self", id: t.id }))[0];
		await setCopy(t.id, zoneA.id, { state: "Downloading", percent: 37 });
		expect(await status()).toMatchObject({ status: "37% Downloaded", isready: false });
		await setCopy(t.id, zoneA.id, { state: "Ready", percent: 100, size_bytes: 5368709120, physical_bytes: 1234567 });
		expect(await status()).toMatchObject({
			status: "Download Complete",
			isready: true,
			size: 5368709120,
			physicalsize: 1234567,
		});
		await setCopy(t.id, zoneA.id, {
			state: "Error",
			error_text: "HTTP 404 Not Found from http://images.example.com/ubuntu.qcow2",
		});
		expect(await status()).toMatchObject({
			status: "HTTP 404 Not Found from http://images.example.com/ubuntu.qcow2",
			isready: false,
		});
	});

	it("self: the caller's own; bob sees none of alice's", async () => {
		expect(ids(await list(world.alice, { templatefilter: "self" }))).toEqual(expect.arrayContaining([priv.id, pub.id]));
		const bob = ids(await list(world.bob, { templatefilter: "self" }));
		expect(bob).not.toContain(priv.id);
		expect(bob).not.toContain(pub.id);
	});

	it("selfexecutable and executable: only ready copies; executable adds the public ones", async () => {
		const self = ids(await list(world.alice, { templatefilter: "selfexecutable" }));
		expect(self).toContain(pub.id);
		expect(self).not.toContain(priv.id);
		const bob = ids(await list(world.bob, { templatefilter: "executable" }));
		expect(bob).toEqual(expect.arrayContaining([pub.id, featured.id]));
		expect(bob).not.toContain(priv.id);
	});

	it("community: public and not featured; featured: the featured ones", async () => {
		const community = ids(await list(world.carol, { templatefilter: "community" }));
		expect(community).toContain(pub.id);
		expect(community).not.toContain(featured.id);
		expect(community).not.toContain(priv.id);
		const feat = ids(await list(world.carol, { templatefilter: "featured" }));
		expect(feat).toContain(featured.id);
		expect(feat).not.toContain(pub.id);
	});

	it("all: admins only; the root admin sees every template, a domain admin its subtree and public ones", async () => {
		expectParamError(
			await call(world.alice, { command: "listTemplates", templatefilter: "all" }),
			"listTemplates",
			/admin only/,
		);
		const root = ids(await list(world.root, { templatefilter: "all", listall: "true" }));
		expect(root).toEqual(expect.arrayContaining([priv.id, pub.id, featured.id]));
		const dadmin = ids(await list(world.domainAdmin, { templatefilter: "all", listall: "true" }));
		expect(dadmin).toEqual(expect.arrayContaining([priv.id, pub.id, featured.id]));
		const carolPriv = await register(world.carol);
		expect(ids(await list(world.domainAdmin, { templatefilter: "all", listall: "true" }))).not.toContain(carolPriv.id);
	});

	it("refuses an unknown filter", async () => {
		expectParamError(
			await call(world.alice, { command: "listTemplates", templatefilter: "mine" }),
			"listTemplates",
			/Invalid templatefilter mine/,
		);
	});

	it("filters by id, ids, name, keyword, zoneid, isready and hypervisor, and pages with the full count", async () => {
		const name = unique("findme-");
		const t = await register(world.alice, { name, zoneid: "-1" });
		expect(await list(world.alice, { templatefilter: "self", id: t.id })).toHaveLength(2);
		expect(await list(world.alice, { templatefilter: "self", ids: `${t.id},${priv.id}` })).toHaveLength(3);
		expect(ids(await list(world.alice, { templatefilter: "self", name: name.toUpperCase() }))).toEqual([t.id, t.id]);
		expect(ids(await list(world.alice, { templatefilter: "self", keyword: "ndme" }))).toContain(t.id);
		const inB = await list(world.alice, { templatefilter: "self", zoneid: zoneB.id });
		expect(inB.map((x) => x.zoneid)).toEqual(inB.map(() => zoneB.id));
		expect(ids(inB)).toContain(t.id);
		expect(ids(await list(world.alice, { templatefilter: "self", isready: "true" }))).not.toContain(t.id);
		expect(await list(world.alice, { templatefilter: "self", hypervisor: "XenServer" })).toEqual([]);
		const page = ok(
			await call(world.alice, { command: "listTemplates", templatefilter: "self", pagesize: "1" }),
			"listTemplates",
		);
		expect(page.template).toHaveLength(1);
		expect(page.count).toBeGreaterThan(3);
	});

	it("returns CloudStack's empty list as {}", async () => {
		const body = ok(
			await call(world.carol, { command: "listTemplates", templatefilter: "self", id: priv.id }),
			"listTemplates",
		);
		expect(body).toEqual({});
	});
});

describe("updateTemplate", () => {
	it("lets the owner rename and change flags, writes TEMPLATE.UPDATE, and answers the template", async () => {
		const t = await register(world.alice);
		const body = ok(
			await call(world.alice, {
				command: "updateTemplate",
				id: t.id,
				name: "renamed",
				displaytext: "new text",
				passwordenabled: "true",
				format: "qcow2",
			}),
			"updateTemplate",
		);
		expect(body.template).toMatchObject({ id: t.id, name: "renamed", displaytext: "new text", passwordenabled: true });
		expect(await events("TEMPLATE.UPDATE", t.id)).toHaveLength(1);
	});

	it("refuses another user (531), a format change (431) and a user's sortkey (531)", async () => {
		const t = await register(world.alice);
		expectDenied(await call(world.bob, { command: "updateTemplate", id: t.id, name: "x" }), "updateTemplate");
		expectParamError(
			await call(world.alice, { command: "updateTemplate", id: t.id, format: "RAW" }),
			"updateTemplate",
			/cannot change/,
		);
		expectDenied(await call(world.alice, { command: "updateTemplate", id: t.id, sortkey: "3" }), "updateTemplate");
		// A domain admin manages templates of its subtree; sortkey stays the root admin's.
		ok(await call(world.domainAdmin, { command: "updateTemplate", id: t.id, name: "by-dadmin" }), "updateTemplate");
		expectDenied(
			await call(world.domainAdmin, { command: "updateTemplate", id: t.id, sortkey: "3" }),
			"updateTemplate",
		);
		ok(await call(world.root, { command: "updateTemplate", id: t.id, sortkey: "3" }), "updateTemplate");
	});
});

describe("template permissions", () => {
	it("shares a private template with an account of the owner's domain, which then sees it as shared", async () => {
		const t = await register(world.alice);
		expect(await list(world.bob, { templatefilter: "shared", id: t.id })).toEqual([]);
		ok(
			await call(world.alice, { command: "updateTemplatePermissions", id: t.id, accounts: "bob", op: "add" }),
			"updateTemplatePermissions",
		);
		expect(await list(world.bob, { templatefilter: "shared", id: t.id })).toHaveLength(1);
		const perms = ok(
			await call(world.alice, { command: "listTemplatePermissions", id: t.id }),
			"listTemplatePermissions",
		);
		expect(perms.templatepermission).toMatchObject({ id: t.id, ispublic: false, domainid: world.d1, account: ["bob"] });
		await setCopy(t.id, zoneA.id, { state: "Ready" });
		expect(await list(world.bob, { templatefilter: "sharedexecutable", id: t.id })).toHaveLength(1);
		ok(
			await call(world.alice, { command: "updateTemplatePermissions", id: t.id, accounts: "bob", op: "remove" }),
			"updateTemplatePermissions",
		);
		expect(await list(world.bob, { templatefilter: "shared", id: t.id })).toEqual([]);
	});

	it("resets the sharing and changes ispublic and isextractable", async () => {
		const t = await register(world.alice);
		ok(
			await call(world.alice, { command: "updateTemplatePermissions", id: t.id, accounts: "bob", op: "add" }),
			"updateTemplatePermissions",
		);
		ok(
			await call(world.alice, {
				command: "updateTemplatePermissions",
				id: t.id,
				op: "reset",
				ispublic: "true",
				isextractable: "true",
			}),
			"updateTemplatePermissions",
		);
		const perms = ok(
			await call(world.alice, { command: "listTemplatePermissions", id: t.id }),
			"listTemplatePermissions",
		);
		expect(perms.templatepermission.account).toBeUndefined();
		expect(perms.templatepermission.ispublic).toBe(true);
		const [seen] = await list(world.carol, { templatefilter: "community", id: t.id });
		expect(seen).toMatchObject({ ispublic: true, isextractable: true });
	});

	it.each<[string, Params, RegExp]>([
		["an account of another domain", { accounts: "carol", op: "add" }, /Unable to find account carol/],
		["accounts without op", { accounts: "bob" }, /Please specify op/],
		["a bad op", { accounts: "bob", op: "grant" }, /Invalid op grant/],
		["projects", { projectids: "00000000-0000-4000-8000-00000000abcd", op: "add" }, /Projects are not supported/],
	])("refuses %s with 431", async (_what, extra, text) => {
		const t = await register(world.alice);
		expectParamError(
			await call(world.alice, { command: "updateTemplatePermissions", id: t.id, ...extra }),
			"updateTemplatePermissions",
			text,
		);
	});

	it("refuses others and lets only root admins feature a template", async () => {
		const t = await register(world.alice);
		expectDenied(
			await call(world.bob, { command: "updateTemplatePermissions", id: t.id, ispublic: "true" }),
			"updateTemplatePermissions",
		);
		expectDenied(await call(world.bob, { command: "listTemplatePermissions", id: t.id }), "listTemplatePermissions");
		expectDenied(
			await call(world.alice, { command: "updateTemplatePermissions", id: t.id, isfeatured: "true" }),
			"updateTemplatePermissions",
		);
		ok(
			await call(world.root, { command: "updateTemplatePermissions", id: t.id, isfeatured: "true", ispublic: "true" }),
			"updateTemplatePermissions",
		);
		expect((await list(world.carol, { templatefilter: "featured", id: t.id }))[0]?.isfeatured).toBe(true);
	});
});

describe("deleteTemplate", () => {
	it("removes the template (async), writes TEMPLATE.DELETE; showremoved still lists it", async () => {
		const t = await register(world.alice, { zoneid: "-1" });
		const result = await runJob(world.alice, { command: "deleteTemplate", id: t.id });
		expect(result).toMatchObject({ success: true });
		expect(await list(world.alice, { templatefilter: "self", id: t.id })).toEqual([]);
		const removed = await list(world.alice, { templatefilter: "self", id: t.id, showremoved: "true" });
		expect(removed).toHaveLength(1);
		expect(removed[0].removed).toMatch(/\+0000$/);
		expect(await events("TEMPLATE.DELETE", t.id)).toHaveLength(1);
		const rows = await env.DB.prepare("SELECT count(*) AS n FROM template_stores WHERE template_id = ?")
			.bind(t.id)
			.first<{ n: number }>();
		expect(rows?.n).toBe(0);
	});

	it("with a zone removes that zone's copy only", async () => {
		const t = await register(world.alice, { zoneid: "-1" });
		await runJob(world.alice, { command: "deleteTemplate", id: t.id, zoneid: zoneB.id, forced: "true" });
		const left = await list(world.alice, { templatefilter: "self", id: t.id });
		expect(left.map((x) => x.zoneid)).not.toContain(zoneB.id);
		expect(left.map((x) => x.zoneid)).toContain(zoneA.id);
		// 431 and 531 come back at once, as CloudStack validates before it queues the job.
		expectParamError(
			await call(world.alice, { command: "deleteTemplate", id: t.id, zoneid: zoneB.id }),
			"deleteTemplate",
			/is not in zone/,
		);
	});

	it("refuses another user's template with 531", async () => {
		const t = await register(world.alice);
		expectDenied(await call(world.bob, { command: "deleteTemplate", id: t.id }), "deleteTemplate");
		expect(await list(world.alice, { templatefilter: "self", id: t.id })).toHaveLength(1);
	});
});

describe("copyTemplate", () => {
	it("starts the destination zone's download from the URL and writes TEMPLATE.COPY", async () => {
		const t = await register(world.alice);
		await setCopy(t.id, zoneA.id, { state: "Ready" });
		const result = await runJob(world.alice, {
			command: "copyTemplate",
			id: t.id,
			sourcezoneid: zoneA.id,
			destzoneid: zoneB.id,
		});
		expect(result.template).toMatchObject({
			id: t.id,
			zoneid: zoneB.id,
			status: "Waiting for secondary storage in the zone: add one with addImageStore",
		});
		expect(await list(world.alice, { templatefilter: "self", id: t.id })).toHaveLength(2);
		expect(await events("TEMPLATE.COPY", t.id)).toHaveLength(1);
	});

	it("refuses a zone that has it, the same source and destination, and an imported template without URL", async () => {
		const t = await register(world.alice);
		const failure = async (params: Params) => {
			const result = await call(world.alice, { command: "copyTemplate", ...params });
			expectParamError(result, "copyTemplate");
			return result.body.copytemplateresponse.errortext as string;
		};
		expect(await failure({ id: t.id, destzoneid: zoneA.id })).toMatch(/already in zone/);
		expect(await failure({ id: t.id, sourcezoneid: zoneA.id, destzoneid: zoneA.id })).toMatch(
			/different source and destination/,
		);
		await env.DB.prepare("UPDATE templates SET url = NULL WHERE id = ?").bind(t.id).run();
		expect(await failure({ id: t.id, destzoneid: zoneB.id })).toMatch(/imported from a file .* has no URL/);
	});
});

describe("prepareTemplate", () => {
	it("is for admins and needs the template ready in the zone", async () => {
		const t = await register(world.root);
		expectNotAvailable(
			await call(world.alice, { command: "prepareTemplate", templateid: t.id, zoneid: zoneA.id }),
			"prepareTemplate",
			world.alice,
		);
		expectParamError(
			await call(world.root, { command: "prepareTemplate", templateid: t.id, zoneid: zoneA.id }),
			"prepareTemplate",
			/is not ready in zone .* \(Allocated\)/,
		);
	});

	it("answers the template in that zone when ready (no Up pool: nothing to copy)", async () => {
		const t = await register(world.root);
		await setCopy(t.id, zoneA.id, { state: "Ready" });
		const body = ok(
			await call(world.root, { command: "prepareTemplate", templateid: t.id, zoneid: zoneA.id }),
			"prepareTemplate",
		);
		expect(body.count).toBe(1);
		expect(body.template[0]).toMatchObject({ id: t.id, zoneid: zoneA.id, isready: true });
	});
});

describe("template.download.denied.cidrs", () => {
	it("takes IPv4 and IPv6 CIDRs and refuses an entry that is not one (431), keeping the old value", async () => {
		const set = (value: string) =>
			call(world.root, { command: "updateConfiguration", name: "template.download.denied.cidrs", value });
		ok(await set("169.254.0.0/16, fd00:ec2::254/128,10.9.9.9"), "updateConfiguration");
		expectParamError(
			await set("169.254.0.0/16,metadata.internal"),
			"updateConfiguration",
			/metadata\.internal is not a CIDR/,
		);
		expectParamError(await set("10.0.0.0/33"), "updateConfiguration", /10\.0\.0\.0\/33 is not a CIDR/);
		const listed = ok(
			await call(world.root, { command: "listConfigurations", name: "template.download.denied.cidrs" }),
			"listConfigurations",
		);
		expect(listed.configuration[0].value).toBe("169.254.0.0/16, fd00:ec2::254/128,10.9.9.9");
		ok(await set("0.0.0.0/8,169.254.0.0/16,fe80::/10"), "updateConfiguration");
	});
});
