import { eq } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import { STORAGE_POOL_FIELDS } from "../../api/serializers/storage-pool";
import { eventInsert } from "../../db/events";
import { storagePools } from "../../db/schema";
import { normaliseStorageTags, parsePoolUrl } from "../../domain/storage";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { poolResponse, refuseDuplicateLocation, refuseDuplicateName, requirePool } from "./pool-views";

export const updateStoragePool = defineCommand({
	name: "updateStoragePool",
	description:
		"Updates a storage pool: name, storage tags, capacity, enabled (Up ↔ Disabled); url only while the pool is in maintenance",
	since: "3.0.0",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		id: p.uuid("the Id of the storage pool", { required: true, related: "listStoragePools" }),
		name: p.string("Change the name of the storage pool", { since: "4.15" }),
		tags: p.list("comma-separated list of tags for the storage pool; tags=, (no tags) clears them"),
		capacitybytes: p.long("bytes CloudStack can provision from this storage pool"),
		capacityiops: p.long("IOPS CloudStack can provision from this storage pool"),
		enabled: p.boolean("false to disable the pool for allocation of new volumes, true to enable it back"),
		url: p.string("the new URL of the storage pool (same forms as createStoragePool); only while in Maintenance", {
			since: "4.19.0",
			length: 2048,
		}),
		details: p.map("the details for the storage pool (accepted and ignored)", { since: "4.19.0" }),
		istagarule: p.boolean("whether the tags are a JS rule (false only)"),
	},
	responseFields: STORAGE_POOL_FIELDS,
	related: ["listStoragePools", "createStoragePool"],
	async handle({ params, deps, caller }) {
		const pool = await requirePool(deps.db, params.id);
		const changes: Partial<typeof storagePools.$inferInsert> = {};

		if (params.name !== undefined) {
			const name = params.name.trim();
			if (name === "") throw new CsError(ERROR.paramError, "The storage pool name must not be empty");
			if (name !== pool.name) {
				await refuseDuplicateName(deps.db, pool.zoneId, name, pool.id);
				changes.name = name;
			}
		}
		if (params.tags !== undefined) changes.tags = normaliseStorageTags(params.tags);
		if (params.istagarule) {
			throw new CsError(ERROR.paramError, "Storage tag rules (istagarule=true) are not supported; give plain tags");
		}
		if (params.capacitybytes !== undefined) {
			if (params.capacitybytes < 0) throw new CsError(ERROR.paramError, "capacitybytes must not be negative");
			if (params.capacitybytes < pool.allocatedBytes) {
				throw new CsError(
					ERROR.paramError,
					`capacitybytes ${params.capacitybytes} is below the ${pool.allocatedBytes} bytes already allocated on pool ${pool.name}`,
				);
			}
			changes.capacityBytes = params.capacitybytes;
		}
		if (params.capacityiops !== undefined) {
			if (params.capacityiops < 0) throw new CsError(ERROR.paramError, "capacityiops must not be negative");
			changes.capacityIops = params.capacityiops;
		}
		if (params.url !== undefined) {
			// CloudStack (4.19) changes a pool's url only while no host uses it, i.e. in maintenance.
			if (pool.state !== "Maintenance") {
				throw new CsError(
					ERROR.paramError,
					`The url of storage pool ${pool.name} can only be changed while the pool is in Maintenance (it is ${pool.state})`,
				);
			}
			const location = parsePoolUrl(params.url);
			if ("error" in location) throw new CsError(ERROR.paramError, location.error);
			if (location.type !== pool.type) {
				throw new CsError(
					ERROR.paramError,
					`The new url must keep the pool's type ${pool.type}; ${params.url} is ${location.type}`,
				);
			}
			await refuseDuplicateLocation(deps.db, pool.zoneId, location, pool.id);
			Object.assign(changes, { host: location.host, path: location.path, url: location.url });
		}

		let stateEvent: "ENABLE.PS" | "DISABLE.PS" | null = null;
		if (params.enabled === true) {
			// CloudStack's enablePrimaryStoragePool / disablePrimaryStoragePool refuse other states.
			if (pool.state !== "Disabled") {
				throw new CsError(
					ERROR.paramError,
					`Primary storage with id ${pool.id} cannot be enabled. Storage pool state : ${pool.state}`,
				);
			}
			changes.state = "Up";
			stateEvent = "ENABLE.PS";
		} else if (params.enabled === false) {
			if (pool.state !== "Up") {
				throw new CsError(
					ERROR.paramError,
					`Primary storage with id ${pool.id} cannot be disabled. Storage pool state : ${pool.state}`,
				);
			}
			changes.state = "Disabled";
			stateEvent = "DISABLE.PS";
		}

		const edited = Object.keys(changes).some((k) => k !== "state");
		if (Object.keys(changes).length > 0) {
			const now = deps.clock.now();
			const name = changes.name ?? pool.name;
			const common = { resourceType: "StoragePool", resourceId: pool.id, resourceName: name };
			await deps.db.batch([
				deps.db.update(storagePools).set(changes).where(eq(storagePools.id, pool.id)),
				...(edited
					? [
							eventInsert(deps.db, now, caller, {
								type: "STORAGE.POOL.UPDATE",
								description: `Updated storage pool ${name}: ${Object.keys(changes)
									.filter((k) => k !== "state")
									.join(", ")}`,
								...common,
							}),
						]
					: []),
				...(stateEvent
					? [
							eventInsert(deps.db, now, caller, {
								type: stateEvent,
								description: `${stateEvent === "ENABLE.PS" ? "Enabled" : "Disabled"} storage pool ${name}`,
								...common,
							}),
						]
					: []),
			]);
		}
		return { type: "object", name: "storagepool", value: await poolResponse(deps.db, pool.id) };
	},
});
