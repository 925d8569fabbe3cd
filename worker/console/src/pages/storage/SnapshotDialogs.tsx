/**
 * @module "Create template" from a volume snapshot (createTemplate snapshotid): CloudStack asks for
 * a name and an OS type; the job copies the snapshot to secondary storage as a new template.
 */
import { Checkbox, Select, TextInput } from "@mantine/core";
import type { Row } from "../../api/client";
import { useApiForm } from "../../api/form";
import { useJobs } from "../../api/jobs";
import { useOsTypeOptions } from "../../api/options";
import { FormModal } from "../../components/FormModal";

export function TemplateFromSnapshot({ snapshot, onClose }: { snapshot: Row; onClose(): void }) {
	const { run } = useJobs();
	const osTypes = useOsTypeOptions();
	const form = useApiForm({ name: "", displaytext: "", ostypeid: "", ispublic: "false" });
	return (
		<FormModal
			title={`Create template from ${snapshot.name}`}
			submitLabel="Create template"
			form={form}
			onClose={onClose}
			size="md"
			action={(v) =>
				run(
					"createTemplate",
					{ ...v, displaytext: v.displaytext || v.name, snapshotid: snapshot.id },
					`Create template ${v.name}`,
				)
			}
		>
			<TextInput label="Name" required {...form.input("name")} />
			<TextInput label="Description" {...form.input("displaytext")} />
			<Select label="OS type" required data={osTypes} searchable {...form.input("ostypeid")} />
			<Checkbox
				label="Public"
				checked={form.values.ispublic === "true"}
				onChange={(event) => form.set("ispublic", String(event.currentTarget.checked))}
			/>
		</FormModal>
	);
}
