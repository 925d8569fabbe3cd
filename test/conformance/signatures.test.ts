/**
 * Signed requests, black-box (cloudstack-api.md §1; client-wire-rules.md §1 rules 3-5). Signatures
 * are computed here with the test's own encoders and HMAC, not the Worker's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiResult, expiresIn, type Keys, login, type Params, request, type Session } from "../helpers/api";

const UNAUTHORIZED = "unable to verify user credentials and/or request signature";

/** Percent-encodes every UTF-8 byte except ASCII letters, digits and the characters in `safe`. */
function percentEncode(value: string, safe: string): string {
	let out = "";
	for (const char of value) {
		if (/^[A-Za-z0-9]$/.test(char) || safe.includes(char)) out += char;
		else
			for (const byte of new TextEncoder().encode(char)) out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
	}
	return out;
}

const ENCODERS = {
	java: (v: string) => percentEncode(v, ".-*_"),
	tildeRaw: (v: string) => percentEncode(v, ".-*_~"),
	bracketsRaw: (v: string) => percentEncode(v, ".-*_[]"),
	starEscaped: (v: string) => percentEncode(v, ".-_"),
	goQueryEscape: (v: string) => percentEncode(v, ".-_~"),
};
type EncoderName = keyof typeof ENCODERS;
type Order = "asSent" | "lowerCased" | "pairs";

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function stringToSign(params: Params, encoder: EncoderName, order: Order): string {
	const entries = Object.entries(params);
	const encode = ENCODERS[encoder];
	if (order === "pairs") {
		return entries
			.map(([k, v]) => `${k}=${encode(v)}`)
			.sort(cmp)
			.join("&")
			.toLowerCase();
	}
	const key = order === "asSent" ? (k: string) => k : (k: string) => k.toLowerCase();
	return entries
		.sort(([a], [b]) => cmp(key(a), key(b)))
		.map(([k, v]) => `${k}=${encode(v)}`)
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
	return btoa(
		String.fromCharCode(...new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(data)))),
	);
}

interface SendOptions {
	method?: "GET" | "POST";
	encoder?: EncoderName;
	order?: Order;
	mangle?: (signature: string) => string;
}

/** Signs `params` (plus response=json and apiKey) the way a given client would, and sends them. */
async function send(keys: Keys, params: Params, options: SendOptions = {}): Promise<ApiResult> {
	const all: Params = { response: "json", apiKey: keys.apikey, ...params };
	const signature = await hmacBase64(
		keys.secretkey,
		stringToSign(all, options.encoder ?? "java", options.order ?? "asSent"),
	);
	return request({ ...all, signature: options.mangle?.(signature) ?? signature }, { method: options.method ?? "GET" });
}

function expect401(result: ApiResult, envelope: string): void {
	expect(result.status).toBe(401);
	expect(result.body).toEqual({ [envelope]: { uuidList: [], errorcode: 401, errortext: UNAUTHORIZED } });
}

let admin: Session;
let keys: Keys;

async function registerKeys(userid: string): Promise<Keys> {
	const result = await admin.call({ command: "registerUserKeys", id: userid }, "POST");
	expect(result.status).toBe(200);
	return result.body.registeruserkeysresponse.userkeys;
}

beforeAll(async () => {
	admin = await login();
	keys = await registerKeys(admin.userid);
});

describe("signed requests", () => {
	it("accepts a signed GET", async () => {
		const result = await send(keys, { command: "listDomains" });
		expect(result.status).toBe(200);
		expect(result.body.listdomainsresponse.count).toBe(1);
	});

	it("accepts a signed POST with everything in the body", async () => {
		const result = await send(keys, { command: "createDomain", name: "signed post" }, { method: "POST" });
		expect(result.status).toBe(200);
		expect(result.body.createdomainresponse.domain.name).toBe("signed post");
	});

	it("accepts a legacy signature without signatureVersion or expires", async () => {
		expect((await send(keys, { command: "listUsers" })).status).toBe(200);
	});

	it("ignores a past expires without signatureVersion=3", async () => {
		expect((await send(keys, { command: "listUsers", expires: expiresIn(-3600) })).status).toBe(200);
	});

	it("accepts signatureVersion=3 with expires in the future", async () => {
		const result = await send(keys, { command: "listDomains", signatureVersion: "3", expires: expiresIn(300) });
		expect(result.status).toBe(200);
	});

	it("accepts lower-cased apikey and signatureversion names", async () => {
		const all: Params = { command: "listDomains", response: "json", apikey: keys.apikey };
		const sigv3 = { ...all, signatureversion: "3", expires: expiresIn(300) };
		const signature = await hmacBase64(keys.secretkey, stringToSign(sigv3, "java", "asSent"));
		expect((await request({ ...sigv3, signature })).status).toBe(200);
	});

	it("refuses signatureVersion=3 with expires in the past", async () => {
		const result = await send(keys, { command: "listDomains", signatureVersion: "3", expires: expiresIn(-60) });
		expect401(result, "listdomainsresponse");
	});

	it.each(["", "soon", "2030-01-01"])("refuses signatureVersion=3 with expires=%j", async (expires) => {
		const result = await send(keys, { command: "listDomains", signatureVersion: "3", expires });
		expect401(result, "listdomainsresponse");
	});

	it("refuses signatureVersion=3 without expires", async () => {
		expect401(await send(keys, { command: "listDomains", signatureVersion: "3" }), "listdomainsresponse");
	});

	it("refuses an unknown apiKey", async () => {
		const result = await send({ apikey: "no-such-key", secretkey: keys.secretkey }, { command: "listDomains" });
		expect401(result, "listdomainsresponse");
	});

	it("refuses a tampered signature", async () => {
		const flip = (s: string) => `${s.startsWith("A") ? "B" : "A"}${s.slice(1)}`;
		expect401(await send(keys, { command: "listDomains" }, { mangle: flip }), "listdomainsresponse");
	});

	it("refuses a request without a signature", async () => {
		const result = await request({ command: "listDomains", response: "json", apiKey: keys.apikey });
		expect401(result, "listdomainsresponse");
	});

	it("refuses a signature made with another secret", async () => {
		const result = await send({ apikey: keys.apikey, secretkey: "wrong" }, { command: "createDomain", name: "x" });
		expect401(result, "createdomainresponse");
	});

	it("answers an unknown command with 401 in errorresponse", async () => {
		expect401(await send(keys, { command: "noSuchThing" }), "errorresponse");
	});
});

describe("lenient client variants (rule 3)", () => {
	// `~ * [ ]` and a space in a value; names whose order depends on case; a name that prefixes another.
	const params: Params = {
		command: "listDomains",
		keyword: "a~b*c[0] d",
		displayText: "x",
		displayname: "y",
		ip6dns: "1",
		ip6dns1: "2",
	};

	for (const encoder of Object.keys(ENCODERS) as EncoderName[]) {
		for (const order of ["asSent", "lowerCased"] as const) {
			it(`accepts ${encoder} encoding with names sorted ${order}`, async () => {
				const result = await send(keys, params, { encoder, order });
				expect(result.status, result.text).toBe(200);
				expect(result.text).toBe('{"listdomainsresponse":{}}');
			});
		}
	}

	it("accepts k=v pairs sorted as whole strings", async () => {
		expect((await send(keys, params, { order: "pairs" })).status).toBe(200);
	});

	it("still refuses a variant signature over a changed value", async () => {
		const all: Params = { response: "json", apiKey: keys.apikey, ...params };
		const signature = await hmacBase64(keys.secretkey, stringToSign(all, "tildeRaw", "lowerCased"));
		const result = await request({ ...all, keyword: "a~b*c[1] d", signature });
		expect401(result, "listdomainsresponse");
	});
});

describe("keys of users who may not call", () => {
	it("refuses the keys of a disabled user, and accepts them again once enabled", async () => {
		const created = await admin.call(
			{
				command: "createAccount",
				accounttype: "0",
				username: "sig-user",
				password: "pw-12345",
				email: "sig@example.com",
				firstname: "S",
				lastname: "U",
			},
			"POST",
		);
		expect(created.status).toBe(200);
		const userid: string = created.body.createaccountresponse.account.user[0].id;
		const userKeys = await registerKeys(userid);
		expect((await send(userKeys, { command: "listUsers" })).status).toBe(200);

		expect((await admin.call({ command: "disableUser", id: userid }, "POST")).status).toBe(200);
		expect401(await send(userKeys, { command: "listUsers" }), "listusersresponse");

		expect((await admin.call({ command: "enableUser", id: userid }, "POST")).status).toBe(200);
		expect((await send(userKeys, { command: "listUsers" })).status).toBe(200);
	});
});

describe("with enforce.post.requests.and.timestamps=true", () => {
	const setEnforce = async (value?: string) => {
		const params: Params = { command: "updateConfiguration", name: "enforce.post.requests.and.timestamps" };
		if (value !== undefined) params.value = value;
		const result = await admin.call(params, "POST");
		expect(result.status).toBe(200);
	};
	beforeAll(() => setEnforce("true"));
	afterAll(() => setEnforce());

	it("refuses a signature without signatureVersion=3", async () => {
		expect401(await send(keys, { command: "listDomains" }), "listdomainsresponse");
	});

	it("refuses expires more than 15 minutes ahead", async () => {
		const result = await send(keys, { command: "listDomains", signatureVersion: "3", expires: expiresIn(20 * 60) });
		expect401(result, "listdomainsresponse");
	});

	it("accepts a read-only command via GET with expires inside the window", async () => {
		const result = await send(keys, { command: "listDomains", signatureVersion: "3", expires: expiresIn(5 * 60) });
		expect(result.status).toBe(200);
	});

	it("refuses a state-changing command via GET with 400", async () => {
		const sigv3 = { signatureVersion: "3", expires: expiresIn(5 * 60) };
		const result = await send(keys, { command: "createDomain", name: "via-get", ...sigv3 });
		expect(result.status).toBe(400);
		expect(result.body.createdomainresponse.errorcode).toBe(400);
		const listed = await admin.call({ command: "listDomains", listall: "true", name: "via-get" });
		expect(listed.text).toBe('{"listdomainsresponse":{}}');
	});

	it("accepts the state-changing command via POST", async () => {
		const sigv3 = { signatureVersion: "3", expires: expiresIn(5 * 60) };
		const result = await send(keys, { command: "createDomain", name: "via-post", ...sigv3 }, { method: "POST" });
		expect(result.status).toBe(200);
	});
});
