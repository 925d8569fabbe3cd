/**
 * @module A template's copy on a primary pool (template_pools), made once: the row is the lock —
 * whoever inserts it as Copying (or turns an Error row back to Copying) starts the one
 * `template.prepare`; everybody else waits for the row. The ZoneRelay applies the answer
 * (relay/background.ts), so the copy finishes even when the request that started it is gone.
 */
import type { ImageFormat } from "@flarestack/protocol";
import { and, eq, isNull } from "drizzle-orm";
import { CsError, ERROR } from "../api/errors";
import type { Db } from "../db/client";
import { imageStores, storagePools, templatePools, templateStores, templates } from "../db/schema";
import type { TemplateDeps } from "./deps";
import { downloadTimeoutMs } from "./downloads";
import { poolPath, storeLocationOfImageStore, storeLocationOfPool } from "./locations";

type TemplateRow = typeof templates.$inferSelect;
type PoolRow = typeof storagePools.$inferSelect;

/** How often a waiter reads the row again. */
const POLL_MS = 250;
/** How long ensureTemplateOnPool waits by default. */
const DEFAULT_WAIT_MS = 15 * 60_000;

async function requireTemplate(db: Db, templateId: string): Promise<TemplateRow> {
	const template = await db
		.select()
		.from(templates)
		.where(and(eq(templates.id, templateId), isNull(templates.removed)))
		.get();
	if (!template) throw new CsError(ERROR.paramError, `Unable to find template or ISO with id ${templateId}`);
	return template;
}

/** The template's Ready copy on the zone's secondary storage, or a 431 saying why there is none. */
async function readySource(db: Db, template: TemplateRow, zoneId: string) {
	const row = await db
		.select({ state: templateStores.state, path: templateStores.path, store: imageStores })
		.from(templateStores)
		.leftJoin(imageStores, eq(imageStores.id, templateStores.imageStoreId))
		.where(and(eq(templateStores.templateId, template.id), eq(templateStores.zoneId, zoneId)))
		.get();
	if (!row) throw new CsError(ERROR.paramError, `Template ${template.name} is not registered in this zone`);
	if (row.state !== "Ready" || !row.store || !row.path) {
		throw new CsError(
			ERROR.paramError,
			`Template ${template.name} is not ready in this zone yet (its download is ${row.state}); try again once it is`,
		);
	}
	return { store: storeLocationOfImageStore(row.store), path: row.path, format: template.format as ImageFormat };
}

/** Turns the pool's row into Copying if nobody holds it (new, or Error); true when this caller won. */
async function claim(db: Db, now: number, templateId: string, poolId: string): Promise<boolean> {
	const inserted = await db
		.insert(templatePools)
		.values({ templateId, poolId, state: "Copying", path: poolPath(templateId), created: now, updated: now })
		.onConflictDoNothing()
		.returning({ poolId: templatePools.poolId });
	if (inserted.length > 0) return true;
	const retried = await db
		.update(templatePools)
		.set({ state: "Copying", errorText: null, updated: now })
		.where(
			and(eq(templatePools.templateId, templateId), eq(templatePools.poolId, poolId), eq(templatePools.state, "Error")),
		)
		.returning({ poolId: templatePools.poolId });
	return retried.length > 0;
}

/** Sends the copy for a claimed row; on failure to send, the row goes to Error with the reason. */
async function startCopy(
	deps: TemplateDeps,
	template: TemplateRow,
	pool: PoolRow,
	source: Awaited<ReturnType<typeof readySource>>,
): Promise<{ ok: true } | { ok: false; text: string }> {
	const started = await deps.relay.start(
		pool.zoneId,
		"template.prepare",
		{ templateId: template.id, source, pool: storeLocationOfPool(pool), path: poolPath(template.id) },
		{
			timeoutMs: downloadTimeoutMs(deps.settings),
			context: { kind: "prepare", templateId: template.id, poolId: pool.id },
		},
	);
	if (started.ok) return { ok: true };
	await deps.db
		.update(templatePools)
		.set({ state: "Error", errorText: started.text, updated: deps.clock.now() })
		.where(and(eq(templatePools.templateId, template.id), eq(templatePools.poolId, pool.id)));
	return { ok: false, text: started.text };
}

/**
 * Starts background copies of the template onto every Up pool of the zone (or only `poolId`) that
 * has no Ready or Copying copy. A named pool that is not Up (maintenance, disabled) is refused:
 * maintenance stops new placements.
 */
export async function prepareTemplateOnPools(
	deps: TemplateDeps,
	templateId: string,
	zoneId: string,
	poolId?: string,
): Promise<void> {
	const { db } = deps;
	const template = await requireTemplate(db, templateId);
	let pools: PoolRow[];
	if (poolId !== undefined) {
		const pool = await db.select().from(storagePools).where(eq(storagePools.id, poolId)).get();
		if (!pool || pool.zoneId !== zoneId) {
			throw new CsError(ERROR.paramError, `Unable to find storage pool ${poolId} in this zone`);
		}
		if (pool.state !== "Up") {
			throw new CsError(
				ERROR.paramError,
				`Storage pool ${pool.name} is ${pool.state}: templates are copied to Up pools only`,
			);
		}
		pools = [pool];
	} else {
		pools = await db
			.select()
			.from(storagePools)
			.where(and(eq(storagePools.zoneId, zoneId), eq(storagePools.state, "Up")));
	}
	if (pools.length === 0) return;
	const source = await readySource(db, template, zoneId);
	for (const pool of pools) {
		if (!(await claim(db, deps.clock.now(), template.id, pool.id))) continue;
		const started = await startCopy(deps, template, pool, source);
		if (!started.ok && poolId !== undefined) throw new CsError(ERROR.internal, started.text);
	}
}

/**
 * The template's copy on the pool, made if needed and waited for: a Ready row is reused; else this
 * caller starts the one copy or waits for the one under way. Throws a CsError with the agent's
 * text when the copy fails, and a 530 when it is not done within `waitMs`.
 */
export async function ensureTemplateOnPool(
	deps: TemplateDeps,
	templateId: string,
	poolId: string,
	options: { waitMs?: number } = {},
): Promise<{ path: string; sizeBytes: number }> {
	const { db } = deps;
	const template = await requireTemplate(db, templateId);
	const pool = await db.select().from(storagePools).where(eq(storagePools.id, poolId)).get();
	if (!pool) throw new CsError(ERROR.paramError, `Unable to find storage pool ${poolId}`);
	const key = and(eq(templatePools.templateId, templateId), eq(templatePools.poolId, poolId));
	const readRow = () => db.select().from(templatePools).where(key).get();
	const first = await readRow();
	if (first?.state === "Ready") return { path: first.path, sizeBytes: first.sizeBytes };
	if (first?.state !== "Copying") {
		if (pool.state !== "Up") {
			throw new CsError(
				ERROR.paramError,
				`Storage pool ${pool.name} is ${pool.state}: templates are copied to Up pools only`,
			);
		}
		const source = await readySource(db, template, pool.zoneId);
		if (await claim(db, deps.clock.now(), templateId, poolId)) {
			const started = await startCopy(deps, template, pool, source);
			if (!started.ok) throw new CsError(ERROR.internal, started.text);
		}
	}
	// Counted in polls, not clock time: a test clock may stand still.
	const polls = Math.ceil((options.waitMs ?? DEFAULT_WAIT_MS) / POLL_MS);
	for (let poll = 0; ; poll++) {
		const row = await readRow();
		if (row?.state === "Ready") return { path: row.path, sizeBytes: row.sizeBytes };
		if (!row || row.state === "Error") {
			const why = row?.errorText ?? "the copy was removed";
			throw new CsError(
				ERROR.internal,
				`Copying template ${template.name} to storage pool ${pool.name} failed: ${why}`,
			);
		}
		if (poll >= polls) {
			throw new CsError(
				ERROR.internal,
				`Template ${template.name} is still being copied to storage pool ${pool.name}; try again later`,
			);
		}
		await new Promise((resolve) => setTimeout(resolve, POLL_MS));
	}
}
