/**
 * @module The CloudStack API pipeline: parameters → authentication → command lookup and role
 * check → parameter validation → handler (inside a job for async commands) → envelope.
 */
import { commands } from "../commands/registry";
import type { AnyCommand, CommandResult, Deps, RequestInfo } from "../commands/types";
import { recordFinishedJob } from "../db/repos/jobs";
import { type Caller, isRootAdmin } from "../domain/access";
import { roleAllows } from "../domain/roles";
import { logError } from "../lib/log";
import { authenticateSession, authenticateSignature } from "./auth";
import { parseCookies } from "./cookies";
import { envelopeName, errorBody, type Format, render, resultBody } from "./envelope";
import { CsError, ERROR, unauthorized } from "./errors";
import { indexParams, mergeParams, type PeekedParams, peekParams } from "./params";
import { parseCommandParams } from "./validate";

/** Form bodies above this size are refused before they are read. */
export const MAX_BODY_BYTES = 1 << 20;

// Errors CloudStack raises before queueing a job (parameter processing and entity access checks).
const SYNCHRONOUS_ASYNC_ERRORS: readonly number[] = [ERROR.malformedParameter, ERROR.paramError, ERROR.account];

export async function handleApiRequest(
	request: Request,
	deps: Deps,
	info: RequestInfo,
	requestId: string,
): Promise<Response> {
	const url = new URL(request.url);
	let format: Format = url.searchParams.get("response")?.toLowerCase() === "json" ? "json" : "xml";
	let command: AnyCommand | undefined;
	let caller: Caller | null = null;
	try {
		const params = peekParams(mergeParams(url.searchParams, await readForm(request)));
		format = params.values.get("response")?.toLowerCase() === "json" ? "json" : "xml";
		const name = params.values.get("command") ?? "";
		command = commands.get(name);
		const result = await execute(request, deps, info, params, name, command, (who) => {
			caller = who;
		});
		const response = render(
			envelopeName(name, command?.responseName),
			resultBody(result),
			format,
			200,
			caller !== null,
		);
		for (const cookie of result.setCookies ?? []) response.headers.append("set-cookie", cookie);
		return response;
	} catch (thrown) {
		const error = thrown instanceof CsError ? thrown : internalError(requestId, thrown);
		const envelope =
			error.genericEnvelope || !command ? "errorresponse" : envelopeName(command.name, command.responseName);
		return render(envelope, errorBody(error), format, error.code, caller !== null);
	}
}

async function readForm(request: Request): Promise<URLSearchParams | null> {
	if (request.method !== "POST") return null;
	const declared = Number(request.headers.get("content-length") ?? "0");
	if (declared > MAX_BODY_BYTES) throw tooLarge();
	// Read bytes, not text: the size limit is in bytes and workerd warns on .text() of a form body.
	const bytes = await request.arrayBuffer();
	if (bytes.byteLength > MAX_BODY_BYTES) throw tooLarge();
	const body = new TextDecoder().decode(bytes);
	const type = request.headers.get("content-type") ?? "";
	return type.includes("application/x-www-form-urlencoded") || type === "" ? new URLSearchParams(body) : null;
}

function tooLarge(): CsError {
	return new CsError(ERROR.tooLarge, `The request body exceeds ${MAX_BODY_BYTES} bytes`, { csCode: null });
}

function internalError(requestId: string, thrown: unknown): CsError {
	logError(requestId, "unhandled error in API command", thrown);
	return new CsError(
		ERROR.internal,
		`Internal error executing command, please contact your system administrator (request ${requestId})`,
	);
}

async function execute(
	request: Request,
	deps: Deps,
	info: RequestInfo,
	params: PeekedParams,
	name: string,
	command: AnyCommand | undefined,
	/** Lets the caller's identity reach the error path too (XML version attribute). */
	onAuthenticated: (caller: Caller) => void,
): Promise<CommandResult> {
	const cookies = parseCookies(request.headers.get("cookie"));
	if (command?.access === "session") {
		const parsed = parseCommandParams(command, indexParams(params.raw));
		return command.handle({ params: parsed, deps, request: info, cookies });
	}
	const caller = await authenticate(deps, params, cookies, name, command, info.method);
	onAuthenticated(caller);
	if (
		!command ||
		!roleAllows({ id: caller.roleId, type: caller.roleType, rules: caller.roleRules }, name, command.authorized)
	) {
		throw notAvailable(name, caller);
	}
	const parsed = parseCommandParams(command, indexParams(params.raw));
	const ctx = { params: parsed, deps, request: info, caller };
	return command.async ? runAsJob(command, ctx) : command.handle(ctx);
}

async function authenticate(
	deps: Deps,
	params: PeekedParams,
	cookies: Record<string, string>,
	name: string,
	command: AnyCommand | undefined,
	method: string,
): Promise<Caller> {
	if (params.values.has("apikey") || params.values.has("signature")) {
		// Unauthenticated callers learn nothing about which commands exist.
		if (!command) throw unauthorized();
		return authenticateSignature(deps, params, name, method);
	}
	if (cookies.JSESSIONID) return authenticateSession(deps, params, cookies);
	throw unauthorized();
}

function notAvailable(name: string, caller: Caller): CsError {
	if (!name) return new CsError(ERROR.badRequest, "no command specified", { genericEnvelope: true, csCode: null });
	const text = isRootAdmin(caller)
		? `Unknown API command: ${name}`
		: `The API [${name}] does not exist or is not available for the account for the user with ID ${caller.userId}.`;
	return new CsError(ERROR.unsupportedAction, text, { genericEnvelope: true });
}

/** Runs an async command's work and answers `{jobid}`; failures land in the job, not the response. */
async function runAsJob(
	command: AnyCommand & { access: "authenticated" },
	ctx: Parameters<(AnyCommand & { access: "authenticated" })["handle"]>[0],
): Promise<CommandResult> {
	const job = command.async;
	if (!job) throw new Error(`${command.name} is not async`);
	const now = ctx.deps.clock.now();
	let finished: { status: 1 | 2; resultCode: number; result: Record<string, unknown> };
	try {
		const result = await command.handle(ctx);
		// The job was started in the background (jobs/start.ts): its runner finishes the row.
		if (result.type === "job") return result;
		finished = { status: 1, resultCode: 0, result: resultBody(result) };
	} catch (thrown) {
		if (!(thrown instanceof CsError)) throw thrown;
		if (SYNCHRONOUS_ASYNC_ERRORS.includes(thrown.code)) throw thrown;
		finished = { status: 2, resultCode: thrown.code, result: { errorcode: thrown.code, errortext: thrown.message } };
	}
	const instanceId = typeof ctx.params.id === "string" ? ctx.params.id : undefined;
	const jobid = await recordFinishedJob(ctx.deps.db, ctx.caller, now, {
		cmd: job.className,
		instanceType: job.instanceType,
		instanceId,
		...finished,
	});
	return { type: "fields", value: { jobid } };
}
