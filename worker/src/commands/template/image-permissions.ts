/**
 * @module list/updateTemplatePermissions and their ISO twins: who an image is shared with
 * (accounts of the owner's domain, as CloudStack), and its public/featured/extractable flags.
 */
import { and, eq, inArray, isNull } from "drizzle-orm";
import { CsError, ERROR, permissionDenied } from "../../api/errors";
import { eventInsert } from "../../db/events";
import { canManageImage, requireImage, sharedAccountNames } from "../../db/repos/templates";
import { accounts, templatePermissions, templates } from "../../db/schema";
import { type Caller, isRootAdmin } from "../../domain/access";
import { p } from "../param-spec";
import type { CommandResult, Deps, FieldTable } from "../types";
import type { ImageKind } from "./image-rules";

export const PERMISSION_FIELDS = {
	id: ["string", "the template ID"],
	ispublic: ["boolean", "true if this template is a public template, false otherwise"],
	domainid: ["string", "the ID of the domain to which the template belongs"],
	account: ["list", "the list of accounts the template is available for"],
} as const satisfies FieldTable;

export async function listImagePermissions(
	kind: ImageKind,
	{ deps, caller }: { deps: Deps; caller: Caller },
	id: string,
): Promise<CommandResult> {
	const found = await requireImage(deps.db, id, kind.isIso);
	// Sharing is the owner's business; a public image shows its flag to everyone.
	if (!canManageImage(caller, found) && !found.template.isPublic) {
		throw permissionDenied(`The caller does not have permission to see the permissions of ${kind.noun} ${id}`);
	}
	const names = canManageImage(caller, found) ? await sharedAccountNames(deps.db, id) : [];
	return {
		type: "object",
		name: "templatepermission",
		value: {
			id,
			ispublic: found.template.isPublic,
			domainid: found.template.domainId,
			...(names.length > 0 ? { account: names } : {}),
		},
	};
}

export const permissionUpdateParams = {
	id: p.uuid("the image ID", { required: true }),
	accounts: p.list(
		'a comma delimited list of accounts within the owner\'s domain. If specified, "op" parameter has to be passed in.',
	),
	op: p.string("permission operator (add, remove, reset)"),
	ispublic: p.boolean("true for a public image, false for a private one"),
	isfeatured: p.boolean("true for a featured image (root admins)"),
	isextractable: p.boolean("true if the image is extractable, false otherwise"),
	projectids: p.list("not supported: flarestack has no projects"),
};

export interface PermissionInput {
	id: string;
	accounts?: string[] | undefined;
	op?: string | undefined;
	ispublic?: boolean | undefined;
	isfeatured?: boolean | undefined;
	isextractable?: boolean | undefined;
	projectids?: string[] | undefined;
}

function parseOp(raw: string | undefined, hasAccounts: boolean): "add" | "remove" | "reset" | null {
	if (raw === undefined || raw.trim() === "") {
		if (hasAccounts) throw new CsError(ERROR.paramError, "Please specify op (add, remove or reset) with accounts");
		return null;
	}
	const op = raw.trim().toLowerCase();
	if (op !== "add" && op !== "remove" && op !== "reset") {
		throw new CsError(ERROR.paramError, `Invalid op ${raw}: use add, remove or reset`);
	}
	if (op !== "reset" && !hasAccounts) throw new CsError(ERROR.paramError, `op ${op} needs accounts`);
	return op;
}

/** The accounts named, all of the owner's domain (CloudStack looks them up there); 431 for one that is not. */
async function namedAccounts(deps: Deps, domainId: string, names: string[]): Promise<string[]> {
	const unique = [...new Set(names)];
	if (unique.length > 90) throw new CsError(ERROR.paramError, "At most 90 accounts at a time");
	const rows = await deps.db
		.select({ id: accounts.id, name: accounts.name })
		.from(accounts)
		.where(and(eq(accounts.domainId, domainId), inArray(accounts.name, unique), isNull(accounts.removed)));
	const missing = unique.filter((n) => !rows.some((r) => r.name === n));
	if (missing.length > 0) {
		throw new CsError(
			ERROR.paramError,
			`Unable to find account ${missing.join(", ")} in the domain of the image owner (${domainId})`,
		);
	}
	return rows.map((r) => r.id);
}

export async function updateImagePermissions(
	kind: ImageKind,
	{ deps, caller }: { deps: Deps; caller: Caller },
	input: PermissionInput,
): Promise<CommandResult> {
	if (input.projectids !== undefined && input.projectids.length > 0) {
		throw new CsError(ERROR.paramError, "Projects are not supported by flarestack: leave out projectids");
	}
	const found = await requireImage(deps.db, input.id, kind.isIso);
	if (!canManageImage(caller, found)) {
		throw permissionDenied(`The caller does not have permission to change the permissions of ${kind.noun} ${input.id}`);
	}
	if (input.isfeatured !== undefined && !isRootAdmin(caller)) {
		throw permissionDenied("Only root admins may feature an image (isfeatured)");
	}
	const { template } = found;
	const op = parseOp(input.op, (input.accounts ?? []).length > 0);
	const ids = op && op !== "reset" ? await namedAccounts(deps, template.domainId, input.accounts ?? []) : [];
	if (ids.includes(template.accountId) && op === "add") {
		throw new CsError(ERROR.paramError, `The owner of ${kind.noun} ${template.name} needs no permission to use it`);
	}
	const now = deps.clock.now();
	const flags = {
		...(input.ispublic !== undefined ? { isPublic: input.ispublic } : {}),
		...(input.isfeatured !== undefined ? { isFeatured: input.isfeatured } : {}),
		...(input.isextractable !== undefined ? { isExtractable: input.isextractable } : {}),
	};
	const event = eventInsert(deps.db, now, caller, {
		type: kind.isIso ? "ISO.UPDATE" : "TEMPLATE.UPDATE",
		description: `Updated the permissions of ${kind.noun.toLowerCase()} ${template.name}`,
		resourceType: kind.tagType,
		resourceId: template.id,
		resourceName: template.name,
		owner: { accountId: template.accountId, domainId: template.domainId },
	});
	const writes = [];
	if (Object.keys(flags).length > 0)
		writes.push(deps.db.update(templates).set(flags).where(eq(templates.id, template.id)));
	if (op === "reset")
		writes.push(deps.db.delete(templatePermissions).where(eq(templatePermissions.templateId, template.id)));
	if (op === "add" && ids.length > 0) {
		writes.push(
			deps.db
				.insert(templatePermissions)
				.values(ids.map((accountId) => ({ templateId: template.id, accountId, created: now })))
				.onConflictDoNothing(),
		);
	}
	if (op === "remove" && ids.length > 0) {
		writes.push(
			deps.db
				.delete(templatePermissions)
				.where(and(eq(templatePermissions.templateId, template.id), inArray(templatePermissions.accountId, ids))),
		);
	}
	await deps.db.batch([event, ...writes]);
	return { type: "success" };
}
