/**
 * @module The questions VmActions asks before a destructive or targeted action: destroy (with
 * CloudStack's "Expunge" checkbox), expunge, and the target host of a migration.
 */
import { Alert, Button, Checkbox, Group, Loader, Modal, Select, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { type Row, rowsOf } from "../../api/client";
import { errorText } from "../../api/errors";
import { useCall } from "../../api/queries";

function nameOf(vm: Row): string {
	return String(vm.displayname ?? vm.name);
}

function Confirm({
	title,
	children,
	button,
	onClose,
	onConfirm,
}: {
	title: string;
	children: React.ReactNode;
	button: string;
	onClose(): void;
	onConfirm(): void;
}) {
	return (
		<Modal opened onClose={onClose} title={title}>
			<Stack>
				{children}
				<Group justify="end">
					<Button variant="default" onClick={onClose}>
						Cancel
					</Button>
					<Button color="red" onClick={onConfirm}>
						{button}
					</Button>
				</Group>
			</Stack>
		</Modal>
	);
}

export function DestroyDialog({
	vm,
	canExpunge,
	onClose,
	onConfirm,
}: {
	vm: Row;
	canExpunge: boolean;
	onClose(): void;
	onConfirm(expunge: boolean): void;
}) {
	const [expunge, setExpunge] = useState(false);
	return (
		<Confirm title={`Destroy ${nameOf(vm)}?`} button="Destroy" onClose={onClose} onConfirm={() => onConfirm(expunge)}>
			<Text>
				The instance stops and is destroyed. Until it is expunged it can be recovered; expunging deletes its root disk
				for good.
			</Text>
			{canExpunge && (
				<Checkbox
					label="Expunge now (cannot be recovered)"
					checked={expunge}
					onChange={(event) => setExpunge(event.currentTarget.checked)}
				/>
			)}
		</Confirm>
	);
}

export function ExpungeDialog({ vm, onClose, onConfirm }: { vm: Row; onClose(): void; onConfirm(): void }) {
	return (
		<Confirm title={`Expunge ${nameOf(vm)}?`} button="Expunge" onClose={onClose} onConfirm={onConfirm}>
			<Text>The destroyed instance and its root disk are deleted for good; it cannot be recovered afterwards.</Text>
		</Confirm>
	);
}

/**
 * Live migration stays inside the VM's cluster (migrateVirtualMachine's rule); our API has no
 * findHostsForMigration, so the targets are the other hosts of the current host's cluster.
 */
export function MigrateDialog({
	vm,
	onClose,
	onConfirm,
}: {
	vm: Row;
	onClose(): void;
	onConfirm(hostid: string): void;
}) {
	const [hostid, setHostid] = useState<string | null>(null);
	const current = useCall("listHosts", { id: vm.hostid }, Boolean(vm.hostid));
	const clusterid = rowsOf(current.data ?? {}, "host")[0]?.clusterid as string | undefined;
	const candidates = useCall("listHosts", { clusterid, type: "Routing" }, Boolean(clusterid));
	const options = rowsOf(candidates.data ?? {}, "host")
		.filter((host) => host.id !== vm.hostid)
		.map((host) => ({
			value: String(host.id),
			label: `${host.name} (${host.state}, ${host.resourcestate ?? "Enabled"})`,
			disabled: host.state !== "Up" || (host.resourcestate && host.resourcestate !== "Enabled"),
		}));
	const error = current.error ?? candidates.error;
	return (
		<Modal opened onClose={onClose} title={`Migrate ${nameOf(vm)}`}>
			<Stack>
				<Text size="sm">
					Live-migrates the running instance from {vm.hostname ?? "its host"} to another host of the same cluster.
				</Text>
				{error && (
					<Alert color="red" role="alert">
						{errorText(error)}
					</Alert>
				)}
				{candidates.isPending && clusterid ? (
					<Loader aria-label="Loading hosts" />
				) : (
					<Select
						label="Target host"
						placeholder={options.length ? "Pick a host" : "No other host in this cluster"}
						data={options}
						value={hostid}
						onChange={setHostid}
						required
					/>
				)}
				<Group justify="end">
					<Button variant="default" onClick={onClose}>
						Cancel
					</Button>
					<Button disabled={!hostid} onClick={() => hostid && onConfirm(hostid)}>
						Migrate
					</Button>
				</Group>
			</Stack>
		</Modal>
	);
}
