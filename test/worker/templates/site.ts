/**
 * Shared setup of the template relay tests: a zone with rows put straight into D1 (image stores,
 * pools, templates), the template functions' deps, and polling helpers.
 */
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { createDb } from "../../../worker/src/db/client";
import {
	events,
	imageStores,
	storagePools,
	templatePools,
	templateStores,
	templates,
} from "../../../worker/src/db/schema";
import { OS_TYPES } from "../../../worker/src/domain/os-types";
import { settingsFrom } from "../../../worker/src/domain/settings";
import { systemClock } from "../../../worker/src/lib/clock";
import { relayLinkFor } from "../../../worker/src/relay/link-impl";
import type { TemplateDeps } from "../../../worker/src/templates";
import { buildWorld, unique, type World } from "../../helpers/identity-fixtures";
import { createZone } from "../../helpers/inventory-fixtures";

export const db = createDb(env.DB);

export function templateDeps(overrides: Record<string, string> = {}): TemplateDeps {
	return {
		db,
		clock: systemClock,
		settings: settingsFrom(new Map(Object.entries(overrides))),
		relay: relayLinkFor(env),
	};
}

let world: World | null = null;

/** The identity fixtures (root admin and friends), built once per file. */
export async function theWorld(): Promise<World> {
	world ??= await buildWorld();
	return world;
}

/** A new zone (its own ZoneRelay DO). */
export async function newZone(): Promise<{ id: string; name: string }> {
	return createZone(await theWorld());
}

/** A Ready copy of the template on the zone's secondary storage, straight into D1. */
export async function insertReadyCopy(
	templateId: string,
	zoneId: string,
	imageStoreId: string,
	path = `template/tmpl/a/${templateId}/${templateId}.qcow2`,
) {
	const now = Date.now();
	await db.insert(templateStores).values({
		templateId,
		zoneId,
		imageStoreId,
		state: "Ready",
		percent: 100,
		path,
		sizeBytes: 4096,
		physicalBytes: 2048,
		created: now,
		updated: now,
	});
	return path;
}

export async function insertImageStore(
	zoneId: string,
	overrides: Partial<typeof imageStores.$inferInsert> = {},
): Promise<typeof imageStores.$inferSelect> {
	const name = unique("sec-");
	const row = {
		id: crypto.randomUUID(),
		name,
		zoneId,
		url: `nfs://10.0.0.5/export/${name}`,
		protocol: "nfs",
		provider: "NFS",
		scope: "ZONE",
		readonly: false,
		capacityBytes: 0,
		usedBytes: 0,
		created: Date.now(),
		...overrides,
	};
	await db.insert(imageStores).values(row);
	return row;
}

export async function insertPool(
	zoneId: string,
	overrides: Partial<typeof storagePools.$inferInsert> = {},
): Promise<typeof storagePools.$inferSelect> {
	const name = unique("pri-");
	const row = {
		id: crypto.randomUUID(),
		name,
		zoneId,
		podId: null,
		clusterId: null,
		scope: "ZONE",
		type: "NetworkFilesystem",
		host: "10.0.0.6",
		path: `/export/${name}`,
		url: `nfs://10.0.0.6/export/${name}`,
		provider: "DefaultPrimary",
		hypervisor: "KVM",
		state: "Up",
		capacityBytes: 0,
		usedBytes: 0,
		allocatedBytes: 0,
		capacityIops: null,
		tags: null,
		created: Date.now(),
		...overrides,
	};
	await db.insert(storagePools).values(row);
	return row;
}

export async function insertTemplate(
	overrides: Partial<typeof templates.$inferInsert> = {},
): Promise<typeof templates.$inferSelect> {
	const row = {
		id: crypto.randomUUID(),
		name: unique("tmpl-"),
		displayText: "a test template",
		isIso: false,
		format: "QCOW2",
		hypervisor: "KVM",
		osTypeId: OS_TYPES[0]?.id ?? "",
		templateType: "USER",
		accountId: "00000000-0000-4000-8000-0000000000a0",
		domainId: "00000000-0000-4000-8000-0000000000d0",
		url: "http://images.example.com/disk.qcow2",
		checksum: `{SHA-256}${"ab".repeat(32)}`,
		created: Date.now(),
		...overrides,
	};
	await db.insert(templates).values(row);
	return (await db.select().from(templates).where(eq(templates.id, row.id)).get()) as typeof templates.$inferSelect;
}

export const storeRow = (templateId: string, zoneId: string) =>
	db
		.select()
		.from(templateStores)
		.where(and(eq(templateStores.templateId, templateId), eq(templateStores.zoneId, zoneId)))
		.get();

export const poolRow = (templateId: string, poolId: string) =>
	db
		.select()
		.from(templatePools)
		.where(and(eq(templatePools.templateId, templateId), eq(templatePools.poolId, poolId)))
		.get();

export const eventTypesOf = async (resourceId: string) =>
	(await db.select().from(events).where(eq(events.resourceId, resourceId)).orderBy(events.created)).map((e) => e.type);

/** Polls `probe` until it returns a truthy value. */
export async function eventually<T>(probe: () => Promise<T>, what: string, timeoutMs = 4000): Promise<NonNullable<T>> {
	const end = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value) return value as NonNullable<T>;
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 25));
	}
}

export const stubOf = (zoneId: string) => env.ZONE_RELAY.get(env.ZONE_RELAY.idFromName(zoneId));
