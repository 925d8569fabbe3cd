/**
 * @module A secret shown once: the value, a copy button, and nothing kept after the dialog closes.
 * The parent holds the secret only in component state and drops it on close.
 */
import { Alert, Button, CopyButton, Group, Modal, Stack, Text, TextInput } from "@mantine/core";

export function SecretOnce({
	title,
	fields,
	note,
	onClose,
}: {
	title: string;
	/** What the secret is for / what replaces it, under the fields. */
	note?: string;
	/** Label → value; only the secret one(s) need this dialog, others may be shown alongside. */
	fields: { label: string; value: string }[];
	onClose(): void;
}) {
	return (
		<Modal opened onClose={onClose} title={title} size="lg">
			<Stack>
				<Alert color="yellow">Copy the secret now: it is shown only this once and the console does not keep it.</Alert>
				{fields.map((field) => (
					<Group key={field.label} align="end" wrap="nowrap">
						<TextInput
							label={field.label}
							value={field.value}
							readOnly
							style={{ flex: 1 }}
							styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
						/>
						<CopyButton value={field.value}>
							{({ copied, copy }) => (
								<Button variant="light" onClick={copy} aria-label={`Copy ${field.label}`}>
									{copied ? "Copied" : "Copy"}
								</Button>
							)}
						</CopyButton>
					</Group>
				))}
				{note && (
					<Text size="sm" c="dimmed">
						{note}
					</Text>
				)}
				<Group justify="end">
					<Button onClick={onClose}>Done</Button>
				</Group>
			</Stack>
		</Modal>
	);
}
