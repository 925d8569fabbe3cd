import { CsError, ERROR } from "../../api/errors";
import { STORAGE_POOL_FIELDS } from "../../api/serializers/storage-pool";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { setPoolState } from "./pool-state";
import { requirePool } from "./pool-views";

/** States CloudStack lets an admin put into maintenance (a failed attempt may be retried). */
const FROM = ["Up", "ErrorInMaintenance"];

export const enableStorageMaintenance = defineCommand({
	name: "enableStorageMaintenance",
	description:
		"Puts storage pool into maintenance state: no new volumes are placed on it until cancelStorageMaintenance",
	access: "authenticated",
	authorized: ["Admin"],
	responseName: "prepareprimarystorageformaintenanceresponse",
	async: {
		className: "org.apache.cloudstack.api.command.admin.storage.PreparePrimaryStorageForMaintenanceCmd",
		instanceType: "StoragePool",
	},
	params: {
		id: p.uuid("Primary storage ID", { required: true, related: "listStoragePools" }),
	},
	responseFields: STORAGE_POOL_FIELDS,
	related: ["cancelStorageMaintenance", "listStoragePools"],
	async handle({ params, deps, caller }) {
		const pool = await requirePool(deps.db, params.id);
		if (!FROM.includes(pool.state)) {
			throw new CsError(
				ERROR.paramError,
				`Primary storage with id ${pool.id} is not ready for migration, as the status is:${pool.state}`,
			);
		}
		// CloudStack passes through PrepareForMaintenance while it migrates or stops the pool's
		// instances; there are none yet, so the pool reaches Maintenance at once.
		const value = await setPoolState(deps.db, deps.clock.now(), caller, pool, "Maintenance", {
			type: "MAINT.PREPARE.PS",
			description: `Maintenance for primary storage ${pool.name}`,
		});
		return { type: "object", name: "storagepool", value };
	},
});
