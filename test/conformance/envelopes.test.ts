/**
 * Response envelopes, black-box (cloudstack-api.md §0, §3, §4; client-wire-rules.md §1 rules 6-11):
 * JSON and XML framing, list counts and empty lists, single objects, success, async jobs, errors.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type ApiResult, login, type Params, request, type Session } from "../helpers/api";

const JSON_TYPE = "application/json; charset=UTF-8";
const XML_TYPE = "text/xml; charset=UTF-8";
const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>';
const CS_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$/;

/** The body with ids and dates replaced, for snapshots. */
function scrub(body: unknown): unknown {
	return JSON.parse(
		JSON.stringify(body)
			.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<uuid>")
			.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000/g, "<date>"),
	);
}

/** Every path in a JSON value whose value is null. */
function nullPaths(value: unknown, path = "$"): string[] {
	if (value === null) return [path];
	if (Array.isArray(value)) return value.flatMap((v, i) => nullPaths(v, `${path}[${i}]`));
	if (typeof value === "object") return Object.entries(value).flatMap(([k, v]) => nullPaths(v, `${path}.${k}`));
	return [];
}

/** Every value under a key that names a date field. */
function dateValues(value: unknown, out: string[] = []): string[] {
	if (Array.isArray(value)) for (const v of value) dateValues(v, out);
	else if (value && typeof value === "object") {
		for (const [k, v] of Object.entries(value)) {
			if (["created", "completed", "removed", "lastupdated"].includes(k)) out.push(String(v));
			else dateValues(v, out);
		}
	}
	return out;
}

let admin: Session;
const xml = (params: Params, method: "GET" | "POST" = "GET"): Promise<ApiResult> =>
	request({ ...params, sessionkey: admin.sessionkey }, { method, cookie: admin.cookie });

async function newUser(username: string): Promise<string> {
	const created = await admin.call(
		{
			command: "createUser",
			account: "admin",
			username,
			password: "pw-12345",
			email: `${username}@example.com`,
			firstname: "F",
			lastname: "L",
		},
		"POST",
	);
	expect(created.status).toBe(200);
	return created.body.createuserresponse.user.id;
}

beforeAll(async () => {
	admin = await login();
	for (const name of ["env-a", "env-b", "env-c"]) {
		expect((await admin.call({ command: "createDomain", name }, "POST")).status).toBe(200);
	}
});

describe("JSON lists", () => {
	it("reports the total number of matches as count, not the page size", async () => {
		const result = await admin.call({ command: "listDomains", listall: "true", keyword: "env-", pagesize: "1" });
		expect(result.status).toBe(200);
		expect(result.headers.get("content-type")).toBe(JSON_TYPE);
		expect(Object.keys(result.body)).toEqual(["listdomainsresponse"]);
		const list = result.body.listdomainsresponse;
		expect(Object.keys(list)).toEqual(["count", "domain"]);
		expect(list.count).toBe(3);
		expect(list.domain).toHaveLength(1);
	});

	it("pages through every match exactly once", async () => {
		const names: string[] = [];
		for (const page of ["1", "2", "3"]) {
			const result = await admin.call({
				command: "listDomains",
				listall: "true",
				keyword: "env-",
				page,
				pagesize: "1",
			});
			expect(result.body.listdomainsresponse.count).toBe(3);
			names.push(...result.body.listdomainsresponse.domain.map((d: { name: string }) => d.name));
		}
		expect(names.sort()).toEqual(["env-a", "env-b", "env-c"]);
	});

	it("answers a page past the end with count only", async () => {
		const result = await admin.call({
			command: "listDomains",
			listall: "true",
			keyword: "env-",
			page: "4",
			pagesize: "1",
		});
		expect(result.status).toBe(200);
		expect(result.text).toBe('{"listdomainsresponse":{"count":3}}');
	});

	it("answers an empty list with an empty object", async () => {
		const result = await admin.call({ command: "listDomains", name: "nope" });
		expect(result.status).toBe(200);
		expect(result.text).toBe('{"listdomainsresponse":{}}');
	});
});

describe("JSON objects, success and async jobs", () => {
	it("wraps a created object in its object name", async () => {
		const result = await admin.call({ command: "createDomain", name: "shape" }, "POST");
		expect(result.status).toBe(200);
		expect(result.headers.get("content-type")).toBe(JSON_TYPE);
		expect(scrub(result.body)).toMatchInlineSnapshot(`
			{
			  "createdomainresponse": {
			    "domain": {
			      "created": "<date>",
			      "haschild": false,
			      "id": "<uuid>",
			      "level": 1,
			      "name": "shape",
			      "parentdomainid": "<uuid>",
			      "parentdomainname": "ROOT",
			      "path": "ROOT/shape",
			      "state": "Active",
			    },
			  },
			}
		`);
	});

	it("answers a sync success with a JSON boolean", async () => {
		const id = await newUser("to-delete");
		const result = await admin.call({ command: "deleteUser", id }, "POST");
		expect(result.status).toBe(200);
		expect(result.text).toBe('{"deleteuserresponse":{"success":true}}');
		expect(result.body.deleteuserresponse.success).toBe(true);
	});

	it("answers an async command with a jobid and reports the result via queryAsyncJobResult", async () => {
		const id = await newUser("to-disable");
		const started = await admin.call({ command: "disableUser", id }, "POST");
		expect(started.status).toBe(200);
		expect(Object.keys(started.body.disableuserresponse)).toEqual(["jobid"]);
		const jobid: string = started.body.disableuserresponse.jobid;
		expect(jobid).toMatch(/^[0-9a-f-]{36}$/);

		const job = await admin.call({ command: "queryAsyncJobResult", jobId: jobid });
		expect(job.status).toBe(200);
		const fields = job.body.queryasyncjobresultresponse;
		expect(fields.jobid).toBe(jobid);
		expect(fields.jobstatus).toBe(1);
		expect(fields.jobresultcode).toBe(0);
		expect(fields.jobresulttype).toBe("object");
		expect(fields.cmd).toBe("org.apache.cloudstack.api.command.admin.user.DisableUserCmd");
		expect(fields.userid).toBe(admin.userid);
		expect(fields.accountid).toMatch(/^[0-9a-f-]{36}$/);
		expect(fields.created).toMatch(CS_DATE);
		expect(fields.completed).toMatch(CS_DATE);
		expect(fields.jobresult.user.id).toBe(id);
		expect(fields.jobresult.user.state).toBe("disabled");
		expect(Object.keys(scrub(fields.jobresult) as object)).toEqual(["user"]);
		const { jobresult: _result, ...rest } = fields;
		expect(scrub(rest)).toMatchInlineSnapshot(`
			{
			  "accountid": "<uuid>",
			  "cmd": "org.apache.cloudstack.api.command.admin.user.DisableUserCmd",
			  "completed": "<date>",
			  "created": "<date>",
			  "jobid": "<uuid>",
			  "jobinstanceid": "<uuid>",
			  "jobinstancetype": "User",
			  "jobprocstatus": 0,
			  "jobresultcode": 0,
			  "jobresulttype": "object",
			  "jobstatus": 1,
			  "userid": "<uuid>",
			}
		`);
	});
});

describe("JSON errors", () => {
	it("has uuidList, errorcode, cserrorcode and errortext, with HTTP status == errorcode", async () => {
		const result = await admin.call({ command: "createDomain" }, "POST");
		expect(result.status).toBe(431);
		expect(result.headers.get("content-type")).toBe(JSON_TYPE);
		expect(result.body).toEqual({
			createdomainresponse: {
				uuidList: [],
				errorcode: 431,
				cserrorcode: 4350,
				errortext: "Unable to execute API command createdomain due to missing parameter name",
			},
		});
		expect(Object.keys(result.body.createdomainresponse)).toEqual([
			"uuidList",
			"errorcode",
			"cserrorcode",
			"errortext",
		]);
	});

	it.each([
		[{ command: "listDomains" }, 401, "listdomainsresponse"],
		[{ command: "noSuchCommand" }, 401, "errorresponse"],
	])("unauthenticated %j → %i in %s, no cserrorcode", async (params, status, envelope) => {
		const result = await request({ ...params, response: "json" });
		expect(result.status).toBe(status);
		expect(result.body).toEqual({
			[envelope]: {
				uuidList: [],
				errorcode: status,
				errortext: "unable to verify user credentials and/or request signature",
			},
		});
	});

	it("answers an unknown command for a logged-in caller with 432 errorresponse", async () => {
		const result = await admin.call({ command: "noSuchCommand" });
		expect(result.status).toBe(432);
		expect(result.body.errorresponse.errorcode).toBe(432);
	});
});

describe("dates and nulls", () => {
	it("formats every date as yyyy-MM-dd'T'HH:mm:ss+0000 and sends no null fields", async () => {
		const bodies = [];
		for (const command of ["listDomains", "listAccounts", "listUsers", "listEvents", "listAsyncJobs"]) {
			const result = await admin.call({ command, listall: "true" });
			expect(result.status, command).toBe(200);
			bodies.push(result.body);
		}
		bodies.push((await admin.call({ command: "listConfigurations" })).body);
		bodies.push((await admin.call({ command: "listCapabilities" })).body);
		const dates = dateValues(bodies);
		expect(dates.length).toBeGreaterThan(5);
		for (const date of dates) expect(date).toMatch(CS_DATE);
		expect(nullPaths(bodies)).toEqual([]);
	});
});

describe("XML", () => {
	it("is the default format, with the declaration and cloud-stack-version on the root", async () => {
		const result = await xml({ command: "listDomains", listall: "true", keyword: "env-", pagesize: "1" });
		expect(result.status).toBe(200);
		expect(result.headers.get("content-type")).toBe(XML_TYPE);
		expect(
			result.text.startsWith(
				`${XML_DECL}<listdomainsresponse cloud-stack-version="4.22.0.0"><count>3</count><domain><id>`,
			),
		).toBe(true);
		expect(result.text.endsWith("</domain></listdomainsresponse>")).toBe(true);
		expect(result.text.match(/<domain>/g)).toHaveLength(1);
	});

	it("repeats the item element for each list item", async () => {
		const result = await xml({ command: "listDomains", listall: "true", keyword: "env-" });
		expect(result.text.match(/<domain>/g)).toHaveLength(3);
	});

	it("renders an empty list as an empty root element", async () => {
		const result = await xml({ command: "listDomains", name: "nope" });
		expect(result.text).toBe(`${XML_DECL}<listdomainsresponse cloud-stack-version="4.22.0.0"></listdomainsresponse>`);
	});

	it("renders success as <success>true</success>", async () => {
		const id = await newUser("xml-delete");
		const result = await xml({ command: "deleteUser", id }, "POST");
		expect(result.text).toBe(
			`${XML_DECL}<deleteuserresponse cloud-stack-version="4.22.0.0"><success>true</success></deleteuserresponse>`,
		);
	});

	it("escapes markup in values", async () => {
		const result = await xml({ command: "createDomain", name: "a&b<c>" }, "POST");
		expect(result.status).toBe(200);
		expect(result.text).toContain("<name>a&amp;b&lt;c&gt;</name>");
	});

	it("renders errors with errorcode, cserrorcode and errortext and HTTP status == errorcode", async () => {
		const result = await xml({ command: "createDomain" }, "POST");
		expect(result.status).toBe(431);
		expect(result.headers.get("content-type")).toBe(XML_TYPE);
		expect(result.text.startsWith(`${XML_DECL}<createdomainresponse`)).toBe(true);
		expect(result.text).toContain(
			"<errorcode>431</errorcode><cserrorcode>4350</cserrorcode><errortext>Unable to execute API command createdomain due to missing parameter name</errortext></createdomainresponse>",
		);
	});

	it("leaves cloud-stack-version off for unauthenticated callers", async () => {
		const result = await request({ command: "listDomains" });
		expect(result.status).toBe(401);
		expect(result.text).toBe(
			`${XML_DECL}<listdomainsresponse><errorcode>401</errorcode><errortext>unable to verify user credentials and/or request signature</errortext></listdomainsresponse>`,
		);
	});

	it("treats any response value other than json as XML", async () => {
		const result = await xml({ command: "listDomains", name: "nope", response: "xml" });
		expect(result.headers.get("content-type")).toBe(XML_TYPE);
		const upper = await xml({ command: "listDomains", name: "nope", response: "JSON" });
		expect(upper.headers.get("content-type")).toBe(JSON_TYPE);
	});
});
