/**
 * Deleting an account, user or domain takes what belongs to it along, as CloudStack does: the
 * resource tags on it or owned by its accounts, and its accounts' webhooks.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
	type Actor,
	buildWorld,
	call,
	createActor,
	createDomain,
	createUser,
	listItems,
	ok,
	runJob,
	type World,
} from "../../helpers/identity-fixtures";

let world: World;

beforeAll(async () => {
	world = await buildWorld();
});

async function tag(type: string, id: string, key: string): Promise<void> {
	await runJob(world.root, {
		command: "createTags",
		resourcetype: type,
		resourceids: id,
		"tags[0].key": key,
		"tags[0].value": "v",
	});
}

async function tagsOn(id: string): Promise<unknown[]> {
	return listItems(world.root, "listTags", "tag", { resourceid: id, listall: "true" });
}

/** A webhook of `actor` that matches no event, so no delivery is ever attempted. */
async function webhookOf(actor: Actor): Promise<string> {
	const result = await call(actor, {
		command: "createWebhook",
		name: `hook-${actor.username}`,
		payloadurl: `https://example.com/${actor.username}`,
		eventtypes: "NO.SUCH.EVENT",
	});
	return ok(result, "createWebhook").webhook.id;
}

async function webhookExists(id: string): Promise<boolean> {
	const hooks = await listItems(world.root, "listWebhooks", "webhook", { listall: "true" });
	return hooks.some((h: { id: string }) => h.id === id);
}

describe("deleting what owns resources", () => {
	it("deleteAccount removes the account's tags and webhooks", async () => {
		const actor = await createActor(world, world.d1);
		await tag("Account", actor.accountId, "cost-centre");
		const hook = await webhookOf(actor);
		expect(await tagsOn(actor.accountId)).toHaveLength(1);
		expect(await webhookExists(hook)).toBe(true);
		await runJob(world.root, { command: "deleteAccount", id: actor.accountId });
		expect(await tagsOn(actor.accountId)).toEqual([]);
		expect(await webhookExists(hook)).toBe(false);
	});

	it("deleteUser removes the user's tags and leaves the account's", async () => {
		const actor = await createActor(world, world.d1);
		const userId = await createUser(world, actor);
		await tag("User", userId, "badge");
		await tag("Account", actor.accountId, "team");
		ok(await call(world.root, { command: "deleteUser", id: userId }), "deleteUser");
		expect(await tagsOn(userId)).toEqual([]);
		expect(await tagsOn(actor.accountId)).toHaveLength(1);
	});

	it("deleteDomain with cleanup removes the subtree's tags and webhooks", async () => {
		const domainId = await createDomain(world, world.rootDomainId);
		const actor = await createActor(world, domainId);
		await tag("Domain", domainId, "org");
		await tag("Account", actor.accountId, "team");
		const hook = await webhookOf(actor);
		await runJob(world.root, { command: "deleteDomain", id: domainId, cleanup: "true" });
		expect(await tagsOn(domainId)).toEqual([]);
		expect(await tagsOn(actor.accountId)).toEqual([]);
		expect(await webhookExists(hook)).toBe(false);
	});
});
