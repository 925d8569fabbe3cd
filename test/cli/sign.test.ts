/**
 * The CLI's request signing (cli/src/sign.ts, node:crypto) against the server's signature vectors
 * (test/helpers/signature-vectors.ts, also used by test/unit/signature.test.ts) and against the
 * server's own canonical form and verifier (worker/src/api/signature.ts).
 */
import { describe, expect, it } from "vitest";
import {
	canonicalString,
	encodeQuery,
	formatExpires,
	javaEncode,
	type Param,
	signature,
	signedUrl,
	signParams,
} from "../../cli/src/sign.ts";
import type { RawParam } from "../../worker/src/api/params";
import {
	canonicalQuery,
	importSigningKey,
	javaEncode as serverEncode,
	verifySignature,
} from "../../worker/src/api/signature";
import { AWKWARD_PARAMS, REFERENCE_VECTOR } from "../helpers/signature-vectors";

const entries = (record: Record<string, string>): Param[] => Object.entries(record);
const raw = (params: readonly Param[]): RawParam[] => params.map(([name, value]) => ({ name, value }));

async function serverAccepts(secret: string, params: readonly Param[]): Promise<boolean> {
	const sig = params.find(([name]) => name === "signature")?.[1] ?? "";
	return verifySignature(await importSigningKey(secret), raw(params), sig);
}

describe("the reference vector (cloudstack-api.md §1.1)", () => {
	it("builds the documented canonical string", () => {
		expect(canonicalString(entries(REFERENCE_VECTOR.params))).toBe(REFERENCE_VECTOR.canonical);
	});

	it("signs it to the documented signature", () => {
		expect(signature(REFERENCE_VECTOR.secret, entries(REFERENCE_VECTOR.params))).toBe(REFERENCE_VECTOR.signature);
	});

	it("adds apiKey, signatureVersion and expires itself and still gets the vector's signature", () => {
		const { apiKey, signatureVersion: _v, expires, ...rest } = REFERENCE_VECTOR.params;
		const signed = signParams(
			entries(rest),
			{ apiKey: apiKey as string, secretKey: REFERENCE_VECTOR.secret },
			new Date(Date.parse((expires as string).replace("+0000", "Z"))),
		);
		expect(Object.fromEntries(signed)).toEqual({ ...REFERENCE_VECTOR.params, signature: REFERENCE_VECTOR.signature });
	});

	it("leaves a signature parameter out of the string, whatever its case", () => {
		const params = entries(REFERENCE_VECTOR.params);
		expect(canonicalString([...params, ["Signature", "x"]])).toBe(REFERENCE_VECTOR.canonical);
		expect(canonicalString([...params, ["signature", "x"]])).toBe(REFERENCE_VECTOR.canonical);
	});
});

describe("the same algorithm as the server", () => {
	it("encodes every printable ASCII character and some UTF-8 as the server does", () => {
		const values = [...Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)), "é", "😀", ""];
		for (const value of values) expect(javaEncode(value), value).toBe(serverEncode(value));
	});

	it("builds the server's strict canonical string for the awkward variant request", () => {
		const params = entries(AWKWARD_PARAMS);
		expect(canonicalString(params)).toBe(canonicalQuery(raw(params)));
	});

	it("makes signatures the server accepts, for awkward names and values", async () => {
		const secret = "variant-secret";
		const cases: Record<string, string>[] = [
			AWKWARD_PARAMS,
			{ command: "createDomain", name: "a+b & c=d?/#%", "tags[0].key": "env", "tags[0].value": "pröd ~*" },
			{ command: "listZones", Z: "upper", a: "lower", empty: "" },
		];
		for (const params of cases) {
			const signed = signParams(entries(params), { apiKey: "KEY", secretKey: secret }, new Date(Date.UTC(2030, 0, 1)));
			expect(await serverAccepts(secret, signed), JSON.stringify(params)).toBe(true);
			expect(await serverAccepts("other-secret", signed)).toBe(false);
		}
	});

	it("replaces apiKey, signatureVersion, expires and signature given by the caller", () => {
		const signed = signParams(
			[
				["command", "listZones"],
				["apikey", "old"],
				["SIGNATURE", "old"],
				["signatureversion", "2"],
				["Expires", "x"],
			],
			{ apiKey: "KEY", secretKey: "s" },
			new Date(Date.UTC(2030, 0, 1)),
		);
		expect(signed.map(([name]) => name)).toEqual(["command", "apiKey", "signatureVersion", "expires", "signature"]);
	});

	it("can sign without a timestamp (a legacy signature)", async () => {
		const signed = signParams([["command", "listZones"]], { apiKey: "KEY", secretKey: "s" });
		expect(signed.map(([name]) => name)).toEqual(["command", "apiKey", "signature"]);
		expect(await serverAccepts("s", signed)).toBe(true);
	});
});

describe("URLs and expires", () => {
	it("formats expires as CloudStack clients send it", () => {
		expect(formatExpires(new Date(Date.UTC(2030, 0, 1, 2, 3, 4, 567)))).toBe("2030-01-01T02:03:04+0000");
	});

	it("encodes a query the server decodes back to the same values", () => {
		const params: Param[] = [
			["command", "createDomain"],
			["name", "a+b c&d=e%f~*'()"],
			["tags[0].key", "é😀"],
		];
		expect([...new URLSearchParams(encodeQuery(params))]).toEqual(params);
	});

	it("prints a signed URL whose parameters the server's verifier accepts", async () => {
		const url = new URL(
			signedUrl(
				"http://127.0.0.1:8080/client/api",
				[
					["command", "deployVirtualMachine"],
					["serviceofferingid", "1"],
					["templateid", "4"],
					["zoneid", "1"],
				],
				{ apiKey: "KEY", secretKey: "SECRET" },
				new Date(Date.UTC(2030, 0, 1)),
			),
		);
		expect(url.origin + url.pathname).toBe("http://127.0.0.1:8080/client/api");
		const params = [...url.searchParams];
		expect(Object.fromEntries(params)).toMatchObject({
			command: "deployVirtualMachine",
			apiKey: "KEY",
			signatureVersion: "3",
			expires: "2030-01-01T00:00:00+0000",
		});
		expect(await serverAccepts("SECRET", params)).toBe(true);
	});
});
