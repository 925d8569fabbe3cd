import { and, eq, inArray } from "drizzle-orm";
import { CsError, ERROR, permissionDenied } from "../../api/errors";
import { eventInsert } from "../../db/events";
import { idChunks, requireResources, requireTaggableType } from "../../db/repos/taggable";
import { accounts, domains, resourceTags } from "../../db/schema";
import { canSeeAccount } from "../../domain/access";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { resourceIds, tagMap } from "./tag-input";

export const deleteTags = defineCommand({
	name: "deleteTags",
	description: "Deleting resource tag(s)",
	since: "4.0.0",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	async: { className: "org.apache.cloudstack.api.command.user.tag.DeleteTagsCmd", instanceType: "None" },
	params: {
		tags: p.map("Delete tags matching key/value pairs; a key without a value deletes that key whatever its value"),
		resourcetype: p.string("Delete tag by resource type", { required: true }),
		resourceids: p.list("Delete tags for resource id(s)", { required: true }),
	},
	responseFields: { success: ["boolean", "true if operation is executed successfully"] },
	related: ["createTags", "listTags"],
	async handle({ params, deps, caller }) {
		const type = requireTaggableType(params.resourcetype);
		const ids = resourceIds("deletetags", params.resourceids);
		const filter = tagMap(params.tags);
		await requireResources(deps.db, type, ids);
		const tags = (
			await Promise.all(
				idChunks(ids).map((part) =>
					deps.db
						.select({
							tag: resourceTags,
							accountType: accounts.type,
							domainPath: domains.path,
						})
						.from(resourceTags)
						.leftJoin(accounts, eq(accounts.id, resourceTags.accountId))
						.leftJoin(domains, eq(domains.id, resourceTags.domainId))
						.where(and(eq(resourceTags.resourceType, type), inArray(resourceTags.resourceId, part))),
				),
			)
		)
			.flat()
			.filter(({ tag }) => {
				if (filter.size === 0) return true;
				// CloudStack matches keys and values case-insensitively here.
				const wanted = filter.get(tag.key.toLowerCase());
				if (!wanted) return false;
				return wanted.value === undefined || wanted.value.toLowerCase() === tag.value.toLowerCase();
			});
		// CloudStack's deleteTags answers false when nothing matched, which the command turns into a failure.
		if (tags.length === 0) throw new CsError(ERROR.internal, "Failed to delete tags");
		for (const { tag, accountType, domainPath } of tags) {
			const owner = { id: tag.accountId, type: accountType ?? 0, domainPath: domainPath ?? "" };
			if (tag.accountId !== caller.accountId && (domainPath === null || !canSeeAccount(caller, owner))) {
				throw permissionDenied(
					`Account '${caller.accountName}' doesn't have permissions to delete tag ${tag.key} of ${type} ${tag.resourceId}`,
				);
			}
		}
		const now = deps.clock.now();
		const keys = [...new Set(tags.map(({ tag }) => tag.key))].join(", ");
		await deps.db.batch([
			eventInsert(deps.db, now, caller, {
				type: "DELETE_TAGS",
				description: `Deleted tag(s) ${keys} from ${ids.length} ${type} resource(s)`,
				resourceType: type,
				...(ids.length === 1 ? { resourceId: ids[0] } : {}),
			}),
			...idChunks(tags.map(({ tag }) => tag.id)).map((part) =>
				deps.db.delete(resourceTags).where(inArray(resourceTags.id, part)),
			),
		]);
		return { type: "success" };
	},
});
