import { CsError, ERROR } from "../../api/errors";
import { DISK_OFFERING_FIELDS } from "../../api/serializers/disk-offering";
import type { diskOfferings } from "../../db/schema";
import { newUuid } from "../../lib/ids";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { diskOfferingResponse } from "./disk-offering-view";
import { DISK_OFFERING, insertOffering, newOfferingScope } from "./offering-lifecycle";
import { parseProvisioningType, parseStorageType } from "./offering-rules";

/** CloudStack's `storage.max.volume.size` default: the largest disk an offering may define, in GB. */
export const MAX_DISK_SIZE_GB = 2000;

/**
 * CloudStack's IOPS rules: with customized IOPS the volume names them, so the offering keeps none;
 * fixed IOPS need a positive minimum no larger than the maximum.
 */
function iops(params: {
	customizediops?: boolean | undefined;
	miniops?: number | undefined;
	maxiops?: number | undefined;
}) {
	const given = params.miniops !== undefined || params.maxiops !== undefined;
	// Absent customizediops with IOPS given means fixed IOPS (CloudStack would silently drop them).
	const customized = params.customizediops ?? (given ? false : null);
	if (customized !== false) return { customizedIops: customized, minIops: null, maxIops: null };
	if (!given) return { customizedIops: false, minIops: 0, maxIops: 0 };
	if (params.miniops === undefined || params.miniops <= 0) {
		throw new CsError(ERROR.paramError, "The min IOPS must be greater than 0.");
	}
	const maxIops = params.maxiops ?? 0;
	if (params.miniops > maxIops) {
		throw new CsError(ERROR.paramError, "The min IOPS must be less than or equal to the max IOPS.");
	}
	return { customizedIops: false, minIops: params.miniops, maxIops };
}

export const createDiskOffering = defineCommand({
	name: "createDiskOffering",
	description:
		"Creates a disk offering: a fixed size in GB, or customized (the volume names its size) when disksize is absent",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		name: p.string("Name of the disk offering", { required: true }),
		displaytext: p.string("An alternate display text of the disk offering, defaults to 'name'.", { length: 4096 }),
		disksize: p.long("Size of the disk offering in GB (1GB = 1,073,741,824 bytes)"),
		customized: p.boolean("Whether disk offering size is custom or not; custom by default when disksize is absent"),
		tags: p.string("Tags for the disk offering (storage tags)", { length: 4096 }),
		domainid: p.list("The ID of the containing domain(s), null for public offerings", { related: "listDomains" }),
		zoneid: p.list("The ID of the containing zone(s), null for public offerings", {
			since: "4.13",
			related: "listZones",
		}),
		storagetype: p.string("The storage type of the disk offering. Values are local and shared."),
		provisioningtype: p.string("Provisioning type used to create volumes. Valid values are thin, sparse, fat."),
		displayoffering: p.boolean("An optional field, whether to display the offering to the end user or not."),
		customizediops: p.boolean("Whether disk offering iops is custom or not", { since: "4.4" }),
		miniops: p.long("Min iops of the disk offering", { since: "4.4" }),
		maxiops: p.long("Max iops of the disk offering", { since: "4.4" }),
		encrypt: p.boolean("Volumes using this offering should be encrypted", { since: "4.18" }),
	},
	responseFields: DISK_OFFERING_FIELDS,
	related: ["listDiskOfferings", "updateDiskOffering"],
	async handle({ params, deps, caller }) {
		const name = params.name.trim();
		if (params.disksize !== undefined && params.disksize <= 0) {
			throw new CsError(ERROR.paramError, "Please specify a disk size of at least 1 GB.");
		}
		if (params.disksize !== undefined && params.disksize > MAX_DISK_SIZE_GB) {
			throw new CsError(ERROR.paramError, `The maximum size for a disk is ${MAX_DISK_SIZE_GB} GB.`);
		}
		const customized = params.customized ?? params.disksize === undefined;
		if (customized && params.disksize !== undefined) {
			throw new CsError(
				ERROR.paramError,
				"A customized disk offering cannot have a disksize: the volume names its size",
			);
		}
		if (!customized && params.disksize === undefined) {
			throw new CsError(ERROR.paramError, "A disk offering that is not customized needs a disksize");
		}
		const iopsValues = iops(params);
		const storageType = parseStorageType(params.storagetype);
		const provisioningType = parseProvisioningType(params.provisioningtype);
		const scope = await newOfferingScope(DISK_OFFERING, { deps, caller }, params);

		const now = deps.clock.now();
		const row: typeof diskOfferings.$inferSelect = {
			id: newUuid(),
			name,
			displayText: params.displaytext?.trim() ? params.displaytext : name,
			diskSize: customized ? 0 : (params.disksize ?? 0),
			customized,
			storageType,
			provisioningType,
			tags: params.tags?.trim() || null,
			...iopsValues,
			encrypt: params.encrypt ?? false,
			displayOffering: params.displayoffering ?? true,
			...scope,
			computeOnly: false,
			sortKey: 0,
			state: "Active",
			created: now,
			removed: null,
		};
		await insertOffering(DISK_OFFERING, { deps, caller }, now, row);
		return { type: "object", name: "diskoffering", value: await diskOfferingResponse(deps.db, row) };
	},
});
