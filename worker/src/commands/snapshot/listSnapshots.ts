import { and, eq, isNull, type SQL } from "drizzle-orm";
import { CsError, ERROR, invalidParam } from "../../api/errors";
import { SNAPSHOT_FIELDS, serializeSnapshotViews, snapshotPage } from "../../api/serializers/snapshot";
import { inIds } from "../../db/in-ids";
import { scopeCondition } from "../../db/repos/scope";
import { tagFilter } from "../../db/repos/tags";
import { snapshots } from "../../db/schema";
import { containsText, eqNoCase } from "../../db/text-match";
import { isUuid } from "../../lib/ids";
import { defineCommand } from "../define";
import { domainScopeParams, pageWindow, pagingParams } from "../list-params";
import { p } from "../param-spec";

export const listSnapshots = defineCommand({
	name: "listSnapshots",
	description: "Lists all available snapshots for the account",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		id: p.uuid("lists snapshot by snapshot ID", { related: "listSnapshots" }),
		ids: p.list("the IDs of the snapshots, mutually exclusive with id", { since: "4.9" }),
		name: p.string("lists snapshot by snapshot name"),
		volumeid: p.uuid("the ID of the disk volume", { related: "listVolumes" }),
		zoneid: p.uuid("list snapshots by zone id", { related: "listZones" }),
		intervaltype: p.string("valid values are HOURLY, DAILY, WEEKLY, and MONTHLY (only MANUAL snapshots exist)"),
		snapshottype: p.string("valid values are MANUAL or RECURRING"),
		locationtype: p.string("list snapshots by location type (every snapshot is on SECONDARY storage)"),
		imagestoreid: p.uuid("ID of the image or image cache store", { related: "listImageStores" }),
		showunique: p.boolean("ignored: snapshots are in one zone"),
		tags: p.map("List resources by tags (key/value pairs)"),
		projectid: p.uuid("not supported: flarestack has no projects"),
		...domainScopeParams,
		...pagingParams,
	},
	responseFields: SNAPSHOT_FIELDS,
	related: ["createSnapshot"],
	async handle({ params, deps, caller }) {
		const { db } = deps;
		if (params.projectid !== undefined) {
			throw new CsError(ERROR.paramError, "Projects are not supported by flarestack: leave out projectid");
		}
		const window = pageWindow(params, deps.settings);
		const filters: (SQL | undefined)[] = [
			isNull(snapshots.removed),
			await scopeCondition(db, caller, params, snapshots, { ownByDefault: true }),
			tagFilter(db, "Snapshot", snapshots.id, params.tags),
		];
		if (params.id) filters.push(eq(snapshots.id, params.id));
		if (params.ids) {
			const ids = params.ids.map((v) => v.toLowerCase());
			const bad = ids.find((v) => !isUuid(v));
			if (bad !== undefined) throw invalidParam("ids", bad);
			filters.push(inIds(snapshots.id, ids));
		}
		if (params.name) filters.push(eqNoCase(snapshots.name, params.name.trim()));
		if (params.keyword) filters.push(containsText(snapshots.name, params.keyword));
		if (params.volumeid) filters.push(eq(snapshots.volumeId, params.volumeid));
		if (params.zoneid) filters.push(eq(snapshots.zoneId, params.zoneid));
		if (params.imagestoreid) filters.push(eq(snapshots.imageStoreId, params.imagestoreid));
		if (params.intervaltype) filters.push(eqNoCase(snapshots.intervalType, params.intervaltype.trim()));
		if (params.snapshottype) filters.push(eqNoCase(snapshots.intervalType, params.snapshottype.trim()));
		if (params.locationtype && params.locationtype.trim().toUpperCase() !== "SECONDARY") {
			return { type: "list", name: "snapshot", items: [], count: 0 };
		}
		const { rows, count } = await snapshotPage(db, and(...filters), window);
		return { type: "list", name: "snapshot", items: await serializeSnapshotViews(db, rows), count };
	},
});
