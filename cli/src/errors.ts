/** @module The one error type the CLI prints: a message for stderr and an exit code. */

/** Exit codes: 1 for a failed call or job, 2 for a usage error. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export class CliError extends Error {
	readonly exitCode: number;

	constructor(message: string, exitCode: number = EXIT_FAILURE) {
		super(message);
		this.name = "CliError";
		this.exitCode = exitCode;
	}
}

/** An error answer from the API: `errorcode` (= HTTP status) and `errortext`. */
export class ApiError extends CliError {
	readonly errorCode: number;
	readonly errorText: string;

	constructor(errorCode: number, errorText: string, hint?: string) {
		super(`error ${errorCode}: ${errorText}${hint ? `\n${hint}` : ""}`);
		this.name = "ApiError";
		this.errorCode = errorCode;
		this.errorText = errorText;
	}
}

/** A usage error: unknown command, malformed argument. */
export function usage(message: string): CliError {
	return new CliError(message, EXIT_USAGE);
}
