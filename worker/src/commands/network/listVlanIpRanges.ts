import { and, eq, like, or, type SQL } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import { serializeVlanIpRanges, VLAN_IP_RANGE_FIELDS } from "../../api/serializers/vlan-ip-range";
import { resolveAccount } from "../../db/repos/accounts";
import { listPage } from "../../db/repos/list-page";
import { vlanIpRanges } from "../../db/schema";
import { defineCommand } from "../define";
import { pageWindow, pagingParams } from "../list-params";
import { p } from "../param-spec";
import { normaliseVlan } from "./ip-range";

export const listVlanIpRanges = defineCommand({
	name: "listVlanIpRanges",
	description: "Lists all guest IP ranges (VLAN IP ranges).",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		id: p.uuid("the ID of the VLAN IP range", { related: "listVlanIpRanges" }),
		podid: p.uuid("the Pod ID of the VLAN IP range", { related: "listPods" }),
		zoneid: p.uuid("the Zone ID of the VLAN IP range", { related: "listZones" }),
		networkid: p.uuid("network id of the VLAN IP range", { related: "listNetworks" }),
		vlan: p.string('the ID or VID of the VLAN. Default is an "untagged" VLAN.'),
		forvirtualnetwork: p.boolean("true if VLAN is of Virtual type, false if Direct"),
		account: p.string(
			"the account with which the VLAN IP range is associated. Must be used with the domainId parameter.",
		),
		domainid: p.uuid(
			"the domain ID with which the VLAN IP range is associated.  If used with the account parameter, returns all VLAN IP ranges for that account in the specified domain.",
			{ related: "listDomains" },
		),
		...pagingParams,
	},
	responseFields: VLAN_IP_RANGE_FIELDS,
	related: ["createVlanIpRange", "deleteVlanIpRange"],
	async handle({ params, deps }) {
		const window = pageWindow(params, deps.settings);
		const filters: (SQL | undefined)[] = [];
		if (params.id) filters.push(eq(vlanIpRanges.id, params.id));
		if (params.podid) filters.push(eq(vlanIpRanges.podId, params.podid));
		if (params.zoneid) filters.push(eq(vlanIpRanges.zoneId, params.zoneid));
		if (params.networkid) filters.push(eq(vlanIpRanges.networkId, params.networkid));
		if (params.vlan) filters.push(eq(vlanIpRanges.vlan, normaliseVlan(params.vlan) ?? ""));
		if (params.forvirtualnetwork !== undefined)
			filters.push(eq(vlanIpRanges.forVirtualNetwork, params.forvirtualnetwork));
		if (params.domainid) filters.push(eq(vlanIpRanges.domainId, params.domainid));
		if (params.account && !params.domainid) {
			throw new CsError(ERROR.paramError, "account must be used with the domainid parameter");
		}
		if (params.account && params.domainid) {
			const account = await resolveAccount(deps.db, { account: params.account, domainid: params.domainid });
			filters.push(eq(vlanIpRanges.accountId, account.id));
		}
		if (params.keyword) {
			const pattern = `%${params.keyword}%`;
			filters.push(
				or(
					like(vlanIpRanges.startIp, pattern),
					like(vlanIpRanges.endIp, pattern),
					like(vlanIpRanges.gateway, pattern),
					like(vlanIpRanges.vlan, pattern),
				),
			);
		}
		const { rows, count } = await listPage(
			deps.db,
			vlanIpRanges,
			and(...filters),
			[vlanIpRanges.created, vlanIpRanges.id],
			window,
		);
		const items = await serializeVlanIpRanges(deps.db, rows);
		return { type: "list", name: "vlaniprange", items, count };
	},
});
