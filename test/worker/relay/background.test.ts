/**
 * RelayLink.start (workerd, fake agent): a background command is refused with no relay (a cleanup
 * is kept instead) or bad arguments, resent with the same id after a reconnect, and a burst of
 * usage refreshes for one store shares one pending stat; the alarm refreshes usage every minute.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { relayLinkFor } from "../../../worker/src/relay/link-impl";
import { connectFakeAgent, enrollFakeAgent, startFakeAgent } from "../../helpers/fake-agent";
import { eventually, insertImageStore, newZone, stubOf } from "../templates/site";

const link = relayLinkFor(env);
const STAT = "store.stat";
const store = { kind: "local" as const, path: "/srv/store" };

describe("background commands (RelayLink.start)", () => {
	it("answers no_relay with no agent, invalid for bad arguments, and keeps a cleanup for later", async () => {
		const zone = await newZone();
		const usage = { timeoutMs: 60_000, context: { kind: "usage" as const, target: "imageStore" as const, id: "x" } };
		expect(await link.start(zone.id, "store.stat", { store }, usage)).toMatchObject({
			ok: false,
			code: "no_relay",
			text: expect.stringMatching(/has no connected relay agent/),
		});
		expect(
			await link.start(zone.id, "store.stat", { store: { kind: "local", path: "rel" } } as never, usage),
		).toMatchObject({
			ok: false,
			code: "invalid",
		});
		const kept = await link.start(
			zone.id,
			"store.remove",
			{ store, path: "a/b" },
			{
				timeoutMs: 3600_000,
				context: { kind: "cleanup" },
			},
		);
		expect(kept.ok).toBe(true);
		const agent = await startFakeAgent(zone);
		const removal = await agent.waitForCommand("store.remove");
		expect(kept.ok && removal.id).toBe(kept.ok && kept.id);
		agent.close();
	});

	it("resends an unanswered background command with the same id after a reconnect", async () => {
		const zone = await newZone();
		const identity = await enrollFakeAgent(zone);
		const first = await connectFakeAgent({ ...identity, onCommand: () => "ignore" });
		const started = await link.start(
			zone.id,
			"store.remove",
			{ store, path: "x" },
			{
				timeoutMs: 60_000,
				context: { kind: "cleanup" },
			},
		);
		if (!started.ok) throw new Error(started.text);
		await first.waitForCommand("store.remove");
		first.close();
		await first.waitForClosed();
		const second = await connectFakeAgent(identity);
		const resent = await second.waitForCommand("store.remove");
		expect(resent.id).toBe(started.id);
		second.close();
	});

	it("shares one pending stat per store, and refreshes usage from the alarm every minute", async () => {
		const zone = await newZone();
		const row = await insertImageStore(zone.id);
		const agent = await startFakeAgent(zone, { onCommand: () => "ignore" });
		const hello = await agent.waitForCommand(STAT);
		const context = { kind: "usage" as const, target: "imageStore" as const, id: row.id };
		const again = await link.start(zone.id, "store.stat", { store }, { timeoutMs: 60_000, context });
		expect(again).toEqual({ ok: true, id: hello.id });

		// A minute later (the pending stat answered meanwhile), the alarm asks again.
		agent.answer(hello.id, { ok: true, result: { capacityBytes: 10, usedBytes: 1 } });
		await runInDurableObject(stubOf(zone.id), async (_instance, state) => {
			await eventually(async () => !(await state.storage.get(`cmd:${hello.id}`)), "the stat answered");
			await state.storage.put("usage:at", Date.now() - 61_000);
		});
		const since = agent.commands.length;
		agent.ping();
		await runDurableObjectAlarm(stubOf(zone.id));
		await agent.waitForCommand(STAT, { since });
		agent.close();
	});
});
