/**
 * @module The webhook form, for Create webhook and Edit: name, payload URL, description, signing
 * secret, SSL verification, scope, state and event types. The secret is typed by the user and
 * the API never returns it (only `hassecretkey`), so there is nothing to show once.
 */
import { PasswordInput, Select, SimpleGrid, Switch, TextInput } from "@mantine/core";
import { call, type Row } from "../../api/client";
import { useApiForm } from "../../api/form";
import { FormModal } from "../../components/FormModal";

const SCOPES = ["Local", "Domain", "Global"];
const STATES = ["Enabled", "Disabled"];

function webhookValues(webhook?: Row) {
	return {
		name: String(webhook?.name ?? ""),
		payloadurl: String(webhook?.payloadurl ?? ""),
		description: String(webhook?.description ?? ""),
		secretkey: "",
		sslverification: webhook?.sslverification ? "true" : "false",
		scope: String(webhook?.scope ?? "Local"),
		state: String(webhook?.state ?? "Enabled"),
		eventtypes: String(webhook?.eventtypes ?? ""),
	};
}

type WebhookValues = ReturnType<typeof webhookValues>;

/**
 * The API's URL errors say "url" ("Invalid URL: …", "Illegal host specified in url: …"), not the
 * parameter's name: map the field to that word so they land under the URL input.
 */
const PARAM_OF = { payloadurl: "url" };

export function WebhookModal({
	opened,
	onClose,
	webhook,
}: {
	opened: boolean;
	onClose(): void;
	/** The webhook to edit; none to create one. */
	webhook?: Row;
}) {
	const form = useApiForm(webhookValues(webhook), PARAM_OF);
	const action = ({ secretkey, ...values }: WebhookValues) =>
		webhook
			? // An empty secret would remove the stored one: send it only when a new one was typed.
				call("updateWebhook", { id: webhook.id, ...values, secretkey: secretkey || undefined })
			: call("createWebhook", { ...values, secretkey });
	return (
		<FormModal
			opened={opened}
			onClose={onClose}
			title={webhook ? `Edit webhook ${webhook.name}` : "Create webhook"}
			form={form}
			submitLabel={webhook ? "Save" : "Create webhook"}
			action={action}
		>
			<TextInput label="Name" required {...form.input("name")} />
			<TextInput label="Payload URL" required placeholder="https://example.com/hook" {...form.input("payloadurl")} />
			<TextInput label="Description" {...form.input("description")} />
			<PasswordInput
				label="Secret key"
				description={
					webhook?.hassecretkey
						? "Deliveries are signed. Leave empty to keep the current key."
						: "Optional: signs each delivery (HMAC). It is never shown again."
				}
				autoComplete="new-password"
				{...form.input("secretkey")}
			/>
			<SimpleGrid cols={{ base: 1, sm: 2 }}>
				<Select label="Scope" data={SCOPES} allowDeselect={false} {...form.input("scope")} />
				<Select label="State" data={STATES} allowDeselect={false} {...form.input("state")} />
			</SimpleGrid>
			<TextInput
				label="Event types"
				description="Comma-separated, e.g. VM.CREATE,VM.*; empty delivers every event"
				{...form.input("eventtypes")}
			/>
			<Switch
				label="SSL verification"
				description="Only for https:// URLs"
				checked={form.values.sslverification === "true"}
				onChange={(event) => form.set("sslverification", event.currentTarget.checked ? "true" : "false")}
			/>
		</FormModal>
	);
}
