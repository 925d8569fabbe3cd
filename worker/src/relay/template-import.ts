/**
 * @module `flarestack-relay template import FILE` on the Worker side, for sites without an HTTP
 * server (what CloudStack's cloud-install-sys-tmplt was for). Two calls, each with the agent's own
 * relay JWT (verified as for connect; the zone is the relay's own):
 * - `POST /relay/v1/template-import` {name, displayText?, format, osTypeId?} registers the template
 *   (owner: the root admin account; public, not featured, this zone only, no URL) with a
 *   Downloading row on the zone's image store with the most free space, and answers
 *   {templateId, store, path}: where the agent writes the file (same checks as a download).
 * - `POST /relay/v1/template-import/<templateId>` {ok:true, image} | {ok:false, error} → the row
 *   turns Ready (sizes, TEMPLATE.DOWNLOAD.SUCCESS) or Error (the text, TEMPLATE.DOWNLOAD.FAILED).
 */
import { ImageFormat, StoredImage } from "@flarestack/protocol";
import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { ADMIN_ACCOUNT_ID, ROOT_DOMAIN_ID } from "../db/bootstrap";
import type { Db } from "../db/client";
import { eventInsert } from "../db/events";
import { templateStores, templates } from "../db/schema";
import { findOsType, OS_TYPES } from "../domain/os-types";
import { isUuid, newUuid } from "../lib/ids";
import { pickImageStore } from "../templates/downloads";
import { secondaryPath, storeLocationOfImageStore } from "../templates/locations";
import { verifyRelayRequest } from "./jwt";

type Answer = {
	status: 200 | 201 | 400 | 401 | 403 | 404 | 409;
	body: Record<string, unknown>;
	/** The zone whose store usage changed (the route refreshes it). */
	changedZone?: string;
};

const RegisterBody = z.object({
	name: z.string().trim().min(1).max(255),
	displayText: z.string().trim().max(4096).optional(),
	format: ImageFormat,
	osTypeId: z.string().optional(),
});

const DoneBody = z.discriminatedUnion("ok", [
	z.object({ ok: z.literal(true), image: StoredImage.extend({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }) }),
	z.object({ ok: z.literal(false), error: z.string().min(1).max(2048) }),
]);

/** The OS type an import gets when the operator names none. */
const DEFAULT_OS_TYPE = OS_TYPES.find((t) => t.description === "Other Linux (64-bit)")?.id ?? "";

async function authorised(db: Db, request: Request, now: number): Promise<{ zoneId: string } | Answer> {
	const verified = await verifyRelayRequest(db, request, now);
	if (!verified) return { status: 401, body: { error: "The relay credential is invalid" } };
	if (!verified.ok) {
		const revoked = verified.reason === "revoked" || verified.reason === "unknown";
		return {
			status: revoked ? 403 : 401,
			body: { error: "The relay credential was refused", reason: verified.reason },
		};
	}
	return { zoneId: verified.relay.zoneId };
}

/** Registers an imported template and answers where to write it. */
export async function registerImport(db: Db, request: Request, body: unknown, now: number): Promise<Answer> {
	const auth = await authorised(db, request, now);
	if ("status" in auth) return auth;
	const parsed = RegisterBody.safeParse(body);
	if (!parsed.success) return { status: 400, body: { error: "Expected {name, displayText?, format, osTypeId?}" } };
	const input = parsed.data;
	const osType = input.osTypeId === undefined ? DEFAULT_OS_TYPE : findOsType(input.osTypeId)?.id;
	if (!osType) return { status: 400, body: { error: `Unknown OS type ${input.osTypeId} (see listOsTypes)` } };
	const store = await pickImageStore(db, auth.zoneId);
	if (!store) {
		return { status: 409, body: { error: "The zone has no secondary storage: add one with addImageStore first" } };
	}
	const isIso = input.format === "ISO";
	const id = newUuid();
	const path = secondaryPath(ADMIN_ACCOUNT_ID, id, input.format);
	const resource = { resourceType: isIso ? "Iso" : "Template", resourceId: id, resourceName: input.name };
	const owner = { accountId: ADMIN_ACCOUNT_ID, domainId: ROOT_DOMAIN_ID };
	await db.batch([
		db.insert(templates).values({
			id,
			name: input.name,
			displayText: input.displayText || input.name,
			isIso,
			format: input.format,
			hypervisor: isIso ? null : "KVM",
			osTypeId: osType,
			templateType: "USER",
			accountId: ADMIN_ACCOUNT_ID,
			domainId: ROOT_DOMAIN_ID,
			url: null,
			isPublic: true,
			isFeatured: false,
			crossZones: false,
			created: now,
		}),
		db.insert(templateStores).values({
			templateId: id,
			zoneId: auth.zoneId,
			imageStoreId: store.id,
			state: "Downloading",
			percent: 0,
			path,
			created: now,
			updated: now,
		}),
		eventInsert(db, now, null, {
			type: isIso ? "ISO.CREATE" : "TEMPLATE.CREATE",
			description: `Imported ${isIso ? "ISO" : "template"} ${input.name} through the zone's relay agent`,
			...resource,
			owner,
		}),
		eventInsert(db, now, null, {
			type: "TEMPLATE.DOWNLOAD.START",
			description: `Started uploading ${isIso ? "ISO" : "template"} ${input.name} from the relay agent`,
			...resource,
			owner,
		}),
	]);
	return { status: 201, body: { templateId: id, store: storeLocationOfImageStore(store), path } };
}

/** The agent's outcome of an import: the row turns Ready or Error. */
export async function finishImport(
	db: Db,
	request: Request,
	templateId: string,
	body: unknown,
	now: number,
): Promise<Answer> {
	const auth = await authorised(db, request, now);
	if ("status" in auth) return auth;
	const parsed = DoneBody.safeParse(body);
	if (!parsed.success) return { status: 400, body: { error: "Expected {ok:true, image} or {ok:false, error}" } };
	const template = isUuid(templateId)
		? await db
				.select()
				.from(templates)
				.where(and(eq(templates.id, templateId.toLowerCase()), isNull(templates.removed)))
				.get()
		: undefined;
	const key = and(eq(templateStores.templateId, template?.id ?? ""), eq(templateStores.zoneId, auth.zoneId));
	const row = template ? await db.select().from(templateStores).where(key).get() : undefined;
	// Only an import of this zone that is still under way (no command id: not a download).
	if (!template || !row || row.commandId !== null) return { status: 404, body: { error: "No such import" } };
	if (row.state !== "Downloading") return { status: 409, body: { error: `The import is ${row.state} already` } };
	const done = parsed.data;
	const kind = template.isIso ? "ISO" : "template";
	const event = {
		resourceType: template.isIso ? "Iso" : "Template",
		resourceId: template.id,
		resourceName: template.name,
		owner: { accountId: template.accountId, domainId: template.domainId },
	};
	if (done.ok) {
		if (done.image.path !== row.path || done.image.format !== template.format) {
			return { status: 400, body: { error: `Expected the ${template.format} file at ${row.path}` } };
		}
		await db.batch([
			db
				.update(templateStores)
				.set({
					state: "Ready",
					percent: 100,
					errorText: null,
					sizeBytes: done.image.sizeBytes,
					physicalBytes: done.image.physicalBytes,
					updated: now,
				})
				.where(key),
			eventInsert(db, now, null, {
				type: "TEMPLATE.DOWNLOAD.SUCCESS",
				description: `Uploaded ${kind} ${template.name} from the relay agent`,
				...event,
			}),
		]);
		return { status: 200, body: { state: "Ready" }, changedZone: auth.zoneId };
	}
	await db.batch([
		db.update(templateStores).set({ state: "Error", errorText: done.error, updated: now }).where(key),
		eventInsert(db, now, null, {
			type: "TEMPLATE.DOWNLOAD.FAILED",
			level: "ERROR",
			description: `Uploading ${kind} ${template.name} from the relay agent failed: ${done.error}`,
			...event,
		}),
	]);
	return { status: 200, body: { state: "Error" } };
}
