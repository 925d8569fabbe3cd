/** What the deploy wizard asks for a customized offering (worker/console/src/pages/instances/custom-offering.ts). */
import { describe, expect, it } from "vitest";
import { ApiError } from "../../worker/console/src/api/client";
import { fieldOfError } from "../../worker/console/src/api/errors";
import { customDetails, customInputs, DETAIL_KEY } from "../../worker/console/src/pages/instances/custom-offering";

const CUSTOM = {
	id: "so-1",
	name: "custom",
	iscustomized: true,
	serviceofferingdetails: { mincpunumber: "1", maxcpunumber: "4", minmemory: "256", maxmemory: "2048" },
};

describe("customInputs", () => {
	it("asks nothing of a fixed offering, or before one is chosen", () => {
		expect(customInputs(undefined)).toEqual([]);
		expect(customInputs({ id: "so-2", cpunumber: 1, cpuspeed: 500, memory: 256, iscustomized: false })).toEqual([]);
	});

	it("asks for cores, speed and memory of a custom offering, within its bounds", () => {
		expect(customInputs(CUSTOM)).toEqual([
			{
				field: "cpunumber",
				label: "CPU cores",
				param: "details[0].cpuNumber",
				min: 1,
				max: 4,
				description: "Between 1 and 4",
			},
			{
				field: "cpuspeed",
				label: "CPU speed (MHz)",
				param: "details[0].cpuSpeed",
				description: "A whole number above 0",
			},
			{
				field: "memory",
				label: "Memory (MB)",
				param: "details[0].memory",
				min: 256,
				max: 2048,
				description: "Between 256 and 2048 MB",
			},
		]);
	});

	it("asks only what a custom-constrained offering leaves open, with one-sided bounds", () => {
		const constrained = { ...CUSTOM, cpuspeed: 1000, serviceofferingdetails: { maxcpunumber: "8", minmemory: "512" } };
		const inputs = customInputs(constrained);
		expect(inputs.map((i) => [i.field, i.description])).toEqual([
			["cpunumber", "At most 8"],
			["memory", "At least 512 MB"],
		]);
	});
});

describe("customDetails", () => {
	it("sends the values typed as details[0].*, trimmed, leaving empty ones out", () => {
		const inputs = customInputs(CUSTOM);
		expect(customDetails(inputs, { cpunumber: " 2 ", cpuspeed: "", memory: "1024", size: "5" })).toEqual({
			"details[0].cpuNumber": "2",
			"details[0].memory": "1024",
		});
		expect(customDetails([], { cpunumber: "2" })).toEqual({});
	});
});

describe("deployVirtualMachine's 431 texts about the custom values", () => {
	// The wizard's fields as the parameters the API's texts name (DeployWizard's PARAM_OF).
	const params = ["zoneid", "serviceofferingid", DETAIL_KEY.cpunumber, DETAIL_KEY.cpuspeed, DETAIL_KEY.memory, "name"];
	const refused = (text: string) => fieldOfError(new ApiError(431, text, "deployVirtualMachine"), params);

	it("land on the value they are about", () => {
		expect(refused("memory 4096 is outside the offering's bounds")).toBe("memory");
		expect(refused("cpuNumber 9 is outside the offering's bounds")).toBe("cpuNumber");
		expect(
			refused(
				"Invalid parameter details[0].cpuSpeed value=x due to incorrect long value format, or entity does not exist or due to incorrect parameter annotation for the field in api cmd class.",
			),
		).toBe("cpuSpeed");
		// All three missing: the first one named gets it.
		expect(
			refused(
				"Service offering big is customized: pass details[0].cpuNumber, details[0].cpuSpeed and details[0].memory",
			),
		).toBe("cpuNumber");
	});
});
