/**
 * @module Confirmation before a destructive action (delete, disable, detach): a Modal says what
 * will happen, the action runs only on its confirm button, its error stays in the Modal, and the
 * Modal closes only when the action succeeded. ConfirmModal is the dialog alone (the parent opens
 * it), ConfirmButton the dialog with its own button.
 */
import { Alert, Button, type ButtonProps, Group, Modal, Stack, Text } from "@mantine/core";
import { type ReactNode, useState } from "react";
import { errorText } from "../api/errors";

interface Confirmation {
	title: string;
	message: ReactNode;
	confirmLabel: string;
	/** Resolves when done; a rejection is shown in the Modal. */
	onConfirm(): Promise<unknown>;
	color?: string;
	/** Extra options shown under the message (e.g. a "clean up" checkbox). */
	children?: ReactNode;
}

export function ConfirmModal({
	opened = true,
	onClose,
	title,
	message,
	confirmLabel,
	onConfirm,
	color = "red",
	children,
}: Confirmation & { opened?: boolean; onClose(): void }) {
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<string | undefined>();
	const close = () => {
		setError(undefined);
		onClose();
	};
	const confirm = async () => {
		setBusy(true);
		setError(undefined);
		try {
			await onConfirm();
			close();
		} catch (failure) {
			setError(errorText(failure));
		} finally {
			setBusy(false);
		}
	};
	return (
		<Modal opened={opened} onClose={close} title={title}>
			<Stack>
				<Text>{message}</Text>
				{children}
				{error && (
					<Alert color="red" role="alert">
						{error}
					</Alert>
				)}
				<Group justify="end">
					<Button variant="default" onClick={close}>
						Cancel
					</Button>
					<Button color={color} loading={busy} onClick={confirm}>
						{confirmLabel}
					</Button>
				</Group>
			</Stack>
		</Modal>
	);
}

export function ConfirmButton({
	label,
	confirmLabel = label,
	color = "red",
	size = "xs",
	variant = "light",
	...confirmation
}: Omit<Confirmation, "confirmLabel"> & {
	label: string;
	confirmLabel?: string;
	size?: ButtonProps["size"];
	variant?: ButtonProps["variant"];
}) {
	const [opened, setOpened] = useState(false);
	return (
		<>
			<Button size={size} variant={variant} color={color} onClick={() => setOpened(true)}>
				{label}
			</Button>
			<ConfirmModal
				{...confirmation}
				opened={opened}
				onClose={() => setOpened(false)}
				confirmLabel={confirmLabel}
				color={color}
			/>
		</>
	);
}
