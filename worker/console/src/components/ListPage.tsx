/**
 * @module A page listing one API command's rows: title, actions, keyword search, optional filters
 * (each an API parameter), the table and its pages. The search and filters go to the API; nothing
 * is filtered in the browser, so a list of 10,000 shows its first page as fast as a list of 10.
 */
import { Alert, Group, Pagination, Select, Stack, Text, TextInput, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { type ReactNode, useState } from "react";
import type { Params, Row } from "../api/client";
import { errorText } from "../api/errors";
import { type RefetchMs, useList } from "../api/queries";
import { type Column, DataTable } from "./DataTable";

export interface Filter {
	/** The API parameter, e.g. "state". */
	param: string;
	label: string;
	options: { value: string; label: string }[];
}

export const PAGE_SIZE = 20;

export function ListPage({
	title,
	command,
	listKey,
	params = {},
	columns,
	filters = [],
	actions,
	onRowClick,
	searchable = true,
	refetchMs,
	empty,
	rowKey,
	children,
}: {
	title: string;
	command: string;
	/** The response's list field, e.g. "virtualmachine". */
	listKey: string;
	params?: Params;
	columns: Column[];
	filters?: Filter[];
	actions?: ReactNode;
	onRowClick?: (row: Row) => void;
	searchable?: boolean;
	refetchMs?: RefetchMs;
	empty?: string;
	/** The row's unique key when `id` is not (e.g. listTemplates: one row per template and zone). */
	rowKey?: (row: Row) => string;
	/** Shown between the header and the table (forms, notes). */
	children?: ReactNode;
}) {
	const [page, setPage] = useState(1);
	const [keyword, setKeyword] = useState("");
	const [debounced] = useDebouncedValue(keyword, 300);
	const [chosen, setChosen] = useState<Record<string, string | null>>({});
	const query = useList(
		command,
		listKey,
		{ listall: true, ...params, ...chosen, keyword: debounced || undefined, page, pagesize: PAGE_SIZE },
		refetchMs,
	);
	const count = query.data?.count ?? 0;
	const pages = Math.max(1, Math.ceil(count / PAGE_SIZE));
	return (
		<Stack gap="md">
			<Group justify="space-between" wrap="wrap">
				<Title order={2}>{title}</Title>
				<Group gap="xs">{actions}</Group>
			</Group>
			{children}
			<Group gap="sm" wrap="wrap">
				{searchable && (
					<TextInput
						aria-label={`Search ${title.toLowerCase()}`}
						placeholder="Search"
						value={keyword}
						onChange={(event) => {
							setKeyword(event.currentTarget.value);
							setPage(1);
						}}
					/>
				)}
				{filters.map((filter) => (
					<Select
						key={filter.param}
						aria-label={filter.label}
						placeholder={filter.label}
						clearable
						data={filter.options}
						value={chosen[filter.param] ?? null}
						onChange={(value) => {
							setChosen((old) => ({ ...old, [filter.param]: value }));
							setPage(1);
						}}
					/>
				))}
				<Text c="dimmed" size="sm" aria-live="polite">
					{query.data ? `${count} total` : ""}
				</Text>
			</Group>
			{query.error && <Alert color="red">{errorText(query.error)}</Alert>}
			<DataTable
				columns={columns}
				rows={query.data?.rows ?? []}
				loading={query.isPending}
				empty={empty}
				onRowClick={onRowClick}
				rowKey={rowKey}
			/>
			{pages > 1 && <Pagination total={pages} value={page} onChange={setPage} aria-label="Pages" />}
		</Stack>
	);
}
