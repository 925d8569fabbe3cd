/** @module Placeholder: the page is being built. */
import { Title } from "@mantine/core";

export function Accounts(_props: { params: Record<string, string | undefined> }) {
	return <Title order={2}>Accounts</Title>;
}
