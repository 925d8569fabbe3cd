/**
 * @module A button whose action needs a confirmation first (deletes, disables): a Modal says what
 * will happen, the action's error stays in the Modal, and it closes only when the action succeeded.
 */
import { Alert, Button, type ButtonProps, Group, Modal, Stack, Text } from "@mantine/core";
import { type ReactNode, useState } from "react";
import { errorText } from "../../../api/errors";

export function ConfirmButton({
	label,
	title,
	message,
	confirmLabel = label,
	onConfirm,
	color = "red",
	size = "xs",
	variant = "light",
	children,
}: {
	label: string;
	title: string;
	message: ReactNode;
	confirmLabel?: string;
	/** Resolves when done; a rejection is shown in the Modal. */
	onConfirm(): Promise<unknown>;
	color?: string;
	size?: ButtonProps["size"];
	variant?: ButtonProps["variant"];
	/** Extra options shown under the message (e.g. a "clean up" checkbox). */
	children?: ReactNode;
}) {
	const [opened, setOpened] = useState(false);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<string | undefined>();
	const close = () => {
		setOpened(false);
		setError(undefined);
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
		<>
			<Button size={size} variant={variant} color={color} onClick={() => setOpened(true)}>
				{label}
			</Button>
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
		</>
	);
}
