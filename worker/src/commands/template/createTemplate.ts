/**
 * @module createTemplate from a snapshot or from a stopped instance's volume: the template row and
 * its zone copy (Allocated, with its place on the zone's secondary storage) are made in the
 * request; the job copies the image there (snapshots/template-from.ts) and turns the copy Ready.
 */
import { and, eq, isNull } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import { TEMPLATE_FIELDS } from "../../api/serializers/template";
import { templateStores, templates, vmInstances } from "../../db/schema";
import { isRootAdmin } from "../../domain/access";
import { startJob } from "../../jobs/start";
import { newUuid } from "../../lib/ids";
import { secondaryPath } from "../../templates/locations";
import { requireSnapshot, requireVolume } from "../../volumes/access";
import { volumeResource, zoneImageStore } from "../../volumes/site";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { resourceOwner } from "../resource-owner";
import { archOf, detailsJson, osTypeOf } from "./image-rules";

export const createTemplate = defineCommand({
	name: "createTemplate",
	description:
		"Creates a template of a virtual machine's volume (the instance must be Stopped) or of a volume snapshot, kept on the zone's secondary storage",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	async: { className: "org.apache.cloudstack.api.command.user.template.CreateTemplateCmd", instanceType: "Template" },
	params: {
		name: p.string("the name of the template", { required: true }),
		displaytext: p.string("The display text of the template, defaults to the 'name'.", { length: 4096 }),
		ostypeid: p.uuid("the ID of the OS Type that best represents the OS of this template.", {
			required: true,
			related: "listOsTypes",
		}),
		snapshotid: p.uuid("the ID of the snapshot the template is being created from", { related: "listSnapshots" }),
		volumeid: p.uuid("the ID of the disk volume the template is being created from", { related: "listVolumes" }),
		virtualmachineid: p.uuid("Optional, VM ID (with volumeid: the instance the volume belongs to)", {
			related: "listVirtualMachines",
		}),
		url: p.string("not supported: the template is kept on secondary storage", { length: 2048 }),
		zoneid: p.uuid("the zone for the template (the source's zone)", { related: "listZones" }),
		ispublic: p.boolean("true if this template is a public template, false otherwise"),
		isfeatured: p.boolean("true if this template is a featured template, false otherwise (root admins only)"),
		passwordenabled: p.boolean("true if the template supports the password reset feature; default is false"),
		sshkeyenabled: p.boolean("true if the template supports the sshkey upload feature; default is false"),
		requireshvm: p.boolean("true if the template requires HVM, false otherwise"),
		isdynamicallyscalable: p.boolean("true if template contains XS/VMWare tools inorder to support dynamic scaling"),
		bits: p.integer("32 or 64 bit"),
		arch: p.string("the CPU arch of the template: x86_64 (default) or aarch64", { since: "4.20" }),
		templatetag: p.string("the tag for this template (root admins only)"),
		details: p.map("Template details in key/value pairs using format details[i].keyname=keyvalue"),
		account: p.string("an optional accountName; must be used with domainId"),
		domainid: p.uuid("an optional domainId; if the account parameter is used, domainId must also be used"),
		projectid: p.uuid("not supported: flarestack has no projects"),
	},
	responseFields: TEMPLATE_FIELDS,
	related: ["listTemplates", "createSnapshot"],
	async handle({ params, deps, caller }) {
		const { db } = deps;
		if (params.projectid !== undefined) {
			throw new CsError(ERROR.paramError, "Projects are not supported by flarestack: leave out projectid");
		}
		if (params.url)
			throw new CsError(ERROR.paramError, "createTemplate from a url is not supported: use registerTemplate");
		if ((params.snapshotid === undefined) === (params.volumeid === undefined)) {
			throw new CsError(ERROR.paramError, "Please specify exactly one of volumeid and snapshotid");
		}
		if (params.bits !== undefined && params.bits !== 32 && params.bits !== 64) {
			throw new CsError(ERROR.paramError, "bits must be 32 or 64");
		}
		if (params.templatetag !== undefined && !isRootAdmin(caller)) {
			throw new CsError(ERROR.paramError, "Only root admins may set templatetag");
		}
		const name = params.name.trim();
		if (name === "") throw new CsError(ERROR.paramError, "Please specify a name for the template");
		const osTypeId = osTypeOf(params.ostypeid);
		const arch = archOf(params.arch);
		let zoneId: string;
		let sizeBytes: number;
		let resource: string;
		if (params.snapshotid) {
			const snapshot = await requireSnapshot(db, caller, params.snapshotid, "snapshotid");
			if (snapshot.state !== "BackedUp") {
				throw new CsError(ERROR.paramError, `Snapshot ${snapshot.name} is ${snapshot.state}: it is not ready yet`);
			}
			zoneId = snapshot.zoneId;
			sizeBytes = snapshot.sizeBytes;
			resource = `snapshot:${snapshot.id}`;
		} else {
			const volume = await requireVolume(db, caller, params.volumeid ?? "", "volumeid");
			if (volume.state !== "Ready") {
				throw new CsError(
					ERROR.paramError,
					`Volume ${volume.name} is ${volume.state}: only Ready volumes can become templates`,
				);
			}
			if (params.virtualmachineid && volume.vmId !== params.virtualmachineid) {
				throw new CsError(
					ERROR.paramError,
					`Volume ${volume.name} is not attached to virtual machine ${params.virtualmachineid}`,
				);
			}
			if (volume.vmId) {
				const vm = await db
					.select()
					.from(vmInstances)
					.where(and(eq(vmInstances.id, volume.vmId), isNull(vmInstances.removed)))
					.get();
				if (vm && vm.state !== "Stopped") {
					throw new CsError(
						ERROR.paramError,
						`VM ${vm.name} is ${vm.state}: a template is created from the volume of a Stopped virtual machine`,
					);
				}
			}
			zoneId = volume.zoneId;
			sizeBytes = volume.sizeBytes;
			resource = volumeResource(volume);
		}
		if (params.zoneid && params.zoneid !== zoneId) {
			throw new CsError(ERROR.paramError, `The source is in another zone than ${params.zoneid}`);
		}
		const owner = await resourceOwner(db, caller, params, "create templates");
		const secondary = await zoneImageStore(db, zoneId);
		const id = newUuid();
		const now = deps.clock.now();
		await db.batch([
			db.insert(templates).values({
				id,
				name,
				displayText: params.displaytext?.trim() ? params.displaytext : name,
				isIso: false,
				format: "QCOW2",
				hypervisor: "KVM",
				osTypeId,
				templateType: "USER",
				accountId: owner.id,
				domainId: owner.domainId,
				url: null,
				isPublic: params.ispublic ?? false,
				isFeatured: isRootAdmin(caller) ? (params.isfeatured ?? false) : false,
				isExtractable: false,
				passwordEnabled: params.passwordenabled ?? false,
				sshKeyEnabled: params.sshkeyenabled ?? false,
				isDynamicallyScalable: params.isdynamicallyscalable ?? false,
				requiresHvm: params.requireshvm ?? true,
				bits: params.bits ?? 64,
				arch,
				templateTag: params.templatetag?.trim() || null,
				details: detailsJson(params.details),
				created: now,
			}),
			db.insert(templateStores).values({
				templateId: id,
				zoneId,
				imageStoreId: secondary.row.id,
				state: "Allocated",
				path: secondaryPath(owner.id, id, "QCOW2"),
				sizeBytes,
				created: now,
				updated: now,
			}),
		]);
		const jobid = await startJob(deps, caller, {
			kind: "template.fromVolume",
			zoneId,
			resource,
			cmd: "org.apache.cloudstack.api.command.user.template.CreateTemplateCmd",
			instanceType: "Template",
			instanceId: id,
			payload: { templateId: id, zoneId, volumeId: params.volumeid, snapshotId: params.snapshotid },
		});
		return { type: "job", jobid, id };
	},
});
