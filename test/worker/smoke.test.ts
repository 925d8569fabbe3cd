import { describe, expect, it } from "vitest";
import { login, ownKeys, request, signed } from "../helpers/api";

describe("the API on a fresh cloud", () => {
	it("bootstraps an admin who can log in, get keys and sign a call", async () => {
		const admin = await login();
		const keys = await ownKeys(admin);
		expect(keys.apikey).toHaveLength(86);
		const result = await signed(keys, { command: "listAccounts" });
		expect(result.status).toBe(200);
		expect(result.body.listaccountsresponse.count).toBe(1);
		expect(result.body.listaccountsresponse.account[0].name).toBe("admin");
	});

	it("answers an unsigned call with 401 in XML by default", async () => {
		const result = await request({ command: "listAccounts" });
		expect(result.status).toBe(401);
		expect(result.text).toContain("<errorcode>401</errorcode>");
	});
});
