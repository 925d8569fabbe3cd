import { and, eq, isNull } from "drizzle-orm";
import { CsError, ERROR, permissionDenied } from "../../api/errors";
import { DOMAIN_FIELDS } from "../../api/serializers/domain";
import { eventInsert } from "../../db/events";
import { requireDomain, serializeDomains } from "../../db/repos/domains";
import { domains } from "../../db/schema";
import { canManageDomain } from "../../domain/access";
import { isValidNetworkDomain } from "../../domain/names";
import { newUuid } from "../../lib/ids";
import { defineCommand } from "../define";
import { p } from "../param-spec";

export const createDomain = defineCommand({
	name: "createDomain",
	description: "Creates a domain",
	access: "authenticated",
	authorized: ["Admin", "DomainAdmin"],
	params: {
		name: p.string("creates domain with this name", { required: true }),
		parentdomainid: p.uuid(
			"assigns new domain a parent domain by domain ID of the parent; default is the caller's domain",
			{ related: "listDomains" },
		),
		networkdomain: p.string("Network domain for networks in the domain"),
		domainid: p.string("Domain UUID, required for adding domain from another Region", { since: "4.2" }),
	},
	responseFields: DOMAIN_FIELDS,
	related: ["listDomains", "updateDomain"],
	async handle({ params, deps, caller }) {
		const parent = await requireDomain(deps.db, params.parentdomainid ?? caller.domainId, "parentdomainid");
		if (!canManageDomain(caller, parent.path))
			throw permissionDenied(`The caller cannot create domains under domain ${parent.id}`);
		const name = params.name.trim();
		if (name === "" || name.includes("/")) {
			throw new CsError(ERROR.paramError, "Domain name must not be empty or contain '/'");
		}
		if (params.networkdomain && !isValidNetworkDomain(params.networkdomain)) {
			throw new CsError(
				ERROR.paramError,
				"Invalid network domain. Total length shouldn't exceed 190 chars. Each domain label must be between 1 and 63 characters long, can contain ASCII letters 'a' through 'z', the digits '0' through '9', and the hyphen ('-'); can't start or end with \"-\"; can't start with digit",
			);
		}
		const [sibling] = await deps.db
			.select({ id: domains.id })
			.from(domains)
			.where(and(eq(domains.parentId, parent.id), eq(domains.name, name), isNull(domains.removed)))
			.limit(1);
		if (sibling) {
			throw new CsError(ERROR.paramError, `Domain with name ${name} already exists for the parent ID: ${parent.id}`);
		}
		const id = params.domainid?.toLowerCase() ?? newUuid();
		if (await deps.db.select({ id: domains.id }).from(domains).where(eq(domains.id, id)).get()) {
			throw new CsError(ERROR.paramError, `A domain with ID ${id} already exists`);
		}
		const now = deps.clock.now();
		const row = {
			id,
			name,
			parentId: parent.id,
			path: `${parent.path}${name}/`,
			level: parent.level + 1,
			networkDomain: params.networkdomain ?? null,
			state: "Active",
			created: now,
			removed: null,
		};
		await deps.db.batch([
			deps.db.insert(domains).values(row),
			eventInsert(deps.db, now, caller, {
				type: "DOMAIN.CREATE",
				description: `Domain ${name} created`,
				resourceType: "Domain",
				resourceId: id,
				resourceName: name,
			}),
		]);
		const [value = {}] = await serializeDomains(deps.db, [row]);
		return { type: "object", name: "domain", value };
	},
});
