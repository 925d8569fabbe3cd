/** @module A table of API rows: the one way the console lists things. */
import { Center, Loader, ScrollArea, Table, Text } from "@mantine/core";
import type { ReactNode } from "react";
import type { Row } from "../api/client";

export interface Column {
	/** Header text. */
	label: string;
	/** The cell: a field name of the row, or a function of the row. */
	value: string | ((row: Row) => ReactNode);
}

export function DataTable({
	columns,
	rows,
	loading,
	empty = "Nothing here yet.",
	onRowClick,
	rowKey = (row) => String(row.id),
}: {
	columns: Column[];
	rows: Row[];
	loading?: boolean;
	empty?: string;
	onRowClick?: (row: Row) => void;
	/** A row's unique React key; by default its `id`. */
	rowKey?: (row: Row) => string;
}) {
	if (loading && rows.length === 0) {
		return (
			<Center p="xl">
				<Loader aria-label="Loading" />
			</Center>
		);
	}
	if (rows.length === 0) {
		return (
			<Text c="dimmed" p="md">
				{empty}
			</Text>
		);
	}
	return (
		<ScrollArea>
			<Table striped highlightOnHover={Boolean(onRowClick)} verticalSpacing="xs">
				<Table.Thead>
					<Table.Tr>
						{columns.map((column) => (
							<Table.Th key={column.label}>{column.label}</Table.Th>
						))}
					</Table.Tr>
				</Table.Thead>
				<Table.Tbody>
					{rows.map((row, index) => (
						<Table.Tr
							key={rowKey(row) || index}
							onClick={onRowClick ? () => onRowClick(row) : undefined}
							onKeyDown={
								onRowClick
									? (event) => {
											if (event.key === "Enter") onRowClick(row);
										}
									: undefined
							}
							tabIndex={onRowClick ? 0 : undefined}
							style={onRowClick ? { cursor: "pointer" } : undefined}
						>
							{columns.map((column) => (
								<Table.Td key={column.label}>
									{typeof column.value === "string" ? String(row[column.value] ?? "") : column.value(row)}
								</Table.Td>
							))}
						</Table.Tr>
					))}
				</Table.Tbody>
			</Table>
		</ScrollArea>
	);
}
