/** @module The first-user fields createAccount and createUser share (the API's newUserParams). */
import { PasswordInput, SimpleGrid, TextInput } from "@mantine/core";
import type { ApiForm } from "../../../api/form";

export const NEW_USER = { username: "", password: "", email: "", firstname: "", lastname: "" };

export function UserFields({ form }: { form: ApiForm<typeof NEW_USER & Record<string, string>> }) {
	return (
		<SimpleGrid cols={{ base: 1, sm: 2 }}>
			<TextInput label="Username" required autoComplete="off" {...form.input("username")} />
			<PasswordInput label="Password" required autoComplete="new-password" {...form.input("password")} />
			<TextInput label="Email" required {...form.input("email")} />
			<TextInput label="First name" required {...form.input("firstname")} />
			<TextInput label="Last name" required {...form.input("lastname")} />
		</SimpleGrid>
	);
}
