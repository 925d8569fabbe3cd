/**
 * @module A VM's lifecycle actions, the one component behind the list's row menu and the details
 * page's buttons. Each action offered is one the VM's state allows (vmStates.ts); async ones run
 * through useJobs (progress and result as notifications), destructive ones ask first.
 */
import { ActionIcon, Button, Group, Menu } from "@mantine/core";
import { IconDots } from "@tabler/icons-react";
import { useState } from "react";
import type { Params, Row } from "../../api/client";
import { useJobs } from "../../api/jobs";
import { useRefresh } from "../../api/queries";
import { useSession } from "../../api/session";
import { DestroyDialog, ExpungeDialog, MigrateDialog } from "./VmDialogs";
import { allowedActions, type VmAction } from "./vmStates";

const LABELS: Record<VmAction, string> = {
	start: "Start",
	stop: "Stop",
	reboot: "Reboot",
	migrate: "Migrate",
	destroy: "Destroy",
	recover: "Recover",
	expunge: "Expunge",
};

const COMMANDS: Record<VmAction, string> = {
	start: "startVirtualMachine",
	stop: "stopVirtualMachine",
	reboot: "rebootVirtualMachine",
	migrate: "migrateVirtualMachine",
	destroy: "destroyVirtualMachine",
	recover: "recoverVirtualMachine",
	expunge: "expungeVirtualMachine",
};

/** Actions that open a dialog before anything is sent. */
const ASKS = new Set<VmAction>(["destroy", "expunge", "migrate"]);

export function VmActions({ vm, layout }: { vm: Row; layout: "menu" | "buttons" }) {
	const { user } = useSession();
	const { run } = useJobs();
	const refresh = useRefresh();
	const [dialog, setDialog] = useState<VmAction | null>(null);
	const [busy, setBusy] = useState<VmAction | null>(null);
	const actions = allowedActions(vm.state, user?.type);
	const name = String(vm.displayname ?? vm.name);

	const perform = async (action: VmAction, extra: Params = {}) => {
		setDialog(null);
		setBusy(action);
		const label = `${LABELS[action]} ${name}`;
		const params = action === "migrate" ? { virtualmachineid: vm.id, ...extra } : { id: vm.id, ...extra };
		try {
			await run(COMMANDS[action], params, label, { notifyRefused: true });
			// recoverVirtualMachine is synchronous: no job ends to refresh the lists.
			if (action === "recover") await refresh();
		} catch {
			// Notified by useJobs (a refused call or a failed job).
		} finally {
			setBusy(null);
		}
	};

	const choose = (action: VmAction) => (ASKS.has(action) ? setDialog(action) : void perform(action));

	const dialogs = (
		<>
			{dialog === "destroy" && (
				<DestroyDialog
					vm={vm}
					canExpunge={user?.type === "1" || user?.type === "2"}
					onClose={() => setDialog(null)}
					onConfirm={(expunge) => perform("destroy", expunge ? { expunge: true } : {})}
				/>
			)}
			{dialog === "expunge" && (
				<ExpungeDialog vm={vm} onClose={() => setDialog(null)} onConfirm={() => perform("expunge")} />
			)}
			{dialog === "migrate" && (
				<MigrateDialog vm={vm} onClose={() => setDialog(null)} onConfirm={(hostid) => perform("migrate", { hostid })} />
			)}
		</>
	);

	if (layout === "buttons") {
		return (
			<Group gap="xs" wrap="wrap">
				{actions.map((action) => (
					<Button
						key={action}
						variant={action === "destroy" || action === "expunge" ? "light" : "default"}
						color={action === "destroy" || action === "expunge" ? "red" : undefined}
						loading={busy === action}
						disabled={busy !== null && busy !== action}
						onClick={() => choose(action)}
					>
						{LABELS[action]}
					</Button>
				))}
				{dialogs}
			</Group>
		);
	}
	return (
		<>
			<Menu position="bottom-end" withinPortal>
				<Menu.Target>
					<ActionIcon variant="subtle" aria-label={`Actions for ${name}`} loading={busy !== null}>
						<IconDots size={18} />
					</ActionIcon>
				</Menu.Target>
				<Menu.Dropdown>
					{actions.length === 0 && <Menu.Item disabled>No action in state {vm.state}</Menu.Item>}
					{actions.map((action) => (
						<Menu.Item
							key={action}
							color={action === "destroy" || action === "expunge" ? "red" : undefined}
							onClick={() => choose(action)}
						>
							{LABELS[action]}
						</Menu.Item>
					))}
				</Menu.Dropdown>
			</Menu>
			{dialogs}
		</>
	);
}
