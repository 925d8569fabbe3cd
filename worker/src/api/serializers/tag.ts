/** @module resource_tags → CloudStack `tag` (ResourceTagResponse), with its owner's names. */
import type { FieldTable } from "../../commands/types";
import type { TagRow } from "../../db/repos/tags";
import { displayPath } from "./domain";
import { compact } from "./format";

export const TAG_FIELDS = {
	key: ["string", "tag key name"],
	value: ["string", "tag value"],
	resourcetype: ["string", "resource type"],
	resourceid: ["string", "id of the resource"],
	account: ["string", "the account associated with the tag"],
	domainid: ["string", "the ID of the domain associated with the tag"],
	domain: ["string", "the domain associated with the tag"],
	domainpath: ["string", "path of the Domain associated with the tag"],
	customer: ["string", "customer associated with the tag"],
} as const satisfies FieldTable;

export interface TagOwnerNames {
	account: string | null;
	domain: string | null;
	domainPath: string | null;
}

export function serializeTagView(tag: TagRow, owner: TagOwnerNames): Record<string, unknown> {
	return compact({
		key: tag.key,
		value: tag.value,
		resourcetype: tag.resourceType,
		resourceid: tag.resourceId,
		account: owner.account,
		domainid: tag.domainId,
		domain: owner.domain,
		domainpath: owner.domainPath ? displayPath(owner.domainPath) : undefined,
		customer: tag.customer,
	} satisfies Record<keyof typeof TAG_FIELDS, unknown>);
}
