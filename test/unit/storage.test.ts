/** Primary storage rules (worker/src/domain/storage.ts): url forms, storage tags, placement. */
import { describe, expect, it } from "vitest";
import {
	normaliseStorageTags,
	parsePoolUrl,
	poolAcceptsPlacements,
	poolHasTags,
} from "../../worker/src/domain/storage";

describe("parsePoolUrl", () => {
	it("reads nfs, SharedMountPoint and file urls", () => {
		expect(parsePoolUrl("nfs://10.0.0.5/export/primary/")).toEqual({
			type: "NetworkFilesystem",
			host: "10.0.0.5",
			path: "/export/primary",
			url: "nfs://10.0.0.5/export/primary",
		});
		expect(parsePoolUrl("NFS://NAS.Example.com//a//b")).toMatchObject({ host: "nas.example.com", path: "/a/b" });
		expect(parsePoolUrl("SharedMountPoint://localhost/mnt/gfs")).toMatchObject({
			type: "SharedMountPoint",
			url: "SharedMountPoint://localhost/mnt/gfs",
		});
		expect(parsePoolUrl("sharedmountpoint:///mnt/gfs")).toMatchObject({ host: "localhost", path: "/mnt/gfs" });
		expect(parsePoolUrl("file://localhost/var/lib/libvirt/images")).toMatchObject({ type: "Filesystem" });
		expect(parsePoolUrl("nfs://server/export%20two")).toMatchObject({ path: "/export two" });
	});

	it("explains every refusal", () => {
		const cases: [string, RegExp][] = [
			["/export/primary", /^scheme is null/],
			["server:/export", /^scheme is null/],
			["nfs:/server/export", /is not a valid uri/],
			["iscsi://server/iqn/1", /Unsupported storage pool protocol: iscsi/],
			["nfs://server", /host or path is null/],
			["nfs:///export", /host or path is null/],
			["file://localhost/", /path of .* is missing/],
			["nfs://user@server/export", /not a valid host/],
			["nfs://server/%zz", /malformed percent-encoding/],
		];
		for (const [url, text] of cases) {
			const result = parsePoolUrl(url);
			expect(result, url).toHaveProperty("error");
			expect((result as { error: string }).error, url).toMatch(text);
		}
	});
});

describe("normaliseStorageTags", () => {
	it("trims, drops empties and duplicates, keeps the first spelling and order", () => {
		expect(normaliseStorageTags([" ssd", "fast ", "", "ssd", "SSD"])).toBe("ssd,fast,SSD");
		expect(normaliseStorageTags(["", " "])).toBeNull();
		expect(normaliseStorageTags([])).toBeNull();
	});
});

describe("poolAcceptsPlacements", () => {
	it("accepts only Up pools", () => {
		expect(poolAcceptsPlacements({ state: "Up" })).toBe(true);
		for (const state of [
			"Disabled",
			"PrepareForMaintenance",
			"Maintenance",
			"ErrorInMaintenance",
			"CancelMaintenance",
			"Removed",
		]) {
			expect(poolAcceptsPlacements({ state }), state).toBe(false);
		}
	});
});

describe("poolHasTags", () => {
	it("requires every tag, matched exactly", () => {
		expect(poolHasTags({ tags: "ssd,fast" }, ["fast"])).toBe(true);
		expect(poolHasTags({ tags: "ssd,fast" }, ["ssd", "fast"])).toBe(true);
		expect(poolHasTags({ tags: "ssd" }, ["SSD"])).toBe(false);
		expect(poolHasTags({ tags: null }, ["ssd"])).toBe(false);
		expect(poolHasTags({ tags: null }, [])).toBe(true);
	});
});
