/** @module API reads through TanStack Query: cached per command and parameters, refreshed on demand. */
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { call, type Params, type Row } from "./client";

export interface ListResult {
	rows: Row[];
	count: number;
}

/**
 * How often a list polls (for states that change by themselves: jobs, downloads, hosts): a fixed
 * interval, or one chosen from the rows last fetched (undefined: no polling).
 */
export type RefetchMs = number | ((rows: Row[]) => number | undefined);

/**
 * One list command's page: `useList("listZones", "zone", {page: 1, pagesize: 20})`. The previous
 * page stays on screen while the next one loads.
 */
export function useList(command: string, key: string, params: Params = {}, refetchMs?: RefetchMs) {
	return useQuery({
		queryKey: [command, params],
		queryFn: async (): Promise<ListResult> => {
			const answer = await call(command, params);
			const rows = (answer[key] as Row[] | undefined) ?? [];
			return { rows, count: Number(answer.count ?? rows.length) };
		},
		placeholderData: keepPreviousData,
		refetchInterval:
			typeof refetchMs === "function" ? (query) => refetchMs(query.state.data?.rows ?? []) ?? false : refetchMs,
	});
}

/** Any read command's whole answer (e.g. listCapabilities). */
export function useCall(command: string, params: Params = {}, enabled = true) {
	return useQuery({ queryKey: [command, params], queryFn: () => call(command, params), enabled });
}

/** After a change: refreshes every cached read (cheap: only mounted queries refetch). */
export function useRefresh(): () => Promise<void> {
	const queries = useQueryClient();
	return () => queries.invalidateQueries();
}
