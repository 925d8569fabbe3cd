/**
 * The webhook delivery log: listWebhookDeliveries and deleteWebhookDelivery over rows inserted
 * directly into D1 (the delivery engine is tested on its own) — CloudStack's fields plus ours,
 * newest first, only deliveries of webhooks the caller may see (or change, for deletes),
 * filters, paging, refusals, and the five-role access matrix.
 */
import { env } from "cloudflare:workers";
import { eq, inArray } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../../worker/src/db/client";
import { webhookDeliveries } from "../../../worker/src/db/schema";
import type { Params } from "../../helpers/api";
import {
	type Actor,
	buildWorld,
	type CommandMatrix,
	call,
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

const db = createDb(env.DB);
let world: World;

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);

/** A webhook whose filter no real event matches, so the engine adds no deliveries of its own. */
async function createHook(actor: Actor, params: Params = {}): Promise<Obj> {
	const result = await call(actor, {
		command: "createWebhook",
		name: unique("dh-"),
		payloadurl: `https://${unique("d")}.example.com/hook`,
		eventtypes: "NO.SUCH.EVENT",
		...params,
	});
	return ok(result, "createWebhook").webhook;
}

interface DeliveryInput {
	webhookId: string;
	eventType?: string;
	state?: string;
	startDate?: number;
}

async function insertDelivery(input: DeliveryInput): Promise<string> {
	const id = crypto.randomUUID();
	const state = input.state ?? "Succeeded";
	const startDate = input.startDate ?? T0;
	const final = state === "Succeeded" || state === "Failed";
	await db.insert(webhookDeliveries).values({
		id,
		webhookId: input.webhookId,
		eventId: crypto.randomUUID(),
		eventType: input.eventType ?? "VM.CREATE",
		state,
		attempts: state === "Pending" ? 0 : 2,
		headers: "Content-Type: application/json\nX-CS-Event: VM.CREATE",
		payload: '{"event":"VM.CREATE"}',
		success: state === "Succeeded",
		responseStatus: state === "Pending" ? null : state === "Succeeded" ? 200 : 500,
		response: state === "Pending" ? null : "ok",
		durationMs: state === "Pending" ? null : 42,
		nextAttempt: state === "Retrying" ? startDate + 60_000 : null,
		startDate,
		endDate: final ? startDate + 42 : null,
	});
	return id;
}

async function exists(id: string): Promise<boolean> {
	return (
		(await db
			.select({ id: webhookDeliveries.id })
			.from(webhookDeliveries)
			.where(eq(webhookDeliveries.id, id))
			.get()) !== undefined
	);
}

function list(actor: Actor, params: Params = {}): Promise<Obj[]> {
	return listItems(actor, "listWebhookDeliveries", "webhookdelivery", params);
}

const ids = (items: Obj[]) => items.map((d) => d.id);

function remove(actor: Actor, params: Params) {
	return call(actor, { command: "deleteWebhookDelivery", ...params });
}

beforeAll(async () => {
	world = await buildWorld();
});

describe("listWebhookDeliveries", () => {
	let aliceHook: Obj;
	let carolHook: Obj;
	let dadminHook: Obj;
	let rootHook: Obj;
	let aliceOld: string;
	let aliceMid: string;
	let aliceNew: string;
	let carolOne: string;
	let dadminOne: string;
	let rootOne: string;
	let orphan: string;

	beforeAll(async () => {
		aliceHook = await createHook(world.alice, { name: "alice-log" });
		carolHook = await createHook(world.carol);
		dadminHook = await createHook(world.domainAdmin);
		rootHook = await createHook(world.root);
		aliceOld = await insertDelivery({ webhookId: aliceHook.id, startDate: T0 - 2 * DAY, eventType: "VM.START" });
		aliceMid = await insertDelivery({ webhookId: aliceHook.id, startDate: T0 - DAY, state: "Failed" });
		aliceNew = await insertDelivery({ webhookId: aliceHook.id, startDate: T0, state: "Retrying" });
		carolOne = await insertDelivery({ webhookId: carolHook.id });
		dadminOne = await insertDelivery({ webhookId: dadminHook.id });
		rootOne = await insertDelivery({ webhookId: rootHook.id });
		orphan = await insertDelivery({ webhookId: crypto.randomUUID() });
	});

	it("answers CloudStack's delivery fields plus ours, newest first", async () => {
		const result = await call(world.alice, { command: "listWebhookDeliveries", webhookid: aliceHook.id });
		expect(Object.keys(result.body)).toEqual(["listwebhookdeliveriesresponse"]);
		const body = ok(result, "listWebhookDeliveries");
		expect(body.count).toBe(3);
		expect(ids(body.webhookdelivery)).toEqual([aliceNew, aliceMid, aliceOld]);
		expect(body.webhookdelivery[1]).toEqual({
			id: aliceMid,
			eventid: expect.stringMatching(/^[0-9a-f-]{36}$/),
			eventtype: "VM.CREATE",
			webhookid: aliceHook.id,
			webhookname: "alice-log",
			managementserverid: "flarestack",
			managementservername: "flarestack",
			headers: "Content-Type: application/json\nX-CS-Event: VM.CREATE",
			payload: '{"event":"VM.CREATE"}',
			success: false,
			response: "ok",
			startdate: "2026-01-09T12:00:00+0000",
			enddate: "2026-01-09T12:00:00+0000",
			state: "Failed",
			attempts: 2,
			responsestatus: 500,
			duration: 42,
			// Rows written here have no attempt log (attempt-log.test.ts covers it).
			attempt: [],
		});
		// A delivery still retrying has no end date yet.
		expect(body.webhookdelivery[0].enddate).toBeUndefined();
		expect(body.webhookdelivery[0].state).toBe("Retrying");
	});

	it("shows a user only deliveries of its own account's webhooks", async () => {
		const seen = ids(await list(world.alice));
		for (const id of [aliceOld, aliceMid, aliceNew]) expect(seen).toContain(id);
		for (const id of [carolOne, dadminOne, rootOne, orphan]) expect(seen).not.toContain(id);
		expect(await list(world.bob)).toEqual([]);
		expect(await list(world.alice, { id: carolOne })).toEqual([]);
		const empty = await call(world.bob, { command: "listWebhookDeliveries" });
		expect(empty.body).toEqual({ listwebhookdeliveriesresponse: {} });
	});

	it("shows a domain admin its subtree's, and root and the read-only admin everything (deleted webhooks too)", async () => {
		const dadmin = ids(await list(world.domainAdmin));
		for (const id of [aliceOld, aliceNew, dadminOne]) expect(dadmin).toContain(id);
		for (const id of [carolOne, rootOne, orphan]) expect(dadmin).not.toContain(id);
		for (const actor of [world.root, world.readOnly]) {
			const all = await list(actor);
			for (const id of [aliceOld, carolOne, dadminOne, rootOne, orphan]) expect(ids(all)).toContain(id);
			expect(all.find((d) => d.id === orphan).webhookname).toBeUndefined();
		}
	});

	it("refuses a webhookid the caller may not see (531) and an unknown one (431)", async () => {
		expectDenied(
			await call(world.alice, { command: "listWebhookDeliveries", webhookid: carolHook.id }),
			"listWebhookDeliveries",
		);
		expectDenied(
			await call(world.domainAdmin, { command: "listWebhookDeliveries", webhookid: rootHook.id }),
			"listWebhookDeliveries",
		);
		expectParamError(
			await call(world.root, { command: "listWebhookDeliveries", webhookid: crypto.randomUUID() }),
			"listWebhookDeliveries",
			/Invalid parameter webhookid/,
		);
	});

	it("filters by id, eventtype, keyword and the start-date range, and pages", async () => {
		const mine = { webhookid: aliceHook.id };
		expect(ids(await list(world.alice, { ...mine, id: aliceMid }))).toEqual([aliceMid]);
		expect(ids(await list(world.alice, { ...mine, eventtype: "vm.start" }))).toEqual([aliceOld]);
		expect(ids(await list(world.alice, { ...mine, keyword: "START" }))).toEqual([aliceOld]);
		expect(ids(await list(world.alice, { ...mine, keyword: "alice-log" }))).toHaveLength(3);
		expect(ids(await list(world.alice, { ...mine, startdate: "2026-01-09" }))).toEqual([aliceNew, aliceMid]);
		// A date alone as enddate means that whole day.
		expect(ids(await list(world.alice, { ...mine, enddate: "2026-01-09" }))).toEqual([aliceMid, aliceOld]);
		expect(
			ids(await list(world.alice, { ...mine, startdate: "2026-01-09 00:00:00", enddate: "2026-01-09 23:59:59" })),
		).toEqual([aliceMid]);
		const page = ok(
			await call(world.alice, { command: "listWebhookDeliveries", ...mine, page: "2", pagesize: "2" }),
			"listWebhookDeliveries",
		);
		expect(page.count).toBe(3);
		expect(ids(page.webhookdelivery)).toEqual([aliceOld]);
		expectParamError(
			await call(world.alice, { command: "listWebhookDeliveries", startdate: "yesterday" }),
			"listWebhookDeliveries",
			/Unable to parse date yesterday/,
		);
	});
});

describe("deleteWebhookDelivery", () => {
	it("deletes one delivery by id for its owner", async () => {
		const hook = await createHook(world.alice);
		const keep = await insertDelivery({ webhookId: hook.id });
		const gone = await insertDelivery({ webhookId: hook.id });
		const result = await remove(world.alice, { id: gone });
		expect(result.body).toEqual({ deletewebhookdeliveryresponse: { success: true } });
		expect(await exists(gone)).toBe(false);
		expect(await exists(keep)).toBe(true);
	});

	it("refuses a delivery of a webhook the caller may not change (531) and an unknown id (431)", async () => {
		const carolHook = await createHook(world.carol);
		const carols = await insertDelivery({ webhookId: carolHook.id });
		const radminHook = await createHook(world.resourceAdmin);
		const radmins = await insertDelivery({ webhookId: radminHook.id });
		expectDenied(await remove(world.alice, { id: carols }), "deleteWebhookDelivery");
		expectDenied(await remove(world.domainAdmin, { id: carols }), "deleteWebhookDelivery");
		expectDenied(await remove(world.domainAdmin, { id: radmins }), "deleteWebhookDelivery");
		expectDenied(await remove(world.domainAdmin, { webhookid: radminHook.id }), "deleteWebhookDelivery");
		expect(await exists(carols)).toBe(true);
		expect(await exists(radmins)).toBe(true);
		expectParamError(
			await remove(world.alice, { id: crypto.randomUUID() }),
			"deleteWebhookDelivery",
			/Invalid parameter id/,
		);
		expectParamError(
			await remove(world.alice, { webhookid: crypto.randomUUID() }),
			"deleteWebhookDelivery",
			/Invalid parameter webhookid/,
		);
	});

	it("deletes one webhook's deliveries within a start-date range", async () => {
		const hook = await createHook(world.alice);
		const other = await createHook(world.alice);
		const before = await insertDelivery({ webhookId: hook.id, startDate: T0 - 3 * DAY });
		const inside = await insertDelivery({ webhookId: hook.id, startDate: T0 - DAY });
		const after = await insertDelivery({ webhookId: hook.id, startDate: T0 + DAY });
		const otherInside = await insertDelivery({ webhookId: other.id, startDate: T0 - DAY });
		ok(
			await remove(world.alice, { webhookid: hook.id, startdate: "2026-01-08", enddate: "2026-01-10" }),
			"deleteWebhookDelivery",
		);
		expect(await exists(inside)).toBe(false);
		for (const id of [before, after, otherInside]) expect(await exists(id)).toBe(true);
	});

	it("without id or webhookid deletes only deliveries of webhooks the caller may change", async () => {
		const aliceHook = await createHook(world.alice);
		const bobHook = await createHook(world.bob);
		const dadminHook = await createHook(world.domainAdmin);
		const radminHook = await createHook(world.resourceAdmin);
		const carolHook = await createHook(world.carol);
		const rootHook = await createHook(world.root);
		const at = T0 + 10 * DAY;
		const d = {
			alice: await insertDelivery({ webhookId: aliceHook.id, startDate: at }),
			bob: await insertDelivery({ webhookId: bobHook.id, startDate: at }),
			dadmin: await insertDelivery({ webhookId: dadminHook.id, startDate: at }),
			radmin: await insertDelivery({ webhookId: radminHook.id, startDate: at }),
			carol: await insertDelivery({ webhookId: carolHook.id, startDate: at }),
			root: await insertDelivery({ webhookId: rootHook.id, startDate: at }),
			orphan: await insertDelivery({ webhookId: crypto.randomUUID(), startDate: at }),
		};
		const day = "2026-01-20";
		// A user: its own account's only.
		ok(await remove(world.bob, { startdate: day, enddate: day }), "deleteWebhookDelivery");
		expect(await exists(d.bob)).toBe(false);
		expect(await exists(d.alice)).toBe(true);
		// A domain admin: its subtree's accounts it manages (not the resource admin's).
		ok(await remove(world.domainAdmin, { startdate: day, enddate: day }), "deleteWebhookDelivery");
		expect(await exists(d.alice)).toBe(false);
		expect(await exists(d.dadmin)).toBe(false);
		for (const id of [d.radmin, d.carol, d.root, d.orphan]) expect(await exists(id)).toBe(true);
		// Deliveries of a deleted webhook: only a root admin may delete them.
		expectDenied(await remove(world.domainAdmin, { id: d.orphan }), "deleteWebhookDelivery");
		ok(await remove(world.root, { id: d.orphan }), "deleteWebhookDelivery");
		expect(await exists(d.orphan)).toBe(false);
		// Root: everything in the range.
		ok(await remove(world.root, { startdate: day, enddate: day }), "deleteWebhookDelivery");
		const left = await db
			.select({ id: webhookDeliveries.id })
			.from(webhookDeliveries)
			.where(inArray(webhookDeliveries.id, Object.values(d)));
		expect(left).toEqual([]);
	});
});

// ---- the access matrix --------------------------------------------------------------------------

const listAllowed = (params: Params = {}) => ({
	expect: "allowed" as const,
	run: (_w: World, actor: Actor) => call(actor, { command: "listWebhookDeliveries", ...params }),
});

const deleteOwn = {
	expect: "allowed" as const,
	run: async (_w: World, actor: Actor) => {
		const hook = await createHook(actor);
		return remove(actor, { id: await insertDelivery({ webhookId: hook.id }) });
	},
	verify: async (_w: World, result: { status: number }) => {
		expect(result.status).toBe(200);
	},
};

const matrix: Record<string, CommandMatrix> = {
	listWebhookDeliveries: {
		RootAdmin: [listAllowed()],
		ResourceAdmin: [listAllowed()],
		DomainAdmin: [listAllowed()],
		User: [
			listAllowed(),
			{
				scenario: "of another account's webhook",
				expect: 531,
				run: async (w, actor) =>
					call(actor, { command: "listWebhookDeliveries", webhookid: (await createHook(w.bob)).id }),
			},
		],
		ReadOnlyAdmin: [listAllowed()],
	},
	deleteWebhookDelivery: {
		RootAdmin: [deleteOwn],
		ResourceAdmin: [deleteOwn],
		DomainAdmin: [deleteOwn],
		User: [
			deleteOwn,
			{
				scenario: "of another account's webhook",
				expect: 531,
				run: async (w, actor) => {
					const hook = await createHook(w.bob);
					return remove(actor, { id: await insertDelivery({ webhookId: hook.id }) });
				},
			},
		],
		ReadOnlyAdmin: [unavailable("deleteWebhookDelivery", { id: crypto.randomUUID() })],
	},
};

describeMatrix("webhook delivery access matrix", () => world, matrix);
