import { CsError, ERROR } from "../../api/errors";
import { SERVICE_OFFERING_FIELDS } from "../../api/serializers/service-offering";
import type { serviceOfferings } from "../../db/schema";
import { newUuid } from "../../lib/ids";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { requireDiskOffering } from "./disk-offering-view";
import { insertOffering, newOfferingScope, SERVICE_OFFERING } from "./offering-lifecycle";
import { parseProvisioningType, parseStorageType } from "./offering-rules";
import { serviceOfferingResponse } from "./service-offering-view";

const INT_MAX = 2 ** 31 - 1;
/** CloudStack's smallest memory size for an offering, in MB. */
const MIN_MEMORY_MB = 32;

function positive(value: number | undefined, offering: string, what: string, min = 1, unit = ""): void {
	if (value !== undefined && value < min) {
		throw new CsError(
			ERROR.paramError,
			`Failed to create service offering ${offering}: specify the ${what} value between ${min} and ${INT_MAX}${unit}`,
		);
	}
}

export const createServiceOffering = defineCommand({
	name: "createServiceOffering",
	description:
		"Creates a service offering: fixed (cpunumber and memory) or customized (the deploy call names them, optionally within min/max bounds)",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		name: p.string("The name of the service offering", { required: true }),
		displaytext: p.string("The display text of the service offering, defaults to 'name'."),
		cpunumber: p.integer("The CPU number of the service offering"),
		cpuspeed: p.integer("The CPU speed of the service offering in MHz."),
		memory: p.integer("The total memory of the service offering in MB"),
		customized: p.boolean(
			"Whether service offering allows custom CPU and memory values; by default custom when cpunumber or memory is missing",
			{ since: "4.13" },
		),
		mincpunumber: p.integer("The minimum number of CPUs to be set with Custom Compute Offering", { since: "4.13" }),
		maxcpunumber: p.integer("The maximum number of CPUs to be set with Custom Compute Offering", { since: "4.13" }),
		minmemory: p.integer("The minimum memory size of the custom service offering in MB", { since: "4.13" }),
		maxmemory: p.integer("The maximum memory size of the custom service offering in MB", { since: "4.13" }),
		offerha: p.boolean("The HA for the service offering"),
		limitcpuuse: p.boolean("Restrict the CPU usage to committed service offering"),
		isvolatile: p.boolean(
			"True if the virtual machine needs to be volatile so that on every reboot of VM, original root disk is dettached then destroyed and a fresh root disk is created and attached to VM",
		),
		storagetype: p.string("The storage type of the service offering. Values are local and shared."),
		provisioningtype: p.string("Provisioning type used to create volumes. Valid values are thin, sparse, fat."),
		tags: p.string("The tags for this service offering (storage tags)."),
		hosttags: p.string("The host tag for this service offering."),
		domainid: p.list("The ID of the containing domain(s), null for public offerings", { related: "listDomains" }),
		zoneid: p.list("The ID of the containing zone(s), null for public offerings", {
			since: "4.13",
			related: "listZones",
		}),
		rootdisksize: p.long("The Root disk size in GB.", { since: "4.15" }),
		diskofferingid: p.uuid("The ID of the disk offering to which service offering should be mapped", {
			since: "4.17",
			related: "listDiskOfferings",
		}),
		issystem: p.boolean("Is this a system vm offering (only false: there are no system VMs)"),
		dynamicscalingenabled: p.boolean(
			"True if virtual machine needs to be dynamically scalable of cpu or memory (default true)",
			{ since: "4.16" },
		),
		serviceofferingdetails: p.map("Details for planner, used to store specific parameters (accepted and ignored)"),
	},
	responseFields: SERVICE_OFFERING_FIELDS,
	related: ["listServiceOfferings", "updateServiceOffering"],
	async handle({ params, deps, caller }) {
		const name = params.name.trim();
		if (params.issystem) {
			throw new CsError(
				ERROR.paramError,
				"System service offerings (issystem=true) are not supported: this cloud runs no system VMs",
			);
		}
		const customized = params.customized ?? (params.cpunumber === undefined || params.memory === undefined);
		positive(params.cpuspeed, name, "cpu speed");
		const bounds = [params.mincpunumber, params.maxcpunumber, params.minmemory, params.maxmemory];
		if (customized) {
			if (params.cpunumber !== undefined || params.memory !== undefined) {
				throw new CsError(ERROR.paramError, "For creating a custom compute offering cpu and memory all should be null");
			}
			if (bounds.some((b) => b !== undefined) && bounds.some((b) => b === undefined)) {
				throw new CsError(
					ERROR.paramError,
					"For creating a custom compute offering min/max cpu and min/max memory should all be null or all specified",
				);
			}
			positive(params.mincpunumber, name, "minimum cpu number");
			positive(params.maxcpunumber, name, "maximum cpu number");
			positive(params.minmemory, name, "minimum memory", MIN_MEMORY_MB, " MB");
			positive(params.maxmemory, name, "maximum memory", MIN_MEMORY_MB, " MB");
			if ((params.mincpunumber ?? 0) > (params.maxcpunumber ?? INT_MAX)) {
				throw new CsError(ERROR.paramError, "mincpunumber should not be greater than maxcpunumber");
			}
			if ((params.minmemory ?? 0) > (params.maxmemory ?? INT_MAX)) {
				throw new CsError(ERROR.paramError, "minmemory should not be greater than maxmemory");
			}
		} else {
			if (params.cpunumber === undefined || params.memory === undefined) {
				throw new CsError(
					ERROR.paramError,
					"For creating a fixed (customized=false) compute offering cpunumber and memory must be specified",
				);
			}
			positive(params.cpunumber, name, "cpu number");
			positive(params.memory, name, "memory", MIN_MEMORY_MB, " MB");
		}
		if (params.rootdisksize !== undefined && params.rootdisksize <= 0) {
			throw new CsError(
				ERROR.paramError,
				`The Root disk size is of ${params.rootdisksize} GB but it must be greater than 0.`,
			);
		}
		const storageType = parseStorageType(params.storagetype);
		const provisioningType = parseProvisioningType(params.provisioningtype);
		if (params.diskofferingid) {
			const disk = await requireDiskOffering(deps.db, params.diskofferingid, "diskofferingid");
			if (disk.state !== "Active") {
				throw new CsError(ERROR.paramError, `Disk offering ${disk.id} is Inactive and cannot be used`);
			}
		}
		const scope = await newOfferingScope(SERVICE_OFFERING, { deps, caller }, params);

		const now = deps.clock.now();
		const row: typeof serviceOfferings.$inferSelect = {
			id: newUuid(),
			name,
			displayText: params.displaytext?.trim() ? params.displaytext : name,
			cpuNumber: customized ? null : (params.cpunumber ?? null),
			cpuSpeed: params.cpuspeed ?? null,
			memory: customized ? null : (params.memory ?? null),
			customized,
			minCpuNumber: customized ? (params.mincpunumber ?? null) : null,
			maxCpuNumber: customized ? (params.maxcpunumber ?? null) : null,
			minMemory: customized ? (params.minmemory ?? null) : null,
			maxMemory: customized ? (params.maxmemory ?? null) : null,
			offerHa: params.offerha ?? false,
			limitCpuUse: params.limitcpuuse ?? false,
			isVolatile: params.isvolatile ?? false,
			storageType,
			provisioningType,
			storageTags: params.tags?.trim() || null,
			hostTags: params.hosttags?.trim() || null,
			rootDiskSize: params.rootdisksize ?? null,
			diskOfferingId: params.diskofferingid ?? null,
			...scope,
			isSystem: false,
			systemVmType: null,
			dynamicScalingEnabled: params.dynamicscalingenabled ?? true,
			sortKey: 0,
			state: "Active",
			created: now,
			removed: null,
		};
		await insertOffering(SERVICE_OFFERING, { deps, caller }, now, row);
		return { type: "object", name: "serviceoffering", value: await serviceOfferingResponse(deps.db, row) };
	},
});
