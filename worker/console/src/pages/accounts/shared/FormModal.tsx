/**
 * @module A form in a Modal, bound to useApiForm: the fields are the children, a 431 lands on its
 * field, other errors above the buttons, and what was typed stays until the action succeeds.
 */
import { Alert, Button, Group, Modal, Stack } from "@mantine/core";
import type { ReactNode } from "react";
import type { ApiForm } from "../../../api/form";

export function FormModal<T extends Record<string, string>>({
	opened,
	onClose,
	title,
	form,
	submitLabel,
	action,
	onDone,
	children,
}: {
	opened: boolean;
	onClose(): void;
	title: string;
	form: ApiForm<T>;
	submitLabel: string;
	/** The API call(s); must resolve to something (not undefined) when it succeeded. */
	action(values: T): Promise<unknown>;
	/** After success, with the action's result; the form is reset and the Modal closed before. */
	onDone?(result: unknown): void;
	children: ReactNode;
}) {
	const submit = async () => {
		const result = await form.submit(action);
		if (result === undefined) return;
		form.reset();
		onClose();
		onDone?.(result);
	};
	return (
		<Modal opened={opened} onClose={onClose} title={title} size="lg">
			<form
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
