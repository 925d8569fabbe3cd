/**
 * removeTemplateCopies (workerd, fake agent): store.remove of the template's directory on
 * secondary storage and of its pool copies, rows deleted at once; with no agent connected the
 * cleanups wait in the ZoneRelay and go out on the next hello.
 */
import type { CommandArgs } from "@flarestack/protocol";
import { describe, expect, it } from "vitest";
import { templatePools } from "../../../worker/src/db/schema";
import { removeTemplateCopies } from "../../../worker/src/templates";
import { startFakeAgent } from "../../helpers/fake-agent";
import { call, ok } from "../../helpers/identity-fixtures";
import {
	db,
	eventually,
	insertImageStore,
	insertPool,
	insertReadyCopy,
	insertTemplate,
	newZone,
	poolRow,
	storeRow,
	templateDeps,
	theWorld,
} from "./site";

const REMOVE = "store.remove";

async function withCopies() {
	const zone = await newZone();
	const store = await insertImageStore(zone.id, { url: "nfs://10.5.5.5/sec" });
	const pool = await insertPool(zone.id, { type: "SharedMountPoint", host: "h", path: "/mnt/pri" });
	const template = await insertTemplate();
	await insertReadyCopy(template.id, zone.id, store.id);
	const now = Date.now();
	await db.insert(templatePools).values({
		templateId: template.id,
		poolId: pool.id,
		state: "Ready",
		path: `template-${template.id}.qcow2`,
		created: now,
		updated: now,
	});
	return { zone, pool, template };
}

const removals = (commands: { name: string; args: unknown }[]) =>
	commands.filter((c) => c.name === REMOVE).map((c) => c.args as CommandArgs<"store.remove">);

describe("removing a template's files", () => {
	it("removes the secondary directory and the pool copies, and deletes the rows", async () => {
		const { zone, pool, template } = await withCopies();
		const agent = await startFakeAgent(zone);
		await removeTemplateCopies(templateDeps(), template.id, zone.id);
		expect(await storeRow(template.id, zone.id)).toBeUndefined();
		expect(await poolRow(template.id, pool.id)).toBeUndefined();
		await eventually(async () => removals(agent.commands).length === 2, "two removals");
		expect(removals(agent.commands)).toEqual(
			expect.arrayContaining([
				{
					store: { kind: "nfs", server: "10.5.5.5", path: "/sec" },
					path: `template/tmpl/${template.accountId}/${template.id}`,
				},
				{ store: { kind: "local", path: "/mnt/pri" }, path: `template-${template.id}.qcow2` },
			]),
		);
		agent.close();
	});

	it("keeps the cleanups until the agent connects", async () => {
		const { zone, template } = await withCopies();
		await removeTemplateCopies(templateDeps(), template.id);
		expect(await storeRow(template.id, zone.id)).toBeUndefined();
		const agent = await startFakeAgent(zone);
		await eventually(async () => removals(agent.commands).length === 2, "two removals after hello");
		agent.close();
	});
});

describe("deleteImageStore with templates on it", () => {
	it("is refused (536, naming the template) while a copy is there, allowed once it is gone", async () => {
		const world = await theWorld();
		const zone = await newZone();
		const store = await insertImageStore(zone.id, { url: "nfs://10.5.5.6/sec" });
		const template = await insertTemplate();
		await insertReadyCopy(template.id, zone.id, store.id);
		const refused = await call(world.root, { command: "deleteImageStore", id: store.id });
		expect(refused.status, refused.text).toBe(536);
		expect(refused.text).toContain(`it still holds 1 template (${template.name})`);

		await removeTemplateCopies(templateDeps(), template.id, zone.id);
		ok(await call(world.root, { command: "deleteImageStore", id: store.id }), "deleteImageStore");
	});
});
