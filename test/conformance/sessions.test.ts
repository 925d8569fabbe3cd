/**
 * Login sessions, black-box (cloudstack-api.md §2, §1.2 failure table; client-wire-rules.md §1
 * rule 5). Idle timeout is covered in test/unit/session-timeout.test.ts with an injected clock.
 */
import { exports } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, type ApiResult, login, type Params, request, type Session } from "../helpers/api";

const UNAUTHORIZED = "unable to verify user credentials and/or request signature";
const FAILED_LOGIN = /^Failed to authenticate user (\S+) in domain \S+; please provide valid credentials$/;

let admin: Session;

function attempt(params: Params, ip?: string, cookie?: string): Promise<ApiResult> {
	const headers: Record<string, string> = ip ? { "cf-connecting-ip": ip } : {};
	return request({ command: "login", response: "json", ...params }, { method: "POST", headers, cookie });
}

function cookiesOf(result: ApiResult): string {
	return result.headers
		.getSetCookie()
		.map((c) => c.split(";")[0])
		.join("; ");
}

function expect401(result: ApiResult, envelope = "listusersresponse", text = UNAUTHORIZED): void {
	expect(result.status).toBe(401);
	expect(result.body).toEqual({ [envelope]: { uuidList: [], errorcode: 401, errortext: text } });
}

async function createUser(username: string, extra: Params = {}): Promise<string> {
	const result = await admin.call(
		{
			command: "createAccount",
			accounttype: "0",
			username,
			password: "right-password",
			email: `${username}@example.com`,
			firstname: "First",
			lastname: "Last",
			...extra,
		},
		"POST",
	);
	expect(result.status, result.text).toBe(200);
	return result.body.createaccountresponse.account.user[0].id;
}

beforeAll(async () => {
	admin = await login();
});

describe("login", () => {
	it("must be POST: GET gets 405", async () => {
		const result = await request({ command: "login", username: "admin", password: ADMIN_PASSWORD, response: "json" });
		expect(result.status).toBe(405);
		expect(result.text).toContain("Please use HTTP POST to authenticate using this API");
		expect(result.headers.getSetCookie()).toEqual([]);
	});

	it("answers with the session fields directly under loginresponse", async () => {
		const result = await attempt({ username: "admin", password: ADMIN_PASSWORD });
		expect(result.status).toBe(200);
		const fields = result.body.loginresponse;
		expect(fields).toMatchObject({
			username: "admin",
			userid: admin.userid,
			timeout: 1800,
			account: "admin",
			type: "1",
			registered: expect.stringMatching(/^(true|false)$/),
			sessionkey: expect.stringMatching(/^[A-Za-z0-9_-]{27}$/),
			domainid: expect.stringMatching(/^[0-9a-f-]{36}$/),
		});
		expect(typeof fields.firstname).toBe("string");
		expect(typeof fields.lastname).toBe("string");
		for (const [name, value] of Object.entries(fields)) {
			expect(typeof value, name).toBe(name === "timeout" ? "number" : "string");
		}
	});

	it("sets JSESSIONID and sessionkey cookies, HttpOnly and SameSite=Lax, not Secure over http", async () => {
		const result = await attempt({ username: "admin", password: ADMIN_PASSWORD });
		const cookies = result.headers.getSetCookie();
		const jsession = cookies.find((c) => c.startsWith("JSESSIONID="));
		const sessionkey = cookies.find((c) => c.startsWith("sessionkey="));
		for (const cookie of [jsession, sessionkey]) {
			expect(cookie).toBeDefined();
			expect(cookie).toMatch(/;\s*HttpOnly(;|$)/i);
			expect(cookie).toMatch(/;\s*SameSite=Lax(;|$)/i);
			expect(cookie).not.toMatch(/;\s*Secure(;|$)/i);
		}
		expect(sessionkey?.split(";")[0]).toBe(`sessionkey=${result.body.loginresponse.sessionkey}`);
	});

	it("marks the cookies Secure over https", async () => {
		const response = await exports.default.fetch("https://127.0.0.1:8443/client/api", {
			method: "POST",
			headers: { "content-type": "application/x-www-form-urlencoded" },
			body: new URLSearchParams({ command: "login", username: "admin", password: ADMIN_PASSWORD }).toString(),
		});
		expect(response.status).toBe(200);
		for (const cookie of response.headers.getSetCookie()) expect(cookie).toMatch(/;\s*Secure(;|$)/i);
	});

	it("answers bad credentials with 531 in loginresponse, without cserrorcode", async () => {
		const result = await attempt({ username: "admin", password: "wrong" }, "198.51.100.1");
		expect(result.status).toBe(531);
		expect(Object.keys(result.body)).toEqual(["loginresponse"]);
		const error = result.body.loginresponse;
		expect(Object.keys(error).sort()).toEqual(["errorcode", "errortext", "uuidList"]);
		expect(error.errorcode).toBe(531);
		expect(error.errortext).toMatch(FAILED_LOGIN);
		expect(error.errortext).toContain("user admin in domain");
		expect(result.headers.getSetCookie()).toEqual([]);
	});

	it("answers an unknown user exactly like a wrong password", async () => {
		const result = await attempt({ username: "nobody", password: "wrong" }, "198.51.100.2");
		expect(result.status).toBe(531);
		expect(result.body.loginresponse.errortext).toMatch(FAILED_LOGIN);
	});

	it("logs in a sub-domain user by domain path or domainId", async () => {
		const domain = await admin.call({ command: "createDomain", name: "d1" }, "POST");
		const d1: string = domain.body.createdomainresponse.domain.id;
		await createUser("sub-user", { domainid: d1 });
		const places: Params[] = [{ domain: "/d1/" }, { domain: "/d1" }, { domainId: d1 }, { domain: "/", domainid: d1 }];
		for (const where of places) {
			const result = await attempt({ username: "sub-user", password: "right-password", ...where });
			expect(result.status, JSON.stringify(where)).toBe(200);
			expect(result.body.loginresponse.domainid).toBe(d1);
			expect(result.body.loginresponse.type).toBe("0");
		}
		const inRoot = await attempt({ username: "sub-user", password: "right-password" }, "198.51.100.3");
		expect(inRoot.status).toBe(531);
	});
});

describe("calls in a session", () => {
	it("works with the cookies and the sessionkey parameter, GET or POST", async () => {
		const session = await login();
		expect((await session.call({ command: "listUsers" })).status).toBe(200);
		expect((await session.call({ command: "listUsers" }, "POST")).status).toBe(200);
	});

	it("refuses the cookies without the sessionkey parameter, and drops the session", async () => {
		const session = await login();
		expect401(
			await request({ command: "listUsers", response: "json" }, { cookie: session.cookie }),
			"listusersresponse",
			"unable to verify user credentials",
		);
		expect401(await session.call({ command: "listUsers" }));
	});

	it("refuses the sessionkey parameter without the cookies", async () => {
		const session = await login();
		expect401(await request({ command: "listUsers", response: "json", sessionkey: session.sessionkey }));
		expect((await session.call({ command: "listUsers" })).status).toBe(200);
	});

	it("refuses JSESSIONID and the parameter without the sessionkey cookie", async () => {
		const session = await login();
		const jsession = session.cookie.split("; ").find((c) => c.startsWith("JSESSIONID=")) ?? "";
		const result = await request(
			{ command: "listUsers", response: "json", sessionkey: session.sessionkey },
			{ cookie: jsession },
		);
		expect(result.status).toBe(401);
	});

	it("refuses a wrong sessionkey and then the session is dead", async () => {
		const session = await login();
		const wrong = await request(
			{ command: "listUsers", response: "json", sessionkey: "wrong" },
			{ cookie: session.cookie },
		);
		expect(wrong.status).toBe(401);
		expect(wrong.body.listusersresponse.errorcode).toBe(401);
		expect((await session.call({ command: "listUsers" })).status).toBe(401);
	});

	// ApiServlet answers a session-key mismatch with its shorter text (cloudstack-api.md §2).
	it("says 'unable to verify user credentials' for a session-key mismatch", async () => {
		const session = await login();
		const wrong = await request(
			{ command: "listUsers", response: "json", sessionkey: "wrong" },
			{ cookie: session.cookie },
		);
		expect401(wrong, "listusersresponse", "unable to verify user credentials");
	});

	it("ends the old session when the browser logs in again", async () => {
		const first = await login();
		const again = await attempt({ username: "admin", password: ADMIN_PASSWORD }, undefined, first.cookie);
		expect(again.status).toBe(200);
		expect((await first.call({ command: "listUsers" })).status).toBe(401);
		const second = { cookie: cookiesOf(again), sessionkey: again.body.loginresponse.sessionkey };
		const ok = await request(
			{ command: "listUsers", response: "json", sessionkey: second.sessionkey },
			{ cookie: second.cookie },
		);
		expect(ok.status).toBe(200);
	});
});

describe("logout", () => {
	it("answers description success, expires the cookies, and the old cookie then gets 401", async () => {
		const session = await login();
		const result = await session.call({ command: "logout" });
		expect(result.status).toBe(200);
		expect(result.text).toBe('{"logoutresponse":{"description":"success"}}');
		const cookies = result.headers.getSetCookie();
		expect(cookies.some((c) => c.startsWith("JSESSIONID=") && /Max-Age=0/i.test(c))).toBe(true);
		expect(cookies.some((c) => c.startsWith("sessionkey=") && /Max-Age=0/i.test(c))).toBe(true);
		expect401(await session.call({ command: "listUsers" }));
	});
});

describe("failed logins", () => {
	it("disables the user after 5 failures in a row, writing a USER.DISABLE event", async () => {
		const userid = await createUser("locked-out");
		for (let i = 0; i < 5; i++) {
			expect((await attempt({ username: "locked-out", password: `wrong-${i}` }, "198.51.100.10")).status).toBe(531);
		}
		const right = await attempt({ username: "locked-out", password: "right-password" }, "198.51.100.11");
		expect(right.status).toBe(531);
		expect(right.body.loginresponse.errortext).toMatch(FAILED_LOGIN);

		const user = await admin.call({ command: "listUsers", id: userid, listall: "true" });
		expect(user.body.listusersresponse.user[0].state).toBe("disabled");
		const events = await admin.call({ command: "listEvents", type: "USER.DISABLE", listall: "true" });
		const mine = events.body.listeventsresponse.event.filter((e: { resourceid?: string }) => e.resourceid === userid);
		expect(mine).toHaveLength(1);
	});

	it("starts counting again after a successful login", async () => {
		await createUser("forgetful");
		for (const round of [1, 2]) {
			for (let i = 0; i < 4; i++) await attempt({ username: "forgetful", password: "nope" }, `198.51.100.2${round}`);
			const ok = await attempt({ username: "forgetful", password: "right-password" }, "198.51.100.30");
			expect(ok.status, `round ${round}`).toBe(200);
		}
	});
});

describe("per-source throttling", () => {
	const setAllowed = async (value?: string) => {
		const params: Params = { command: "updateConfiguration", name: "login.source.attempts.allowed" };
		if (value !== undefined) params.value = value;
		expect((await admin.call(params, "POST")).status).toBe(200);
	};
	beforeAll(() => setAllowed("3"));
	afterAll(() => setAllowed());

	it("answers the 4th attempt from one address with 429 while another address may still log in", async () => {
		const source = "203.0.113.7";
		for (let i = 0; i < 3; i++) {
			expect((await attempt({ username: `guess-${i}`, password: "x" }, source)).status).toBe(531);
		}
		const fourth = await attempt({ username: "admin", password: ADMIN_PASSWORD }, source);
		expect(fourth.status).toBe(429);
		expect(fourth.body.loginresponse.errorcode).toBe(429);
		expect(fourth.headers.getSetCookie()).toEqual([]);

		const elsewhere = await attempt({ username: "admin", password: ADMIN_PASSWORD }, "203.0.113.8");
		expect(elsewhere.status).toBe(200);
	});
});
