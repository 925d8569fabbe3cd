/** @module A small row button for a harmless action (enable, test): busy while it runs, its error as a notification. */
import { Button } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { errorText } from "../../../api/errors";

export function ActionButton({ label, action }: { label: string; action(): Promise<unknown> }) {
	const [busy, setBusy] = useState(false);
	return (
		<Button
			size="xs"
			variant="light"
			loading={busy}
			onClick={async () => {
				setBusy(true);
				try {
					await action();
				} catch (error) {
					notifications.show({ color: "red", title: `${label} failed`, message: errorText(error) });
				} finally {
					setBusy(false);
				}
			}}
		>
			{label}
		</Button>
	);
}
