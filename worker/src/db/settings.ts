/** @module Effective global settings, cached per isolate for a few seconds (read on every request). */
import { type Settings, settingsFrom } from "../domain/settings";
import type { Db } from "./client";
import { configuration } from "./schema";

const CACHE_MS = 10_000;
let cached: { settings: Settings; until: number } | null = null;

export async function loadSettings(db: Db, now: number): Promise<Settings> {
	if (cached && cached.until > now) return cached.settings;
	const rows = await db.select().from(configuration);
	const settings = settingsFrom(new Map(rows.map((r) => [r.name, r.value])));
	cached = { settings, until: now + CACHE_MS };
	return settings;
}

export function invalidateSettings(): void {
	cached = null;
}
