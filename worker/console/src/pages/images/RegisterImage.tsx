/**
 * @module "Register template" / "Register ISO": registerTemplate or registerIso from a URL the
 * zone's relay downloads into secondary storage. The answer comes at once with the image not yet
 * ready; the list then polls its download progress.
 */
import { Checkbox, Group, Select, TextInput } from "@mantine/core";
import { call } from "../../api/client";
import { useApiForm } from "../../api/form";
import { useOsTypeOptions, useZoneOptions } from "../../api/options";
import { useSession } from "../../api/session";
import { FormModal } from "../../components/FormModal";
import type { ImageKind } from "./kinds";

export function RegisterImage({ kind, onClose }: { kind: ImageKind; onClose(): void }) {
	const { isRootAdmin } = useSession();
	const zones = useZoneOptions();
	const osTypes = useOsTypeOptions();
	const form = useApiForm({
		name: "",
		displaytext: "",
		url: "",
		zoneid: "",
		format: "QCOW2",
		hypervisor: "KVM",
		ostypeid: "",
		checksum: "",
		ispublic: "false",
		isfeatured: "false",
		isextractable: "false",
		bootable: "true",
	});
	const { values } = form;
	// A checkbox kept as "true"/"false" so it travels in the same string form as the other fields.
	const checkbox = (field: "ispublic" | "isfeatured" | "isextractable" | "bootable", label: string) => (
		<Checkbox
			label={label}
			checked={values[field] === "true"}
			onChange={(event) => form.set(field, String(event.currentTarget.checked))}
		/>
	);

	const register = (v: typeof values) => {
		const common = {
			name: v.name,
			displaytext: v.displaytext || v.name,
			url: v.url,
			zoneid: v.zoneid,
			ostypeid: v.ostypeid,
			checksum: v.checksum,
			ispublic: v.ispublic,
			isfeatured: isRootAdmin ? v.isfeatured : undefined,
			isextractable: v.isextractable,
		};
		const extra = kind.hasFormat ? { format: v.format, hypervisor: v.hypervisor } : { bootable: v.bootable };
		return call(kind.register, { ...common, ...extra });
	};

	return (
		<FormModal title={`Register ${kind.word}`} submitLabel="Register" form={form} action={register} onClose={onClose}>
			<TextInput label="Name" required {...form.input("name")} />
			<TextInput label="Description" {...form.input("displaytext")} />
			<TextInput label="URL" required placeholder="https://example.com/image.qcow2" {...form.input("url")} />
			<Select label="Zone" required={!kind.hasFormat} data={zones} searchable {...form.input("zoneid")} />
			{kind.hasFormat && (
				<Group grow wrap="wrap">
					<Select label="Format" required data={["QCOW2", "RAW"]} allowDeselect={false} {...form.input("format")} />
					<Select label="Hypervisor" required data={["KVM"]} allowDeselect={false} {...form.input("hypervisor")} />
				</Group>
			)}
			<Select label="OS type" data={osTypes} searchable clearable {...form.input("ostypeid")} />
			<TextInput label="Checksum" placeholder="{SHA-256}…, or an MD5 hex digest" {...form.input("checksum")} />
			<Group wrap="wrap">
				{checkbox("ispublic", "Public")}
				{isRootAdmin && checkbox("isfeatured", "Featured")}
				{checkbox("isextractable", "Extractable")}
				{!kind.hasFormat && checkbox("bootable", "Bootable")}
			</Group>
		</FormModal>
	);
}
