/**
 * @module Shapes every infrastructure page shares: a button that opens a form in a Modal, the form
 * Modal itself, a confirm-then-act button, a row action button, the row's action group, and the
 * zone/pod/cluster choices the add forms need. Forms mount only while their Modal is open, so what
 * was typed (a host password) is gone when it closes.
 */
import { Alert, Button, type ButtonProps, Group, Modal, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { type FormEvent, type ReactNode, useState } from "react";
import { ApiError, call, type Params, type Row } from "../../api/client";
import { errorText } from "../../api/errors";
import type { ApiForm } from "../../api/form";
import { useJobs } from "../../api/jobs";
import { useList, useRefresh } from "../../api/queries";

/** A header button ("Add zone") that mounts `children(close)` — a FormModal — while open. */
export function ModalButton({
	label,
	children,
	...props
}: { label: string; children: (close: () => void) => ReactNode } & Omit<ButtonProps, "children">) {
	const [open, setOpen] = useState(false);
	return (
		<>
			<Button onClick={() => setOpen(true)} {...props}>
				{label}
			</Button>
			{open && children(() => setOpen(false))}
		</>
	);
}

/**
 * A form in a Modal: the inputs (children), the form's own error, Cancel and the submit button.
 * `onSubmit` goes through `form.submit`, so a 431 lands on its field and nothing typed is lost; on
 * success every list refreshes and the Modal closes (unless `onDone` takes over, e.g. to show a
 * token).
 */
export function FormModal<T extends Record<string, string>, R>({
	title,
	form,
	submitLabel,
	onSubmit,
	onClose,
	onDone,
	children,
}: {
	title: string;
	form: ApiForm<T>;
	submitLabel: string;
	onSubmit(values: T): Promise<R>;
	onClose(): void;
	onDone?(result: R): void;
	children: ReactNode;
}) {
	const refresh = useRefresh();
	const send = async (event: FormEvent) => {
		event.preventDefault();
		const result = await form.submit(onSubmit);
		if (result === undefined) return;
		void refresh();
		if (onDone) onDone(result);
		else onClose();
	};
	return (
		<Modal opened onClose={onClose} title={title} size="lg">
			<form onSubmit={send} noValidate>
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

/** Runs a change from a row: a sync `call` then a refresh, or an async command through the job tray. */
export function useAction() {
	const refresh = useRefresh();
	const { run } = useJobs();
	return async (command: string, params: Params, label: string, isAsync = false): Promise<Row> => {
		if (isAsync) return run(command, params, label);
		const answer = await call(command, params);
		await refresh();
		notifications.show({ color: "green", title: label, message: "Done", autoClose: 3000 });
		return answer;
	};
}

/** A small row button that runs one action; an error (the API's text) shows as a notification. */
export function ActionButton({
	label,
	subject,
	command,
	params,
	async: isAsync = false,
	...props
}: {
	label: string;
	/** What the action is done to (the row's name), for the notification and the job tray. */
	subject: string;
	command: string;
	params: Params;
	async?: boolean;
} & Omit<ButtonProps, "children">) {
	const act = useAction();
	const [busy, setBusy] = useState(false);
	const click = async () => {
		setBusy(true);
		const title = `${label} ${subject}`;
		try {
			await act(command, params, title, isAsync);
		} catch (error) {
			// An async command's checks run in its job, whose failure the job tray already notifies;
			// only a call that never started a job (network down) needs a word here.
			if (!isAsync || (error instanceof ApiError && error.code === 0)) {
				notifications.show({ color: "red", title: `${title} failed`, message: errorText(error) });
			}
		} finally {
			setBusy(false);
		}
	};
	return (
		<Button size="compact-sm" variant="light" loading={busy} onClick={click} {...props}>
			{label}
		</Button>
	);
}

/**
 * A destructive row action: the button opens a Modal that says what will happen; the action runs
 * only on its clear confirm button, and the API's refusal (a host with instances) shows in the
 * Modal. `children` adds options (a "forced" checkbox).
 */
export function ConfirmButton({
	label,
	title,
	message,
	confirmLabel = label,
	onConfirm,
	children,
	color = "red",
}: {
	label: string;
	title: string;
	message: ReactNode;
	confirmLabel?: string;
	onConfirm(): Promise<unknown>;
	children?: ReactNode;
	color?: string;
}) {
	const [open, setOpen] = useState(false);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<string>();
	const close = () => {
		setOpen(false);
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
			<Button size="compact-sm" variant="light" color={color} onClick={() => setOpen(true)}>
				{label}
			</Button>
			<Modal opened={open} onClose={close} title={title}>
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

/** The delete of one row: a ConfirmButton that calls `command` with the row's id. */
export function DeleteButton({
	command,
	row,
	what,
	params = {},
	children,
}: {
	command: string;
	row: Row;
	/** "zone", "host"…: the Modal's title and text. */
	what: string;
	params?: Params;
	children?: ReactNode;
}) {
	const act = useAction();
	return (
		<ConfirmButton
			label="Delete"
			title={`Delete ${what} ${row.name}`}
			message={`Delete ${what} ${row.name}? This cannot be undone.`}
			onConfirm={() => act(command, { id: row.id, ...params }, `Delete ${what} ${row.name}`)}
		>
			{children}
		</ConfirmButton>
	);
}

/** Enable/Disable of a zone, pod or cluster: `update*` with allocationstate, the other way round. */
export function AllocationButton({ command, row }: { command: string; row: Row }) {
	const enabled = String(row.allocationstate) === "Enabled";
	return (
		<ActionButton
			label={enabled ? "Disable" : "Enable"}
			subject={String(row.name)}
			command={command}
			params={{ id: row.id, allocationstate: enabled ? "Disabled" : "Enabled" }}
			color={enabled ? "gray" : "green"}
		/>
	);
}

/** A row's actions, wrapping on narrow screens. */
export function RowActions({ children }: { children: ReactNode }) {
	return (
		<Group gap={4} wrap="wrap">
			{children}
		</Group>
	);
}

/**
 * Input props for a parent choice (zone, pod) whose change clears the choices under it: a pod of
 * the old zone must not be sent with the new zone.
 */
export function cascade<T extends Record<string, string>>(
	form: ApiForm<T>,
	field: keyof T & string,
	...below: (keyof T & string)[]
) {
	const props = form.input(field);
	return {
		...props,
		onChange(value: string | null) {
			props.onChange(value);
			for (const child of below) form.set(child, "");
		},
	};
}

/** `{value: id, label: name}` choices of a list command, e.g. the zones for a zone Select. */
export function useOptions(command: string, key: string, params: Params = {}, enabled = true) {
	const query = useList(command, key, enabled ? { listall: true, pagesize: 500, page: 1, ...params } : {});
	if (!enabled) return [];
	return (query.data?.rows ?? []).map((row) => ({ value: String(row.id), label: String(row.name) }));
}

export const ALLOCATION_FILTER = {
	param: "allocationstate",
	label: "Allocation state",
	options: ["Enabled", "Disabled"].map((value) => ({ value, label: value })),
};

/** An API date (2026-12-02T06:36:55+0000) in the browser's locale; "—" when there is none. */
export function formatDate(value: unknown): string {
	if (!value) return "—";
	const date = new Date(String(value).replace(/([+-]\d\d)(\d\d)$/, "$1:$2"));
	return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}

/** Bytes as GiB/TiB, as CloudStack's console shows capacities. */
export function formatBytes(bytes: unknown): string {
	const value = Number(bytes);
	if (!Number.isFinite(value) || value <= 0) return "0 B";
	const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
	const power = Math.min(units.length - 1, Math.floor(Math.log(value) / Math.log(1024)));
	return `${(value / 1024 ** power).toFixed(power === 0 ? 0 : 2)} ${units[power]}`;
}

/** "used / total (n%)" of a pool or store. */
export function usage(used: unknown, total: unknown): string {
	const t = Number(total);
	const u = Number(used);
	const percent = t > 0 ? ` (${((u / t) * 100).toFixed(1)}%)` : "";
	return `${formatBytes(u)} / ${formatBytes(t)}${percent}`;
}
