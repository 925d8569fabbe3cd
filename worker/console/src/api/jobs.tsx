/**
 * @module Async jobs started from the console: each is polled with queryAsyncJobResult until it
 * ends, shown as a notification with its progress and result, and listed in the header's job
 * tray. When a job ends every cached list refreshes, so pages show the new state.
 */
import { notifications } from "@mantine/notifications";
import { useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";
import { ApiError, call, type Params, type Row } from "./client";
import { errorText } from "./errors";

export interface TrackedJob {
	jobid: string;
	label: string;
	/** 0 pending, 1 succeeded, 2 failed (CloudStack's jobstatus). */
	status: 0 | 1 | 2;
	/** The job's result object (e.g. the virtualmachine) or its error text. */
	result?: Row;
	error?: string;
	started: number;
}

export interface RunOptions {
	/** Called with the command's own answer (`{jobid, id}`) as soon as the job exists. */
	onStarted?(answer: Row): void;
	/**
	 * Also notify when the call itself is refused (wrong state, 431…): for action buttons. Forms
	 * leave this off and show the error on their field instead. A failed job is always notified.
	 */
	notifyRefused?: boolean;
}

interface JobsValue {
	jobs: TrackedJob[];
	/**
	 * Calls an async `command` and follows its job. Resolves with the job's result object when it
	 * succeeds; rejects with an ApiError when the call (e.g. 431) or the job fails.
	 */
	run(command: string, params: Params, label: string, options?: RunOptions): Promise<Row>;
}

const JobsContext = createContext<JobsValue | null>(null);
const POLL_MS = 1000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function JobsProvider({ children }: { children: ReactNode }) {
	const [jobs, setJobs] = useState<TrackedJob[]>([]);
	const queries = useQueryClient();

	const update = useCallback((jobid: string, change: Partial<TrackedJob>) => {
		setJobs((old) => old.map((job) => (job.jobid === jobid ? { ...job, ...change } : job)));
	}, []);

	const run = useCallback(
		async (command: string, params: Params, label: string, options: RunOptions = {}): Promise<Row> => {
			let answer: Row;
			try {
				answer = await call(command, params);
			} catch (error) {
				if (options.notifyRefused && !(error instanceof ApiError && error.code === 401)) {
					notifications.show({ color: "red", title: `${label} failed`, message: errorText(error), autoClose: false });
				}
				throw error;
			}
			const jobid = String(answer.jobid ?? "");
			if (!jobid) return answer;
			options.onStarted?.(answer);
			setJobs((old) => [{ jobid, label, status: 0 as const, started: Date.now() }, ...old].slice(0, 50));
			notifications.show({ id: jobid, loading: true, title: label, message: "Running…", autoClose: false });
			for (;;) {
				await sleep(POLL_MS);
				let job: Row;
				try {
					job = await call("queryAsyncJobResult", { jobid });
				} catch (error) {
					if (error instanceof ApiError && error.code === 401) throw error;
					continue; // a network blip: keep following the job
				}
				if (Number(job.jobstatus) === 0) continue;
				await queries.invalidateQueries();
				const result = (job.jobresult ?? {}) as Row;
				if (Number(job.jobstatus) === 1) {
					update(jobid, { status: 1, result });
					notifications.update({
						id: jobid,
						loading: false,
						color: "green",
						title: label,
						message: "Done",
						autoClose: 4000,
					});
					return result;
				}
				const text = String(result.errortext ?? "The job failed");
				update(jobid, { status: 2, error: text });
				notifications.update({
					id: jobid,
					loading: false,
					color: "red",
					title: `${label} failed`,
					message: text,
					autoClose: false,
				});
				throw new ApiError(Number(result.errorcode ?? 530), text, command);
			}
		},
		[queries, update],
	);

	const value = useMemo(() => ({ jobs, run }), [jobs, run]);
	return <JobsContext.Provider value={value}>{children}</JobsContext.Provider>;
}

export function useJobs(): JobsValue {
	const value = useContext(JobsContext);
	if (!value) throw new Error("useJobs outside JobsProvider");
	return value;
}
