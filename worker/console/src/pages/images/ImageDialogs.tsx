/**
 * @module The per-image dialogs of ImageList: edit (name, description), extract (a time-limited
 * download link) and copy to another zone. Each takes the listed row (one image in one zone).
 */
import { Alert, Anchor, Button, CopyButton, Group, Modal, Select, Stack, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { call, innerObject, type Row } from "../../api/client";
import { errorText } from "../../api/errors";
import { useApiForm } from "../../api/form";
import { useJobs } from "../../api/jobs";
import { useZoneOptions } from "../../api/options";
import { FormModal } from "../../components/FormModal";
import type { ImageKind } from "./kinds";

export function EditImage({ kind, image, onClose }: { kind: ImageKind; image: Row; onClose(): void }) {
	const form = useApiForm({ name: String(image.name ?? ""), displaytext: String(image.displaytext ?? "") });
	return (
		<FormModal
			title={`Edit ${kind.word} ${image.name}`}
			submitLabel="Save"
			form={form}
			onClose={onClose}
			size="md"
			action={(v) => call(kind.update, { id: image.id, name: v.name, displaytext: v.displaytext })}
		>
			<TextInput label="Name" required {...form.input("name")} />
			<TextInput label="Description" {...form.input("displaytext")} />
		</FormModal>
	);
}

/** Starts extractTemplate/extractIso at once and shows the link the job answers. */
export function ExtractImage({ kind, image, onClose }: { kind: ImageKind; image: Row; onClose(): void }) {
	const { run } = useJobs();
	const [link, setLink] = useState<string | undefined>();
	const [error, setError] = useState<string | undefined>();
	const [busy, setBusy] = useState(false);
	const extract = async () => {
		setBusy(true);
		setError(undefined);
		try {
			const result = await run(
				kind.extract,
				{ id: image.id, mode: "HTTP_DOWNLOAD", zoneid: image.zoneid },
				`Extract ${image.name}`,
			);
			setLink(String(innerObject(result).url ?? ""));
		} catch (failure) {
			setError(errorText(failure));
		} finally {
			setBusy(false);
		}
	};
	return (
		<Modal opened onClose={onClose} title={`Download ${kind.word} ${image.name}`} size="lg">
			<Stack gap="sm">
				{!link && (
					<Text size="sm">
						Extracting makes a time-limited download link to the copy in zone {image.zonename ?? "—"}.
					</Text>
				)}
				{link && (
					<>
						<Group align="end" wrap="nowrap">
							<TextInput label="Download link" value={link} readOnly style={{ flex: 1 }} ff="monospace" />
							<CopyButton value={link}>
								{({ copied, copy }) => (
									<Button variant="light" onClick={copy}>
										{copied ? "Copied" : "Copy link"}
									</Button>
								)}
							</CopyButton>
						</Group>
						<Anchor href={link} target="_blank" rel="noreferrer">
							Download
						</Anchor>
					</>
				)}
				{error && (
					<Alert color="red" role="alert">
						{error}
					</Alert>
				)}
				<Group justify="end">
					<Button variant="default" onClick={onClose}>
						Close
					</Button>
					{!link && (
						<Button onClick={extract} loading={busy}>
							Extract
						</Button>
					)}
				</Group>
			</Stack>
		</Modal>
	);
}

export function CopyImage({ kind, image, onClose }: { kind: ImageKind; image: Row; onClose(): void }) {
	const { run } = useJobs();
	const zones = useZoneOptions().filter((zone) => zone.value !== image.zoneid);
	const form = useApiForm({ destzoneid: "" });
	return (
		<FormModal
			title={`Copy ${kind.word} ${image.name}`}
			submitLabel="Copy"
			form={form}
			onClose={onClose}
			size="md"
			action={(v) =>
				run(kind.copy, { id: image.id, sourcezoneid: image.zoneid, destzoneid: v.destzoneid }, `Copy ${image.name}`)
			}
		>
			<Text size="sm">From zone {image.zonename ?? "—"}</Text>
			<Select
				label="Destination zone"
				required
				data={zones}
				nothingFoundMessage="No other zone"
				{...form.input("destzoneid")}
			/>
		</FormModal>
	);
}
