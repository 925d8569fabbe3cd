/**
 * Request signing (cloudstack-api.md §1.1, client-wire-rules.md §1 rule 3). The client variants
 * are built here from scratch, with a byte-level percent encoder and HMAC written in the test,
 * so a bug shared between the Worker's encoder and its verifier cannot hide.
 */
import { describe, expect, it } from "vitest";
import type { RawParam } from "../../worker/src/api/params";
import {
	candidateQueries,
	canonicalQuery,
	constantTimeEqual,
	importSigningKey,
	javaEncode,
	parseExpires,
	sign,
	verifySignature,
} from "../../worker/src/api/signature";
import { AWKWARD_PARAMS, REFERENCE_VECTOR } from "../helpers/signature-vectors";

/** Percent-encodes every UTF-8 byte except ASCII letters, digits and the characters in `safe`. */
function percentEncode(value: string, safe: string): string {
	let out = "";
	for (const char of value) {
		if (/^[A-Za-z0-9]$/.test(char) || safe.includes(char)) {
			out += char;
			continue;
		}
		for (const byte of new TextEncoder().encode(char)) out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
	}
	return out;
}

type Encode = (value: string) => string;

/** How each kind of client encodes a value. */
const CLIENT_ENCODERS: Record<string, Encode> = {
	// Java URLEncoder.encode(v).replace("+", "%20").
	java: (v) => percentEncode(v, ".-*_"),
	// Python quote(v, safe="*"): `~` raw.
	pythonQuote: (v) => percentEncode(v, ".-*_~"),
	// Clients that leave `[` and `]` alone.
	rawBrackets: (v) => percentEncode(v, ".-*_[]"),
	// `*` as %2A, `~` still escaped.
	starEscaped: (v) => percentEncode(v, ".-_"),
	// Go url.QueryEscape (+ → %20): `*` escaped, `~` raw.
	goQueryEscape: (v) => percentEncode(v, ".-_~"),
};

const byName = (a: RawParam, b: RawParam) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const byLowerName = (a: RawParam, b: RawParam) =>
	a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0;

function clientString(params: RawParam[], encode: Encode, sort: (a: RawParam, b: RawParam) => number): string {
	return [...params]
		.sort(sort)
		.map((p) => `${p.name}=${encode(p.value)}`)
		.join("&")
		.toLowerCase();
}

/** `k=v` pairs encoded first, then sorted as whole strings. */
function pairSortedString(params: RawParam[]): string {
	const pairs = params.map((p) => `${p.name}=${CLIENT_ENCODERS.java?.(p.value)}`);
	return pairs
		.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
		.join("&")
		.toLowerCase();
}

async function hmacBase64(secret: string, data: string): Promise<string> {
	const key = await crypto.subtle.importKey(
		"raw",
		new TextEncoder().encode(secret),
		{ name: "HMAC", hash: "SHA-1" },
		false,
		["sign"],
	);
	const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(data)));
	return btoa(String.fromCharCode(...mac));
}

const raw = (entries: Record<string, string>): RawParam[] =>
	Object.entries(entries).map(([name, value]) => ({ name, value }));

const VECTOR = raw(REFERENCE_VECTOR.params);
const VECTOR_CANONICAL = REFERENCE_VECTOR.canonical;
const VECTOR_SIGNATURE = REFERENCE_VECTOR.signature;

describe("the reference vector (§1.1)", () => {
	it("builds the canonical string", () => {
		expect(canonicalQuery(VECTOR)).toBe(VECTOR_CANONICAL);
		expect(clientString(VECTOR, CLIENT_ENCODERS.java as Encode, byName)).toBe(VECTOR_CANONICAL.toLowerCase());
	});

	it("signs it to the documented signature", async () => {
		const key = await importSigningKey("TEST-SECRET");
		expect(await sign(key, VECTOR_CANONICAL.toLowerCase())).toBe(VECTOR_SIGNATURE);
		expect(await hmacBase64("TEST-SECRET", VECTOR_CANONICAL.toLowerCase())).toBe(VECTOR_SIGNATURE);
		expect(await verifySignature(key, VECTOR, VECTOR_SIGNATURE)).toBe(true);
	});

	it("leaves the signature parameter out, whatever its case", () => {
		expect(canonicalQuery([...VECTOR, { name: "Signature", value: "x" }])).toBe(VECTOR_CANONICAL);
		expect(canonicalQuery([...VECTOR, { name: "signature", value: "x" }])).toBe(VECTOR_CANONICAL);
	});

	it("keeps empty values and sorts names as sent (upper case first)", () => {
		expect(canonicalQuery(raw({ b: "", a: "1", Z: "2" }))).toBe("Z=2&a=1&b=");
	});
});

describe("javaEncode", () => {
	it.each([
		["a b", "a%20b"],
		["a+b", "a%2Bb"],
		["*", "*"],
		["~", "%7E"],
		["!'()", "%21%27%28%29"],
		["[]", "%5B%5D"],
		[":/,=&%?#", "%3A%2F%2C%3D%26%25%3F%23"],
		["._-", "._-"],
		["AZaz09", "AZaz09"],
		["é", "%C3%A9"],
		["😀", "%F0%9F%98%80"],
		["", ""],
	])("encodes %j as %j", (value, expected) => {
		expect(javaEncode(value)).toBe(expected);
	});

	it("matches URLEncoder for every printable ASCII character", () => {
		for (let code = 0x20; code < 0x7f; code++) {
			const char = String.fromCharCode(code);
			expect(javaEncode(char), char).toBe(CLIENT_ENCODERS.java?.(char));
		}
	});
});

const SECRET = "variant-secret";
// `~ * [ ]` in a value; names that sort differently as sent and lower-cased; a name that is a prefix of another.
const AWKWARD = raw(AWKWARD_PARAMS);

describe("candidateQueries and verifySignature: accepted client variants (rule 3)", () => {
	const key = importSigningKey(SECRET);

	it("puts the strict Java form first and lists no duplicates", () => {
		const candidates = candidateQueries(AWKWARD);
		expect(candidates[0]).toBe(clientString(AWKWARD, CLIENT_ENCODERS.java as Encode, byName));
		expect(new Set(candidates).size).toBe(candidates.length);
	});

	for (const [client, encode] of Object.entries(CLIENT_ENCODERS)) {
		for (const [order, sort] of [
			["names as sent", byName],
			["lower-cased names", byLowerName],
		] as const) {
			it(`accepts ${client} encoding with ${order}`, async () => {
				const data = clientString(AWKWARD, encode, sort);
				expect(candidateQueries(AWKWARD)).toContain(data);
				expect(await verifySignature(await key, AWKWARD, await hmacBase64(SECRET, data))).toBe(true);
			});
		}
	}

	it("accepts k=v pairs sorted as whole strings", async () => {
		const data = pairSortedString(AWKWARD);
		expect(data).not.toBe(clientString(AWKWARD, CLIENT_ENCODERS.java as Encode, byName));
		expect(await verifySignature(await key, AWKWARD, await hmacBase64(SECRET, data))).toBe(true);
	});

	it("sees the variants differ from the strict form for these values", () => {
		const strict = clientString(AWKWARD, CLIENT_ENCODERS.java as Encode, byName);
		for (const [client, encode] of Object.entries(CLIENT_ENCODERS)) {
			if (client !== "java") expect(clientString(AWKWARD, encode, byName), client).not.toBe(strict);
		}
		expect(clientString(AWKWARD, CLIENT_ENCODERS.java as Encode, byLowerName)).not.toBe(strict);
	});
});

describe("verifySignature: rejections", () => {
	const params = raw({ command: "listZones", apiKey: "KEY", response: "json", name: "zone 1" });
	const strict = () => hmacBase64(SECRET, clientString(params, CLIENT_ENCODERS.java as Encode, byName));

	it("accepts the untouched request", async () => {
		expect(await verifySignature(await importSigningKey(SECRET), params, await strict())).toBe(true);
	});

	it("rejects a signature made with another secret", async () => {
		expect(await verifySignature(await importSigningKey("other-secret"), params, await strict())).toBe(false);
	});

	it("rejects a tampered value", async () => {
		const tampered = params.map((p) => (p.name === "name" ? { ...p, value: "zone 2" } : p));
		expect(await verifySignature(await importSigningKey(SECRET), tampered, await strict())).toBe(false);
	});

	it("rejects an added parameter", async () => {
		const extra = [...params, { name: "listall", value: "true" }];
		expect(await verifySignature(await importSigningKey(SECRET), extra, await strict())).toBe(false);
	});

	it("rejects a removed parameter", async () => {
		const fewer = params.filter((p) => p.name !== "name");
		expect(await verifySignature(await importSigningKey(SECRET), fewer, await strict())).toBe(false);
	});

	it("rejects an empty or garbled signature", async () => {
		const key = await importSigningKey(SECRET);
		expect(await verifySignature(key, params, "")).toBe(false);
		const good = await strict();
		const flipped = `${good.startsWith("A") ? "B" : "A"}${good.slice(1)}`;
		expect(await verifySignature(key, params, flipped)).toBe(false);
	});
});

describe("parseExpires", () => {
	const base = Date.UTC(2030, 0, 1, 0, 0, 0);

	it.each([
		["2030-01-01T00:00:00+0000", base],
		["2030-01-01T00:00:00+00:00", base],
		["2030-01-01T00:00:00Z", base],
		["2030-01-01T00:00:00.250+0000", base + 250],
		["2030-01-01T00:00:00.250Z", base + 250],
		["2030-01-01T01:00:00+0100", base],
		["2029-12-31T19:00:00-05:00", base],
	])("parses %s", (value, expected) => {
		expect(parseExpires(value)).toBe(expected);
	});

	it("accepts micro-seconds", () => {
		const parsed = parseExpires("2030-01-01T00:00:00.123456+0000");
		expect(parsed).not.toBeNull();
		expect(Math.abs((parsed ?? 0) - base)).toBeLessThan(1000);
	});

	it.each([
		"",
		"tomorrow",
		"2030-01-01",
		"2030-01-01T00:00:00",
		"2030-01-01 00:00:00+0000",
		"2030-13-45T00:00:00Z",
		"2030-01-01T00:00:00+00",
		"1893456000",
	])("returns null for %j", (value) => {
		expect(parseExpires(value)).toBeNull();
	});
});

describe("constantTimeEqual", () => {
	it.each([
		["", "", true],
		["abc", "abc", true],
		["qplvolndOLQmFie7iIGojgNr3wE=", "qplvolndOLQmFie7iIGojgNr3wE=", true],
		["é", "é", true],
		["abc", "abd", false],
		["abc", "ab", false],
		["ab", "abc", false],
		["", "a", false],
		["a\u0000", "a", false],
		["é", "e", false],
	])("%j vs %j → %s", (a, b, expected) => {
		expect(constantTimeEqual(a, b)).toBe(expected);
	});
});
