/**
 * CloudStack's basic installation (cloudstack-api.md §10, Basic zone) built with CloudStack's own
 * client `python3 -m cs` against a private `wrangler dev`, once with GET and once with POST:
 * zone → pod → guest IP range → cluster → primary storage → secondary storage → offerings →
 * enable the zone; then every list, a tag filter (`tags[0].key=…` map params) and two refusals.
 * cs exits 0 even on an API error: it prints "CloudStack error: …" on stderr and the body on stdout.
 */
import { execFile, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminKeys, type Keys, login } from "./api.ts";
import { type DevServer, startDevServer } from "./server.ts";

/** Debian's interpreter: another python3 first on PATH (pyenv, venv) cannot import cs. */
const PYTHON = process.env.CS_PYTHON ?? "/usr/bin/python3";
// biome-ignore lint/suspicious/noExplicitAny: cs output is asserted field by field
type Json = Record<string, any>;
type Method = "get" | "post";

let problem: string | null = "not started";
let server: DevServer | undefined;
let admin: Keys | undefined;

beforeAll(async () => {
	const probe = spawnSync(PYTHON, ["-c", "import cs"], { encoding: "utf8" });
	if (probe.status !== 0) {
		problem = `\`${PYTHON} -c "import cs"\` failed; install it: apt-get install -y python3-cs (.ci/run does this)`;
		return;
	}
	server = await startDevServer();
	admin = await adminKeys(server.apiUrl, await login(server.apiUrl, "admin", server.adminPassword));
	problem = null;
}, 180_000);

afterAll(async () => {
	await server?.stop();
});

/** Runs `python3 -m cs COMMAND k=v…` as the admin; resolves with stdout, stderr and stdout parsed. */
function cs(method: Method, command: string, args: Record<string, string> = {}) {
	if (problem || !server || !admin) throw new Error(problem ?? "no server");
	// A clean environment (no developer CLOUDSTACK_* settings); typed loosely because `wrangler
	// types` makes the Worker's secrets required keys of NodeJS.ProcessEnv.
	const env: Record<string, string> = {
		PATH: process.env.PATH ?? "/usr/bin:/bin",
		HOME: tmpdir(),
		LANG: "C.UTF-8",
		PYTHONDONTWRITEBYTECODE: "1",
		CLOUDSTACK_ENDPOINT: server.apiUrl,
		CLOUDSTACK_KEY: admin.apiKey,
		CLOUDSTACK_SECRET: admin.secretKey,
		CLOUDSTACK_METHOD: method,
		CLOUDSTACK_TIMEOUT: "30",
	};
	const argv = ["-m", "cs", command, ...Object.entries(args).map(([k, v]) => `${k}=${v}`)];
	return new Promise<{ stdout: string; stderr: string; json: Json }>((resolve, reject) => {
		execFile(PYTHON, argv, { env: env as NodeJS.ProcessEnv, timeout: 60_000 }, (error, stdout, stderr) => {
			if (error) return reject(new Error(`cs ${command}: ${error.message}\n${stdout}\n${stderr}`));
			try {
				// An empty list is CloudStack's `{}`, which cs prints as nothing.
				resolve({ stdout, stderr, json: stdout.trim() ? JSON.parse(stdout) : {} });
			} catch {
				reject(new Error(`cs ${command} printed non-JSON:\n${stdout}\n${stderr}`));
			}
		});
	});
}

/** `"k=v k=v"` (as typed after `cs COMMAND`) or an object, for values with spaces. */
type Args = Record<string, string> | string;
const argsOf = (args: Args): Record<string, string> =>
	typeof args === "string"
		? Object.fromEntries(
				args
					.split(/\s+/)
					.filter(Boolean)
					.map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
			)
		: args;

/** A call that must succeed; returns what cs printed (the envelope's inner object). */
async function ok(method: Method, command: string, args: Args = {}): Promise<Json> {
	const run = await cs(method, command, argsOf(args));
	if (run.stderr.includes("CloudStack error") || "errorcode" in run.json) {
		throw new Error(`cs ${command} ${JSON.stringify(args)} (${method}) failed:\n${run.stdout}\n${run.stderr}`);
	}
	return run.json;
}

/** A call that must fail with `code`; returns the envelope's `{errorcode, errortext}`. */
async function fails(method: Method, command: string, args: Args, code: number): Promise<Json> {
	const run = await cs(method, command, argsOf(args));
	// cs reports "CloudStack error: HTTP <code> response from CloudStack" and prints the body.
	expect(run.stderr, `cs ${command} should have failed:\n${run.stdout}`).toContain(`HTTP ${code} response`);
	const inner = run.json[`${command.toLowerCase()}response`] ?? run.json.errorresponse;
	expect(inner, `error envelope of ${command}:\n${run.stdout}`).toMatchObject({ errorcode: code });
	expect(inner.errortext).toBeTypeOf("string");
	return inner;
}

/** The items of a list answer (`{count, <object>: [...]}`); checks count against them. */
function items(json: Json, key: string): Json[] {
	const list: Json[] = Array.isArray(json[key]) ? json[key] : [];
	expect(json.count ?? 0, `count of ${key}`).toBe(list.length);
	return list;
}

const GIB = 1024 ** 3;

describe("basic installation with python3 -m cs", () => {
	it("python3-cs is installed", () => {
		if (problem) throw new Error(problem);
	});

	for (const [index, method] of (["get", "post"] as const).entries()) {
		describe(`CLOUDSTACK_METHOD=${method}`, () => {
			const tag = `${method}-${randomBytes(3).toString("hex")}`;
			const net = `10.${41 + index}.0`; // the pod's subnet: management .10–.50, guests .100–.149
			const ids: Record<string, string> = {};
			const need = (name: string): string => {
				if (!ids[name]) throw new Error(`needs the ${name} created earlier in this flow`);
				return ids[name];
			};
			/** One step of the build: `cs command args`, its object checked, its id kept as `ids[key]`. */
			const step = (command: string, args: () => string, key: string, expected: () => Json) => {
				it(command, async () => {
					const json = await ok(method, command, args());
					// addCluster answers with a list, as CloudStack does.
					const object = command === "addCluster" ? items(json, key)[0] : json[key];
					expect(object).toMatchObject(expected());
					ids[key] = object.id;
				});
			};
			const zone = () => `zoneid=${need("zone")}`;
			const range = (first: string, last: string) =>
				`gateway=${net}.1 netmask=255.255.255.0 startip=${net}.${first} endip=${net}.${last}`;

			step(
				"createZone",
				() => `name=zone-${tag} networktype=Basic dns1=8.8.8.8 internaldns1=10.0.0.2`,
				"zone",
				() => ({ networktype: "Basic", allocationstate: "Disabled" }),
			);
			step(
				"createPod",
				() => `${zone()} name=pod-${tag} ${range("10", "50")}`,
				"pod",
				() => ({ zoneid: need("zone"), gateway: `${net}.1`, startip: [`${net}.10`], endip: [`${net}.50`] }),
			);
			// Only podid: CloudStack takes the zone from the pod.
			step(
				"createVlanIpRange",
				() => `podid=${need("pod")} forvirtualnetwork=false ${range("100", "149")}`,
				"vlan",
				() => ({ zoneid: need("zone"), podid: need("pod"), startip: `${net}.100`, endip: `${net}.149` }),
			);
			step(
				"addCluster",
				() => `${zone()} podid=${need("pod")} clustername=cluster-${tag} hypervisor=KVM clustertype=CloudManaged`,
				"cluster",
				() => ({ podid: need("pod"), hypervisortype: "KVM" }),
			);
			step(
				"createStoragePool",
				() =>
					`${zone()} podid=${need("pod")} clusterid=${need("cluster")} name=primary-${tag} scope=cluster url=nfs://10.0.0.5/export/primary capacitybytes=${100 * GIB}`,
				"storagepool",
				() => ({
					clusterid: need("cluster"),
					scope: "CLUSTER",
					type: "NetworkFilesystem",
					ipaddress: "10.0.0.5",
					path: "/export/primary",
				}),
			);
			step(
				"addImageStore",
				() => `${zone()} name=secondary-${tag} provider=NFS url=nfs://10.0.0.5/export/secondary`,
				"imagestore",
				() => ({ zoneid: need("zone"), url: "nfs://10.0.0.5/export/secondary", providername: "NFS" }),
			);
			step(
				"createServiceOffering",
				() => `name=small-${tag} displaytext=Small cpunumber=1 cpuspeed=1000 memory=512`,
				"serviceoffering",
				() => ({ cpunumber: 1, cpuspeed: 1000, memory: 512 }),
			);
			step(
				"createDiskOffering",
				() => `name=5gb-${tag} displaytext=5GB disksize=5`,
				"diskoffering",
				() => ({ disksize: 5 }),
			);
			step(
				"updateZone",
				() => `id=${need("zone")} allocationstate=Enabled`,
				"zone",
				() => ({ id: need("zone"), allocationstate: "Enabled" }),
			);

			/** Each list shows exactly the one object the flow made. */
			const listed: [string, () => string, string, () => Json][] = [
				["listZones", () => `id=${need("zone")}`, "zone", () => ({ name: `zone-${tag}`, allocationstate: "Enabled" })],
				["listPods", zone, "pod", () => ({ id: need("pod"), netmask: "255.255.255.0", startip: [`${net}.10`] })],
				[
					"listVlanIpRanges",
					zone,
					"vlaniprange",
					() => ({ id: need("vlan"), podid: need("pod"), forvirtualnetwork: false }),
				],
				[
					"listClusters",
					zone,
					"cluster",
					() => ({ id: need("cluster"), clustertype: "CloudManaged", allocationstate: "Enabled" }),
				],
				[
					"listStoragePools",
					zone,
					"storagepool",
					() => ({ id: need("storagepool"), state: "Up", disksizetotal: 100 * GIB }),
				],
				["listImageStores", zone, "imagestore", () => ({ id: need("imagestore"), protocol: "nfs", scope: "ZONE" })],
				[
					"listServiceOfferings",
					() => `id=${need("serviceoffering")}`,
					"serviceoffering",
					() => ({ name: `small-${tag}` }),
				],
				["listDiskOfferings", () => `id=${need("diskoffering")}`, "diskoffering", () => ({ name: `5gb-${tag}` })],
				[
					"listNetworks",
					() => `${zone()} listall=true`,
					"network",
					() => ({ zoneid: need("zone"), type: "Shared", traffictype: "Guest" }),
				],
			];
			for (const [command, args, key, expected] of listed) {
				it(`${command} shows it`, async () => {
					expect(items(await ok(method, command, args()), key)).toMatchObject([expected()]);
				});
			}

			it("listOsTypes has Other Linux (64-bit); listHypervisors has KVM", async () => {
				const os = items(await ok(method, "listOsTypes", { description: "Other Linux (64-bit)" }), "ostype");
				expect(os.map((o) => o.description)).toContain("Other Linux (64-bit)");
				const hypervisors = items(await ok(method, "listHypervisors", { zoneid: need("zone") }), "hypervisor");
				expect(hypervisors.map((h) => h.name)).toContain("KVM");
			});

			it("listCapacity for the zone: guest addresses and primary storage", async () => {
				const capacity = items(await ok(method, "listCapacity", { zoneid: need("zone") }), "capacity");
				for (const entry of capacity) expect(entry).toMatchObject({ zoneid: need("zone"), zonename: `zone-${tag}` });
				// Type 8: the basic zone's guest (direct-attached) addresses .100–.149, none used yet.
				expect(capacity.find((c) => c.type === 8)).toMatchObject({ capacitytotal: 50, capacityused: 0 });
				// Type 2: primary storage, the pool's 100 GiB.
				expect(capacity.find((c) => c.type === 2)).toMatchObject({ capacitytotal: 100 * GIB });
			});

			it("createTags on the zone; listZones filters by tags[0].key/value", async () => {
				const filter = { "tags[0].key": "env", "tags[0].value": `prod-${tag}` };
				// An async command: cs polls queryAsyncJobResult and prints the job's result.
				const result = await ok(method, "createTags", { resourcetype: "Zone", resourceids: need("zone"), ...filter });
				expect(result).toMatchObject({ success: true });
				const found = items(await ok(method, "listZones", filter), "zone");
				expect(found.map((z) => z.id)).toEqual([need("zone")]);
				expect(found[0]?.tags).toMatchObject([{ key: "env", value: `prod-${tag}`, resourcetype: "Zone" }]);
				expect(await ok(method, "listZones", { ...filter, "tags[0].value": "nowhere" })).toEqual({});
			});

			it("createPod with its gateway inside its own range: 431, nothing created", async () => {
				const bad = `10.${41 + index}.1`;
				const name = `bad-pod-${tag}`;
				const error = await fails(
					method,
					"createPod",
					`${zone()} name=${name} gateway=${bad}.20 netmask=255.255.255.0 startip=${bad}.10 endip=${bad}.50`,
					431,
				);
				expect(error.errortext).toMatch(/gateway/i);
				expect(await ok(method, "listPods", { zoneid: need("zone"), name })).toEqual({});
			});

			it("deleteZone while the zone has a pod: 536 naming the pod, the zone stays", async () => {
				const error = await fails(method, "deleteZone", { id: need("zone") }, 536);
				expect(error.errortext).toContain(`pod-${tag}`);
				expect(items(await ok(method, "listZones", { id: need("zone") }), "zone")).toHaveLength(1);
			});
		});
	}
});
