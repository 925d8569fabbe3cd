/** @module Session cookies as CloudStack sets them: JSESSIONID and sessionkey, HttpOnly, SameSite=Lax. */

export function parseCookies(header: string | null): Record<string, string> {
	const out: Record<string, string> = {};
	for (const part of (header ?? "").split(";")) {
		const eq = part.indexOf("=");
		if (eq > 0) out[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
	}
	return out;
}

function cookie(name: string, value: string, secure: boolean, maxAge?: number): string {
	const parts = [`${name}=${value}`, "Path=/client", "HttpOnly", "SameSite=Lax"];
	if (secure) parts.push("Secure");
	if (maxAge !== undefined) parts.push(`Max-Age=${maxAge}`);
	return parts.join("; ");
}

export function sessionCookies(sessionId: string, sessionKey: string, secure: boolean): string[] {
	return [cookie("JSESSIONID", sessionId, secure), cookie("sessionkey", sessionKey, secure)];
}

export function expiredSessionCookies(secure: boolean): string[] {
	return [cookie("JSESSIONID", "", secure, 0), cookie("sessionkey", "", secure, 0)];
}
