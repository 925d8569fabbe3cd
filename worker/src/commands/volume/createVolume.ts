import { CsError, ERROR } from "../../api/errors";
import { VOLUME_FIELDS } from "../../api/serializers/volume";
import { eventInsert } from "../../db/events";
import { requireZone } from "../../db/repos/inventory";
import { volumes } from "../../db/schema";
import { startJob } from "../../jobs/start";
import { newUuid } from "../../lib/ids";
import { requireVm } from "../../volumes/access";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { resourceOwner } from "../resource-owner";
import { dataVolumeName, requireDiskOffering, volumeBytes } from "./volume-rules";

export const createVolume = defineCommand({
	name: "createVolume",
	description:
		"Creates a disk volume from a disk offering. The volume stays Allocated (not on storage) until it is attached to a virtual machine; with virtualmachineid it is attached at once.",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	async: { className: "org.apache.cloudstack.api.command.user.volume.CreateVolumeCmd", instanceType: "Volume" },
	params: {
		name: p.string("the name of the disk volume"),
		diskofferingid: p.uuid("the ID of the disk offering", { related: "listDiskOfferings" }),
		size: p.long("Arbitrary volume size (GB), for a customized disk offering"),
		zoneid: p.uuid("the ID of the availability zone", { related: "listZones" }),
		virtualmachineid: p.uuid(
			"the ID of the virtual machine; to be used with snapshot Id, VM to which the volume gets attached after creation",
			{
				related: "listVirtualMachines",
			},
		),
		snapshotid: p.uuid("not supported yet: volumes are created from disk offerings", { related: "listSnapshots" }),
		displayvolume: p.boolean("an optional field, whether to display the volume to the end user or not"),
		miniops: p.long("min iops (ignored: no storage QoS)"),
		maxiops: p.long("max iops (ignored: no storage QoS)"),
		account: p.string("the account associated with the disk volume. Must be used with the domainId parameter."),
		domainid: p.uuid("the domain ID associated with the disk offering", { related: "listDomains" }),
		projectid: p.uuid("not supported: flarestack has no projects"),
	},
	responseFields: VOLUME_FIELDS,
	related: ["listVolumes", "attachVolume", "deleteVolume"],
	async handle({ params, deps, caller }) {
		const { db } = deps;
		if (params.projectid !== undefined) {
			throw new CsError(ERROR.paramError, "Projects are not supported by flarestack: leave out projectid");
		}
		if (params.snapshotid !== undefined) {
			throw new CsError(
				ERROR.paramError,
				"Creating a volume from a snapshot is not supported: use revertSnapshot or createTemplate",
			);
		}
		if (!params.diskofferingid) {
			throw new CsError(
				ERROR.paramError,
				"Either disk offering ID or snapshot ID must be passed while creating volume",
			);
		}
		const offering = await requireDiskOffering(db, params.diskofferingid);
		const sizeBytes = volumeBytes(offering, params.size);
		const owner = await resourceOwner(db, caller, params, "create volumes");
		const vm = params.virtualmachineid ? await requireVm(db, caller, params.virtualmachineid) : undefined;
		if (vm && vm.accountId !== owner.id) {
			throw new CsError(ERROR.paramError, `Virtual machine ${vm.name} belongs to another account than the volume`);
		}
		const zoneId = params.zoneid ?? vm?.zoneId;
		if (!zoneId) throw new CsError(ERROR.paramError, "Please specify zoneid (or virtualmachineid) for the new volume");
		const zone = await requireZone(db, zoneId);
		if (vm && vm.zoneId !== zone.id) {
			throw new CsError(ERROR.paramError, `Virtual machine ${vm.name} is in another zone than ${zone.name}`);
		}
		const id = newUuid();
		const name = params.name?.trim() || (await dataVolumeName(db, owner.id));
		const now = deps.clock.now();
		await db.batch([
			db.insert(volumes).values({
				id,
				name,
				accountId: owner.id,
				domainId: owner.domainId,
				zoneId: zone.id,
				type: "DATADISK",
				state: "Allocated",
				sizeBytes,
				format: "QCOW2",
				diskOfferingId: offering.id,
				created: now,
			}),
			eventInsert(db, now, caller, {
				type: "VOLUME.CREATE",
				description: `Created volume ${name} (${sizeBytes} bytes) in zone ${zone.name}`,
				resourceType: "Volume",
				resourceId: id,
				resourceName: name,
				owner: { accountId: owner.id, domainId: owner.domainId },
			}),
		]);
		const jobid = await startJob(deps, caller, {
			kind: "volume.create",
			zoneId: zone.id,
			resource: vm ? `vm:${vm.id}` : `volume:${id}`,
			cmd: "org.apache.cloudstack.api.command.user.volume.CreateVolumeCmd",
			instanceType: "Volume",
			instanceId: id,
			payload: { volumeId: id, vmId: vm?.id },
		});
		return { type: "job", jobid, id };
	},
});
