/**
 * @module A small row button for an action that needs no confirmation (enable, test, reconnect):
 * busy while it runs, its error as a notification.
 */
import { Button, type ButtonProps } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { errorText } from "../api/errors";

export function ActionButton({
	label,
	action,
	failure = `${label} failed`,
	size = "xs",
	variant = "light",
	...props
}: {
	label: string;
	/** The call; a rejection becomes a red notification. */
	action(): Promise<unknown>;
	/** The notification's title when the action fails. */
	failure?: string;
} & Omit<ButtonProps, "children">) {
	const [busy, setBusy] = useState(false);
	const click = async () => {
		setBusy(true);
		try {
			await action();
		} catch (error) {
			notifications.show({ color: "red", title: failure, message: errorText(error) });
		} finally {
			setBusy(false);
		}
	};
	return (
		<Button size={size} variant={variant} loading={busy} onClick={click} {...props}>
			{label}
		</Button>
	);
}
