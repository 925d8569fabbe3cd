/** Which form field the console puts an API error under (worker/console/src/api/errors.ts). */
import { describe, expect, it } from "vitest";
import { ApiError } from "../../worker/console/src/api/client";
import { errorText, fieldOfError } from "../../worker/console/src/api/errors";

const paramError = (text: string) => new ApiError(431, text, "createPod");
const POD_FIELDS = ["name", "gateway", "netmask", "startip", "endip"];

describe("fieldOfError", () => {
	it("takes the parameter the text names explicitly", () => {
		const missing = paramError("Unable to execute API command createpod due to missing parameter name");
		expect(fieldOfError(missing, POD_FIELDS)).toBe("name");
		const tooLong = paramError("Value greater than max allowed length 255 for param: gateway");
		expect(fieldOfError(tooLong, POD_FIELDS)).toBe("gateway");
		const invalid = paramError(
			"Unable to execute API command due to invalid value. Invalid parameter endip value=x due to incorrect long value format",
		);
		expect(fieldOfError(invalid, POD_FIELDS)).toBe("endip");
	});

	it("otherwise takes the field mentioned first, the longest on a tie", () => {
		const url = paramError("Illegal host specified in url: localhost is an internal name");
		expect(fieldOfError(url, ["name", "url"])).toBe("url");
		expect(fieldOfError(paramError("startip 10.0.0.300 is not an IPv4 address"), ["ip", "startip"])).toBe("startip");
	});

	it("gives no field for texts that name none, or for errors other than 431", () => {
		expect(fieldOfError(paramError("The start address of the range is after its end"), POD_FIELDS)).toBeUndefined();
		expect(fieldOfError(new ApiError(530, "missing parameter name", "createPod"), POD_FIELDS)).toBeUndefined();
		expect(fieldOfError(new Error("missing parameter name"), POD_FIELDS)).toBeUndefined();
	});

	it("shows the API's text, and a generic line for anything that is not an API error", () => {
		expect(errorText(paramError("Invalid URL"))).toBe("Invalid URL");
		expect(errorText(new TypeError("x is undefined"))).not.toContain("undefined");
	});
});
