/**
 * @module Adding an image store (secondary storage), shared by addImageStore and the legacy
 * addSecondaryStorage: NFS only, in a zone, with a `nfs://server/path` URL that no other image
 * store of the zone uses. Validates everything, then writes the row and its event in one batch.
 */
import { and, eq } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import type { Db } from "../../db/client";
import { eventInsert } from "../../db/events";
import { requireZone } from "../../db/repos/inventory";
import { imageStores } from "../../db/schema";
import type { Caller } from "../../domain/access";
import { newUuid } from "../../lib/ids";

const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function isHostName(host: string): boolean {
	if (IPV4.test(host)) return true;
	if (host.length > 253 || /^[\d.]+$/.test(host)) return false;
	return host.split(".").every((label) => HOST_LABEL.test(label));
}

/**
 * `nfs://server[:port]/path` in a canonical form (scheme and server lower-cased, trailing slashes
 * dropped), so the same export written twice is recognised; 431 with CloudStack's wording otherwise.
 */
export function parseNfsUrl(raw: string): { url: string; server: string; path: string } {
	const text = raw.trim();
	const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1];
	if (!scheme) {
		throw new CsError(ERROR.paramError, `uri.scheme is null ${raw}, add nfs:// as a prefix`);
	}
	if (scheme.toLowerCase() !== "nfs") {
		throw new CsError(ERROR.paramError, `Unsupported image store URL scheme ${scheme}: use nfs://server/path`);
	}
	const rest = text.slice(scheme.length + 3);
	const slash = rest.indexOf("/");
	const authority = slash < 0 ? rest : rest.slice(0, slash);
	const path = slash < 0 ? "" : rest.slice(slash).replace(/\/+$/, "");
	const port = /:(\d{1,5})$/.exec(authority);
	const server = (port ? authority.slice(0, -port[0].length) : authority).toLowerCase();
	const validPort = !port || (Number(port[1]) >= 1 && Number(port[1]) <= 65535);
	if (!isHostName(server) || !validPort || path === "" || /[?#\s]/.test(path)) {
		throw new CsError(
			ERROR.paramError,
			"Your host and/or path is wrong.  Make sure it's of the format nfs://hostname/path",
		);
	}
	return { url: `nfs://${server}${port ? port[0] : ""}${path}`, server, path };
}

/** The provider: NFS (case-insensitive); CloudStack's other providers are not offered here. */
export function imageStoreProvider(raw: string): "NFS" {
	const value = raw.trim();
	if (value.toLowerCase() === "nfs") return "NFS";
	throw new CsError(
		ERROR.paramError,
		`Image store provider ${raw} is not supported: flarestack offers NFS secondary storage only (provider=NFS)`,
	);
}

export interface NewImageStore {
	url: string;
	zoneId: string | undefined;
	name: string | undefined;
}

/** Validates and adds an NFS image store; returns its row and the zone's name. */
export async function addNfsImageStore(db: Db, now: number, caller: Caller, input: NewImageStore) {
	if (input.zoneId === undefined) {
		throw new CsError(ERROR.paramError, "zoneid is required for an NFS image store");
	}
	if (input.url.trim() === "") {
		throw new CsError(ERROR.paramError, "url is required for an NFS image store: nfs://server/export/path");
	}
	const zone = await requireZone(db, input.zoneId);
	const { url } = parseNfsUrl(input.url);
	const name = input.name?.trim() || url;
	const [clash] = await db
		.select({ id: imageStores.id, name: imageStores.name })
		.from(imageStores)
		.where(and(eq(imageStores.zoneId, zone.id), eq(imageStores.url, url)))
		.limit(1);
	if (clash) {
		throw new CsError(ERROR.paramError, `The image store ${clash.name} already uses ${url} in zone ${zone.name}`);
	}
	const row = {
		id: newUuid(),
		name,
		zoneId: zone.id,
		url,
		protocol: "nfs",
		provider: "NFS",
		scope: "ZONE",
		readonly: false,
		capacityBytes: 0,
		usedBytes: 0,
		created: now,
	};
	await db.batch([
		db.insert(imageStores).values(row),
		// CloudStack has no image-store create event; named after its OBJECT.STORE.CREATE.
		eventInsert(db, now, caller, {
			type: "IMAGE.STORE.CREATE",
			description: `Image store ${name} (${url}) added to zone ${zone.name}`,
			resourceType: "ImageStore",
			resourceId: row.id,
			resourceName: name,
		}),
	]);
	return { row, zoneName: zone.name };
}
