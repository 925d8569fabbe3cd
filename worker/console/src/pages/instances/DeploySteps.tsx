/**
 * @module The deploy wizard's steps. Each step is inputs bound to the wizard's one form, so going
 * back and forth (or back to a field the API refused) keeps everything typed. Choices come from the
 * list commands CloudStack's own wizard uses, narrowed to the chosen zone.
 */
import { Radio, Select, Stack, Table, Text, Textarea, TextInput } from "@mantine/core";
import type { Params, Row } from "../../api/client";
import type { ApiForm } from "../../api/form";
import { useList } from "../../api/queries";
import { customInputs } from "./custom-offering";

/** The wizard's fields: API parameter names of deployVirtualMachine (userdata as plain text). */
export interface DeployValues extends Record<string, string> {
	zoneid: string;
	templateid: string;
	isoid: string;
	serviceofferingid: string;
	/** A customized offering's values (sent as details[0].cpuNumber/cpuSpeed/memory). */
	cpunumber: string;
	cpuspeed: string;
	memory: string;
	rootdisksize: string;
	diskofferingid: string;
	size: string;
	networkids: string;
	name: string;
	displayname: string;
	keypair: string;
	userdata: string;
}

export type DeployForm = ApiForm<DeployValues>;
export type ImageKind = "template" | "iso";

/** Enough choices for a wizard's drop-down; the Select searches within them. */
const CHOICES = { page: 1, pagesize: 200 };

interface Source {
	command: string;
	listKey: string;
	params(values: DeployValues): Params;
	describe(row: Row): string;
	/** The row field the API parameter takes (a key pair goes by name). */
	valueField?: string;
}

const ready = (row: Row) => `${row.name}${row.isready === false ? " (not ready)" : ""}`;

/** Where each choice field's options come from. */
const SOURCES: Record<string, Source> = {
	zoneid: {
		command: "listZones",
		listKey: "zone",
		params: () => ({ available: true }),
		describe: (zone) => `${zone.name} (${zone.networktype})`,
	},
	templateid: {
		command: "listTemplates",
		listKey: "template",
		params: (v) => ({ templatefilter: "executable", zoneid: v.zoneid }),
		describe: ready,
	},
	isoid: {
		command: "listIsos",
		listKey: "iso",
		params: (v) => ({ isofilter: "executable", zoneid: v.zoneid }),
		describe: ready,
	},
	serviceofferingid: {
		command: "listServiceOfferings",
		listKey: "serviceoffering",
		params: (v) => ({ zoneid: v.zoneid }),
		describe: (o) =>
			o.cpunumber && o.cpuspeed && o.memory
				? `${o.name} — ${o.cpunumber} vCPU × ${o.cpuspeed} MHz, ${o.memory} MB`
				: `${o.name} — custom CPU and memory`,
	},
	diskofferingid: {
		command: "listDiskOfferings",
		listKey: "diskoffering",
		params: (v) => ({ zoneid: v.zoneid }),
		describe: (o) => `${o.name}${o.iscustomized ? " (custom size)" : ` — ${o.disksize} GB`}`,
	},
	networkids: {
		command: "listNetworks",
		listKey: "network",
		params: (v) => ({ zoneid: v.zoneid }),
		describe: (n) => `${n.name} (${n.type ?? "guest"}${n.cidr ? `, ${n.cidr}` : ""})`,
	},
	keypair: {
		command: "listSSHKeyPairs",
		listKey: "sshkeypair",
		params: () => ({}),
		describe: (k) => String(k.name),
		valueField: "name",
	},
};

/** The options of a choice field for the current values (cached: the Select and the review share it). */
export function useChoices(field: keyof typeof SOURCES & string, values: DeployValues) {
	const source = SOURCES[field] as Source;
	const list = useList(source.command, source.listKey, { ...CHOICES, ...source.params(values) });
	const rows = list.data?.rows ?? [];
	const options = rows.map((row) => ({ value: String(row[source.valueField ?? "id"]), label: source.describe(row) }));
	const chosen = rows.find((row) => String(row[source.valueField ?? "id"]) === values[field]);
	return { list, rows, options, chosen, label: chosen ? source.describe(chosen) : "" };
}

/** A Select of one choice field, bound to the form. */
function ChoiceSelect({
	form,
	field,
	label,
	required,
	description,
}: {
	form: DeployForm;
	field: keyof DeployValues & string;
	label: string;
	required?: boolean;
	description?: string;
}) {
	const { list, options } = useChoices(field, form.values);
	const bound = form.input(field);
	return (
		<Select
			label={label}
			description={description}
			placeholder={list.isPending ? "Loading…" : options.length ? "Choose one" : "None available"}
			data={options}
			searchable
			clearable={!required}
			required={required}
			nothingFoundMessage="Nothing matches"
			name={bound.name}
			value={bound.value || null}
			onChange={bound.onChange}
			error={bound.error ?? (list.error ? String(list.error.message) : undefined)}
		/>
	);
}

export function ZoneStep({ form }: { form: DeployForm }) {
	return <ChoiceSelect form={form} field="zoneid" label="Zone" required />;
}

export function ImageStep({
	form,
	kind,
	onKind,
}: {
	form: DeployForm;
	kind: ImageKind;
	onKind(kind: ImageKind): void;
}) {
	return (
		<Stack>
			<Radio.Group label="Boot from" value={kind} onChange={(value) => onKind(value as ImageKind)}>
				<Stack gap="xs" mt="xs">
					<Radio value="template" label="Template" />
					<Radio value="iso" label="ISO" />
				</Stack>
			</Radio.Group>
			{kind === "template" ? (
				<ChoiceSelect form={form} field="templateid" label="Template" required />
			) : (
				<ChoiceSelect form={form} field="isoid" label="ISO" required />
			)}
		</Stack>
	);
}

/** The offering, and for a customized one the CPU and memory it leaves to the deploy call. */
export function OfferingStep({ form }: { form: DeployForm }) {
	const { chosen } = useChoices("serviceofferingid", form.values);
	return (
		<Stack>
			<ChoiceSelect form={form} field="serviceofferingid" label="Compute offering" required />
			{customInputs(chosen).map((input) => (
				<TextInput
					key={input.field}
					label={input.label}
					description={input.description}
					inputMode="numeric"
					required
					{...form.input(input.field)}
				/>
			))}
		</Stack>
	);
}

/** Root disk size for a template; a data disk offering (optional) or, for an ISO, the root disk's offering. */
export function DiskStep({ form, kind }: { form: DeployForm; kind: ImageKind }) {
	const { chosen } = useChoices("diskofferingid", form.values);
	return (
		<Stack>
			{kind === "template" && (
				<TextInput
					label="Root disk size (GB)"
					description="Leave empty for the template's size"
					inputMode="numeric"
					{...form.input("rootdisksize")}
				/>
			)}
			<ChoiceSelect
				form={form}
				field="diskofferingid"
				label={kind === "iso" ? "Disk offering (root disk)" : "Data disk offering"}
				description={kind === "iso" ? "An ISO boots a blank root disk of this offering" : "Optional: adds a data disk"}
				required={kind === "iso"}
			/>
			{chosen?.iscustomized && (
				<TextInput
					label={kind === "iso" ? "Disk size (GB)" : "Data disk size (GB)"}
					inputMode="numeric"
					required
					{...form.input("size")}
				/>
			)}
		</Stack>
	);
}

export function NetworkStep({ form, basic }: { form: DeployForm; basic: boolean }) {
	return (
		<Stack>
			{basic && (
				<Text size="sm" c="dimmed">
					A Basic zone has one shared guest network; it is chosen for you.
				</Text>
			)}
			<ChoiceSelect form={form} field="networkids" label="Network" required />
		</Stack>
	);
}

export function DetailsStep({ form }: { form: DeployForm }) {
	return (
		<Stack>
			<TextInput
				label="Name"
				description="The host name: letters, digits and hyphens; empty for VM-<id>"
				{...form.input("name")}
			/>
			<TextInput label="Display name" {...form.input("displayname")} />
			<ChoiceSelect form={form} field="keypair" label="SSH key pair" />
			<Textarea
				label="User data"
				description="Given to the guest through its config drive (e.g. cloud-init)"
				autosize
				minRows={3}
				{...form.input("userdata")}
			/>
		</Stack>
	);
}

/** What will be deployed, as the names the user picked. */
export function ReviewStep({ rows }: { rows: [string, string][] }) {
	return (
		<Table>
			<Table.Tbody>
				{rows.map(([label, value]) => (
					<Table.Tr key={label}>
						<Table.Th scope="row">{label}</Table.Th>
						<Table.Td>{value || "—"}</Table.Td>
					</Table.Tr>
				))}
			</Table.Tbody>
		</Table>
	);
}
