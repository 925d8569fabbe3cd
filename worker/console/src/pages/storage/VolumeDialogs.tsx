/**
 * @module The Volumes page's forms: create (a disk offering, and a size for a customized one),
 * attach to an instance, resize, and take a snapshot. All four commands are async: they go through
 * useJobs().run, so the form waits for the job and a failed job's text lands on its field too.
 */
import { Select, TextInput } from "@mantine/core";
import { type Row, rowsOf } from "../../api/client";
import { useApiForm } from "../../api/form";
import { useJobs } from "../../api/jobs";
import { useOptions, useZoneOptions } from "../../api/options";
import { useCall } from "../../api/queries";
import { FormModal } from "../../components/FormModal";

/** Disk offerings as options, labelled with their size ("custom" when the user picks it). */
function useDiskOfferings() {
	const answer = useCall("listDiskOfferings", {});
	const rows = rowsOf(answer.data ?? {}, "diskoffering");
	const options = rows.map((row) => ({
		value: String(row.id),
		label: `${row.name} (${row.iscustomized ? "custom size" : `${row.disksize} GB`})`,
	}));
	const isCustom = (id: string) => Boolean(rows.find((row) => row.id === id)?.iscustomized);
	return { options, isCustom };
}

export function CreateVolume({ onClose }: { onClose(): void }) {
	const { run } = useJobs();
	const zones = useZoneOptions();
	const offerings = useDiskOfferings();
	const form = useApiForm({ name: "", zoneid: "", diskofferingid: "", size: "" });
	const custom = offerings.isCustom(form.values.diskofferingid);
	return (
		<FormModal
			title="Create volume"
			submitLabel="Create"
			form={form}
			onClose={onClose}
			size="md"
			action={(v) => run("createVolume", { ...v, size: custom ? v.size : undefined }, `Create volume ${v.name}`)}
		>
			<TextInput label="Name" required {...form.input("name")} />
			<Select label="Zone" required data={zones} searchable {...form.input("zoneid")} />
			<Select
				label="Disk offering"
				required
				data={offerings.options}
				searchable
				nothingFoundMessage="No disk offerings"
				{...form.input("diskofferingid")}
			/>
			{custom && <TextInput label="Size (GB)" required inputMode="numeric" {...form.input("size")} />}
		</FormModal>
	);
}

export function AttachVolume({ volume, onClose }: { volume: Row; onClose(): void }) {
	const { run } = useJobs();
	const vms = useOptions(
		"listVirtualMachines",
		"virtualmachine",
		{ zoneid: volume.zoneid },
		{ label: (vm) => String(vm.displayname ?? vm.name ?? vm.id) },
	);
	const form = useApiForm({ virtualmachineid: "" });
	return (
		<FormModal
			title={`Attach volume ${volume.name}`}
			submitLabel="Attach"
			form={form}
			onClose={onClose}
			size="md"
			action={(v) => run("attachVolume", { id: volume.id, ...v }, `Attach ${volume.name}`)}
		>
			<Select label="Instance" required data={vms} searchable {...form.input("virtualmachineid")} />
		</FormModal>
	);
}

export function ResizeVolume({ volume, onClose }: { volume: Row; onClose(): void }) {
	const { run } = useJobs();
	const offerings = useDiskOfferings();
	const form = useApiForm({ size: "", diskofferingid: "" });
	const current = Number(volume.size) / 1024 ** 3;
	return (
		<FormModal
			title={`Resize volume ${volume.name}`}
			submitLabel="Resize"
			form={form}
			onClose={onClose}
			size="md"
			action={(v) => run("resizeVolume", { id: volume.id, ...v }, `Resize ${volume.name}`)}
		>
			<TextInput
				label="New size (GB)"
				description={Number.isFinite(current) ? `Now ${current.toFixed(1)} GB` : undefined}
				inputMode="numeric"
				{...form.input("size")}
			/>
			<Select
				label="New disk offering"
				data={offerings.options}
				searchable
				clearable
				{...form.input("diskofferingid")}
			/>
		</FormModal>
	);
}

export function SnapshotVolume({ volume, onClose }: { volume: Row; onClose(): void }) {
	const { run } = useJobs();
	const form = useApiForm({ name: "" });
	return (
		<FormModal
			title={`Take snapshot of ${volume.name}`}
			submitLabel="Take snapshot"
			form={form}
			onClose={onClose}
			size="md"
			action={(v) => run("createSnapshot", { volumeid: volume.id, name: v.name }, `Snapshot ${volume.name}`)}
		>
			<TextInput
				label="Name"
				description="Left empty, the API names it after the volume and time"
				{...form.input("name")}
			/>
		</FormModal>
	);
}
