import { CsError, ERROR } from "../../api/errors";
import { STORAGE_POOL_FIELDS } from "../../api/serializers/storage-pool";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { setPoolState } from "./pool-state";
import { requirePool } from "./pool-views";

const FROM = ["Maintenance", "ErrorInMaintenance"];

export const cancelStorageMaintenance = defineCommand({
	name: "cancelStorageMaintenance",
	description: "Cancels maintenance for primary storage: the pool is Up again and accepts new volumes",
	access: "authenticated",
	authorized: ["Admin"],
	responseName: "cancelprimarystoragemaintenanceresponse",
	async: {
		className: "org.apache.cloudstack.api.command.admin.storage.CancelPrimaryStorageMaintenanceCmd",
		instanceType: "StoragePool",
	},
	params: {
		id: p.uuid("the primary storage ID", { required: true, related: "listStoragePools" }),
	},
	responseFields: STORAGE_POOL_FIELDS,
	related: ["enableStorageMaintenance", "listStoragePools"],
	async handle({ params, deps, caller }) {
		const pool = await requirePool(deps.db, params.id);
		if (!FROM.includes(pool.state)) {
			// CloudStack's StorageUnavailableException: the job fails with 534.
			throw new CsError(
				ERROR.resourceUnavailable,
				`Primary storage with id ${pool.id} is not ready to complete migration, as the status is:${pool.state}`,
				{ csCode: 4385 },
			);
		}
		const value = await setPoolState(deps.db, deps.clock.now(), caller, pool, "Up", {
			type: "MAINT.CANCEL.PS",
			description: `Canceled maintenance for primary storage ${pool.name}`,
		});
		return { type: "object", name: "storagepool", value };
	},
});
