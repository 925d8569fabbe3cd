/**
 * @module CloudStack's error contract: HTTP status == errorcode, plus the Java exception code
 * (`cserrorcode`) that clients sometimes show. One error type for every expected failure.
 */

/** CloudStack `ApiErrorCode` values we emit. */
export const ERROR = {
	badRequest: 400,
	unauthorized: 401,
	methodNotAllowed: 405,
	tooLarge: 413,
	tooManyRequests: 429,
	malformedParameter: 430,
	paramError: 431,
	unsupportedAction: 432,
	internal: 530,
	account: 531,
	resourceLimit: 532,
	insufficientCapacity: 533,
	resourceUnavailable: 534,
	resourceAllocation: 535,
	resourceInUse: 536,
} as const;

export type ErrorCode = (typeof ERROR)[keyof typeof ERROR];

/** `CSExceptionErrorCode` values for the exceptions whose meaning we reproduce. */
export const CS_EXCEPTION = {
	serverApi: 9999,
	cloudRuntime: 4250,
	invalidParameterValue: 4350,
	permissionDenied: 4365,
	resourceInUse: 4375,
	resourceUnavailable: 4380,
} as const;

const DEFAULT_CS_CODE: Partial<Record<ErrorCode, number>> = {
	431: CS_EXCEPTION.invalidParameterValue,
	432: CS_EXCEPTION.serverApi,
	530: CS_EXCEPTION.cloudRuntime,
	531: CS_EXCEPTION.permissionDenied,
	534: CS_EXCEPTION.resourceUnavailable,
	536: CS_EXCEPTION.resourceInUse,
};

export interface CsErrorOptions {
	/** Override (or, with `null`, omit) the `cserrorcode`; the 401 and login paths send none. */
	csCode?: number | null;
	/** Answer in `errorresponse` instead of `<command>response` (unknown or forbidden command). */
	genericEnvelope?: boolean;
}

/** An expected failure with CloudStack's wire shape; anything else thrown is a 530 bug. */
export class CsError extends Error {
	readonly code: ErrorCode;
	readonly csCode: number | undefined;
	readonly genericEnvelope: boolean;

	constructor(code: ErrorCode, text: string, options: CsErrorOptions = {}) {
		super(text);
		this.name = "CsError";
		this.code = code;
		this.csCode = options.csCode === null ? undefined : (options.csCode ?? DEFAULT_CS_CODE[code]);
		this.genericEnvelope = options.genericEnvelope ?? false;
	}
}

/** CloudStack's exact text for every authentication failure. */
export const UNAUTHORIZED_TEXT = "unable to verify user credentials and/or request signature";

/** The 401 every signature/session failure answers with, deliberately without detail. */
export function unauthorized(): CsError {
	return new CsError(ERROR.unauthorized, UNAUTHORIZED_TEXT, { csCode: null });
}

/** CloudStack's shorter 401 text for a session whose sessionkey does not match. */
export function sessionKeyMismatch(): CsError {
	return new CsError(ERROR.unauthorized, "unable to verify user credentials", { csCode: null });
}

/** 431 for a parameter value that is invalid or names an entity that does not exist. */
export function invalidParam(name: string, value: string): CsError {
	return new CsError(
		ERROR.paramError,
		`Invalid parameter ${name} value=${value} due to incorrect long value format, or entity does not exist or due to incorrect parameter annotation for the field in api cmd class.`,
	);
}

/** 531: the caller may not act on this resource. */
export function permissionDenied(text = "The caller does not have permission to act on this resource"): CsError {
	return new CsError(ERROR.account, text);
}
