/** How the Migrate dialog reads findHostsForMigration (worker/console/src/pages/instances/migration.ts). */
import { describe, expect, it } from "vitest";
import { freeOf, migrationTargets, unsuitableReason } from "../../worker/console/src/pages/instances/migration";

const GIB = 1024 ** 3;
const host = (name: string, extra: Record<string, unknown> = {}) => ({
	id: `id-${name}`,
	name,
	state: "Up",
	resourcestate: "Enabled",
	cpunumber: 8,
	cpuspeed: 2400,
	cpuwithoverprovisioning: "19200",
	cpuallocatedvalue: 2000,
	memorytotal: 16 * GIB,
	memorywithoverprovisioning: String(16 * GIB),
	memoryallocated: 4 * GIB,
	hasenoughcapacity: true,
	suitableformigration: true,
	requiresStorageMotion: false,
	...extra,
});

describe("freeOf", () => {
	it("counts what is left after overcommit, never below zero", () => {
		expect(freeOf(host("a"))).toEqual({ cpuMhz: 17_200, memoryBytes: 12 * GIB });
		expect(freeOf(host("b", { memorywithoverprovisioning: String(32 * GIB) })).memoryBytes).toBe(28 * GIB);
		expect(freeOf(host("c", { memoryallocated: 20 * GIB })).memoryBytes).toBe(0);
	});
});

describe("unsuitableReason", () => {
	it("gives none for a suitable host and the first thing wrong otherwise", () => {
		const no = { suitableformigration: false };
		expect(unsuitableReason(host("ok"))).toBeUndefined();
		expect(unsuitableReason(host("down", { ...no, state: "Down" }))).toBe("host is Down");
		expect(unsuitableReason(host("m", { ...no, resourcestate: "PrepareForMaintenance" }))).toBe(
			"host is in maintenance",
		);
		expect(unsuitableReason(host("d", { ...no, resourcestate: "Disabled" }))).toBe("host is Disabled");
		expect(unsuitableReason(host("full", { ...no, hasenoughcapacity: false }))).toBe("not enough free CPU or memory");
	});
});

describe("migrationTargets", () => {
	it("lists suitable hosts first (most free memory first), unsuitable ones disabled with the reason", () => {
		const targets = migrationTargets([
			host("full", { suitableformigration: false, hasenoughcapacity: false, memoryallocated: 16 * GIB }),
			host("roomy", { memoryallocated: 0 }),
			host("busy"),
		]);
		expect(targets.map((t) => [t.name, t.disabled])).toEqual([
			["roomy", false],
			["busy", false],
			["full", true],
		]);
		expect(targets[0]?.description).toBe("17200 MHz CPU, 16.0 GiB memory free — suitable");
		expect(targets[2]?.description).toBe("17200 MHz CPU, 0 B memory free — unsuitable: not enough free CPU or memory");
		expect(migrationTargets([])).toEqual([]);
	});
});
