/**
 * @module Waiting for an async job: polls `queryAsyncJobResult` until `jobstatus` is 1 (done) or
 * 2 (failed), with an ora spinner on stderr when it is a terminal (nothing otherwise).
 */
import ora, { type Ora } from "ora";
import type { ApiClient, Json } from "./client.ts";
import { ApiError, CliError } from "./errors.ts";

export interface WaitOptions {
	/** Give up after this many ms (the job goes on server-side). */
	timeoutMs: number;
	/** Between polls, ms. */
	intervalMs?: number;
	/** What the spinner says, e.g. the command name. */
	label: string;
	/** Show a spinner; default: stderr is a terminal (with a known width). */
	spinner?: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Returns the job's `jobresult`; throws an ApiError with its errortext when the job failed. */
export async function waitForJob(client: ApiClient, jobId: string, options: WaitOptions): Promise<Json> {
	const started = Date.now();
	// A terminal that reports no width (some ptys) would make the spinner redraw forever.
	const spin: Ora | undefined =
		(options.spinner ?? Boolean(process.stderr.isTTY && process.stderr.columns > 0))
			? ora({ text: `${options.label}: waiting for job ${jobId}`, stream: process.stderr }).start()
			: undefined;
	try {
		for (let attempt = 0; ; attempt++) {
			const job = await client.call("queryAsyncJobResult", [["jobid", jobId]]);
			const status = Number(job.jobstatus);
			if (status === 1) {
				spin?.succeed(`${options.label}: job ${jobId} done`);
				return (job.jobresult as Json | undefined) ?? {};
			}
			if (status !== 0) {
				spin?.fail(`${options.label}: job ${jobId} failed`);
				const result = (job.jobresult ?? {}) as Json;
				const code = Number(result.errorcode ?? job.jobresultcode ?? 530);
				const text = typeof result.errortext === "string" ? result.errortext : `job ended with status ${status}`;
				throw new ApiError(code, text);
			}
			const elapsed = Date.now() - started;
			if (elapsed > options.timeoutMs) {
				spin?.fail(`${options.label}: gave up on job ${jobId}`);
				throw new CliError(
					`job ${jobId} still running after ${Math.round(elapsed / 1000)} s; ` +
						`check later with \`flarestack query asyncjobresult jobid=${jobId}\``,
				);
			}
			if (spin) spin.text = `${options.label}: waiting for job ${jobId} (${Math.round(elapsed / 1000)} s)`;
			// Quick first polls (many jobs finish at once), then every interval.
			await sleep(attempt < 3 ? 250 : (options.intervalMs ?? 1000));
		}
	} finally {
		if (spin?.isSpinning) spin.stop();
	}
}
