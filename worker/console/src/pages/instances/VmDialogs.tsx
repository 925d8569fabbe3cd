/**
 * @module The questions VmActions asks before a destructive or targeted action: destroy (with
 * CloudStack's "Expunge" checkbox), expunge, and the target host of a migration.
 */
import { Alert, Button, Checkbox, Group, Loader, Modal, Radio, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { type Row, rowsOf } from "../../api/client";
import { errorText } from "../../api/errors";
import { useCall } from "../../api/queries";
import { migrationTargets } from "./migration";

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
 * Live migration stays inside the VM's cluster (migrateVirtualMachine's rule): findHostsForMigration
 * lists that cluster's other hosts and marks the ones with room; the others are shown, disabled,
 * with the reason, so an operator sees why a host is not offered.
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
	const found = useCall("findHostsForMigration", { virtualmachineid: vm.id, pagesize: 200 });
	const targets = migrationTargets(rowsOf(found.data ?? {}, "host"));
	const suitable = targets.filter((t) => !t.disabled).length;
	const source = vm.hostname ? `host ${vm.hostname}` : "its host";
	return (
		<Modal opened onClose={onClose} title={`Migrate ${nameOf(vm)}`} size="lg">
			<Stack>
				<Text size="sm">Live-migrates the running instance from {source} to another host of the same cluster.</Text>
				{found.error && (
					<Alert color="red" role="alert">
						{errorText(found.error)}
					</Alert>
				)}
				{found.isPending ? (
					<Loader aria-label="Loading hosts" />
				) : (
					!found.error &&
					suitable === 0 && (
						<Alert color="yellow" title="No suitable host">
							{targets.length === 0
								? `No other host in the cluster of ${source}: there is nowhere to migrate this instance to.`
								: "No host of the cluster can take this instance now; the reasons are given below."}
						</Alert>
					)
				)}
				{targets.length > 0 && (
					<Radio.Group label="Target host" value={hostid} onChange={setHostid}>
						<Stack gap="xs" mt="xs">
							{targets.map((target) => (
								<Radio
									key={target.value}
									value={target.value}
									disabled={target.disabled}
									label={target.name}
									description={target.description}
								/>
							))}
						</Stack>
					</Radio.Group>
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
