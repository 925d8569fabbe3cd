/**
 * @module The console's one form-in-a-Modal, bound to useApiForm: the fields are the children, a
 * 431 lands on its field, other errors above the buttons, and what was typed stays until the
 * action succeeds. On success every mounted list is refetched and the Modal closes.
 */
import { Alert, Button, Group, Modal, type ModalProps, Stack } from "@mantine/core";
import type { ReactNode } from "react";
import type { ApiForm } from "../api/form";
import { useRefresh } from "../api/queries";

export function FormModal<T extends Record<string, string>, R>({
	opened = true,
	onClose,
	title,
	form,
	submitLabel,
	action,
	onDone,
	keepOpen = false,
	noValidate = false,
	size = "lg",
	children,
}: {
	/** Left out when the parent mounts the Modal only while it is open. */
	opened?: boolean;
	onClose(): void;
	title: string;
	form: ApiForm<T>;
	submitLabel: string;
	/** The API call(s); a rejection stays in the form (on its field for a 431). */
	action(values: T): Promise<R>;
	/** After success, with the action's result; the form is reset and (unless keepOpen) closed before. */
	onDone?(result: R): void;
	/** Stay open after success, for an onDone that shows what came back (a token). */
	keepOpen?: boolean;
	/** Leave required fields to the API (its 431 under the field) instead of the browser's check. */
	noValidate?: boolean;
	size?: ModalProps["size"];
	children: ReactNode;
}) {
	const refresh = useRefresh();
	const submit = async () => {
		// Boxed, so an action that resolves to nothing still counts as done (submit answers undefined on failure).
		const done = await form.submit(async (values) => ({ result: await action(values) }));
		if (done === undefined) return;
		form.reset();
		void refresh();
		if (!keepOpen) onClose();
		onDone?.(done.result);
	};
	return (
		<Modal opened={opened} onClose={onClose} title={title} size={size}>
			<form
				noValidate={noValidate}
				onSubmit={(event) => {
					event.preventDefault();
					void submit();
				}}
			>
				<Stack>
					{children}
					{form.formError && (
						<Alert color="red" role="alert">
							{form.formError}
						</Alert>
					)}
					<Group justify="end">
						<Button variant="default" onClick={onClose}>
							Cancel
						</Button>
						<Button type="submit" loading={form.submitting}>
							{submitLabel}
						</Button>
					</Group>
				</Stack>
			</form>
		</Modal>
	);
}
