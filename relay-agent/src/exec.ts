/**
 * @module Runs a program with an argument array (`child_process.execFile`, never a shell string) and
 * a timeout, so a URI or a name from the Worker can never become shell syntax and a hung tool cannot
 * hold a command past its deadline.
 */
import { execFile } from "node:child_process";

export type ExecFailure = "missing" | "timeout" | "failed";

/** A program that could not be run, ran too long or exited non-zero; `stderr` is its last words. */
export class ExecError extends Error {
	readonly kind: ExecFailure;
	readonly stderr: string;
	readonly exitCode: number | null;
	constructor(kind: ExecFailure, message: string, stderr = "", exitCode: number | null = null) {
		super(message);
		this.name = "ExecError";
		this.kind = kind;
		this.stderr = stderr;
		this.exitCode = exitCode;
	}
}

export interface ExecOptions {
	timeoutMs: number;
	signal?: AbortSignal;
	env?: NodeJS.ProcessEnv;
	/** The most stdout kept, in bytes (virsh capabilities of a big host is a few hundred KiB). */
	maxBuffer?: number;
}

/** Runs `file args…` and resolves with its stdout; rejects with an ExecError. */
export function execProgram(file: string, args: readonly string[], options: ExecOptions): Promise<string> {
	const { timeoutMs, signal, env = process.env, maxBuffer = 16 * 1024 * 1024 } = options;
	return new Promise((resolve, reject) => {
		execFile(
			file,
			args,
			{ timeout: timeoutMs, killSignal: "SIGKILL", signal, env, maxBuffer, encoding: "utf8", windowsHide: true },
			(error, stdout, stderr) => {
				if (!error) return resolve(stdout);
				const lastWords = summary(stderr) || summary(stdout);
				const failure = error as NodeJS.ErrnoException & { killed?: boolean; code?: unknown };
				if (failure.code === "ENOENT") {
					return reject(new ExecError("missing", `${file} is not installed (not found on PATH)`));
				}
				if (failure.killed || failure.name === "AbortError" || failure.code === "ABORT_ERR") {
					return reject(new ExecError("timeout", `${file} ${args[0] ?? ""} did not finish in time`.trim(), stderr));
				}
				const exitCode = typeof failure.code === "number" ? failure.code : null;
				reject(new ExecError("failed", lastWords || `${file} exited with ${exitCode ?? "an error"}`, stderr, exitCode));
			},
		);
	});
}

/** The non-empty lines of a tool's output as one line: virsh puts the cause on its second line. */
function summary(text: string): string {
	return text
		.split("\n")
		.map((line) => line.trim())
		.filter((line) => line !== "")
		.join("; ")
		.slice(0, 500);
}
