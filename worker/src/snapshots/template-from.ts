/**
 * @module createTemplate's job: the volume (its instance Stopped) or the snapshot is copied onto
 * the zone's secondary storage at the template's place (volume.copy → one standalone qcow2), and
 * the template's zone copy turns Ready, so it deploys like a registered one.
 */
import { and, eq } from "drizzle-orm";
import { CsError, ERROR } from "../api/errors";
import { imageObjectResult, TEMPLATE } from "../commands/template/image-rules";
import { snapshots, templateStores, templates } from "../db/schema";
import type { JobContext } from "../jobs/types";
import { requireMovable } from "../volumes/migrate";
import { agentCall, imageStoreById, type JobAnswer, jobEvent, loadVolume, poolStore } from "../volumes/site";

export interface TemplateFromPayload {
	templateId: string;
	zoneId: string;
	volumeId?: string | undefined;
	snapshotId?: string | undefined;
}

const storeKey = (p: TemplateFromPayload) =>
	and(eq(templateStores.templateId, p.templateId), eq(templateStores.zoneId, p.zoneId));

async function sourceOf(ctx: JobContext, payload: TemplateFromPayload) {
	const { db } = ctx.deps;
	if (payload.snapshotId) {
		const snapshot = await db.select().from(snapshots).where(eq(snapshots.id, payload.snapshotId)).get();
		if (
			!snapshot ||
			snapshot.removed !== null ||
			snapshot.state !== "BackedUp" ||
			!snapshot.imageStoreId ||
			!snapshot.path
		) {
			throw new CsError(ERROR.paramError, `Snapshot ${payload.snapshotId} is not BackedUp`);
		}
		return {
			store: await imageStoreById(db, snapshot.imageStoreId),
			path: snapshot.path,
			what: `snapshot ${snapshot.name}`,
		};
	}
	const volume = await loadVolume(db, payload.volumeId ?? "");
	if (volume.state !== "Ready") throw new CsError(ERROR.paramError, `Volume ${volume.name} is ${volume.state}`);
	await requireMovable(ctx, volume);
	const { store } = await poolStore(db, volume);
	return { store, path: volume.path ?? "", what: `volume ${volume.name}` };
}

export async function runTemplateFrom(ctx: JobContext, payload: TemplateFromPayload): Promise<JobAnswer> {
	const { db } = ctx.deps;
	const row = await db.select().from(templateStores).where(storeKey(payload)).get();
	const template = await db.select().from(templates).where(eq(templates.id, payload.templateId)).get();
	if (!row || !template || template.removed !== null) {
		throw new CsError(ERROR.paramError, `Template ${payload.templateId} was deleted meanwhile`);
	}
	if (row.state !== "Ready") {
		if (!row.imageStoreId || !row.path) throw new CsError(ERROR.internal, `Template ${template.name} has no place`);
		const source = await sourceOf(ctx, payload);
		const copied = await agentCall(
			ctx,
			"volume.copy",
			{
				source: { store: source.store, path: source.path },
				target: { store: await imageStoreById(db, row.imageStoreId), path: row.path },
			},
			`Creating template ${template.name} from ${source.what}`,
		);
		const now = ctx.deps.clock.now();
		await db.batch([
			db
				.update(templateStores)
				.set({
					state: "Ready",
					percent: 100,
					sizeBytes: copied.sizeBytes,
					physicalBytes: copied.physicalBytes,
					updated: now,
				})
				.where(storeKey(payload)),
			jobEvent(ctx, template, {
				type: "TEMPLATE.CREATE",
				description: `Created template ${template.name} from ${source.what}`,
				resourceType: "Template",
				resourceId: template.id,
				resourceName: template.name,
			}),
		]);
	}
	return imageObjectResult(db, TEMPLATE, payload.templateId, payload.zoneId);
}

/** A template that could not be made is removed again (CloudStack drops it too); volume.copy left no file. */
export async function rollbackTemplateFrom(ctx: JobContext, payload: TemplateFromPayload): Promise<void> {
	const { db } = ctx.deps;
	const dropped = await db
		.delete(templateStores)
		.where(and(storeKey(payload), eq(templateStores.state, "Allocated")))
		.returning({ id: templateStores.templateId });
	if (dropped.length === 0) return;
	await db.update(templates).set({ removed: ctx.deps.clock.now() }).where(eq(templates.id, payload.templateId));
}
