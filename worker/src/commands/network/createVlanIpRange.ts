import { eq } from "drizzle-orm";
import { CsError, ERROR, invalidParam } from "../../api/errors";
import { serializeVlanIpRanges, VLAN_IP_RANGE_FIELDS } from "../../api/serializers/vlan-ip-range";
import type { Db } from "../../db/client";
import { eventInsert } from "../../db/events";
import { resolveAccount } from "../../db/repos/accounts";
import { requireDomain } from "../../db/repos/domains";
import { requirePod, requireZone } from "../../db/repos/inventory";
import { type NetworkRow, zoneDefaultNetwork } from "../../db/repos/networks";
import { networks } from "../../db/schema";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { planRange, rangeWrites } from "./ip-range";

export const createVlanIpRange = defineCommand({
	name: "createVlanIpRange",
	description:
		"Creates a guest IP range (a VLAN IP range) of a shared guest network; in a Basic zone each range belongs to a pod",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		podid: p.uuid("optional parameter. Have to be specified for Direct Untagged vlan only.", { related: "listPods" }),
		zoneid: p.uuid("the Zone ID of the VLAN IP range (default: the pod's or the network's zone)", {
			related: "listZones",
		}),
		networkid: p.uuid(
			"the network id; default: the zone's default guest network (Basic zone); required for an Advanced zone",
			{ related: "listNetworks" },
		),
		gateway: p.string("the gateway of the VLAN IP range (default: the network's gateway)"),
		netmask: p.string("the netmask of the VLAN IP range (default: the network's netmask)"),
		startip: p.string("the beginning IP address in the VLAN IP range", { required: true }),
		endip: p.string("the ending IP address in the VLAN IP range (default: startip)"),
		vlan: p.string('the ID or VID of the VLAN; default is "untagged"'),
		forvirtualnetwork: p.boolean("true if VLAN is of Virtual type, false if Direct (only false: no virtual networks)"),
		forsystemvms: p.boolean("true if IP range is set to system vms, false if not (only false: no system VMs)"),
		account: p.string("account who will own the VLAN. If VLAN is Zone wide, this parameter should be omitted"),
		domainid: p.uuid("domain ID of the account owning a VLAN", { related: "listDomains" }),
	},
	responseName: "createvlaniprangeresponse",
	responseFields: VLAN_IP_RANGE_FIELDS,
	related: ["listVlanIpRanges", "deleteVlanIpRange"],
	async handle({ params, deps, caller }) {
		const { db } = deps;
		if (params.forvirtualnetwork) {
			throw new CsError(
				ERROR.paramError,
				"forvirtualnetwork=true is not supported: this cloud has no public (virtual) networks, only direct guest ranges of shared networks",
			);
		}
		if (params.forsystemvms) {
			throw new CsError(ERROR.paramError, "forsystemvms=true is not supported: this cloud runs no system VMs");
		}
		const pod = params.podid ? await requirePod(db, params.podid, params.zoneid) : null;
		let network: NetworkRow | undefined;
		if (params.networkid) {
			network = await db.select().from(networks).where(eq(networks.id, params.networkid)).get();
			if (!network) throw invalidParam("networkid", params.networkid);
		}
		const zoneId = params.zoneid ?? network?.zoneId ?? pod?.zoneId;
		if (!zoneId)
			throw new CsError(ERROR.paramError, "Please specify a zoneid, a podid or a networkid for the IP range");
		const zone = await requireZone(db, zoneId);
		if (pod && pod.zoneId !== zone.id) {
			throw new CsError(ERROR.paramError, `Pod ${pod.id} does not belong to zone ${zone.id}`);
		}
		if (network && network.zoneId !== zone.id) {
			throw new CsError(ERROR.paramError, `Network ${network.name} belongs to another zone than zone ${zone.name}`);
		}
		if (zone.networkType === "Basic") {
			if (!pod) {
				throw new CsError(ERROR.paramError, `A Basic zone's guest IP ranges belong to a pod: podid is required`);
			}
			network ??= await zoneDefaultNetwork(db, zone.id);
			if (!network) throw new CsError(ERROR.paramError, `Zone ${zone.name} has no default guest network`);
		} else {
			if (pod) throw new CsError(ERROR.paramError, "Can specify podId only when network type is Basic");
			if (!network) {
				throw new CsError(
					ERROR.paramError,
					`networkid is required: the IP range of an Advanced zone belongs to one of its shared networks`,
				);
			}
		}
		const owner = await rangeOwner(db, params);
		const now = deps.clock.now();
		const request = {
			zone,
			pod,
			gateway: params.gateway,
			netmask: params.netmask,
			startip: params.startip,
			endip: params.endip,
			vlan: params.vlan,
			domainId: owner.domainId,
			accountId: owner.accountId,
			now,
		};
		let plan = await planRange(db, { ...request, network });
		const description = `${plan.row.startIp}-${plan.row.endIp}`;
		const event = eventInsert(db, now, caller, {
			type: "VLAN.IP.RANGE.CREATE",
			description: `Guest IP range ${description} created for network ${network.name}`,
			resourceType: "Vlan",
			resourceId: plan.row.id,
			resourceName: description,
		});
		try {
			await db.batch([event, ...rangeWrites(db, plan)]);
		} catch (error) {
			// A guard of the batch refused: a concurrent request added an overlapping range, or the
			// network's first range. Validating again against what is stored now reports a conflict
			// as the 431 it is; without one, the range fits the network as it is now: write it so.
			const current = await db.select().from(networks).where(eq(networks.id, network.id)).get();
			plan = await planRange(db, { ...request, id: plan.row.id, network: current ?? network });
			if (!current) throw error;
			await db.batch([event, ...rangeWrites(db, plan)]);
		}
		const [value = {}] = await serializeVlanIpRanges(db, [plan.row]);
		return { type: "object", name: "vlan", value };
	},
});

/** A dedicated range's owner: an account (account + domainid) or a whole domain (domainid alone). */
async function rangeOwner(
	db: Db,
	params: { account?: string | undefined; domainid?: string | undefined },
): Promise<{ domainId: string | null; accountId: string | null }> {
	if (params.account && !params.domainid) {
		throw new CsError(ERROR.paramError, "account must be specified together with domainid");
	}
	if (!params.domainid) return { domainId: null, accountId: null };
	const domain = await requireDomain(db, params.domainid);
	if (!params.account) return { domainId: domain.id, accountId: null };
	const account = await resolveAccount(db, { account: params.account, domainid: domain.id });
	return { domainId: domain.id, accountId: account.id };
}
