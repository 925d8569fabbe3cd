/**
 * @module API reference (#/api): every command the API answers, from one listApis call cached for
 * the session. The list is filtered in memory (one call returns everything) with a deferred
 * value, so typing stays smooth with hundreds of commands; the selected command shows its
 * description, parameters and response fields.
 */
import { Alert, Badge, Grid, Loader, NavLink, Paper, ScrollArea, Stack, Text, TextInput, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useDeferredValue, useMemo, useState } from "react";
import { call, type Row } from "../../api/client";
import { errorText } from "../../api/errors";
import { CommandDetails } from "./CommandDetails";

export function ApiReference(_props: { params: Record<string, string | undefined> }) {
	// The command list does not change while the console runs: fetch it once.
	const query = useQuery({
		queryKey: ["listApis"],
		queryFn: async () => ((await call("listApis")).api as Row[] | undefined) ?? [],
		staleTime: Number.POSITIVE_INFINITY,
		gcTime: Number.POSITIVE_INFINITY,
	});
	const [search, setSearch] = useState("");
	const deferred = useDeferredValue(search.trim().toLowerCase());
	const [selected, setSelected] = useState<string | null>(null);
	const commands = useMemo(
		() => [...(query.data ?? [])].sort((a, b) => String(a.name).localeCompare(String(b.name))),
		[query.data],
	);
	const shown = useMemo(
		() =>
			deferred
				? commands.filter(
						(api) =>
							String(api.name).toLowerCase().includes(deferred) ||
							String(api.description ?? "")
								.toLowerCase()
								.includes(deferred),
					)
				: commands,
		[commands, deferred],
	);
	const current = commands.find((api) => api.name === selected) ?? shown[0];
	if (query.isPending) return <Loader aria-label="Loading" />;
	if (query.error)
		return (
			<Alert color="red" role="alert">
				{errorText(query.error)}
			</Alert>
		);
	return (
		<Stack gap="md">
			<Title order={2}>API reference</Title>
			<Text c="dimmed" size="sm">
				{commands.length} commands this API answers, with their parameters and response fields (from listApis).
			</Text>
			<Grid>
				<Grid.Col span={{ base: 12, md: 4, lg: 3 }}>
					<Stack gap="xs">
						<TextInput
							label="Search commands"
							placeholder="e.g. listVirtualMachines or webhook"
							value={search}
							onChange={(event) => setSearch(event.currentTarget.value)}
						/>
						<Text size="xs" c="dimmed" aria-live="polite">
							{shown.length} of {commands.length}
						</Text>
						<Paper withBorder>
							<ScrollArea h={{ base: 240, md: "calc(100vh - 260px)" }} type="auto">
								<nav aria-label="Commands">
									{shown.map((api) => (
										<NavLink
											key={api.name}
											component="button"
											label={api.name}
											active={api.name === current?.name}
											onClick={() => setSelected(String(api.name))}
											rightSection={api.isasync ? <Badge size="xs">async</Badge> : null}
										/>
									))}
								</nav>
							</ScrollArea>
						</Paper>
					</Stack>
				</Grid.Col>
				<Grid.Col span={{ base: 12, md: 8, lg: 9 }}>
					{current ? (
						<CommandDetails api={current} onSelect={setSelected} />
					) : (
						<Text c="dimmed">No command matches “{search}”.</Text>
					)}
				</Grid.Col>
			</Grid>
		</Stack>
	);
}
