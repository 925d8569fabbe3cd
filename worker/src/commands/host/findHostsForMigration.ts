import { CsError, ERROR } from "../../api/errors";
import { HOST_FIELDS, serializeHost } from "../../api/serializers/host";
import type { FieldTable } from "../../commands/types";
import { hosts } from "../../db/schema";
import { containsText } from "../../db/text-match";
import { hostRow } from "../../vms/migrate-flow";
import { migrationHostsWhere, migrationVerdicts } from "../../vms/migration-hosts";
import { defineCommand } from "../define";
import { pageWindow, pagingParams } from "../list-params";
import { p } from "../param-spec";
import { requireVmForChange } from "../vm/lifecycle-rules";
import { hostPage } from "./host-view";

/** HostForMigrationResponse: the host fields plus the migration verdict. */
const HOST_FOR_MIGRATION_FIELDS = {
	...HOST_FIELDS,
	hasenoughcapacity: [
		"boolean",
		"true if this host has enough CPU and RAM capacity to migrate a VM to it, false otherwise",
	],
	suitableformigration: [
		"boolean",
		"true if this host is suitable(has enough capacity and satisfies all conditions like hosttags, max guests vm limit etc) to migrate a VM to it , false otherwise",
	],
	requiresStorageMotion: ["boolean", "true if migrating a vm to this host requires storage motion, false otherwise"],
} as const satisfies FieldTable;

export const findHostsForMigration = defineCommand({
	name: "findHostsForMigration",
	description: "Find hosts suitable for migrating a virtual machine.",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		virtualmachineid: p.uuid(
			"find hosts to which this VM can be migrated and flag the hosts with enough CPU/RAM to host the VM",
			{
				required: true,
				related: "listVirtualMachines",
			},
		),
		...pagingParams,
	},
	responseFields: HOST_FOR_MIGRATION_FIELDS,
	related: ["listHosts", "migrateVirtualMachine"],
	async handle({ params, deps, caller }) {
		const window = pageWindow(params, deps.settings);
		const vm = await requireVmForChange(deps, caller, params.virtualmachineid);
		const source = vm.state === "Running" ? await hostRow(deps.db, vm.hostId) : undefined;
		if (!source) {
			// CloudStack's text (ManagementServerImpl.listHostsForMigrationOfVM), with the state it found.
			throw new CsError(
				ERROR.paramError,
				`VM is not Running, unable to migrate the vm with specified id ${vm.id} (it is ${vm.state})`,
			);
		}
		// Only the source's cluster: without storage motion a live migration cannot leave it.
		const where = migrationHostsWhere(source, params.keyword ? containsText(hosts.name, params.keyword) : undefined);
		const { rows, count } = await hostPage(deps.db, where, window);
		const verdicts = await migrationVerdicts(deps.db, vm, source, rows);
		const items = rows.map(({ host, ctx }) => {
			const verdict = verdicts.get(host.id);
			return {
				...serializeHost(host, ctx),
				hasenoughcapacity: verdict?.hasEnoughCapacity ?? false,
				suitableformigration: verdict?.suitable ?? false,
				requiresStorageMotion: false,
			};
		});
		return { type: "list", name: "host", items, count };
	},
});
