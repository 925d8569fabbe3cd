/**
 * Request parameters, black-box (cloudstack-api.md §0, §3 error codes, §5 paging;
 * client-wire-rules.md §1 rules 1, 2, 10 and 12).
 */
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { type ApiResult, login, ownKeys, request, type Session, signed } from "../helpers/api";

const BASE = "http://127.0.0.1:8080/client/api";

let admin: Session;

/** A request with a hand-written query string and optional form body, as the session. */
async function raw(query: string, body?: string): Promise<ApiResult> {
	const headers: Record<string, string> = { cookie: admin.cookie };
	const init: RequestInit = { headers };
	if (body !== undefined) {
		headers["content-type"] = "application/x-www-form-urlencoded";
		Object.assign(init, { method: "POST", body });
	}
	const response = await exports.default.fetch(`${BASE}?${query}`, init);
	const text = await response.text();
	const json = (response.headers.get("content-type") ?? "").startsWith("application/json");
	return { status: response.status, headers: response.headers, text, body: json ? JSON.parse(text) : null };
}

const key = () => `sessionkey=${encodeURIComponent(admin.sessionkey)}`;

function expectError(result: ApiResult, envelope: string, code: number, text?: string): void {
	expect(result.status).toBe(code);
	expect(result.body, result.text).not.toBeNull();
	const error = result.body[envelope];
	expect(error, JSON.stringify(result.body)).toBeDefined();
	expect(error.errorcode).toBe(code);
	expect(error.uuidList).toEqual([]);
	if (text !== undefined) expect(error.errortext).toBe(text);
}

/** The object under the body's only top-level key, whatever its name. */
function only(result: ApiResult): { errorcode: number; errortext: string; cserrorcode?: number } {
	expect(result.body, result.text).not.toBeNull();
	const values = Object.values(result.body);
	expect(values).toHaveLength(1);
	return values[0] as { errorcode: number; errortext: string; cserrorcode?: number };
}

beforeAll(async () => {
	admin = await login();
	for (const name of ["p-one", "p-two"]) await admin.call({ command: "createDomain", name }, "POST");
});

describe("parameter names and values", () => {
	it("matches parameter names case-insensitively", async () => {
		const result = await raw(`command=listDomains&response=json&LISTALL=true&Name=p-one&${key()}`);
		expect(result.status).toBe(200);
		expect(result.body.listdomainsresponse.count).toBe(1);
		expect(result.body.listdomainsresponse.domain[0].name).toBe("p-one");
	});

	it("takes camel-case names as clients send them (domainId, jobId)", async () => {
		const created = await admin.call(
			{ command: "createDomain", name: "p-child", parentDomainId: await domainId("p-one") },
			"POST",
		);
		expect(created.status).toBe(200);
		expect(created.body.createdomainresponse.domain.path).toBe("ROOT/p-one/p-child");
	});

	// Leniency: CloudStack reads `command` and `response` with exact case; accepting `Command` harms no client.
	it("also accepts Command and Response in other cases", async () => {
		const result = await raw(`Command=listDomains&Response=json&listall=true&name=p-two&${key()}`);
		expect(result.status).toBe(200);
		expect(result.body.listdomainsresponse.domain[0].name).toBe("p-two");
	});

	it("looks the command name up case-sensitively", async () => {
		const result = await admin.call({ command: "listdomains" });
		expectError(result, "errorresponse", 432);
	});

	it("decodes + in a query value as a space", async () => {
		const result = await raw(`command=createDomain&response=json&name=plus+space&${key()}`, "");
		expect(result.status).toBe(200);
		expect(result.body.createdomainresponse.domain.name).toBe("plus space");
	});

	it("decodes + in a form body as a space and %2B as a plus", async () => {
		const result = await raw("", `command=createDomain&response=json&name=form+plus%2Bsign&${key()}`);
		expect(result.status).toBe(200);
		expect(result.body.createdomainresponse.domain.name).toBe("form plus+sign");
	});

	it("merges the POST form with the query string, the query winning on a clash", async () => {
		const result = await raw(
			"command=createDomain&response=json&name=from-query",
			`name=from-body&networkdomain=merged.example&${key()}`,
		);
		expect(result.status).toBe(200);
		expect(result.body.createdomainresponse.domain.name).toBe("from-query");
		expect(result.body.createdomainresponse.domain.networkdomain).toBe("merged.example");
	});

	it.each(["true", "True", "TRUE"])("reads listall=%s as true", async (value) => {
		const all = await admin.call({ command: "listDomains", listall: value });
		expect(all.body.listdomainsresponse.count).toBeGreaterThan(1);
	});

	it.each(["false", "False", "yes"])("reads listall=%s as false", async (value) => {
		const own = await admin.call({ command: "listDomains", listall: value });
		expect(own.body.listdomainsresponse.count).toBe(1);
	});

	it("ignores unknown parameters", async () => {
		const result = await admin.call({ command: "listDomains", listall: "true", name: "p-one", bogus: "1", "x-y": "z" });
		expect(result.status).toBe(200);
		expect(result.body.listdomainsresponse.count).toBe(1);
	});
});

async function domainId(name: string): Promise<string> {
	const result = await admin.call({ command: "listDomains", listall: "true", name });
	return result.body.listdomainsresponse.domain[0].id;
}

describe("parameter errors", () => {
	it("answers a missing required parameter with 431", async () => {
		const result = await admin.call({ command: "createDomain" }, "POST");
		expectError(
			result,
			"createdomainresponse",
			431,
			"Unable to execute API command createdomain due to missing parameter name",
		);
		expect(result.body.createdomainresponse.cserrorcode).toBe(4350);
	});

	it("answers a string longer than its length with 431", async () => {
		const result = await admin.call({ command: "createDomain", name: "n".repeat(256) }, "POST");
		expectError(result, "createdomainresponse", 431, "Value greater than max allowed length 255 for param: name");
	});

	it.each(["not-a-uuid", "12345", "6b1e1f5c-0000-4000-8000-000000000000"])(
		"answers the id %s that names no entity with 431",
		async (id) => {
			const result = await admin.call({ command: "deleteUser", id }, "POST");
			expectError(result, "deleteuserresponse", 431);
			expect(result.body.deleteuserresponse.errortext).toContain(`Invalid parameter id value=${id}`);
		},
	);

	it.each([
		["TAB", "a\tb"],
		["NUL", "a\u0000b"],
		["ESC", "\u001b[31m"],
		["DEL", "a\u007f"],
	])("answers %s in a value with 431", async (_label, name) => {
		const result = await admin.call({ command: "createDomain", name });
		expect(result.status).toBe(431);
		expect(only(result).errorcode).toBe(431);
		expect(only(result).errortext).toContain("non-printable");
	});

	// ApiServer.handleRequest checks values after authentication, knowing the command and response type.
	it("reports a control character in the command's JSON envelope, for GET and POST", async () => {
		for (const method of ["GET", "POST"] as const) {
			const result = await admin.call({ command: "createDomain", name: "a\tb" }, method);
			expect(result.headers.get("content-type"), method).toBe("application/json; charset=UTF-8");
			expectError(result, "createdomainresponse", 431);
		}
	});

	it("checks credentials before values: a control character from an unknown caller gets 401", async () => {
		const result = await request({ command: "listDomains", keyword: "a\tb", response: "json" });
		expectError(result, "listdomainsresponse", 401, "unable to verify user credentials and/or request signature");
	});

	it("accepts LF and CR in values", async () => {
		const result = await admin.call({ command: "listDomains", keyword: "a\r\nb" });
		expect(result.status).toBe(200);
	});

	it.each(["tags[x].key", "tags[0]key", "tags[0]", "tags]0[.key", "tags[0][1].key"])(
		"answers the malformed map parameter %s with 430",
		async (name) => {
			const result = await admin.call({ command: "listDomains", [name]: "v" });
			expect(result.status).toBe(430);
			expect(only(result).errorcode).toBe(430);
			expect(only(result).errortext).toBe(
				`Unable to decode parameter ${name}; if specifying an object array, please use parameter[index].field=XXX, e.g. userGroupList[0].group=httpGroup`,
			);
		},
	);

	// ParamUnpackWorker throws ServerApiException(MALFORMED_PARAMETER_ERROR, …): cserrorcode 9999, command's envelope.
	it("reports a malformed map parameter with cserrorcode 9999", async () => {
		const result = await admin.call({ command: "listDomains", "tags[x].key": "v" });
		expect(only(result).cserrorcode).toBe(9999);
	});

	it("reports a malformed map parameter in the command's JSON envelope, for GET and POST", async () => {
		for (const method of ["GET", "POST"] as const) {
			const result = await admin.call({ command: "listDomains", "tags[x].key": "v" }, method);
			expect(result.headers.get("content-type"), method).toBe("application/json; charset=UTF-8");
			expectError(result, "listdomainsresponse", 430);
		}
	});

	it("answers pagesize above default.page.size with 431", async () => {
		const result = await admin.call({ command: "listDomains", page: "1", pagesize: "501" });
		expectError(result, "listdomainsresponse", 431, "Page size can't exceed max allowed page size value: 500");
		const atCap = await admin.call({ command: "listDomains", page: "1", pagesize: "500" });
		expect(atCap.status).toBe(200);
	});

	it("answers a non-numeric integer with 431", async () => {
		const result = await admin.call({ command: "listDomains", page: "1", pagesize: "ten" });
		expectError(result, "listdomainsresponse", 431);
	});

	it("refuses a body over 1 MiB with 413", async () => {
		const result = await raw("", `command=listDomains&response=json&${key()}&pad=${"a".repeat(1 << 20)}`);
		expect(result.status).toBe(413);
	});
});

describe("command errors", () => {
	it("answers an unknown command from a logged-in caller with 432 errorresponse", async () => {
		const result = await admin.call({ command: "fooBar" });
		expectError(result, "errorresponse", 432, "Unknown API command: fooBar");
		expect(result.body.errorresponse.cserrorcode).toBe(9999);
	});

	it("answers an unknown command from a signed caller with 401 errorresponse", async () => {
		const result = await signed(await ownKeys(admin), { command: "fooBar" });
		expectError(result, "errorresponse", 401);
	});

	it("answers an unknown command without credentials with 401 errorresponse", async () => {
		const result = await request({ command: "fooBar", response: "json" });
		expectError(result, "errorresponse", 401, "unable to verify user credentials and/or request signature");
	});

	// ApiServlet: a live session without `command` gets 400 "no command specified" (cloudstack-api.md §3).
	it("answers a session request without a command with 400", async () => {
		const result = await admin.call({});
		expect(result.status).toBe(400);
		const error = only(result);
		expect(error.errorcode).toBe(400);
		expect(error.errortext).toBe("no command specified");
	});

	it("answers a request without a command or credentials with 401", async () => {
		const result = await request({ response: "json" });
		expect(result.status).toBe(401);
	});
});
