import { and, eq } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { CsError, ERROR, permissionDenied } from "../../api/errors";
import { NETWORK_FIELDS, networkView } from "../../api/serializers/network";
import type { Db } from "../../db/client";
import { eventInsert } from "../../db/events";
import { resolveAccount } from "../../db/repos/accounts";
import { requireDomain } from "../../db/repos/domains";
import { requireZone, type ZoneRow } from "../../db/repos/inventory";
import type { NetworkRow } from "../../db/repos/networks";
import { networks } from "../../db/schema";
import { type Caller, isRootAdmin } from "../../domain/access";
import { isValidNetworkDomain } from "../../domain/names";
import { findNetworkOffering, type NetworkOffering } from "../../domain/network-offerings";
import { newUuid } from "../../lib/ids";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { normaliseVlan, parseSubnet, planRange, rangeWrites } from "./ip-range";

function paramError(text: string): CsError {
	return new CsError(ERROR.paramError, text);
}

const INVALID_NETWORK_DOMAIN =
	"Invalid network domain. Total length shouldn't exceed 190 chars. Each domain label must be between 1 and 63 characters long, can contain ASCII letters 'a' through 'z', the digits '0' through '9', and the hyphen ('-'); can't start or end with \"-\"";

interface Params {
	acltype?: string | undefined;
	account?: string | undefined;
	domainid?: string | undefined;
	subdomainaccess?: boolean | undefined;
}

/** The network's ACL type and owner: a domain (Domain ACL, the default) or one account. */
async function networkOwner(db: Db, caller: Caller, zone: ZoneRow, params: Params) {
	const raw = params.acltype?.trim().toLowerCase() ?? "domain";
	if (raw !== "domain" && raw !== "account") {
		throw paramError("AclType should be Domain or Account for network of type Shared");
	}
	if (raw === "account") {
		if (params.subdomainaccess !== undefined) {
			throw paramError("Parameter subDomainAccess can be specified only with aclType=Domain");
		}
		if (zone.networkType === "Basic") {
			throw paramError("Only AclType=Domain can be specified for network creation in Basic zone");
		}
		if (params.account && !params.domainid) throw paramError("account must be specified together with domainid");
		const account = params.account
			? await resolveAccount(db, { account: params.account, domainid: params.domainid })
			: { id: caller.accountId, domainId: caller.domainId, networkDomain: null };
		const domain = await requireDomain(db, account.domainId);
		return {
			aclType: "Account",
			domain,
			accountId: account.id,
			accountDomain: account.networkDomain,
			subdomainAccess: null,
		};
	}
	if (params.account)
		throw paramError("account can be specified only with aclType=Account; use domainid for a domain network");
	const domain = await requireDomain(db, params.domainid ?? caller.domainId);
	if (zone.networkType === "Basic") {
		if (domain.path !== "/") throw paramError("Guest network in Basic zone should be dedicated to ROOT domain");
		if (params.subdomainaccess === false) {
			throw paramError("Subdomain access should be set to true for the guest network in the Basic zone");
		}
	}
	return {
		aclType: "Domain",
		domain,
		accountId: null,
		accountDomain: null,
		subdomainAccess: params.subdomainaccess ?? true,
	};
}

/** The VLAN of a new shared network, by CloudStack's rules for the zone type and offering. */
async function networkVlan(db: Db, zone: ZoneRow, offering: NetworkOffering, raw: string | undefined) {
	const vlan = normaliseVlan(raw);
	if (zone.networkType === "Basic") {
		if (vlan !== undefined && vlan !== "untagged") {
			throw paramError("Only vlan untagged can be created in the zone of type Basic");
		}
		return "untagged";
	}
	if (vlan !== undefined && !offering.specifyVlan) {
		throw paramError("Can't specify vlan; corresponding offering says specifyVlan=false");
	}
	if (vlan === undefined && offering.specifyVlan) {
		throw paramError("Vlan has to be specified; corresponding offering says specifyVlan=true");
	}
	if (vlan === undefined) return "untagged";
	const clash = await db
		.select({ id: networks.id, name: networks.name })
		.from(networks)
		.where(and(eq(networks.zoneId, zone.id), eq(networks.vlan, vlan)))
		.get();
	if (clash) {
		throw paramError(
			`There is a isolated/shared network with vlan id: ${raw} already exists in zone ${zone.id} (network ${clash.name})`,
		);
	}
	return vlan;
}

export const createNetwork = defineCommand({
	name: "createNetwork",
	description:
		"Creates a shared guest network (ROOT admins only; isolated networks need virtual routers, which this cloud does not run)",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		name: p.string("the name of the network", { required: true }),
		displaytext: p.string("the display text of the network (default: the name)"),
		networkofferingid: p.uuid("the network offering ID (a shared offering, see listNetworkOfferings)", {
			required: true,
			related: "listNetworkOfferings",
		}),
		zoneid: p.uuid("the zone ID for the network", { required: true, related: "listZones" }),
		gateway: p.string("the gateway of the network (required in an Advanced zone)"),
		netmask: p.string("the netmask of the network (required in an Advanced zone)"),
		startip: p.string("the beginning IP address in the network IP range; creates the network's first guest IP range"),
		endip: p.string("the ending IP address in the network IP range. If not specified, will be defaulted to startIP"),
		vlan: p.string("the ID or VID of the network"),
		networkdomain: p.string("network domain"),
		acltype: p.string("Access control type; supported values are account and domain (the default)"),
		account: p.string("account that will own the network (aclType=Account); must be used with domainid"),
		domainid: p.uuid("domain ID of the account owning a network, or the domain of a Domain network", {
			related: "listDomains",
		}),
		subdomainaccess: p.boolean(
			"Defines whether to allow subdomains to use networks dedicated to their parent domain(s). Should be used with aclType=Domain, defaulted to true",
		),
	},
	responseFields: NETWORK_FIELDS,
	related: ["listNetworks"],
	async handle({ params, deps, caller }) {
		const { db } = deps;
		const offering = findNetworkOffering(params.networkofferingid);
		if (!offering) {
			throw paramError(
				`Invalid parameter networkofferingid value=${params.networkofferingid}: no such network offering. Only shared guest networks are offered here (isolated networks need virtual routers, which this cloud does not run); see listNetworkOfferings`,
			);
		}
		if (!isRootAdmin(caller)) throw permissionDenied("Only ROOT admins can create networks of guest type Shared");
		const zone = await requireZone(db, params.zoneid);
		if (zone.networkType === "Basic") {
			const existing = await db.select({ id: networks.id }).from(networks).where(eq(networks.zoneId, zone.id)).get();
			if (existing) throw paramError("Can't have more than one Guest network in zone with network type Basic");
			if (params.gateway || params.netmask || params.startip || params.endip) {
				throw paramError(
					"StartIp/endIp/gateway/netmask can't be specified for zone of type Basic; add each pod's guest IP range with createVlanIpRange",
				);
			}
		} else if (!params.gateway || !params.netmask) {
			throw paramError("StartIp/endIp/gateway/netmask are required when create network of type Shared");
		}
		if (params.endip && !params.startip) throw paramError("endip requires startip");
		if (params.networkdomain && !isValidNetworkDomain(params.networkdomain)) throw paramError(INVALID_NETWORK_DOMAIN);
		const owner = await networkOwner(db, caller, zone, params);
		const vlan = await networkVlan(db, zone, offering, params.vlan);
		const subnet =
			params.gateway && params.netmask ? parseSubnet({ gateway: params.gateway, netmask: params.netmask }) : null;
		const now = deps.clock.now();
		const name = params.name.trim();
		if (name === "") throw paramError("The network name must not be empty");
		const row: NetworkRow = {
			id: newUuid(),
			name,
			displayText: params.displaytext?.trim() || name,
			zoneId: zone.id,
			networkOfferingId: offering.id,
			guestType: "Shared",
			trafficType: "Guest",
			gateway: subnet?.gatewayText ?? null,
			netmask: subnet?.netmaskText ?? null,
			cidr: subnet?.cidr ?? null,
			vlan,
			networkDomain: params.networkdomain ?? owner.accountDomain ?? owner.domain.networkDomain ?? zone.networkDomain,
			// Shared networks with their own subnet need nothing implemented: CloudStack's Setup.
			state: "Setup",
			aclType: owner.aclType,
			domainId: owner.domain.id,
			accountId: owner.accountId,
			subdomainAccess: owner.subdomainAccess,
			isDefault: zone.networkType === "Basic",
			created: now,
		};
		const writes: BatchItem<"sqlite">[] = [];
		const rangeRequest = params.startip
			? {
					zone,
					pod: null,
					network: row,
					startip: params.startip,
					endip: params.endip,
					domainId: null,
					accountId: null,
					now,
				}
			: null;
		if (rangeRequest) {
			const plan = await planRange(db, rangeRequest);
			const range = `${plan.row.startIp}-${plan.row.endIp}`;
			writes.push(
				...rangeWrites(db, plan),
				eventInsert(db, now, caller, {
					type: "VLAN.IP.RANGE.CREATE",
					description: `Guest IP range ${range} created for network ${name}`,
					resourceType: "Vlan",
					resourceId: plan.row.id,
					resourceName: range,
				}),
			);
		}
		try {
			await db.batch([
				db.insert(networks).values(row),
				eventInsert(db, now, caller, {
					type: "NETWORK.CREATE",
					description: `Shared network ${name} created in zone ${zone.name}`,
					resourceType: "Network",
					resourceId: row.id,
					resourceName: name,
				}),
				...writes,
			]);
		} catch (error) {
			// The range's guard refused: a concurrent request took some of its addresses (431 now).
			if (rangeRequest) await planRange(db, rangeRequest);
			throw error;
		}
		return { type: "object", name: "network", value: await networkView(db, row.id, { full: true }) };
	},
});
