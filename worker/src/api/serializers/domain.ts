/** @module domain → CloudStack `domain` response. */
import type { FieldTable } from "../../commands/types";
import type { domains } from "../../db/schema";
import { compact, csDate } from "./format";

export const DOMAIN_FIELDS = {
	id: ["string", "the ID of the domain"],
	name: ["string", "the name of the domain"],
	level: ["integer", "the level of the domain"],
	parentdomainid: ["string", "the domain ID of the parent domain"],
	parentdomainname: ["string", "the domain name of the parent domain"],
	haschild: ["boolean", "whether the domain has one or more sub-domains"],
	path: ["string", "the path of the domain"],
	networkdomain: ["string", "the network domain"],
	state: ["string", "the state of the domain"],
	created: ["date", "the date when this domain was created"],
} as const satisfies FieldTable;

type DomainRow = typeof domains.$inferSelect;

/** CloudStack shows paths as `ROOT/a/b`; we store `/a/b/`. */
export function displayPath(path: string): string {
	return `ROOT${path.replace(/\/$/, "")}`;
}

export function serializeDomain(
	row: DomainRow,
	extra: { parentName?: string | undefined; hasChild: boolean },
): Record<string, unknown> {
	return compact({
		id: row.id,
		name: row.name,
		level: row.level,
		parentdomainid: row.parentId,
		parentdomainname: extra.parentName,
		haschild: extra.hasChild,
		path: displayPath(row.path),
		networkdomain: row.networkDomain,
		state: row.state,
		created: csDate(row.created),
	} satisfies Record<keyof typeof DOMAIN_FIELDS, unknown>);
}
