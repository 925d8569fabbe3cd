/**
 * Events: listEventTypes, archiveEvents, deleteEvents and listEvents' startid / entrytime+duration /
 * keyword. Events are inserted straight into D1 with chosen owners, types and dates; the effects are
 * read back through listEvents and from the table. Scoping across the five roles: users act on
 * their own account's events, domain and resource admins on their subtree's, root on all; the
 * read-only admin may not archive or delete.
 */
import { env } from "cloudflare:workers";
import { eq, inArray } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../../worker/src/db/client";
import { events } from "../../../worker/src/db/schema";
import { EVENT_TYPES } from "../../../worker/src/domain/event-types";
import type { Params } from "../../helpers/api";
import {
	type Actor,
	buildWorld,
	type Case,
	type CommandMatrix,
	type Created,
	call,
	createAccount,
	describeMatrix,
	expectDenied,
	expectParamError,
	listItems,
	ok,
	unavailable,
	unique,
	type World,
} from "../../helpers/identity-fixtures";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
type Obj = any;
type Owner = Pick<Actor, "accountId" | "domainId"> & { userId?: string; username?: string };

const db = createDb(env.DB);
let world: World;
let subUser: Created;

beforeAll(async () => {
	world = await buildWorld();
	subUser = await createAccount(world, world.sub);
});

interface EventSpec {
	owner: Owner;
	type?: string;
	created?: number;
	state?: string;
	parentId?: string | null;
	description?: string;
	archived?: boolean;
}

async function insertEvent(spec: EventSpec): Promise<string> {
	const id = crypto.randomUUID();
	await db.insert(events).values({
		id,
		type: spec.type ?? "TEST.EVENT",
		state: spec.state ?? "Completed",
		level: "INFO",
		description: spec.description ?? `event ${id}`,
		userId: spec.owner.userId ?? null,
		username: spec.owner.username ?? null,
		accountId: spec.owner.accountId,
		domainId: spec.owner.domainId,
		parentId: spec.parentId ?? null,
		archived: spec.archived ?? false,
		published: true,
		created: spec.created ?? Date.now(),
	});
	return id;
}

async function rows(ids: string[]): Promise<Map<string, { archived: boolean }>> {
	const found = await db
		.select({ id: events.id, archived: events.archived })
		.from(events)
		.where(inArray(events.id, ids));
	return new Map(found.map((r) => [r.id, { archived: r.archived }]));
}

async function archivedState(id: string): Promise<boolean | "gone"> {
	return (await rows([id])).get(id)?.archived ?? "gone";
}

async function listAsRoot(params: Params): Promise<Obj[]> {
	return listItems(world.root, "listEvents", "event", { listall: "true", ...params });
}

describe("listEventTypes", () => {
	it("lists the catalogue: every type the product writes and CloudStack's standard ones, sorted, once each", async () => {
		const body = ok(await call(world.alice, { command: "listEventTypes" }), "listEventTypes");
		const names: string[] = body.eventtype.map((t: { name: string }) => t.name);
		expect(body.count).toBe(names.length);
		expect(names).toEqual(EVENT_TYPES);
		expect(new Set(names).size).toBe(names.length);
		expect([...names].sort()).toEqual(names);
		for (const type of [
			"USER.LOGIN",
			"ACCOUNT.CREATE",
			"CREATE_TAGS",
			"WEBHOOK.CREATE",
			"VM.CREATE",
			"VOLUME.ATTACH",
		]) {
			expect(names).toContain(type);
		}
		for (const prefix of ["VM.", "VOLUME.", "SNAPSHOT.", "TEMPLATE.", "ISO.", "HOST.", "WEBHOOK."]) {
			expect(
				names.some((n) => n.startsWith(prefix)),
				prefix,
			).toBe(true);
		}
		expect(Object.keys(body.eventtype[0])).toEqual(["name"]);
	});
});

describe("archiveEvents", () => {
	it("refuses a call that selects nothing, a startdate without enddate, and bad or unknown ids (431)", async () => {
		const id = await insertEvent({ owner: world.alice });
		expectParamError(
			await call(world.alice, { command: "archiveEvents" }),
			"archiveEvents",
			/^either ids, type or enddate must be specified$/,
		);
		expectParamError(
			await call(world.alice, { command: "archiveEvents", startdate: "2020-01-01" }),
			"archiveEvents",
			/^either ids, type or enddate must be specified$/,
		);
		expectParamError(
			await call(world.alice, { command: "archiveEvents", type: "TEST.EVENT", startdate: "2020-01-01" }),
			"archiveEvents",
			/^enddate must be specified with startdate parameter$/,
		);
		expectParamError(await call(world.alice, { command: "archiveEvents", ids: `${id},nope` }), "archiveEvents", /ids/);
		expectParamError(
			await call(world.alice, { command: "archiveEvents", ids: `${id},${crypto.randomUUID()}` }),
			"archiveEvents",
			/ids/,
		);
		expectParamError(await call(world.alice, { command: "archiveEvents", enddate: "yesterday" }), "archiveEvents");
		// Nothing was written by the refused calls.
		expect(await archivedState(id)).toBe(false);
	});

	it("archives by ids: hidden from listEvents, shown with archived=true", async () => {
		const [a, b, keep] = [
			await insertEvent({ owner: world.alice }),
			await insertEvent({ owner: world.alice }),
			await insertEvent({ owner: world.alice }),
		];
		const body = ok(
			await call(world.alice, { command: "archiveEvents", ids: `${a},${b.toUpperCase()}` }),
			"archiveEvents",
		);
		expect(body.success).toBe(true);
		const listed = (await listItems(world.alice, "listEvents", "event", { type: "TEST.EVENT" })).map((e: Obj) => e.id);
		expect(listed).toContain(keep);
		expect(listed).not.toContain(a);
		expect(listed).not.toContain(b);
		const archived = await listItems(world.alice, "listEvents", "event", { archived: "true", type: "TEST.EVENT" });
		const ids = archived.map((e: Obj) => e.id);
		expect(ids).toEqual(expect.arrayContaining([a, b]));
		expect(ids).not.toContain(keep);
		expect(archived.every((e: Obj) => e.archived === true)).toBe(true);
		// Archiving again is harmless.
		ok(await call(world.alice, { command: "archiveEvents", ids: a }), "archiveEvents");
		expect(await archivedState(a)).toBe(true);
	});

	it("archives by type (case-insensitive), within the caller's scope only", async () => {
		const type = unique("ARCH.TYPE").toUpperCase();
		const mine = await insertEvent({ owner: world.alice, type });
		const other = await insertEvent({ owner: world.alice, type: `${type}.OTHER` });
		const bobs = await insertEvent({ owner: world.bob, type });
		ok(await call(world.alice, { command: "archiveEvents", type: type.toLowerCase() }), "archiveEvents");
		expect(await archivedState(mine)).toBe(true);
		expect(await archivedState(other)).toBe(false);
		expect(await archivedState(bobs)).toBe(false);
	});

	it("archives by date range: startdate..enddate inclusive, enddate alone up to that day's end", async () => {
		const type = unique("ARCH.DATE").toUpperCase();
		const at = (iso: string) => Date.parse(iso);
		const before = await insertEvent({ owner: world.alice, type, created: at("2024-03-09T23:59:59Z") });
		const first = await insertEvent({ owner: world.alice, type, created: at("2024-03-10T00:00:00Z") });
		const last = await insertEvent({ owner: world.alice, type, created: at("2024-03-12T23:59:59Z") });
		const after = await insertEvent({ owner: world.alice, type, created: at("2024-03-13T00:00:00Z") });
		ok(
			await call(world.alice, { command: "archiveEvents", type, startdate: "2024-03-10", enddate: "2024-03-12" }),
			"archiveEvents",
		);
		const state = await rows([before, first, last, after]);
		expect([before, first, last, after].map((id) => state.get(id)?.archived)).toEqual([false, true, true, false]);
		ok(await call(world.alice, { command: "archiveEvents", type, enddate: "2024-03-09 23:59:59" }), "archiveEvents");
		expect(await archivedState(before)).toBe(true);
		expect(await archivedState(after)).toBe(false);
	});

	it("archives many ids at once (more than one statement's worth)", async () => {
		const ids: string[] = [];
		for (let i = 0; i < 120; i += 1) ids.push(crypto.randomUUID());
		const rowsOf = ids.map((id) => ({
			id,
			type: "BULK.EVENT",
			state: "Completed",
			level: "INFO",
			description: "bulk",
			accountId: world.alice.accountId,
			domainId: world.alice.domainId,
			created: Date.now(),
		}));
		// D1 binds at most 100 parameters per statement: 8 rows at a time.
		for (let i = 0; i < rowsOf.length; i += 8) await db.insert(events).values(rowsOf.slice(i, i + 8));
		ok(await call(world.alice, { command: "archiveEvents", ids: ids.join(",") }), "archiveEvents");
		const state = await db.select({ archived: events.archived }).from(events).where(eq(events.type, "BULK.EVENT"));
		expect(state).toHaveLength(120);
		expect(state.every((r) => r.archived)).toBe(true);
	});
});

describe("deleteEvents", () => {
	it("refuses what archiveEvents refuses (431) and deletes nothing then", async () => {
		const id = await insertEvent({ owner: world.alice });
		expectParamError(
			await call(world.alice, { command: "deleteEvents" }),
			"deleteEvents",
			/^either ids, type or enddate must be specified$/,
		);
		expectParamError(
			await call(world.alice, { command: "deleteEvents", ids: id, startdate: "2020-01-01" }),
			"deleteEvents",
			/^enddate must be specified with startdate parameter$/,
		);
		expectParamError(
			await call(world.alice, { command: "deleteEvents", ids: `${id},${crypto.randomUUID()}` }),
			"deleteEvents",
			/ids/,
		);
		expect(await archivedState(id)).toBe(false);
	});

	it("deletes by ids, archived or not; the rest stays", async () => {
		const live = await insertEvent({ owner: world.alice });
		const archived = await insertEvent({ owner: world.alice, archived: true });
		const keep = await insertEvent({ owner: world.alice });
		expect(
			ok(await call(world.alice, { command: "deleteEvents", ids: `${live},${archived}` }), "deleteEvents").success,
		).toBe(true);
		expect(await archivedState(live)).toBe("gone");
		expect(await archivedState(archived)).toBe("gone");
		expect(await archivedState(keep)).toBe(false);
		expect(await listAsRoot({ id: live })).toEqual([]);
	});

	it("deletes by type and dates within the caller's scope", async () => {
		const type = unique("DEL.TYPE").toUpperCase();
		const old = await insertEvent({ owner: world.alice, type, created: Date.parse("2023-01-05T10:00:00Z") });
		const recent = await insertEvent({ owner: world.alice, type });
		const bobs = await insertEvent({ owner: world.bob, type, created: Date.parse("2023-01-05T10:00:00Z") });
		ok(
			await call(world.alice, { command: "deleteEvents", type, startdate: "2023-01-01", enddate: "2023-01-31" }),
			"deleteEvents",
		);
		expect(await archivedState(old)).toBe("gone");
		expect(await archivedState(recent)).toBe(false);
		expect(await archivedState(bobs)).toBe(false);
	});
});

// ---- scoping across the five roles -----------------------------------------------------------

type Whose = "own" | "alice" | "carol" | "sub" | "root";

function ownerOf(w: World, actor: Actor, whose: Whose): Owner {
	if (whose === "own") return actor;
	if (whose === "sub") return subUser;
	return { alice: w.alice, carol: w.carol, root: w.root }[whose];
}

/** One event of `whose`, then `command ids=<it>` as the actor; the event's fate is checked. */
function byId(command: "archiveEvents" | "deleteEvents", whose: Whose, expect: Case["expect"]): Case {
	let id = "";
	const allowed = expect === "allowed";
	return {
		scenario: `ids= an event of ${whose === "own" ? "its own account" : whose}`,
		expect,
		run: async (w, actor) => {
			id = await insertEvent({ owner: ownerOf(w, actor, whose) });
			return call(actor, { command, ids: id });
		},
		verify: async () => {
			const untouched = false;
			const changed = command === "archiveEvents" ? true : "gone";
			expectState(await archivedState(id), allowed ? changed : untouched);
		},
	};
}

function expectState(actual: boolean | "gone", wanted: boolean | "gone"): void {
	expect(actual).toBe(wanted);
}

/** By type: touches exactly the events of the owners in scope. */
function byType(command: "archiveEvents" | "deleteEvents", inScope: Whose[], outOfScope: Whose[]): Case {
	const ids = new Map<Whose, string>();
	return {
		scenario: `type= touches the events of ${inScope.join(", ")}, not ${outOfScope.join(", ") || "—"}`,
		expect: "allowed",
		run: async (w, actor) => {
			const type = unique("SCOPE.TYPE").toUpperCase();
			for (const whose of [...inScope, ...outOfScope]) {
				ids.set(whose, await insertEvent({ owner: ownerOf(w, actor, whose), type }));
			}
			return call(actor, { command, type });
		},
		verify: async () => {
			const changed = command === "archiveEvents" ? true : "gone";
			for (const whose of inScope) expectState(await archivedState(ids.get(whose) ?? ""), changed);
			for (const whose of outOfScope) expectState(await archivedState(ids.get(whose) ?? ""), false);
		},
	};
}

function scopeMatrix(command: "archiveEvents" | "deleteEvents"): CommandMatrix {
	const subtreeAdmin = [
		byId(command, "alice", "allowed"),
		byId(command, "sub", "allowed"),
		byId(command, "carol", 531),
		byId(command, "root", 531),
		byType(command, ["own", "alice", "sub"], ["carol", "root"]),
	];
	return {
		RootAdmin: [
			byId(command, "carol", "allowed"),
			byId(command, "sub", "allowed"),
			byType(command, ["own", "alice", "carol", "sub"], []),
		],
		ResourceAdmin: subtreeAdmin,
		DomainAdmin: subtreeAdmin,
		User: [
			byId(command, "own", "allowed"),
			byId(command, "carol", 531),
			byId(command, "sub", 531),
			byType(command, ["own"], ["carol", "sub", "root"]),
		],
		ReadOnlyAdmin: [unavailable(command, { type: "TEST.EVENT" })],
	};
}

describeMatrix("events: access", () => world, {
	listEventTypes: {
		RootAdmin: [{ expect: "allowed", run: (_w, a) => call(a, { command: "listEventTypes" }) }],
		ResourceAdmin: [{ expect: "allowed", run: (_w, a) => call(a, { command: "listEventTypes" }) }],
		DomainAdmin: [{ expect: "allowed", run: (_w, a) => call(a, { command: "listEventTypes" }) }],
		User: [{ expect: "allowed", run: (_w, a) => call(a, { command: "listEventTypes" }) }],
		ReadOnlyAdmin: [{ expect: "allowed", run: (_w, a) => call(a, { command: "listEventTypes" }) }],
	},
	archiveEvents: scopeMatrix("archiveEvents"),
	deleteEvents: scopeMatrix("deleteEvents"),
});

describe("ids mixing visible and invisible events", () => {
	it("refuses the whole call (531) and archives none of them", async () => {
		const mine = await insertEvent({ owner: world.alice });
		const carols = await insertEvent({ owner: world.carol });
		expectDenied(await call(world.alice, { command: "archiveEvents", ids: `${mine},${carols}` }), "archiveEvents");
		expect(await archivedState(mine)).toBe(false);
		expect(await archivedState(carols)).toBe(false);
	});
});

// ---- listEvents: startid, entrytime + duration, keyword ----------------------------------------

describe("listEvents extensions", () => {
	it("startid lists the start event and the events that name it as parent", async () => {
		const start = await insertEvent({ owner: world.alice, state: "Scheduled" });
		const started = await insertEvent({ owner: world.alice, state: "Started", parentId: start });
		const done = await insertEvent({ owner: world.alice, state: "Completed", parentId: start });
		const unrelated = await insertEvent({ owner: world.alice });
		const ids = (await listItems(world.alice, "listEvents", "event", { startid: start })).map((e: Obj) => e.id);
		expect(new Set(ids)).toEqual(new Set([start, started, done]));
		expect(ids).not.toContain(unrelated);
		const children = await listItems(world.alice, "listEvents", "event", { startid: start, id: done });
		expect(children.map((e: Obj) => [e.id, e.parentid])).toEqual([[done, start]]);
		expectParamError(await call(world.alice, { command: "listEvents", startid: "nope" }), "listEvents");
	});

	it("entrytime + duration lists the start events still pending in that age window", async () => {
		const now = Date.now();
		const type = unique("PENDING").toUpperCase();
		const pending = await insertEvent({ owner: world.alice, type, state: "Started", created: now - 600_000 });
		const finished = await insertEvent({ owner: world.alice, type, state: "Started", created: now - 600_000 });
		await insertEvent({ owner: world.alice, type, state: "Completed", parentId: finished, created: now - 500_000 });
		const tooYoung = await insertEvent({ owner: world.alice, type, state: "Started", created: now - 10_000 });
		const tooOld = await insertEvent({ owner: world.alice, type, state: "Started", created: now - 7_200_000 });
		const completed = await insertEvent({ owner: world.alice, type, state: "Completed", created: now - 600_000 });
		const ids = (await listItems(world.alice, "listEvents", "event", { type, entrytime: "3600", duration: "60" })).map(
			(e: Obj) => e.id,
		);
		expect(ids).toEqual([pending]);
		for (const id of [finished, tooYoung, tooOld, completed]) expect(ids).not.toContain(id);
		// Either one alone is ignored (CloudStack needs both).
		const all = await listItems(world.alice, "listEvents", "event", { type, duration: "60" });
		expect(all.length).toBe(6);
	});

	it("keyword matches the type, the description and the level", async () => {
		const word = unique("kw").toUpperCase();
		const byType = await insertEvent({ owner: world.alice, type: `${word}.TYPE` });
		const byDescription = await insertEvent({ owner: world.alice, description: `about ${word.toLowerCase()} here` });
		const ids = (await listItems(world.alice, "listEvents", "event", { keyword: word })).map((e: Obj) => e.id);
		expect(new Set(ids)).toEqual(new Set([byType, byDescription]));
		const byLevel = await listItems(world.alice, "listEvents", "event", { keyword: "INFO", type: `${word}.TYPE` });
		expect(byLevel.map((e: Obj) => e.id)).toEqual([byType]);
	});

	it("archived events stay out of listEvents for every role until archived=true", async () => {
		const id = await insertEvent({ owner: world.alice, type: "HIDDEN.TYPE" });
		ok(await call(world.root, { command: "archiveEvents", ids: id }), "archiveEvents");
		for (const actor of [world.root, world.domainAdmin, world.alice, world.readOnly]) {
			expect((await listItems(actor, "listEvents", "event", { listall: "true", type: "HIDDEN.TYPE" })).length).toBe(0);
			const archived = await listItems(actor, "listEvents", "event", { listall: "true", archived: "true", id });
			expect(archived.map((e: Obj) => e.id)).toEqual([id]);
		}
		const [row] = await db.select().from(events).where(eq(events.id, id));
		expect(row?.archived).toBe(true);
	});
});
