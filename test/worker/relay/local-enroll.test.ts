/**
 * Local-development enrolment (`POST /relay/v1/local-enroll`): the route is 404 without
 * LOCAL_RELAY_SECRET (the test Worker has none); with a secret, localEnroll checks it and enrols
 * into a zone without an Enabled relay through the ordinary enrolment, which writes RELAY.ENROLL.
 */
import { env, exports } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { exportJWK, generateKeyPair } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../../worker/src/db/client";
import { events, relays, zones } from "../../../worker/src/db/schema";
import { localEnroll } from "../../../worker/src/relay/local-enroll";
import { enrollFakeAgent } from "../../helpers/fake-agent";
import { buildWorld, type World } from "../../helpers/identity-fixtures";
import { createZone } from "../../helpers/inventory-fixtures";

const db = createDb(env.DB);
let world: World;

beforeAll(async () => {
	world = await buildWorld();
});

async function publicJwk() {
	const { publicKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
	return exportJWK(publicKey);
}

describe("local enrolment", () => {
	it("is 404 when the Worker has no LOCAL_RELAY_SECRET", async () => {
		const response = await exports.default.fetch("http://127.0.0.1/relay/v1/local-enroll", {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ secret: "guess", name: "dev", publicKey: await publicJwk() }),
		});
		expect(response.status).toBe(404);
		expect(await localEnroll(db, undefined, {}, Date.now())).toMatchObject({ status: 404 });
	});

	it("refuses a wrong secret (401) and a bad key (400)", async () => {
		await createZone(world);
		const body = { secret: "wrong", name: "dev", publicKey: await publicJwk() };
		expect(await localEnroll(db, "the-secret", body, Date.now())).toMatchObject({ status: 401 });
		expect(await localEnroll(db, "the-secret", { ...body, secret: 1 }, Date.now())).toMatchObject({ status: 401 });
		const bad = await localEnroll(db, "the-secret", { ...body, secret: "the-secret", publicKey: {} }, Date.now());
		expect(bad.status).toBe(400);
	});

	it("enrols into the oldest zone without an Enabled relay, then into the next one", async () => {
		// Every zone so far gets a relay, so the two zones made here are the only candidates.
		for (const zone of await db.select({ id: zones.id }).from(zones)) await enrollFakeAgent(zone.id);
		const first = await createZone(world);
		const second = await createZone(world);
		const a = await localEnroll(db, "s", { secret: "s", name: "dev-a", publicKey: await publicJwk() }, Date.now());
		expect(a).toMatchObject({ status: 201, body: { zoneId: first.id } });
		const b = await localEnroll(db, "s", { secret: "s", name: "dev-b", publicKey: await publicJwk() }, Date.now());
		expect(b).toMatchObject({ status: 201, body: { zoneId: second.id } });
		const c = await localEnroll(db, "s", { secret: "s", name: "dev-c", publicKey: await publicJwk() }, Date.now());
		expect(c.status).toBe(409);
		const relay = await db
			.select()
			.from(relays)
			.where(eq(relays.id, String(a.body.relayId)))
			.get();
		expect(relay).toMatchObject({ name: "dev-a", state: "Enabled", zoneId: first.id });
		const enrolled = await db
			.select()
			.from(events)
			.where(and(eq(events.type, "RELAY.ENROLL"), eq(events.resourceId, String(a.body.relayId))));
		expect(enrolled).toHaveLength(1);
	});
});
