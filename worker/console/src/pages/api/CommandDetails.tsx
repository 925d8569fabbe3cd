/** @module One command of listApis: what it does, whether it is async, its parameters and response fields. */
import { Anchor, Badge, Code, Group, Stack, Table, Text, Title } from "@mantine/core";
import type { Row } from "../../api/client";

export function CommandDetails({ api, onSelect }: { api: Row; onSelect(name: string): void }) {
	const params = [...((api.params as Row[] | undefined) ?? [])].sort(
		(a, b) => Number(Boolean(b.required)) - Number(Boolean(a.required)) || String(a.name).localeCompare(String(b.name)),
	);
	const response = (api.response as Row[] | undefined) ?? [];
	const related = String(api.related ?? "")
		.split(",")
		.filter(Boolean);
	return (
		<Stack gap="md">
			<Group gap="sm">
				<Title order={3} ff="monospace">
					{api.name}
				</Title>
				<Badge variant="light" color={api.isasync ? "orange" : "gray"}>
					{api.isasync ? "Asynchronous" : "Synchronous"}
				</Badge>
				{api.since && <Badge variant="outline">since {api.since}</Badge>}
			</Group>
			<Text>{api.description}</Text>
			{related.length > 0 && (
				<Group gap="xs">
					<Text size="sm" c="dimmed">
						Related:
					</Text>
					{related.map((name) => (
						<Anchor key={name} component="button" type="button" size="sm" onClick={() => onSelect(name)}>
							{name}
						</Anchor>
					))}
				</Group>
			)}
			<Title order={4}>Parameters ({params.length})</Title>
			{params.length === 0 ? (
				<Text c="dimmed">No parameters.</Text>
			) : (
				<Table.ScrollContainer minWidth={600}>
					<Table striped verticalSpacing="xs">
						<Table.Thead>
							<Table.Tr>
								<Table.Th>Name</Table.Th>
								<Table.Th>Required</Table.Th>
								<Table.Th>Type</Table.Th>
								<Table.Th>Description</Table.Th>
							</Table.Tr>
						</Table.Thead>
						<Table.Tbody>
							{params.map((param) => (
								<Table.Tr key={param.name}>
									<Table.Td>
										<Code>{param.name}</Code>
									</Table.Td>
									<Table.Td>
										{param.required ? (
											<Text span size="sm" fw={700} c="red">
												required
											</Text>
										) : (
											"optional"
										)}
									</Table.Td>
									<Table.Td>{param.type}</Table.Td>
									<Table.Td>
										{param.description}
										{param.since && (
											<Text span size="xs" c="dimmed">
												{" "}
												(since {param.since})
											</Text>
										)}
									</Table.Td>
								</Table.Tr>
							))}
						</Table.Tbody>
					</Table>
				</Table.ScrollContainer>
			)}
			<Title order={4}>Response fields ({response.length})</Title>
			{response.length === 0 ? (
				<Text c="dimmed">No response fields listed.</Text>
			) : (
				<Table.ScrollContainer minWidth={500}>
					<Table striped verticalSpacing="xs">
						<Table.Thead>
							<Table.Tr>
								<Table.Th>Name</Table.Th>
								<Table.Th>Type</Table.Th>
								<Table.Th>Description</Table.Th>
							</Table.Tr>
						</Table.Thead>
						<Table.Tbody>
							{response.map((field) => (
								<Table.Tr key={field.name}>
									<Table.Td>
										<Code>{field.name}</Code>
									</Table.Td>
									<Table.Td>{field.type}</Table.Td>
									<Table.Td>{field.description}</Table.Td>
								</Table.Tr>
							))}
						</Table.Tbody>
					</Table>
				</Table.ScrollContainer>
			)}
		</Stack>
	);
}
