import { and, eq, isNull, sql } from "drizzle-orm";
import { CsError, ERROR, permissionDenied } from "../../api/errors";
import { DOMAIN_FIELDS } from "../../api/serializers/domain";
import { eventInsert } from "../../db/events";
import { requireDomain, serializeDomains, startsWith } from "../../db/repos/domains";
import { domains } from "../../db/schema";
import { canManageDomain, isRootAdmin } from "../../domain/access";
import { isValidNetworkDomain } from "../../domain/names";
import { defineCommand } from "../define";
import { p } from "../param-spec";

export const updateDomain = defineCommand({
	name: "updateDomain",
	description: "Updates a domain with a new name",
	access: "authenticated",
	authorized: ["Admin", "DomainAdmin"],
	params: {
		id: p.uuid("ID of domain to update", { required: true, related: "listDomains" }),
		name: p.string("updates domain with this name"),
		networkdomain: p.string(
			"Network domain for the domain's networks; empty string will update domainName with NULL value",
		),
	},
	responseFields: DOMAIN_FIELDS,
	related: ["listDomains", "createDomain"],
	async handle({ params, deps, caller }) {
		const domain = await requireDomain(deps.db, params.id, "id");
		// A domain admin may rename domains below its own, not its own domain.
		const ownDomain = domain.id === caller.domainId && !isRootAdmin(caller);
		if (!canManageDomain(caller, domain.path) || ownDomain) {
			throw permissionDenied(`The caller cannot update domain ${domain.id}`);
		}
		const name = params.name?.trim();
		if (name !== undefined && domain.parentId === null) {
			throw new CsError(ERROR.paramError, "ROOT domain can not be edited with a new name");
		}
		if (name !== undefined && (name === "" || name.includes("/"))) {
			throw new CsError(ERROR.paramError, "Domain name must not be empty or contain '/'");
		}
		if (params.networkdomain && !isValidNetworkDomain(params.networkdomain)) {
			throw new CsError(ERROR.paramError, "Invalid network domain");
		}
		if (name !== undefined && name !== domain.name) {
			const [clash] = await deps.db
				.select({ id: domains.id })
				.from(domains)
				.where(and(eq(domains.parentId, domain.parentId ?? ""), eq(domains.name, name), isNull(domains.removed)))
				.limit(1);
			if (clash)
				throw new CsError(
					ERROR.paramError,
					`Domain with name ${name} already exists for the parent ID: ${domain.parentId}`,
				);
		}
		const now = deps.clock.now();
		const newPath = name === undefined ? domain.path : `${domain.path.slice(0, -(domain.name.length + 1))}${name}/`;
		await deps.db.batch([
			deps.db
				.update(domains)
				.set({
					name: name ?? domain.name,
					...(params.networkdomain === undefined ? {} : { networkDomain: params.networkdomain || null }),
				})
				.where(eq(domains.id, domain.id)),
			// Renaming moves every descendant's path with it.
			deps.db
				.update(domains)
				.set({ path: sql`${newPath} || substr(${domains.path}, ${domain.path.length + 1})` })
				.where(startsWith(domains.path, domain.path)),
			eventInsert(deps.db, now, caller, {
				type: "DOMAIN.UPDATE",
				description: `Domain ${domain.name} updated`,
				resourceType: "Domain",
				resourceId: domain.id,
				resourceName: name ?? domain.name,
			}),
		]);
		const [value = {}] = await serializeDomains(deps.db, [await requireDomain(deps.db, domain.id, "id")]);
		return { type: "object", name: "domain", value };
	},
});
