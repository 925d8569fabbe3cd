/**
 * @module What the infrastructure pages share on top of components/: the header button that opens
 * an add form, the row actions that run one command (enable/disable, maintenance, delete), and the
 * cascading zone → pod → cluster choice of the add forms. Forms mount only while their Modal is
 * open, so what was typed (a host password) is gone when it closes.
 */
import { Button, type ButtonProps } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { type ReactNode, useState } from "react";
import { ApiError, call, type Params, type Row } from "../../api/client";
import type { ApiForm } from "../../api/form";
import { useJobs } from "../../api/jobs";
import { useZoneOptions } from "../../api/options";
import { useRefresh } from "../../api/queries";
import { ActionButton } from "../../components/ActionButton";
import { ConfirmButton } from "../../components/ConfirmButton";

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

/** A row button that runs one command on `subject` (the row's name, for the notification and the job tray). */
export function CommandButton({
	label,
	subject,
	command,
	params,
	async: isAsync = false,
	...props
}: {
	label: string;
	subject: string;
	command: string;
	params: Params;
	async?: boolean;
} & Omit<ButtonProps, "children">) {
	const act = useAction();
	const title = `${label} ${subject}`;
	const action = async () => {
		try {
			await act(command, params, title, isAsync);
		} catch (error) {
			// An async command's checks run in its job, whose failure the job tray already notifies;
			// only a call that never started a job (network down) needs a word here.
			if (!isAsync || (error instanceof ApiError && error.code === 0)) throw error;
		}
	};
	return <ActionButton label={label} failure={`${title} failed`} action={action} size="compact-sm" {...props} />;
}

/** Enable/Disable of a row; `params(enable)` are the command's parameters for the way it goes. */
export function EnableButton({
	row,
	enabled,
	command,
	params,
}: {
	row: Row;
	enabled: boolean;
	command: string;
	params(enable: boolean): Params;
}) {
	return (
		<CommandButton
			label={enabled ? "Disable" : "Enable"}
			subject={String(row.name)}
			command={command}
			params={{ id: row.id, ...params(!enabled) }}
			color={enabled ? "gray" : "green"}
		/>
	);
}

/** Enable/Disable of a zone, pod or cluster: `update*` with allocationstate, the other way round. */
export function AllocationButton({ command, row }: { command: string; row: Row }) {
	return (
		<EnableButton
			row={row}
			enabled={String(row.allocationstate) === "Enabled"}
			command={command}
			params={(enable) => ({ allocationstate: enable ? "Enabled" : "Disabled" })}
		/>
	);
}

/** The states of a host or pool on its way into, in or stuck in maintenance. */
export const MAINTENANCE = ["PrepareForMaintenance", "Maintenance", "ErrorInMaintenance"];

/** Maintenance of a host or pool: an async job in (instances/volumes move away first) or out. */
export function MaintenanceButton({
	row,
	state,
	enter,
	cancel,
}: {
	row: Row;
	/** The row's state that tells maintenance (a host's resourcestate, a pool's state). */
	state: unknown;
	enter: string;
	cancel: string;
}) {
	const inMaintenance = MAINTENANCE.includes(String(state));
	return (
		<CommandButton
			subject={String(row.name)}
			label={inMaintenance ? "Cancel maintenance" : "Enable maintenance"}
			command={inMaintenance ? cancel : enter}
			params={{ id: row.id }}
			async
			color="orange"
		/>
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
			size="compact-sm"
			title={`Delete ${what} ${row.name}`}
			message={`Delete ${what} ${row.name}? This cannot be undone.`}
			onConfirm={() => act(command, { id: row.id, ...params }, `Delete ${what} ${row.name}`)}
		>
			{children}
		</ConfirmButton>
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

export const ALLOCATION_FILTER = {
	param: "allocationstate",
	label: "Allocation state",
	options: ["Enabled", "Disabled"].map((value) => ({ value, label: value })),
};

/** The Zone filter of a list (zoneid), with the caller's zones as choices. */
export function useZoneFilter() {
	return { param: "zoneid", label: "Zone", options: useZoneOptions() };
}
