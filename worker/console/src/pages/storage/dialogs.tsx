/**
 * @module The dialogs the images, storage and events pages share: a form in a Modal (its error
 * above the buttons, a submit button with the action's name) and a confirmation for destructive
 * actions. Kept here so the six pages do not each grow their own.
 */
import { Alert, Button, Group, Modal, Stack, Text } from "@mantine/core";
import { type ReactNode, useState } from "react";
import type { Row } from "../../api/client";
import { errorText } from "../../api/errors";

/** The object inside a job result or a create answer: `{template: {...}}` → the template. */
export function innerObject(result: Row | undefined): Row {
	if (!result) return {};
	const value = Object.values(result).find((item) => item && typeof item === "object");
	if (Array.isArray(value)) return (value[0] as Row | undefined) ?? {};
	return (value as Row | undefined) ?? result;
}

/** A form in a Modal: `onSubmit` runs the API form's submit; the modal closes itself when it succeeds. */
export function FormModal({
	title,
	submitLabel,
	submitting,
	formError,
	onSubmit,
	onClose,
	children,
	size = "md",
}: {
	title: string;
	submitLabel: string;
	submitting: boolean;
	formError: string | undefined;
	onSubmit(): void;
	onClose(): void;
	children: ReactNode;
	size?: string;
}) {
	return (
		<Modal opened onClose={onClose} title={title} size={size}>
			<form
				onSubmit={(event) => {
					event.preventDefault();
					onSubmit();
				}}
			>
				<Stack gap="sm">
					{children}
					{formError && (
						<Alert color="red" role="alert">
							{formError}
						</Alert>
					)}
					<Group justify="end">
						<Button variant="default" onClick={onClose}>
							Cancel
						</Button>
						<Button type="submit" loading={submitting}>
							{submitLabel}
						</Button>
					</Group>
				</Stack>
			</form>
		</Modal>
	);
}

/**
 * Asks before a destructive action; `action` does the call (sync or through useJobs().run). A
 * failure stays in the dialog so the user sees why nothing happened.
 */
export function ConfirmModal({
	title,
	message,
	confirmLabel,
	action,
	onClose,
}: {
	title: string;
	message: ReactNode;
	confirmLabel: string;
	action(): Promise<unknown>;
	onClose(): void;
}) {
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<string | undefined>();
	return (
		<Modal opened onClose={onClose} title={title}>
			<Stack gap="sm">
				<Text>{message}</Text>
				{error && (
					<Alert color="red" role="alert">
						{error}
					</Alert>
				)}
				<Group justify="end">
					<Button variant="default" onClick={onClose}>
						Cancel
					</Button>
					<Button
						color="red"
						loading={busy}
						onClick={async () => {
							setBusy(true);
							setError(undefined);
							try {
								await action();
								onClose();
							} catch (failure) {
								setError(errorText(failure));
							} finally {
								setBusy(false);
							}
						}}
					>
						{confirmLabel}
					</Button>
				</Group>
			</Stack>
		</Modal>
	);
}

/** Bytes as CloudStack's UI shows them (GiB/MiB), "—" when unknown. */
export function formatBytes(value: unknown): string {
	const bytes = Number(value);
	if (!Number.isFinite(bytes) || bytes <= 0) return "—";
	const units = ["B", "KiB", "MiB", "GiB", "TiB"];
	let size = bytes;
	let unit = 0;
	while (size >= 1024 && unit < units.length - 1) {
		size /= 1024;
		unit++;
	}
	return `${size.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** An API date ("2026-12-02T06:44:35+0000") in the browser's locale. */
export function formatDate(value: unknown): string {
	if (!value) return "—";
	const date = new Date(String(value).replace(/([+-]\d\d)(\d\d)$/, "$1:$2"));
	return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}
