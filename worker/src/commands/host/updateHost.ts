import { and, eq } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import { HOST_FIELDS, type HostRow } from "../../api/serializers/host";
import { eventInsert } from "../../db/events";
import { hosts } from "../../db/schema";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { hostTagString } from "./host-rules";
import { inMaintenance } from "./host-state";
import { hostResponse, requireHost } from "./host-view";

export const updateHost = defineCommand({
	name: "updateHost",
	description: "Updates a host.",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		id: p.uuid("the ID of the host to update", { required: true, related: "listHosts" }),
		name: p.string("the new name of the host", { since: "4.15" }),
		allocationstate: p.string("Change resource state of host, valid values are [Enable, Disable]"),
		hosttags: p.list("list of tags to be added to the host (replaces the current ones)"),
		istagarule: p.boolean("whether the host tag is a rule (not supported: always false)"),
		url: p.string("the new uri for the secondary storage: nfs://host/path (not supported for KVM hosts)"),
		oscategoryid: p.uuid("the id of Os category to update the host with (ignored)", { related: "listOsCategories" }),
		annotation: p.string("Add an annotation to this host (ignored)", { since: "4.11" }),
	},
	responseFields: HOST_FIELDS,
	related: ["listHosts", "addHost"],
	async handle({ params, deps, caller }) {
		const host = await requireHost(deps.db, params.id);
		if (params.url !== undefined && params.url.trim() !== "") {
			throw new CsError(ERROR.paramError, "Changing the url of a KVM host is not supported: delete and add it again");
		}
		if (params.istagarule === true) {
			throw new CsError(ERROR.paramError, "Host tag rules are not supported: give plain host tags");
		}
		const changes = {
			name: newName(host, params.name),
			resourceState: resourceState(host, params.allocationstate),
			hostTags: params.hosttags === undefined ? host.hostTags : hostTagString(params.hosttags),
		};
		const now = deps.clock.now();
		await deps.db.batch([
			// Guarded on the resource state read: a maintenance that started meanwhile is not undone.
			deps.db
				.update(hosts)
				.set(changes)
				.where(and(eq(hosts.id, host.id), eq(hosts.resourceState, host.resourceState))),
			eventInsert(deps.db, now, caller, {
				type: "HOST.UPDATE",
				description: `Host ${changes.name} updated`,
				resourceType: "Host",
				resourceId: host.id,
				resourceName: changes.name,
			}),
		]);
		return { type: "object", name: "host", value: await hostResponse(deps.db, host.id) };
	},
});

function newName(host: HostRow, raw: string | undefined): string {
	if (raw === undefined) return host.name;
	const name = raw.trim();
	if (name === "") throw new CsError(ERROR.paramError, "The name of the host must not be empty");
	return name;
}

/** Enable/Disable (CloudStack's ResourceState.Event names; Enabled/Disabled accepted too). */
function resourceState(host: HostRow, raw: string | undefined): string {
	if (raw === undefined || raw.trim() === "") return host.resourceState;
	const value = raw.trim().toLowerCase();
	const target =
		value === "enable" || value === "enabled"
			? "Enabled"
			: value === "disable" || value === "disabled"
				? "Disabled"
				: undefined;
	if (!target) {
		throw new CsError(ERROR.paramError, `Invalid allocation state ${raw}: valid values are Enable and Disable`);
	}
	if (inMaintenance(host.resourceState)) {
		throw new CsError(
			ERROR.paramError,
			`Host ${host.name} is in resource state ${host.resourceState}: cancel its maintenance (cancelHostMaintenance) before enabling or disabling it`,
		);
	}
	return target;
}
