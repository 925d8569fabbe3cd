/**
 * @module Who is calling: a signed request (apiKey + HMAC signature) or a login session
 * (JSESSIONID cookie + sessionkey cookie + sessionkey parameter). Every failure is the same 401.
 */
import { eq } from "drizzle-orm";
import type { Deps } from "../commands/types";
import { type CallerRow, callerByApiKey, callerBySession, roleRules } from "../db/repos/callers";
import { sessions } from "../db/schema";
import type { Caller } from "../domain/access";
import { CsError, ERROR, sessionKeyMismatch, unauthorized } from "./errors";
import type { PeekedParams } from "./params";
import { constantTimeEqual, importSigningKey, parseExpires, verifySignature } from "./signature";

/** CloudStack's limit on how far ahead `expires` may be when timestamps are enforced. */
const MAX_EXPIRY_AHEAD_MS = 15 * 60_000;
/** Sessions record activity at most this often, so busy sessions do not write on every call. */
const TOUCH_INTERVAL_MS = 60_000;
const READ_ONLY_COMMAND = /^(get|list|query|find)\w+$/;

// Imported HMAC keys keyed by the sealed secret, so a regenerated key never hits a stale entry.
const keyCache = new Map<string, Promise<CryptoKey>>();
const KEY_CACHE_LIMIT = 10_000;

function signingKey(deps: Deps, sealed: string): Promise<CryptoKey> {
	let key = keyCache.get(sealed);
	if (!key) {
		if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
		key = deps.secrets.open(sealed).then(importSigningKey);
		key.catch(() => keyCache.delete(sealed));
		keyCache.set(sealed, key);
	}
	return key;
}

async function toCaller(deps: Deps, row: CallerRow | null, via: Caller["via"]): Promise<Caller> {
	if (row?.userState !== "enabled" || row.accountState !== "enabled") throw unauthorized();
	const rules = await roleRules(deps.db, row.caller.roleId, deps.clock.now());
	return { ...row.caller, roleRules: rules, via };
}

/** Verifies a signed request for `command` (already known to exist). */
export async function authenticateSignature(
	deps: Deps,
	params: PeekedParams,
	command: string,
	method: string,
): Promise<Caller> {
	const now = deps.clock.now();
	const enforce = deps.settings.bool("enforce.post.requests.and.timestamps");
	if (params.values.get("signatureversion") === "3") {
		const expires = parseExpires(params.values.get("expires") ?? "");
		if (expires === null || expires < now) throw unauthorized();
		if (enforce && expires > now + MAX_EXPIRY_AHEAD_MS) throw unauthorized();
	} else if (enforce) {
		throw unauthorized();
	}
	if (enforce && method !== "POST" && !READ_ONLY_COMMAND.test(command)) {
		throw new CsError(
			ERROR.badRequest,
			"State-changing commands must be sent with POST when enforce.post.requests.and.timestamps is set",
			{ csCode: null },
		);
	}
	const apiKey = params.values.get("apikey") ?? "";
	const signature = params.values.get("signature") ?? "";
	const row = await callerByApiKey(deps.db, apiKey);
	if (
		!row?.secretKeyEnc ||
		row.apiKeyAccess === "Disabled" ||
		(row.apiKeyAccess === "Inherit" && row.accountApiKeyAccess === "Disabled")
	) {
		throw unauthorized();
	}
	const key = await signingKey(deps, row.secretKeyEnc);
	if (!(await verifySignature(key, params.raw, signature))) throw unauthorized();
	return toCaller(deps, row, "key");
}

/** Verifies a session: the cookie's session must be live and both sessionkeys must match it. */
export async function authenticateSession(
	deps: Deps,
	params: PeekedParams,
	cookies: Record<string, string>,
): Promise<Caller> {
	const sessionId = cookies.JSESSIONID ?? "";
	const found = await callerBySession(deps.db, sessionId);
	if (!found) throw unauthorized();
	const { session } = found;
	const now = deps.clock.now();
	const idleLimit = deps.settings.int("session.timeout") * 1000;
	const keyParam = params.values.get("sessionkey") ?? "";
	const keyCookie = cookies.sessionkey ?? "";
	const keysMatch = constantTimeEqual(keyParam, session.sessionKey) && constantTimeEqual(keyCookie, session.sessionKey);
	if (now - session.lastSeen > idleLimit || !keysMatch) {
		// CloudStack invalidates the session on a session-key mismatch, so a leaked cookie alone is useless.
		await deps.db.delete(sessions).where(eq(sessions.id, sessionId));
		throw keysMatch ? unauthorized() : sessionKeyMismatch();
	}
	const caller = await toCaller(deps, found.row, "session");
	if (now - session.lastSeen > TOUCH_INTERVAL_MS) {
		await deps.db.update(sessions).set({ lastSeen: now }).where(eq(sessions.id, sessionId));
	}
	return { ...caller, sessionId };
}
