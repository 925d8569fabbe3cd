/**
 * Request parameters as the servlet sees them (cloudstack-api.md §0, client-wire-rules.md §1
 * rules 1, 2 and 12): query/body merge, case-insensitive names, map parameters, control characters.
 */
import { describe, expect, it } from "vitest";
import { CsError } from "../../worker/src/api/errors";
import { csBoolean, indexParams, mergeParams, type RawParam } from "../../worker/src/api/params";

const q = (text: string) => new URLSearchParams(text);
const asObject = (params: RawParam[]) => Object.fromEntries(params.map((p) => [p.name, p.value]));

function thrown(fn: () => unknown): CsError {
	try {
		fn();
	} catch (error) {
		if (error instanceof CsError) return error;
		throw error;
	}
	throw new Error("expected a CsError");
}

describe("mergeParams", () => {
	it("takes the last occurrence in the query string", () => {
		expect(asObject(mergeParams(q("a=1&a=2&a=3"), null))).toEqual({ a: "3" });
	});

	it("takes the first occurrence in the body", () => {
		expect(asObject(mergeParams(q(""), q("b=1&b=2")))).toEqual({ b: "1" });
	});

	it("lets the body add only names the query did not have", () => {
		const merged = mergeParams(q("command=listZones&a=1&a=2"), q("a=body&b=4&b=5&response=json"));
		expect(asObject(merged)).toEqual({ command: "listZones", a: "2", b: "4", response: "json" });
	});

	it("keeps names as sent and decodes values (+ is a space)", () => {
		const merged = mergeParams(q("apiKey=K&displayText=web+server%2Bone&x=%7E"), null);
		expect(merged).toEqual([
			{ name: "apiKey", value: "K" },
			{ name: "displayText", value: "web server+one" },
			{ name: "x", value: "~" },
		]);
	});

	it("keeps empty values", () => {
		expect(mergeParams(q("x=&y"), null)).toEqual([
			{ name: "x", value: "" },
			{ name: "y", value: "" },
		]);
	});
});

describe("indexParams", () => {
	it("indexes names lower-cased and keeps the raw list as sent", () => {
		const raw = mergeParams(q("Command=listZones&zoneId=z1&APIKEY=k"), null);
		const params = indexParams(raw);
		expect(params.values.get("command")).toBe("listZones");
		expect(params.values.get("zoneid")).toBe("z1");
		expect(params.values.get("apikey")).toBe("k");
		expect(params.values.has("zoneId")).toBe(false);
		expect(params.raw).toBe(raw);
	});

	it("groups map parameters by name, index and field, case-insensitively", () => {
		const params = indexParams(
			mergeParams(
				q("tags[0].key=env&tags[0].value=prod&Tags[1].Key=tier&tags[1].VALUE=web&details[0].cpuNumber=2"),
				null,
			),
		);
		const tags = params.maps.get("tags");
		expect(tags?.get(0)).toEqual(
			new Map([
				["key", "env"],
				["value", "prod"],
			]),
		);
		expect(tags?.get(1)).toEqual(
			new Map([
				["key", "tier"],
				["value", "web"],
			]),
		);
		expect(params.maps.get("details")?.get(0)?.get("cpunumber")).toBe("2");
		expect(params.values.has("tags[0].key")).toBe(false);
	});

	it("keeps map indices apart even when sparse", () => {
		const params = indexParams(mergeParams(q("tags[5].key=a&tags[2].key=b"), null));
		expect([...(params.maps.get("tags")?.keys() ?? [])].sort()).toEqual([2, 5]);
	});

	// The cases ParamUnpackWorker also refuses (two `[`, `]` before `[`, no `.field`, a non-integer index).
	it.each(["tags[x].key", "tags[0]", "tags[0]key", "tags[].key", "tags]0[.key", "tags[0][1].key", "tags[ 1].key"])(
		"refuses the malformed map name %s with 430",
		(name) => {
			const error = thrown(() => indexParams([{ name, value: "v" }]));
			expect(error.code).toBe(430);
			expect(error.message).toBe(
				`Unable to decode parameter ${name}; if specifying an object array, please use parameter[index].field=XXX, e.g. userGroupList[0].group=httpGroup`,
			);
		},
	);

	it.each([
		["NUL", "a\u0000b"],
		["TAB", "a\tb"],
		["VT", "a\u000bb"],
		["FF", "a\u000cb"],
		["ESC", "a\u001bb"],
		["US", "\u001f"],
		["DEL", "a\u007f"],
	])("refuses %s in a value with 431", (_label, value) => {
		const error = thrown(() => indexParams([{ name: "name", value }]));
		expect(error.code).toBe(431);
		expect(error.message).toMatch(/illegal ASCII non-printable characters/);
		expect(error.message).toContain("parameter name");
	});

	it("refuses control characters in map values too", () => {
		expect(thrown(() => indexParams([{ name: "tags[0].key", value: "a\tb" }])).code).toBe(431);
	});

	it("allows LF and CR", () => {
		const params = indexParams([
			{ name: "userdata", value: "line1\nline2\r\nline3\r" },
			{ name: "description", value: "ok" },
		]);
		expect(params.values.get("userdata")).toBe("line1\nline2\r\nline3\r");
	});

	it("allows non-ASCII text", () => {
		expect(indexParams([{ name: "name", value: "héllo 😀" }]).values.get("name")).toBe("héllo 😀");
	});
});

describe("csBoolean", () => {
	it.each(["true", "True", "TRUE", "tRuE"])("reads %s as true", (value) => {
		expect(csBoolean(value)).toBe(true);
	});

	it.each(["false", "False", "", "1", "yes", "on"])("reads %j as false", (value) => {
		expect(csBoolean(value)).toBe(false);
	});
});
