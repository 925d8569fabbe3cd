import { and, eq, inArray } from "drizzle-orm";
import { CsError, ERROR, permissionDenied } from "../../api/errors";
import { eventInsert } from "../../db/events";
import { idChunks, mayTag, type ResourceOwner, requireResources, requireTaggableType } from "../../db/repos/taggable";
import { resourceTags } from "../../db/schema";
import type { Caller } from "../../domain/access";
import { newUuid } from "../../lib/ids";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { resourceIds, tagMap } from "./tag-input";

export const createTags = defineCommand({
	name: "createTags",
	description: "Creates resource tag(s)",
	since: "4.0.0",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	async: { className: "org.apache.cloudstack.api.command.user.tag.CreateTagsCmd", instanceType: "None" },
	params: {
		tags: p.map("Map of tags (key/value pairs)", { required: true }),
		resourcetype: p.string("type of the resource", { required: true }),
		resourceids: p.list("list of resources to create the tags for", { required: true }),
		customer: p.string(
			"identifies client specific tag. When the value is not null, the tag can't be used by cloudStack code internally",
		),
	},
	responseFields: { success: ["boolean", "true if operation is executed successfully"] },
	related: ["listTags", "deleteTags"],
	async handle({ params, deps, caller }) {
		const type = requireTaggableType(params.resourcetype);
		const ids = resourceIds("createtags", params.resourceids);
		const tags = [...tagMap(params.tags).values()];
		if (tags.length === 0) {
			throw new CsError(ERROR.paramError, "Unable to execute API command createtags due to missing parameter tags");
		}
		for (const tag of tags) {
			if (!tag.value) throw new CsError(ERROR.paramError, `Value for the key ${tag.key} is either null or empty`);
		}
		const owners = await requireResources(deps.db, type, ids);
		for (const id of ids) {
			const owner = owners.get(id);
			if (owner && !mayTag(caller, owner)) {
				throw permissionDenied(
					`Account '${caller.accountName}' doesn't have permissions to create tags for resource '${id}'`,
				);
			}
		}
		const wanted = new Set(tags.map((t) => t.key.toLowerCase()));
		const existing = (
			await Promise.all(
				idChunks(ids).map((part) =>
					deps.db
						.select({ key: resourceTags.key, resourceId: resourceTags.resourceId })
						.from(resourceTags)
						.where(and(eq(resourceTags.resourceType, type), inArray(resourceTags.resourceId, part))),
				),
			)
		)
			.flat()
			.find((row) => wanted.has(row.key.toLowerCase()));
		if (existing) {
			throw new CsError(
				ERROR.paramError,
				`A tag with key ${existing.key} already exists on ${type} ${existing.resourceId}`,
			);
		}
		const now = deps.clock.now();
		const rows = ids.flatMap((resourceId) =>
			tags.map((tag) => ({
				id: newUuid(),
				key: tag.key,
				value: tag.value ?? "",
				resourceType: type,
				resourceId,
				// As CloudStack: the tag belongs to the resource's owner (an account's resources stay
				// visible to that account in listTags); resources nobody owns get the caller's account.
				...tagOwner(owners.get(resourceId), caller),
				customer: params.customer ?? null,
				created: now,
			})),
		);
		const keys = tags.map((t) => t.key).join(", ");
		try {
			await deps.db.batch([
				eventInsert(deps.db, now, caller, {
					type: "CREATE_TAGS",
					description: `Created tag(s) ${keys} on ${ids.length} ${type} resource(s)`,
					resourceType: type,
					...(ids.length === 1 ? { resourceId: ids[0] } : {}),
				}),
				...rows.map((row) => deps.db.insert(resourceTags).values(row)),
			]);
		} catch (thrown) {
			// A concurrent createTags won the race for the same key: the unique index refused ours.
			if (String((thrown as Error)?.message ?? thrown).includes("UNIQUE")) {
				throw new CsError(
					ERROR.paramError,
					`A tag with key among ${keys} already exists on one of the ${type} resources`,
				);
			}
			throw thrown;
		}
		return { type: "success" };
	},
});

/** The account and domain a new tag belongs to. */
function tagOwner(owner: ResourceOwner | undefined, caller: Caller): { accountId: string; domainId: string } {
	if (owner?.kind === "account") return { accountId: owner.accountId, domainId: owner.domainId };
	if (owner?.kind === "domain") return { accountId: caller.accountId, domainId: owner.domainId };
	return { accountId: caller.accountId, domainId: caller.domainId };
}
