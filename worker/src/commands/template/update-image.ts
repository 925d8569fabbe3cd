/**
 * @module updateTemplate and updateIso: the owner (or an admin over it) changes names, flags and
 * details; sortkey, templatetag and templatetype are root admins' (as in CloudStack). The stored
 * file does not change, so its format may not either.
 */
import { eq } from "drizzle-orm";
import { CsError, ERROR, permissionDenied } from "../../api/errors";
import { eventInsert } from "../../db/events";
import { canManageImage, requireImage } from "../../db/repos/templates";
import { templates } from "../../db/schema";
import { type Caller, isRootAdmin } from "../../domain/access";
import type { MapEntries } from "../param-spec";
import { p } from "../param-spec";
import type { CommandResult, Deps } from "../types";
import { archOf, detailsJson, type ImageKind, imageObjectResult, osTypeOf } from "./image-rules";

type Flag = boolean | undefined;

export const imageUpdateParams = {
	id: p.uuid("the ID of the image", { required: true }),
	name: p.string("the name of the image"),
	displaytext: p.string("the display text of the image", { length: 4096 }),
	ostypeid: p.uuid("the ID of the OS type that best represents the OS of this image", { related: "listOsTypes" }),
	forceupdateostype: p.boolean("accepted: the OS type is updated whatever VMs use the image", { since: "4.21" }),
	format: p.string("the format of the image: it cannot change once downloaded (the same value is accepted)"),
	passwordenabled: p.boolean("true if the image supports the password reset feature"),
	sshkeyenabled: p.boolean("true if the template supports the sshkey upload feature"),
	sortkey: p.integer("sort key of the template, integer (root admins)"),
	isdynamicallyscalable: p.boolean("true if template/ISO contains XS/VMWare tools inorder to support dynamic scaling"),
	requireshvm: p.boolean("true if the template requires HVM"),
	bootable: p.boolean("true if image is bootable"),
	details: p.map("Details in key/value pairs using format details[i].keyname=keyvalue"),
	cleanupdetails: p.boolean("optional boolean field, which indicates if details should be cleaned up or not"),
	arch: p.string("the CPU arch of the image: x86_64 or aarch64", { since: "4.20" }),
	isrouting: p.boolean("not supported: flarestack has no system VMs"),
};

export interface UpdateInput {
	id: string;
	name?: string | undefined;
	displaytext?: string | undefined;
	ostypeid?: string | undefined;
	format?: string | undefined;
	passwordenabled?: Flag;
	sshkeyenabled?: Flag;
	sortkey?: number | undefined;
	isdynamicallyscalable?: Flag;
	requireshvm?: Flag;
	bootable?: Flag;
	details?: MapEntries | undefined;
	cleanupdetails?: Flag;
	arch?: string | undefined;
	isrouting?: Flag;
	templatetag?: string | undefined;
	templatetype?: string | undefined;
}

function adminOnly(caller: Caller, name: string, value: unknown): void {
	if (value !== undefined && !isRootAdmin(caller)) {
		throw permissionDenied(`Only root admins may change ${name}`);
	}
}

export async function updateImage(
	kind: ImageKind,
	{ deps, caller }: { deps: Deps; caller: Caller },
	input: UpdateInput,
): Promise<CommandResult> {
	const found = await requireImage(deps.db, input.id, kind.isIso);
	if (!canManageImage(caller, found)) {
		throw permissionDenied(`The caller does not have permission to update ${kind.noun} ${input.id}`);
	}
	adminOnly(caller, "sortkey", input.sortkey);
	adminOnly(caller, "templatetag", input.templatetag);
	adminOnly(caller, "templatetype", input.templatetype);
	if (input.isrouting) throw new CsError(ERROR.paramError, "isrouting is not supported: flarestack has no system VMs");
	const { template } = found;
	if (input.format !== undefined && input.format.trim().toUpperCase() !== template.format) {
		throw new CsError(
			ERROR.paramError,
			`The format of ${kind.noun} ${template.name} is ${template.format}: it cannot change once registered`,
		);
	}
	if (input.name !== undefined && input.name.trim() === "") {
		throw new CsError(ERROR.paramError, `The name of a ${kind.noun} cannot be empty`);
	}
	if (
		input.templatetype !== undefined &&
		!["USER", "SYSTEM", "BUILTIN"].includes(input.templatetype.trim().toUpperCase())
	) {
		throw new CsError(ERROR.paramError, `Invalid templatetype ${input.templatetype}: use USER, SYSTEM or BUILTIN`);
	}
	const details = input.cleanupdetails ? null : input.details?.length ? detailsJson(input.details) : undefined;
	const changes: Partial<typeof templates.$inferInsert> = {
		...(input.name !== undefined ? { name: input.name.trim() } : {}),
		...(input.displaytext !== undefined ? { displayText: input.displaytext } : {}),
		...(input.ostypeid !== undefined ? { osTypeId: osTypeOf(input.ostypeid) } : {}),
		...(input.passwordenabled !== undefined ? { passwordEnabled: input.passwordenabled } : {}),
		...(input.sshkeyenabled !== undefined ? { sshKeyEnabled: input.sshkeyenabled } : {}),
		...(input.sortkey !== undefined ? { sortKey: input.sortkey } : {}),
		...(input.isdynamicallyscalable !== undefined ? { isDynamicallyScalable: input.isdynamicallyscalable } : {}),
		...(input.requireshvm !== undefined ? { requiresHvm: input.requireshvm } : {}),
		...(input.bootable !== undefined && kind.isIso ? { bootable: input.bootable } : {}),
		...(details !== undefined ? { details } : {}),
		...(input.arch !== undefined ? { arch: archOf(input.arch) } : {}),
		...(input.templatetag !== undefined ? { templateTag: input.templatetag.trim() || null } : {}),
		...(input.templatetype !== undefined ? { templateType: input.templatetype.trim().toUpperCase() } : {}),
	};
	const now = deps.clock.now();
	const name = changes.name ?? template.name;
	await deps.db.batch([
		deps.db
			.update(templates)
			.set({ ...changes, id: template.id })
			.where(eq(templates.id, template.id)),
		eventInsert(deps.db, now, caller, {
			type: kind.isIso ? "ISO.UPDATE" : "TEMPLATE.UPDATE",
			description: `Updated ${kind.noun.toLowerCase()} ${name}`,
			resourceType: kind.tagType,
			resourceId: template.id,
			resourceName: name,
			owner: { accountId: template.accountId, domainId: template.domainId },
		}),
	]);
	return imageObjectResult(deps.db, kind, template.id);
}
