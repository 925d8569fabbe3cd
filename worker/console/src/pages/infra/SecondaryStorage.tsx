/** @module Secondary storage (image stores, NFS): where templates, ISOs and snapshots are kept; add, delete. */
import { Select, SimpleGrid, TextInput } from "@mantine/core";
import { call } from "../../api/client";
import { useApiForm } from "../../api/form";
import { usage } from "../../api/format";
import { useZoneOptions } from "../../api/options";
import { FormModal } from "../../components/FormModal";
import { ListPage } from "../../components/ListPage";
import { RowActions } from "../../components/RowActions";
import { DeleteButton, ModalButton, useZoneFilter } from "./shared";

export function SecondaryStorage(_props: { params: Record<string, string | undefined> }) {
	const zoneFilter = useZoneFilter();
	return (
		<ListPage
			title="Secondary storage"
			command="listImageStores"
			listKey="imagestore"
			filters={[zoneFilter]}
			actions={<ModalButton label="Add secondary storage">{(close) => <AddImageStore onClose={close} />}</ModalButton>}
			columns={[
				{ label: "Name", value: "name" },
				{ label: "URL", value: "url" },
				{ label: "Provider", value: "providername" },
				{ label: "Zone", value: "zonename" },
				{ label: "Used / total", value: (row) => usage(row.disksizeused, row.disksizetotal) },
				{
					label: "Actions",
					value: (row) => (
						<RowActions wrap="wrap">
							<DeleteButton command="deleteImageStore" row={row} what="secondary storage" />
						</RowActions>
					),
				},
			]}
		/>
	);
}

/** addImageStore with provider NFS, the only one flarestack offers. */
function AddImageStore({ onClose }: { onClose(): void }) {
	const form = useApiForm({ zoneid: "", name: "", url: "" });
	const zones = useZoneOptions();
	return (
		<FormModal
			title="Add secondary storage"
			form={form}
			submitLabel="Add secondary storage"
			onClose={onClose}
			noValidate
			action={(values) => call("addImageStore", { ...values, provider: "NFS" })}
		>
			<SimpleGrid cols={{ base: 1, sm: 2 }}>
				<Select label="Zone" required data={zones} {...form.input("zoneid")} />
				<TextInput label="Name" {...form.input("name")} />
				<TextInput label="URL" required description="nfs://server/export/path" {...form.input("url")} />
			</SimpleGrid>
		</FormModal>
	);
}
