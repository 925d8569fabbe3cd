/**
 * Alerts: raiseAlert / raiseAlerts (de-duplication within an hour by type + subject), listAlerts
 * (fields, filters, paging, archived hidden), listAlertTypes, archiveAlerts, deleteAlerts (the
 * selection rules and refusals), the five-role access matrix, and checkStorageCapacity (one
 * ALERT.STORAGE / ALERT.STORAGE.ALLOCATED per pool above its threshold, none at or below it).
 * Alerts and pools are written straight into D1 with chosen times and sizes.
 */
import { env } from "cloudflare:workers";
import { and, eq, inArray, like } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { ALERT_REPEAT_WINDOW_MS, raiseAlert, raiseAlerts } from "../../../worker/src/db/alerts";
import { createDb } from "../../../worker/src/db/client";
import { alerts, storagePools, zones } from "../../../worker/src/db/schema";
import { checkStorageCapacity } from "../../../worker/src/db/storage-alerts";
import { ALERT_TYPE, ALERT_TYPES } from "../../../worker/src/domain/alert-types";
import { settingsFrom } from "../../../worker/src/domain/settings";
import type { Params } from "../../helpers/api";
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
	unique,
	type World,
} from "../../helpers/identity-fixtures";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
type Obj = any;

const db = createDb(env.DB);
const HOUR = 3_600_000;
const GiB = 1024 ** 3;
let world: World;

beforeAll(async () => {
	world = await buildWorld();
});

async function insertAlert(
	extra: {
		type?: number;
		name?: string;
		subject?: string;
		created?: number;
		lastSent?: number;
		archived?: boolean;
	} = {},
): Promise<{ id: string; subject: string }> {
	const id = crypto.randomUUID();
	const subject = extra.subject ?? unique("alert subject ");
	const created = extra.created ?? Date.now();
	await db.insert(alerts).values({
		id,
		type: extra.type ?? ALERT_TYPE.HOST.id,
		name: extra.name ?? ALERT_TYPE.HOST.name,
		subject,
		description: `content of ${subject}`,
		archived: extra.archived ?? false,
		created,
		lastSent: extra.lastSent ?? created,
	});
	return { id, subject };
}

async function alertRows(subject: string) {
	return db.select().from(alerts).where(eq(alerts.subject, subject));
}

async function alertState(id: string): Promise<boolean | "gone"> {
	const [row] = await db.select({ archived: alerts.archived }).from(alerts).where(eq(alerts.id, id));
	return row?.archived ?? "gone";
}

function listAlerts(params: Params = {}): Promise<Obj[]> {
	return listItems(world.root, "listAlerts", "alert", params);
}

// ---- raiseAlert ----------------------------------------------------------------------------------

describe("raiseAlert", () => {
	it("adds a row the first time, and refreshes last_sent for a repeat within the hour", async () => {
		const subject = unique("Host h1 is down ");
		const t0 = Date.now() - 2 * HOUR;
		await raiseAlert(db, t0, { type: ALERT_TYPE.HOST, subject, description: "first", zoneId: "z1", podId: "p1" });
		let rows = await alertRows(subject);
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({
			type: 7,
			name: "ALERT.COMPUTE.HOST",
			description: "first",
			zoneId: "z1",
			podId: "p1",
			clusterId: null,
			archived: false,
			created: t0,
			lastSent: t0,
		});
		await raiseAlert(db, t0 + 30 * 60_000, { type: ALERT_TYPE.HOST, subject, description: "again" });
		rows = await alertRows(subject);
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({ created: t0, lastSent: t0 + 30 * 60_000, description: "again" });
		// The window runs from the last repeat: 50 minutes later still counts as a repeat.
		await raiseAlert(db, t0 + 80 * 60_000, { type: ALERT_TYPE.HOST, subject, description: "third" });
		expect(await alertRows(subject)).toHaveLength(1);
	});

	it("adds a new row once an hour has passed, or for another subject or type", async () => {
		const subject = unique("Pool gone ");
		const t0 = Date.now() - 3 * HOUR;
		await raiseAlert(db, t0, { type: ALERT_TYPE.STORAGE_MISC, subject, description: "x" });
		await raiseAlert(db, t0 + ALERT_REPEAT_WINDOW_MS, { type: ALERT_TYPE.STORAGE_MISC, subject, description: "x" });
		expect(await alertRows(subject)).toHaveLength(2);
		await raiseAlert(db, t0 + ALERT_REPEAT_WINDOW_MS + 1, { type: ALERT_TYPE.HOST, subject, description: "x" });
		expect(await alertRows(subject)).toHaveLength(3);
		await raiseAlert(db, t0 + ALERT_REPEAT_WINDOW_MS + 2, {
			type: ALERT_TYPE.STORAGE_MISC,
			subject: `${subject}!`,
			description: "x",
		});
		expect(await alertRows(subject)).toHaveLength(3);
		expect(await alertRows(`${subject}!`)).toHaveLength(1);
	});

	it("counts an archived alert as a repeat (archiving acknowledges it) and leaves it archived", async () => {
		const { id, subject } = await insertAlert({ archived: true, created: Date.now() - 10 * 60_000 });
		await raiseAlert(db, Date.now(), { type: ALERT_TYPE.HOST, subject, description: "still down" });
		const rows = await alertRows(subject);
		expect(rows.map((r) => [r.id, r.archived])).toEqual([[id, true]]);
	});

	it("accepts a type number, naming unknown numbers ALERT.TYPE.<n>", async () => {
		const subject = unique("numbered ");
		await raiseAlert(db, Date.now(), { type: 101, subject, description: "x" });
		await raiseAlert(db, Date.now(), { type: 555, subject, description: "x" });
		const rows = await alertRows(subject);
		expect(rows.map((r) => [r.type, r.name]).sort()).toEqual([
			[101, "ALERT.WEBHOOK.DISABLED"],
			[555, "ALERT.TYPE.555"],
		]);
	});

	it("raiseAlerts de-duplicates against recent rows and within its own input", async () => {
		const repeat = await insertAlert({ type: 12, name: "ALERT.STORAGE.MISC", created: Date.now() - 20 * 60_000 });
		const fresh = unique("fresh ");
		const now = Date.now();
		await raiseAlerts(db, now, [
			{ type: 12, subject: repeat.subject, description: "r" },
			{ type: 12, subject: fresh, description: "f" },
			{ type: 12, subject: fresh, description: "f again" },
		]);
		const [old] = await alertRows(repeat.subject);
		expect(old?.lastSent).toBe(now);
		expect(await alertRows(repeat.subject)).toHaveLength(1);
		expect(await alertRows(fresh)).toHaveLength(1);
		await raiseAlerts(db, now, []);
	});
});

// ---- listAlerts / listAlertTypes -----------------------------------------------------------------

describe("listAlerts", () => {
	it("shows CloudStack's fields: id, type, name, description (the subject), sent (the last time)", async () => {
		const created = Date.parse("2025-06-01T10:00:00Z");
		const { id, subject } = await insertAlert({ created, lastSent: created + 90_000 });
		const [alert] = await listAlerts({ id });
		expect(alert).toEqual({
			id,
			type: 7,
			name: "ALERT.COMPUTE.HOST",
			description: subject,
			sent: "2025-06-01T10:01:30+0000",
		});
	});

	it("filters by type (number or name), name, keyword (in the subject); pages; newest first", async () => {
		const word = unique("kwalert");
		const a = await insertAlert({ subject: `${word} a`, lastSent: Date.now() - 3000 });
		const b = await insertAlert({
			type: 2,
			name: "ALERT.STORAGE",
			subject: `${word} b`,
			lastSent: Date.now() - 2000,
		});
		const c = await insertAlert({ subject: `${word} c`, lastSent: Date.now() - 1000 });
		expect((await listAlerts({ keyword: word })).map((x: Obj) => x.id)).toEqual([c.id, b.id, a.id]);
		expect((await listAlerts({ keyword: word, type: "7" })).map((x: Obj) => x.id)).toEqual([c.id, a.id]);
		expect((await listAlerts({ keyword: word, type: "alert.storage" })).map((x: Obj) => x.id)).toEqual([b.id]);
		expect((await listAlerts({ keyword: word, name: "ALERT.STORAGE" })).map((x: Obj) => x.id)).toEqual([b.id]);
		const page = ok(
			await call(world.root, { command: "listAlerts", keyword: word, page: "2", pagesize: "2" }),
			"listAlerts",
		);
		expect(page.count).toBe(3);
		expect(page.alert.map((x: Obj) => x.id)).toEqual([a.id]);
		expect(await listAlerts({ keyword: `${word}-none` })).toEqual([]);
		expectParamError(await call(world.root, { command: "listAlerts", type: "storage!" }), "listAlerts", /type/);
		expectParamError(await call(world.root, { command: "listAlerts", id: "x" }), "listAlerts");
	});

	it("hides archived alerts", async () => {
		const word = unique("archivedalert");
		const shown = await insertAlert({ subject: `${word} shown` });
		await insertAlert({ subject: `${word} hidden`, archived: true });
		expect((await listAlerts({ keyword: word })).map((x: Obj) => x.id)).toEqual([shown.id]);
	});
});

describe("listAlertTypes", () => {
	it("lists CloudStack's alert types by number, plus flarestack's own at 100+", async () => {
		const body = ok(await call(world.root, { command: "listAlertTypes" }), "listAlertTypes");
		const types: { alerttypeid: number; name: string }[] = body.alerttype;
		expect(body.count).toBe(types.length);
		expect(types).toEqual(ALERT_TYPES.map((t) => ({ alerttypeid: t.id, name: t.name })));
		const byId = new Map(types.map((t) => [t.alerttypeid, t.name]));
		const expected: [number, string][] = [
			[0, "ALERT.MEMORY"],
			[1, "ALERT.CPU"],
			[2, "ALERT.STORAGE"],
			[3, "ALERT.STORAGE.ALLOCATED"],
			[4, "ALERT.NETWORK.PUBLICIP"],
			[5, "ALERT.NETWORK.PRIVATEIP"],
			[6, "ALERT.STORAGE.SECONDARY"],
			[7, "ALERT.COMPUTE.HOST"],
			[8, "ALERT.USERVM"],
			[9, "ALERT.SERVICE.DOMAINROUTER"],
			[10, "ALERT.SERVICE.CONSOLEPROXY"],
			[11, "ALERT.NETWORK.ROUTING"],
			[12, "ALERT.STORAGE.MISC"],
			[13, "ALERT.USAGE"],
			[14, "ALERT.MANAGEMENT"],
			[15, "ALERT.NETWORK.DOMAINROUTERMIGRATE"],
			[16, "ALERT.SERVICE.CONSOLEPROXYMIGRATE"],
			[17, "ALERT.USERVM.MIGRATE"],
			[18, "ALERT.NETWORK.VLAN"],
			[19, "ALERT.SERVICE.SSVM"],
			[20, "ALERT.USAGE.RESULT"],
			[21, "ALERT.STORAGE.DELETE"],
			[22, "ALERT.RESOURCE.COUNT"],
			[23, "ALERT.USAGE.SANITY"],
			[24, "ALERT.NETWORK.DIRECTPUBLICIP"],
			[25, "ALERT.STORAGE.LOCAL"],
			[26, "ALERT.RESOURCE.EXCEED"],
			[27, "ALERT.TYPE.SYNC"],
			[28, "ALERT.UPLOAD.FAILED"],
			[29, "ALERT.OOBM.AUTHERROR"],
			[100, "ALERT.RELAY.DISCONNECTED"],
			[101, "ALERT.WEBHOOK.DISABLED"],
			[102, "ALERT.TEMPLATE.DOWNLOAD.FAILED"],
		];
		for (const [id, name] of expected) expect(byId.get(id), String(id)).toBe(name);
		expect(new Set(types.map((t) => t.alerttypeid)).size).toBe(types.length);
	});
});

// ---- archiveAlerts / deleteAlerts ----------------------------------------------------------------

for (const command of ["archiveAlerts", "deleteAlerts"] as const) {
	const changed = command === "archiveAlerts" ? true : "gone";
	describe(command, () => {
		it("refuses a call that selects nothing, a startdate without enddate, bad or unknown ids, a bad type (431)", async () => {
			const { id } = await insertAlert();
			expectParamError(
				await call(world.root, { command }),
				command,
				/^either ids, type, startdate or enddate must be specified$/,
			);
			expectParamError(
				await call(world.root, { command, type: "7", startdate: "2024-01-01" }),
				command,
				/^enddate must be specified with startdate parameter$/,
			);
			expectParamError(await call(world.root, { command, ids: `${id},zzz` }), command, /ids/);
			expectParamError(await call(world.root, { command, ids: `${id},${crypto.randomUUID()}` }), command, /ids/);
			expectParamError(await call(world.root, { command, type: "nonsense" }), command, /type/);
			expect(await alertState(id)).toBe(false);
		});

		it("acts on the named ids only", async () => {
			const a = await insertAlert();
			const b = await insertAlert();
			const keep = await insertAlert();
			expect(ok(await call(world.root, { command, ids: `${a.id},${b.id.toUpperCase()}` }), command).success).toBe(true);
			expect([await alertState(a.id), await alertState(b.id), await alertState(keep.id)]).toEqual([
				changed,
				changed,
				false,
			]);
			expect((await listAlerts({ id: a.id })).length).toBe(0);
			expect((await listAlerts({ id: keep.id })).length).toBe(1);
		});

		it("acts by type and created range (enddate inclusive of its day)", async () => {
			const at = (iso: string) => Date.parse(iso);
			const type = { type: 24, name: "ALERT.NETWORK.DIRECTPUBLICIP" };
			const before = await insertAlert({ ...type, created: at("2022-05-01T23:59:59Z") });
			const inside = await insertAlert({ ...type, created: at("2022-05-02T00:00:00Z") });
			const lastSecond = await insertAlert({ ...type, created: at("2022-05-03T23:59:59Z") });
			const otherType = await insertAlert({ created: at("2022-05-02T12:00:00Z") });
			ok(await call(world.root, { command, type: "24", startdate: "2022-05-02", enddate: "2022-05-03" }), command);
			expect(await Promise.all([before, inside, lastSecond, otherType].map(({ id }) => alertState(id)))).toEqual([
				false,
				changed,
				changed,
				false,
			]);
			// enddate alone: everything up to it, of any type.
			ok(await call(world.root, { command, enddate: "2022-05-02 12:00:00" }), command);
			expect(await alertState(before.id)).toBe(changed);
			expect(await alertState(otherType.id)).toBe(changed);
		});
	});
}

it("deleteAlerts removes archived alerts too", async () => {
	const { id } = await insertAlert({ archived: true });
	ok(await call(world.root, { command: "deleteAlerts", ids: id }), "deleteAlerts");
	expect(await alertState(id)).toBe("gone");
});

// ---- access --------------------------------------------------------------------------------------

function allowedList(command: "listAlerts" | "listAlertTypes"): Case {
	return { expect: "allowed", run: (_w, a) => call(a, { command }) };
}

function allowedChange(command: "archiveAlerts" | "deleteAlerts"): Case {
	let id = "";
	return {
		expect: "allowed",
		run: async (_w, a) => {
			id = (await insertAlert()).id;
			return call(a, { command, ids: id });
		},
		verify: async () => expect(await alertState(id)).toBe(command === "archiveAlerts" ? true : "gone"),
	};
}

function listMatrix(command: "listAlerts" | "listAlertTypes"): CommandMatrix {
	return {
		RootAdmin: [allowedList(command)],
		ResourceAdmin: [unavailable(command)],
		DomainAdmin: [unavailable(command)],
		User: [unavailable(command)],
		ReadOnlyAdmin: [allowedList(command)],
	};
}

function changeMatrix(command: "archiveAlerts" | "deleteAlerts"): CommandMatrix {
	return {
		RootAdmin: [allowedChange(command)],
		ResourceAdmin: [unavailable(command, { type: "7" })],
		DomainAdmin: [unavailable(command, { type: "7" })],
		User: [unavailable(command, { type: "7" })],
		ReadOnlyAdmin: [unavailable(command, { type: "7" })],
	};
}

describeMatrix("alerts: access", () => world, {
	listAlerts: listMatrix("listAlerts"),
	listAlertTypes: listMatrix("listAlertTypes"),
	archiveAlerts: changeMatrix("archiveAlerts"),
	deleteAlerts: changeMatrix("deleteAlerts"),
});

// ---- checkStorageCapacity ------------------------------------------------------------------------

describe("checkStorageCapacity", () => {
	let zone: { id: string; name: string };

	beforeAll(async () => {
		zone = { id: crypto.randomUUID(), name: unique("capzone-") };
		await db.insert(zones).values({
			...zone,
			networkType: "Basic",
			dns1: "8.8.8.8",
			internalDns1: "10.0.0.2",
			created: Date.now(),
		});
	});

	async function insertPool(sizes: { capacity: number; used?: number; allocated?: number }) {
		const pool = { id: crypto.randomUUID(), name: unique("cappool-") };
		await db.insert(storagePools).values({
			...pool,
			zoneId: zone.id,
			scope: "ZONE",
			type: "NetworkFilesystem",
			host: "10.1.1.1",
			path: `/export/${pool.name}`,
			url: `nfs://10.1.1.1/export/${pool.name}`,
			capacityBytes: sizes.capacity,
			usedBytes: sizes.used ?? 0,
			allocatedBytes: sizes.allocated ?? 0,
			created: Date.now(),
		});
		return pool;
	}

	async function alertsOfPool(name: string) {
		return db
			.select()
			.from(alerts)
			.where(and(inArray(alerts.type, [2, 3]), like(alerts.subject, `%[${name}]%`)));
	}

	it("raises one alert per pool and kind above the threshold, none at or below it, none twice", async () => {
		const defaults = settingsFrom(new Map());
		const used = await insertPool({ capacity: 100 * GiB, used: 80 * GiB });
		const allocated = await insertPool({ capacity: 100 * GiB, used: 10 * GiB, allocated: 90 * GiB });
		const both = await insertPool({ capacity: 10 * GiB, used: 9 * GiB, allocated: 10 * GiB });
		const atThreshold = await insertPool({ capacity: 100 * GiB, used: 75 * GiB, allocated: 75 * GiB });
		const below = await insertPool({ capacity: 100 * GiB, used: 50 * GiB, allocated: 20 * GiB });
		const unknown = await insertPool({ capacity: 0, used: 5 * GiB, allocated: 5 * GiB });

		const now = Date.now();
		await checkStorageCapacity(db, now, defaults);
		const [u] = await alertsOfPool(used.name);
		expect(await alertsOfPool(used.name)).toHaveLength(1);
		expect(u).toMatchObject({
			type: 2,
			name: "ALERT.STORAGE",
			subject: `System Alert: Low Available Storage in pool [${used.name}] of availability zone [${zone.name}]`,
			description: "Available storage space is low, total: 102400 MB, used: 81920 MB (80%)",
			zoneId: zone.id,
		});
		const [a] = await alertsOfPool(allocated.name);
		expect(await alertsOfPool(allocated.name)).toHaveLength(1);
		expect(a).toMatchObject({
			type: 3,
			name: "ALERT.STORAGE.ALLOCATED",
			subject: `System Alert: Remaining unallocated Storage is low in pool [${allocated.name}] of availability zone [${zone.name}]`,
			description: "Unallocated storage space is low, total: 102400 MB, allocated: 92160 MB (90%)",
		});
		expect((await alertsOfPool(both.name)).map((r) => r.type).sort()).toEqual([2, 3]);
		expect(await alertsOfPool(atThreshold.name)).toEqual([]);
		expect(await alertsOfPool(below.name)).toEqual([]);
		expect(await alertsOfPool(unknown.name)).toEqual([]);

		// The next cron runs refresh the same rows instead of adding alerts.
		await checkStorageCapacity(db, now + 60_000, defaults);
		await checkStorageCapacity(db, now + 120_000, defaults);
		const again = await alertsOfPool(used.name);
		expect(again).toHaveLength(1);
		expect(again[0]?.lastSent).toBe(now + 120_000);
		expect(await alertsOfPool(both.name)).toHaveLength(2);

		// Shown by listAlerts.
		const listed = await listAlerts({ keyword: used.name });
		expect(listed.map((x: Obj) => [x.type, x.name])).toEqual([[2, "ALERT.STORAGE"]]);
	});

	it("follows the two threshold settings", async () => {
		const pool = await insertPool({ capacity: 100 * GiB, used: 50 * GiB, allocated: 30 * GiB });
		await checkStorageCapacity(db, Date.now(), settingsFrom(new Map()));
		expect(await alertsOfPool(pool.name)).toEqual([]);
		const lower = settingsFrom(
			new Map([
				["cluster.storage.capacity.notificationthreshold", "0.4"],
				["cluster.storage.allocated.capacity.notificationthreshold", "0.25"],
			]),
		);
		await checkStorageCapacity(db, Date.now(), lower);
		expect((await alertsOfPool(pool.name)).map((r) => r.type).sort()).toEqual([2, 3]);
	});
});
