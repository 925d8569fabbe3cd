/**
 * @module Which events archiveEvents/deleteEvents touch: the caller's scope (users their own
 * account's events, domain and resource admins their domain subtree, root everything) narrowed
 * by ids, type and dates. Named ids must exist (431) and be in the caller's scope (531).
 */
import { and, eq, type SQL } from "drizzle-orm";
import { invalidParam, permissionDenied } from "../../api/errors";
import type { Db } from "../../db/client";
import { scopeCondition } from "../../db/repos/scope";
import { events } from "../../db/schema";
import type { Caller } from "../../domain/access";
import { type BulkSelection, checkSelection, createdRange, idChunks, idIn } from "./bulk-selection";

export const MISSING_SELECTION = "either ids, type or enddate must be specified";

/** One WHERE per statement to run (several when many ids are named). */
export async function eventTargets(db: Db, caller: Caller, params: BulkSelection, verb: string): Promise<SQL[]> {
	const ids = checkSelection(params, MISSING_SELECTION);
	const scope = await scopeCondition(db, caller, {}, { accountId: events.accountId, domainId: events.domainId });
	const filters = [
		scope,
		params.type !== undefined ? eq(events.type, params.type.trim().toUpperCase()) : undefined,
		createdRange(events.created, params),
	];
	if (ids === undefined) return [and(...filters) ?? eq(events.id, events.id)];
	const parts = idChunks(ids);
	await Promise.all(
		parts.map(async (part) => {
			const [found, visible] = await Promise.all([
				db.select({ id: events.id }).from(events).where(idIn(events.id, part)),
				db
					.select({ id: events.id })
					.from(events)
					.where(and(idIn(events.id, part), scope)),
			]);
			const known = new Set(found.map((r) => r.id));
			const missing = part.find((id) => !known.has(id));
			if (missing !== undefined) throw invalidParam("ids", missing);
			const seen = new Set(visible.map((r) => r.id));
			const hidden = part.find((id) => !seen.has(id));
			if (hidden !== undefined)
				throw permissionDenied(`The caller does not have permission to ${verb} event ${hidden}`);
		}),
	);
	return parts.map((part) => and(idIn(events.id, part), ...filters) as SQL);
}
