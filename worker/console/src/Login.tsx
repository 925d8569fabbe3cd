/** @module The login page: username, password and domain (CloudStack's login command). */
import { Alert, Button, Center, Paper, PasswordInput, Stack, TextInput, Title } from "@mantine/core";
import { useApiForm } from "./api/form";
import { useSession } from "./api/session";

export function Login() {
	const session = useSession();
	const form = useApiForm({ username: "", password: "", domain: "/" });
	return (
		<Center mih="100vh" p="md">
			<Paper withBorder shadow="sm" p="xl" w="100%" maw={400}>
				<form
					onSubmit={(event) => {
						event.preventDefault();
						void form.submit((values) => session.login(values.username, values.password, values.domain));
					}}
				>
					<Stack>
						<Title order={1} size="h2">
							flarestack
						</Title>
						{session.notice && <Alert color="yellow">{session.notice}</Alert>}
						<TextInput label="Username" autoComplete="username" required autoFocus {...form.input("username")} />
						<PasswordInput label="Password" autoComplete="current-password" required {...form.input("password")} />
						<TextInput
							label="Domain"
							description="/ for the ROOT domain, or its path, e.g. ROOT/sales"
							{...form.input("domain")}
						/>
						{form.formError && (
							<Alert color="red" role="alert">
								{form.formError}
							</Alert>
						)}
						<Button type="submit" loading={form.submitting}>
							Log in
						</Button>
					</Stack>
				</form>
			</Paper>
		</Center>
	);
}
