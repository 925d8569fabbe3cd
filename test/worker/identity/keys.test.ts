/** registerUserKeys and getUserKeys: the access matrix across the five roles, then key behaviour. */
import { beforeAll, describe, expect, it } from "vitest";
import { type Keys, signed } from "../../helpers/api";
import {
	type Actor,
	buildWorld,
	type Case,
	type CommandMatrix,
	call,
	createActor,
	createUser,
	describeMatrix,
	expectDenied,
	listItems,
	ok,
	type World,
} from "../../helpers/identity-fixtures";

let world: World;
beforeAll(async () => {
	world = await buildWorld();
});

async function works(keys: Keys): Promise<boolean> {
	const { status } = await signed(keys, { command: "listCapabilities" });
	expect([200, 401]).toContain(status);
	return status === 200;
}

/** registerUserKeys for a fresh user root creates in `domain`: the new pair works, the old one does not. */
function registerFresh(domain: (w: World) => string, scenario: string): Case {
	let target: Actor;
	return {
		scenario,
		expect: "allowed",
		run: async (w, a) => {
			target = await createActor(w, domain(w));
			return call(a, { command: "registerUserKeys", id: target.userId });
		},
		verify: async (_w, r) => {
			const keys: Keys = r.body.registeruserkeysresponse.userkeys;
			expect(keys.apikey).toHaveLength(86);
			expect(keys.secretkey).toHaveLength(86);
			expect(await works(keys)).toBe(true);
			expect(await works(target.keys)).toBe(false);
		},
	};
}

const registerSelf: Case = {
	scenario: "for itself",
	expect: "allowed",
	run: (_w, a) => call(a, { command: "registerUserKeys", id: a.userId }),
	verify: async (_w, r, a) => {
		const old = a.keys;
		a.keys = r.body.registeruserkeysresponse.userkeys;
		expect(a.keys.apikey).not.toBe(old.apikey);
		expect(await works(a.keys)).toBe(true);
		expect(await works(old)).toBe(false);
	},
};

/** registerUserKeys for someone the caller may not manage: 531, and that user's keys still work. */
function registerDenied(scenario: string, target: (w: World) => Actor): Case {
	return {
		scenario,
		expect: 531,
		run: (w, a) => call(a, { command: "registerUserKeys", id: target(w).userId }),
		verify: async (w) => expect(await works(target(w).keys)).toBe(true),
	};
}

function getKeys(scenario: string, target: (w: World, a: Actor) => Actor): Case {
	return {
		scenario,
		expect: "allowed",
		run: (w, a) => call(a, { command: "getUserKeys", id: target(w, a).userId }),
		verify: (w, r, a) => {
			const { apikey, secretkey } = target(w, a).keys;
			expect(r.body.getuserkeysresponse.userkeys).toMatchObject({ apikey, secretkey });
		},
	};
}

function getKeysDenied(scenario: string, target: (w: World) => Actor): Case {
	return {
		scenario,
		expect: 531,
		run: (w, a) => call(a, { command: "getUserKeys", id: target(w).userId }),
		verify: (_w, r) => expect(r.text).not.toContain("secretkey"),
	};
}

const self = (_w: World, a: Actor) => a;

const matrix: Record<string, CommandMatrix> = {
	registerUserKeys: {
		RootAdmin: [registerFresh((w) => w.d2, "for a user in d2"), registerSelf],
		DomainAdmin: [
			registerFresh((w) => w.sub, "for a user in own subtree"),
			registerDenied("for carol in d2", (w) => w.carol),
			registerDenied("for the root admin", (w) => w.root),
		],
		ResourceAdmin: [
			registerFresh((w) => w.d1, "for a user in own domain"),
			registerDenied("for carol in d2", (w) => w.carol),
		],
		User: [registerSelf, registerDenied("for bob", (w) => w.bob)],
		ReadOnlyAdmin: [
			{
				scenario: "for itself",
				expect: 432,
				run: (_w, a) => call(a, { command: "registerUserKeys", id: a.userId }),
				verify: async (_w, _r, a) => expect(await works(a.keys)).toBe(true),
			},
		],
	},
	getUserKeys: {
		RootAdmin: [getKeys("of alice", (w) => w.alice), getKeys("of carol", (w) => w.carol)],
		DomainAdmin: [
			getKeys("of itself", self),
			getKeysDenied("of bob in own domain", (w) => w.bob),
			getKeysDenied("of carol in d2", (w) => w.carol),
			getKeysDenied("of the root admin", (w) => w.root),
		],
		ResourceAdmin: [getKeys("of itself", self), getKeysDenied("of bob in own domain", (w) => w.bob)],
		User: [getKeys("of itself", self), getKeysDenied("of bob", (w) => w.bob)],
		ReadOnlyAdmin: [
			getKeys("of itself", self),
			getKeysDenied("of alice", (w) => w.alice),
			getKeysDenied("of the root admin", (w) => w.root),
		],
	},
};

describeMatrix("key commands × roles", () => world, matrix);

describe("API keys", () => {
	it("registerUserKeys writes a REGISTER.USER.KEY event", async () => {
		const actor = await createActor(world, world.d2);
		const events = await listItems(world.root, "listEvents", "event", {
			type: "REGISTER.USER.KEY",
			listall: "true",
			resourceid: actor.userId,
		});
		expect(events).toMatchObject([{ type: "REGISTER.USER.KEY", resourceid: actor.userId, username: "admin" }]);
	});

	it("a user's own events include its key registration, nobody else's", async () => {
		const actor = await createActor(world, world.d2);
		ok(await call(actor, { command: "registerUserKeys", id: actor.userId }), "registerUserKeys");
		const events = await listItems(world.carol, "listEvents", "event", { type: "REGISTER.USER.KEY" });
		for (const e of events) expect(e.account).toBe("carol");
	});

	it("getUserKeys of a user without keys returns no key", async () => {
		const actor = await createActor(world, world.d2);
		const second = await createUser(world, actor);
		const body = ok(await call(world.root, { command: "getUserKeys", id: second }), "getUserKeys");
		expect(body.userkeys?.apikey).toBeUndefined();
		expect(body.userkeys?.secretkey).toBeUndefined();
	});

	it("the keys registerUserKeys returns are the ones getUserKeys returns to the user", async () => {
		const actor = await createActor(world, world.d1);
		const got = ok(await call(actor, { command: "getUserKeys", id: actor.userId }), "getUserKeys").userkeys;
		expect(got).toMatchObject(actor.keys);
	});

	it("a domain admin cannot read the keys of a user it just created in its own domain (531)", async () => {
		const actor = await createActor(world, world.d1);
		expectDenied(await call(world.domainAdmin, { command: "getUserKeys", id: actor.userId }), "getUserKeys");
	});

	it("getUserKeys for an unknown user is a 431", async () => {
		const result = await call(world.root, { command: "getUserKeys", id: "00000000-0000-4000-8000-0000000000ff" });
		expect(result.status).toBe(431);
	});
});
