/**
 * Templates and ISOs on real NFS, end to end: a private nfs-ganesha (test/e2e/lab.sh nfs, its own
 * W) exporting primary, secondary and a 48 MiB `tiny` export; a local HTTP server serving images
 * this file builds with qemu-img (test/e2e/image-server.ts, images.ts); a private `wrangler dev`
 * and the real relay agent (libvirt driver; no libvirt host is needed for templates).
 *
 * Through the real API (and `python3 -m cs` for registerTemplate + listTemplates): image store and
 * pool capacity as the NFS server reports it; a download with progress into secondary storage;
 * every bad case of the issue ending in Error with a readable status, a DOWNLOAD.FAILED event and
 * nothing left on storage; resume after a stall; the agent SIGKILLed mid-download; ten concurrent
 * prepareTemplate calls making one copy; deleteTemplate removing the files; ISOs; and
 * `flarestack-relay template import`. Needs root, qemu-img and nfs-ganesha.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { access, mkdir, mkdtemp, readdir, rm, statfs } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminKeys, type Keys, login, signedCall, unwrap } from "../clients/api.ts";
import { freePort, REPO_ROOT } from "../clients/server.ts";
import { type AgentProcess, enrolAgent, isReady, runAgent, spawnAgent } from "../relay-agent/worker-agent.ts";
import {
	type AdminApi,
	createSite,
	enrollmentToken,
	type Json,
	type Site,
	waitUntil,
} from "../relay-agent/worker-api.ts";
import { type RestartableDev, startRestartableDev } from "../relay-agent/worker-dev.ts";
import { type ImageServer, startImageServer } from "./image-server.ts";
import { buildImages, checksums, qemuInfo, randomQcow2, type TestImage, type TestImages } from "./images.ts";

const run = promisify(execFile);
const LAB = path.join(REPO_ROOT, "test", "e2e", "lab.sh");
const MiB = 1 << 20;
/** How long a bad download may take to end in Error (stall timeout 2 s × 3 attempts, plus slack). */
const FAIL_WITHIN_MS = 45_000;

async function has(command: string): Promise<boolean> {
	return run("sh", ["-c", `command -v ${command}`]).then(
		() => true,
		() => false,
	);
}

const canRun =
	process.getuid?.() === 0 &&
	(await has("qemu-img")) &&
	(await has("ganesha.nfsd")) &&
	(await has("rpcbind")) &&
	(await has("nfs-ls"));

/**
 * Only one NFS server can own 127.0.0.1:2049: FLARESTACK_NFS_W names a lab.sh W whose ganesha
 * already runs (used as it is, neither started nor stopped; without `tiny` that case is skipped).
 */
const SHARED_W = process.env.FLARESTACK_NFS_W;
let W: string;
let work: string;
let images: TestImages;
let big: TestImage;
let server: ImageServer;
let dev: RestartableDev;
let api: AdminApi;
let keys: Keys;
let site: Site;
let configFile: string;
let agent: AgentProcess;
let osTypeId: string;
let imageStoreId: string;
let poolId: string;
/** Every agent process started, for afterAll. */
const agents: AgentProcess[] = [];
/** Templates and ISOs this run made (a shared export is cleaned of these only). */
const mine: Json[] = [];
/** Final statuses of the bad cases, printed at the end (the texts operators read). */
const statuses: [string, string][] = [];

const secondaryDir = () => path.join(W, "nfs", "secondary");
const primaryDir = () => path.join(W, "nfs", "primary");
const nfsUrl = (exportName: string) => `nfs://127.0.0.1${W}/nfs/${exportName}`;

function lab(...args: string[]) {
	return run("bash", [LAB, ...args], { env: { ...process.env, W } });
}

/** Every file under `dir`, relative, sorted; [] when there is no such directory. */
async function files(dir: string): Promise<string[]> {
	try {
		const entries = await readdir(dir, { recursive: true, withFileTypes: true });
		return entries
			.filter((e) => e.isFile())
			.map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
			.sort();
	} catch {
		return [];
	}
}

/** `python3 -m cs COMMAND k=v…` with the admin's keys (CloudStack's own client). */
async function cs(command: string, args: Record<string, string>): Promise<Json> {
	const argv = ["-m", "cs", command, ...Object.entries(args).map(([k, v]) => `${k}=${v}`)];
	const env = {
		PATH: process.env.PATH ?? "/usr/bin:/bin",
		HOME: tmpdir(),
		LANG: "C.UTF-8",
		PYTHONDONTWRITEBYTECODE: "1",
		CLOUDSTACK_ENDPOINT: dev.apiUrl,
		CLOUDSTACK_KEY: keys.apiKey,
		CLOUDSTACK_SECRET: keys.secretKey,
		CLOUDSTACK_METHOD: "post",
		CLOUDSTACK_TIMEOUT: "30",
	};
	const { stdout } = await run(process.env.CS_PYTHON ?? "/usr/bin/python3", argv, {
		env: env as unknown as NodeJS.ProcessEnv,
		timeout: 60_000,
	});
	return JSON.parse(stdout) as Json;
}

const hasCs = await run("/usr/bin/python3", ["-c", "import cs"]).then(
	() => true,
	() => false,
);

function templateParams(name: string, url: string, extra: Record<string, string> = {}): Record<string, string> {
	return {
		name,
		displaytext: `e2e ${name}`,
		url,
		format: "QCOW2",
		hypervisor: "KVM",
		ostypeid: osTypeId,
		zoneid: site.zoneId,
		ispublic: "true",
		...extra,
	};
}

let counter = 0;
const uniqueName = (what: string) => `e2e-${what}-${++counter}-${Date.now().toString(36)}`;

/** registerTemplate; resolves with the (first) template it answers. */
async function register(what: string, url: string, extra: Record<string, string> = {}): Promise<Json> {
	const inner = await api.call("registerTemplate", templateParams(uniqueName(what), url, extra));
	mine.push(inner.template[0]);
	return inner.template[0];
}

/** The template's row for `zoneId` in listTemplates (or listIsos for an ISO). */
async function templateRow(id: string, zoneId = site.zoneId, iso = false): Promise<Json | undefined> {
	const inner = iso
		? await api.call("listIsos", { isofilter: "all", id, zoneid: zoneId })
		: await api.call("listTemplates", { templatefilter: "all", id, zoneid: zoneId });
	return (iso ? inner.iso : inner.template)?.[0];
}

/** Still on its way: waiting for the relay, or "N% Downloaded" short of Ready. */
function inProgress(row: Json | undefined): boolean {
	if (!row) return true;
	if (row.isready) return false;
	const status = String(row.status ?? "");
	return status === "" || /^Waiting/.test(status) || /^\d+% Downloaded$/.test(status);
}

/** Polls until the template is Ready or failed; resolves with its row and every status seen. */
async function settle(
	id: string,
	options: { ms?: number; zoneId?: string; iso?: boolean } = {},
): Promise<{ row: Json; seen: string[] }> {
	const seen: string[] = [];
	const probe = async () => {
		const r = await templateRow(id, options.zoneId, options.iso);
		const status = String(r?.status ?? "");
		if (status && seen.at(-1) !== status) seen.push(status);
		return inProgress(r) ? undefined : r;
	};
	const row = await waitUntil(`template ${id} ready or failed`, probe, options.ms ?? FAIL_WITHIN_MS, 100).catch(
		(error: Error) => {
			throw new Error(`${error.message} (statuses seen: ${seen.join(" → ") || "none"})`);
		},
	);
	return { row, seen };
}

async function events(type: string, template: Json): Promise<Json[]> {
	const inner = await api.call("listEvents", { type, listall: "true", pagesize: "500" });
	return (inner.event ?? []).filter(
		(e: Json) =>
			e.resourceid === template.id ||
			String(e.description ?? "").includes(template.id) ||
			String(e.description ?? "").includes(template.name),
	);
}

/** Where the agent writes a template on secondary storage (the brief's fixed layout). */
function templateDir(template: Json): string {
	return path.join(secondaryDir(), "template", "tmpl", template.accountid, template.id);
}

/** A failed download: Error status matching `text`, no isready, a FAILED event, no file left. */
async function expectFailed(what: string, template: Json, text: RegExp, zoneId = site.zoneId, store = secondaryDir()) {
	const { row, seen } = await settle(template.id, { zoneId });
	statuses.push([what, String(row.status)]);
	expect(row.isready, JSON.stringify(row)).toBe(false);
	expect(String(row.status), `statuses seen: ${seen.join(" → ")}`).toMatch(text);
	await waitUntil(
		`DOWNLOAD.FAILED for ${what}`,
		async () => (await events("TEMPLATE.DOWNLOAD.FAILED", template)).length > 0,
		10_000,
		200,
	);
	// The agent removes .part (and the file) before it answers; the Worker may remove the directory.
	const dir = path.join(store, "template", "tmpl", template.accountid, template.id);
	expect(await files(dir)).toEqual([]);
	return row;
}

async function setting(name: string, value: string): Promise<void> {
	await api.call("updateConfiguration", { name, value });
}

async function settingValue(name: string): Promise<string> {
	const inner = await api.call("listConfigurations", { name });
	return String((inner.configuration ?? []).find((c: Json) => c.name === name)?.value ?? "");
}

/** Runs `fn` with a global setting changed, then puts the old value back. */
async function withSetting<T>(name: string, value: string, fn: () => Promise<T>): Promise<T> {
	const old = await settingValue(name);
	await setting(name, value);
	try {
		return await fn();
	} finally {
		await setting(name, old);
	}
}

async function queryJob(jobid: string, ms = 60_000): Promise<Json> {
	return waitUntil(
		`job ${jobid}`,
		async () => {
			const job = await api.call("queryAsyncJobResult", { jobid });
			return job.jobstatus !== 0 ? job : undefined;
		},
		ms,
		200,
	);
}

async function startZoneAgent(zoneId: string, name: string): Promise<{ agent: AgentProcess; configFile: string }> {
	const dir = path.join(work, name);
	await mkdir(dir, { recursive: true });
	const enrolled = await enrolAgent(dir, dev.origin, await enrollmentToken(api, zoneId), name, "libvirt");
	expect(enrolled.code, enrolled.output).toBe(0);
	const started = runAgent(enrolled.configFile);
	agents.push(started);
	await started.waitFor("ready", (line) => isReady(line, "active"), 60_000);
	return { agent: started, configFile: enrolled.configFile };
}

/** Filesystem figures of a directory, as NFS FSSTAT reports them for its export. */
async function fsFigures(dir: string): Promise<{ total: number; used: number; unavailable: number }> {
	const s = await statfs(dir);
	return {
		total: s.blocks * s.bsize,
		used: (s.blocks - s.bfree) * s.bsize,
		unavailable: (s.blocks - s.bavail) * s.bsize,
	};
}

/** Used space as reported: total − free, or total − available (root's reserve counted as used). */
function expectUsedLike(reported: number, fs: { used: number; unavailable: number }): void {
	const off = Math.min(Math.abs(reported - fs.used), Math.abs(reported - fs.unavailable));
	expect(
		off,
		`used ${reported}, the filesystem says ${fs.used} (or ${fs.unavailable} without the reserve)`,
	).toBeLessThan(256 * MiB);
}

describe.skipIf(!canRun)("templates on real NFS (ganesha) through the relay agent", () => {
	beforeAll(async () => {
		W = SHARED_W || (await mkdtemp(path.join(tmpdir(), "flarestack-tmpl-nfs-")));
		work = await mkdtemp(path.join(tmpdir(), "flarestack-tmpl-e2e-"));
		if (!SHARED_W) await lab("nfs");
		const imageDir = path.join(work, "images");
		await mkdir(imageDir);
		images = await buildImages(imageDir);
		// Larger than the 48 MiB tiny export (random data: qcow2 cannot make it smaller).
		big = await randomQcow2(path.join(imageDir, "big.qcow2"), 128 * MiB, 80 * MiB);
		server = await startImageServer();
		for (const [name, image] of Object.entries(images)) server.add(name, image.file);
		server.add("big", big.file);
		dev = await startRestartableDev();
		// One key pair for both clients: asking for keys again replaces the admin's pair.
		keys = await adminKeys(dev.apiUrl, await login(dev.apiUrl, "admin", dev.adminPassword));
		api = {
			call: async (command, params = {}) => unwrap(await signedCall(dev.apiUrl, keys, command, params), command),
			raw: (command, params = {}) => signedCall(dev.apiUrl, keys, command, params),
		};
		site = await createSite(api);
		osTypeId = (await api.call("listOsTypes", {})).ostype[0].id;
		// Bad downloads should fail in seconds, not minutes: stalls are noticed after 2 s.
		await setting("template.download.stall.timeout", "2");
		({ agent, configFile } = await startZoneAgent(site.zoneId, "tmpl-relay"));
	});

	afterAll(async () => {
		if (statuses.length > 0) console.log(`final statuses:\n${statuses.map(([w, s]) => `  ${w}: ${s}`).join("\n")}`);
		for (const a of agents) a.kill("SIGKILL");
		await dev?.dispose();
		await server?.close();
		if (work) await rm(work, { recursive: true, force: true });
		if (SHARED_W) {
			for (const t of mine) {
				await rm(templateDir(t), { recursive: true, force: true });
				await rm(path.join(primaryDir(), `template-${t.id}.qcow2`), { force: true });
			}
		}
		if (W && !SHARED_W) {
			await lab("nfs-down").catch((error) => console.log(`lab nfs-down: ${error}`));
			await rm(W, { recursive: true, force: true }).catch(() => undefined);
		}
	});

	it("addImageStore nfs:// → the export's real capacity in listImageStores and listCapacity", async () => {
		const store = (
			await api.call("addImageStore", {
				provider: "NFS",
				url: nfsUrl("secondary"),
				zoneid: site.zoneId,
				name: "e2e-secondary",
			})
		).imagestore;
		imageStoreId = store.id;
		const listed = await waitUntil(
			"image store capacity",
			async () => {
				const row = (await api.call("listImageStores", { id: imageStoreId })).imagestore?.[0];
				return row?.disksizetotal > 0 ? row : undefined;
			},
			30_000,
			200,
		);
		const fs = await fsFigures(secondaryDir());
		expect(listed.disksizetotal).toBe(fs.total);
		expectUsedLike(listed.disksizeused, fs);
		const capacity = (await api.call("listCapacity", { zoneid: site.zoneId, type: "6" })).capacity ?? [];
		expect(capacity[0], JSON.stringify(capacity)).toMatchObject({ type: 6, capacitytotal: fs.total });
	});

	it("createStoragePool nfs:// → the pool's real capacity in listStoragePools and listCapacity", async () => {
		const pool = (
			await api.call("createStoragePool", {
				name: "e2e-primary",
				url: nfsUrl("primary"),
				zoneid: site.zoneId,
				podid: site.podId,
				clusterid: site.clusterId,
			})
		).storagepool;
		poolId = pool.id;
		const listed = await waitUntil(
			"pool capacity",
			async () => {
				const row = (await api.call("listStoragePools", { id: poolId })).storagepool?.[0];
				return row?.disksizetotal > 0 ? row : undefined;
			},
			30_000,
			200,
		);
		const fs = await fsFigures(primaryDir());
		expect(listed.disksizetotal).toBe(fs.total);
		expectUsedLike(listed.disksizeused, fs);
		const capacity = (await api.call("listCapacity", { zoneid: site.zoneId, type: "2" })).capacity ?? [];
		expect(capacity[0], JSON.stringify(capacity)).toMatchObject({ type: 2, capacitytotal: fs.total });
	});

	let ready: Json;

	it.skipIf(!hasCs)("registerTemplate (python3 -m cs) → progress → Ready, the file on secondary, events", async () => {
		const name = uniqueName("qcow2");
		// 4.3 MiB at 1 MiB/s: several progress frames.
		const url = server.url("qcow2", { rate: MiB });
		const answer = await cs(
			"registerTemplate",
			templateParams(name, url, { checksum: `{SHA-256}${images.qcow2.sha256}`, isextractable: "true" }),
		);
		expect(answer.count).toBe(1);
		const template = answer.template[0];
		mine.push(template);
		expect(template).toMatchObject({ name, format: "QCOW2", hypervisor: "KVM", isready: false, zoneid: site.zoneId });
		const { row, seen } = await settle(template.id, { ms: 60_000 });
		console.log(`statuses seen: ${seen.join(" → ")}`);
		expect(row, JSON.stringify(row)).toMatchObject({ isready: true, status: "Download Complete" });
		expect(
			seen.some((s) => /^([1-9]\d?)% Downloaded$/.test(s)),
			seen.join(" → "),
		).toBe(true);
		expect(row.size).toBe(images.qcow2.virtualBytes);
		const file = path.join(templateDir(template), `${template.id}.qcow2`);
		expect(await files(templateDir(template))).toEqual([`${template.id}.qcow2`]);
		expect((await checksums(file)).sha256).toBe(images.qcow2.sha256);
		expect(row.physicalsize).toBe(images.qcow2.fileBytes);
		const listed = await cs("listTemplates", { templatefilter: "self", id: template.id });
		expect(listed.template[0]).toMatchObject({ id: template.id, isready: true, status: "Download Complete" });
		for (const type of ["TEMPLATE.CREATE", "TEMPLATE.DOWNLOAD.START", "TEMPLATE.DOWNLOAD.SUCCESS"]) {
			await waitUntil(`${type} event`, async () => (await events(type, template)).length > 0, 10_000, 200);
		}
		ready = template;
	});

	it("a RAW template with a plain MD5 checksum, through two redirects, also without Content-Length", async () => {
		const raw = await register("raw", server.redirect(server.url("raw"), 2), {
			format: "RAW",
			checksum: images.raw.md5,
		});
		const chunked = await register("chunked", server.url("qcow2", { chunked: true }), {
			checksum: `{SHA-1}${images.qcow2.sha1}`,
		});
		const rawDone = await settle(raw.id);
		expect(rawDone.row, JSON.stringify(rawDone)).toMatchObject({ isready: true, size: images.raw.virtualBytes });
		expect(await files(templateDir(raw))).toEqual([`${raw.id}.raw`]);
		const chunkedDone = await settle(chunked.id);
		expect(chunkedDone.row, JSON.stringify(chunkedDone)).toMatchObject({
			isready: true,
			size: images.qcow2.virtualBytes,
		});
	});

	it("a stall mid-body is resumed with a Range request", async () => {
		const url = server.url("qcow2", { stallAfter: MiB, stalls: 1 });
		const template = await register("stall-resume", url, { checksum: `{SHA-512}${images.qcow2.sha512}` });
		const { row, seen } = await settle(template.id);
		expect(row.isready, seen.join(" → ")).toBe(true);
		const ranges = server.requests
			.filter((r) => r.path === new URL(url).pathname + new URL(url).search)
			.map((r) => r.range);
		expect(ranges[0]).toBeUndefined();
		expect(ranges.slice(1)).toContainEqual(expect.stringMatching(/^bytes=\d+-$/));
		expect((await checksums(path.join(templateDir(template), `${template.id}.qcow2`))).sha256).toBe(
			images.qcow2.sha256,
		);
	});

	it("a stall on a server without ranges restarts from the start and completes", async () => {
		const url = server.url("qcow2", { stallAfter: MiB, stalls: 1, noRanges: true });
		const template = await register("stall-restart", url, { checksum: `{SHA-256}${images.qcow2.sha256}` });
		const { row, seen } = await settle(template.id);
		expect(row.isready, seen.join(" → ")).toBe(true);
	});

	describe("bad downloads end in Error with a readable status, an event, and nothing on storage", () => {
		it("404", async () => {
			await expectFailed("404", await register("404", server.status(404)), /404/);
		});

		it("unreachable (connection refused, unknown host)", async () => {
			const closed = await freePort();
			await expectFailed(
				"refused",
				await register("refused", `http://127.0.0.1:${closed}/x.qcow2`),
				/refused|unreachable|connect/i,
			);
			await expectFailed(
				"unknown host",
				await register("nohost", "http://no-such-host.invalid/x.qcow2"),
				/no-such-host|resolve|ENOTFOUND|not found/i,
			);
		});

		it("checksum mismatch (named both ways)", async () => {
			const row = await expectFailed(
				"checksum",
				await register("checksum", server.url("qcow2"), { checksum: `{SHA-256}${images.raw.sha256}` }),
				/checksum/i,
			);
			expect(String(row.status)).toContain(images.raw.sha256.slice(0, 8));
		});

		it("a file that is not what its format says (raw as QCOW2, text as QCOW2, raw as ISO)", async () => {
			await expectFailed("raw as QCOW2", await register("raw-as-qcow2", server.url("raw")), /raw|QCOW2/);
			await expectFailed("text as QCOW2", await register("text-as-qcow2", server.url("text")), /raw|QCOW2|format/i);
			const iso = (
				await api.call("registerIso", {
					name: uniqueName("raw-as-iso"),
					displaytext: "raw as iso",
					url: server.url("raw"),
					zoneid: site.zoneId,
					ostypeid: osTypeId,
				})
			).iso[0];
			mine.push(iso);
			const { row } = await settle(iso.id, { iso: true });
			statuses.push(["raw as ISO", String(row.status)]);
			expect(row.isready).toBe(false);
			expect(String(row.status)).toMatch(/ISO|CD001|9660/);
			expect(await files(templateDir(iso))).toEqual([]);
		});

		it("a qcow2 with a backing file, a qcow2 with an external data file", async () => {
			await expectFailed("backing file", await register("backing", server.url("backing")), /backing file/i);
			await expectFailed("data file", await register("datafile", server.url("dataFile")), /data.file/i);
		});

		it("redirects: a loop, one to a denied address, one to file://", async () => {
			await expectFailed("redirect loop", await register("loop", server.loop()), /redirect/i);
			await expectFailed(
				"redirect to 169.254.169.254",
				await register("metadata", server.redirect("http://169.254.169.254/latest/meta-data/")),
				/169\.254|denied|not allowed|refused/i,
			);
			await expectFailed(
				"redirect to file://",
				await register("file", server.redirect("file:///etc/passwd")),
				/http|scheme|file:/i,
			);
		});

		it("a denied range set with updateConfiguration: a literal IP is refused at once, a name after it resolves", async () => {
			await withSetting(
				"template.download.denied.cidrs",
				"0.0.0.0/8,169.254.0.0/16,fe80::/10,127.0.0.0/8,::1/128",
				async () => {
					const refused = await api.raw(
						"registerTemplate",
						templateParams(uniqueName("denied-ip"), server.url("qcow2")),
					);
					expect(refused.status, JSON.stringify(refused.body)).toBe(431);
					await expectFailed(
						"denied name",
						await register("denied-name", server.url("qcow2", {}, "localhost")),
						/127\.0\.0\.1|::1|denied|not allowed/i,
					);
				},
			);
		});

		it("too big for max.template.iso.size: at once with a Content-Length, midway without one", async () => {
			await withSetting("max.template.iso.size", "0.002", async () => {
				await expectFailed("too big", await register("too-big", server.url("qcow2")), /big|large|exceed|limit|max/i);
				await expectFailed(
					"too big, chunked",
					await register("too-big-chunked", server.url("qcow2", { chunked: true })),
					/big|large|exceed|limit|max/i,
				);
			});
		});

		it("a Content-Length that lies (longer than the body) fails after its attempts", async () => {
			await expectFailed(
				"lying length",
				await register("lying", server.url("qcow2", { length: images.qcow2.fileBytes + MiB })),
				new RegExp(
					`sent ${images.qcow2.fileBytes} of the ${images.qcow2.fileBytes + MiB} bytes its Content-Length announced`,
				),
			);
		});

		it("a server that always stalls fails after template.download.attempts", async () => {
			const url = server.url("qcow2", { stallAfter: MiB });
			const template = await register("stall-always", url);
			await expectFailed("always stalls", template, /no answer|stall|no data|timed? ?out|gave up/i);
			const tries = server.requests.filter((r) => r.path === new URL(url).pathname + new URL(url).search).length;
			expect(tries).toBe(Number(await settingValue("template.download.attempts")));
		});

		it("secondary storage full (the 48 MiB tiny export, in a second zone)", async (ctx) => {
			try {
				await access(path.join(W, "nfs", "tiny"));
			} catch {
				ctx.skip();
			}
			const zone2 = await createSite(api);
			await startZoneAgent(zone2.zoneId, "tiny-relay");
			const tiny = (
				await api.call("addImageStore", {
					provider: "NFS",
					url: nfsUrl("tiny"),
					zoneid: zone2.zoneId,
					name: "e2e-tiny",
				})
			).imagestore;
			await waitUntil(
				"tiny capacity",
				async () => (await api.call("listImageStores", { id: tiny.id })).imagestore?.[0]?.disksizetotal > 0,
				30_000,
				200,
			);
			const tinyDir = path.join(W, "nfs", "tiny");
			const before = (await fsFigures(tinyDir)).used;
			const params = (what: string, url: string) => ({
				...templateParams(uniqueName(what), url),
				zoneid: zone2.zoneId,
			});
			const known = (await api.call("registerTemplate", params("full", server.url("big")))).template[0];
			await expectFailed("secondary full", known, /full/i, zone2.zoneId, tinyDir);
			const chunked = (await api.call("registerTemplate", params("full-chunked", server.url("big", { chunked: true }))))
				.template[0];
			await expectFailed("secondary full, chunked", chunked, /full/i, zone2.zoneId, tinyDir);
			expect(Math.abs((await fsFigures(tinyDir)).used - before)).toBeLessThan(2 * MiB);
		});
	});

	it("the agent SIGKILLed mid-download: resent after the restart, completes, nothing partial left", async () => {
		// 4.3 MiB at 512 KiB/s: about 8 s, killed after the first progress.
		const template = await register("killed", server.url("qcow2", { rate: 512 * 1024 }), {
			checksum: `{SHA-256}${images.qcow2.sha256}`,
		});
		await waitUntil(
			"some progress",
			async () => /^([1-9]\d?)% Downloaded$/.test(String((await templateRow(template.id))?.status)),
			30_000,
			100,
		);
		agent.kill("SIGKILL");
		await agent.exited;
		agent = runAgent(configFile);
		agents.push(agent);
		await agent.waitFor("ready", (line) => isReady(line, "active"), 60_000);
		const { row, seen } = await settle(template.id, { ms: 120_000 });
		console.log(`after the kill: ${seen.join(" → ")}`);
		if (row.isready) {
			expect(await files(templateDir(template))).toEqual([`${template.id}.qcow2`]);
			expect((await checksums(path.join(templateDir(template), `${template.id}.qcow2`))).sha256).toBe(
				images.qcow2.sha256,
			);
		} else {
			statuses.push(["agent killed", String(row.status)]);
			expect(await files(templateDir(template))).toEqual([]);
		}
	});

	it("ten concurrent prepareTemplate calls on one pool make one copy", async (ctx) => {
		if (!ready) ctx.skip();
		const from = agent.lines.length;
		const answers = await Promise.all(
			Array.from({ length: 10 }, () =>
				api.raw("prepareTemplate", { templateid: ready.id, zoneid: site.zoneId, storageid: poolId }),
			),
		);
		for (const a of answers) expect(a.status, JSON.stringify(a.body)).toBe(200);
		const copy = `template-${ready.id}.qcow2`;
		await waitUntil(
			"the pool copy",
			async () => {
				const list = await files(primaryDir());
				return list.includes(copy) && !list.some((f) => f.endsWith(".part"));
			},
			60_000,
			200,
		);
		const copies = (await files(primaryDir())).filter((f) => f.includes(ready.id));
		expect(copies).toEqual([copy]);
		const info = await qemuInfo(path.join(primaryDir(), copy));
		expect(info.format).toBe("qcow2");
		expect(info["virtual-size"]).toBe(images.qcow2.virtualBytes);
		expect(info["backing-filename"]).toBeUndefined();
		const prepares = agent.lines.slice(from).filter((l) => l.msg === "command start" && l.name === "template.prepare");
		console.log(`template.prepare commands the agent ran: ${prepares.length}`);
		expect(prepares.length).toBeGreaterThanOrEqual(1);
		expect(prepares.length).toBeLessThanOrEqual(10);
	});

	it("extractTemplate: the link streams the file from secondary storage through the agent", async () => {
		const template = await register("extract", server.url("qcow2"), {
			checksum: `{SHA-256}${images.qcow2.sha256}`,
			isextractable: "true",
		});
		const { row } = await settle(template.id);
		expect(row, JSON.stringify(row)).toMatchObject({ isready: true });
		const { jobid } = await api.call("extractTemplate", {
			id: template.id,
			mode: "HTTP_DOWNLOAD",
			zoneid: site.zoneId,
		});
		const job = await queryJob(jobid);
		expect(job.jobstatus, JSON.stringify(job)).toBe(1);
		const url: string = job.jobresult.template.url;
		expect(url).toMatch(/\/client\/extract\/[^/]+\/[^/]+\.qcow2$/);
		const response = await fetch(url);
		expect(response.status).toBe(200);
		const body = Buffer.from(await response.arrayBuffer());
		expect(body.length).toBe(images.qcow2.fileBytes);
		expect(createHash("sha256").update(body).digest("hex")).toBe(images.qcow2.sha256);
		// A tampered link gets nothing.
		expect((await fetch(url.replace("/client/extract/", "/client/extract/x"))).status).toBe(403);
	});

	it("registerIso + listIsos: an ISO with the ISO 9660 mark is Ready", async () => {
		const iso = (
			await api.call("registerIso", {
				name: uniqueName("iso"),
				displaytext: "e2e iso",
				url: server.url("iso"),
				zoneid: site.zoneId,
				ostypeid: osTypeId,
				checksum: `{SHA-512}${images.iso.sha512}`,
			})
		).iso[0];
		mine.push(iso);
		const { row } = await settle(iso.id, { iso: true });
		expect(row, JSON.stringify(row)).toMatchObject({ isready: true, size: images.iso.fileBytes });
		expect(await files(templateDir(iso))).toEqual([`${iso.id}.iso`]);
		const listed = (await api.call("listIsos", { isofilter: "self", id: iso.id })).iso ?? [];
		expect(listed).toHaveLength(1);
	});

	it("flarestack-relay template import FILE registers and uploads a local image", async () => {
		const name = uniqueName("import");
		const cli = spawnAgent([
			"template",
			"import",
			images.qcow2.file,
			"--name",
			name,
			"--format",
			"QCOW2",
			"--config",
			configFile,
		]);
		const { code } = await cli.exited;
		expect(code, cli.output()).toBe(0);
		const id = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(cli.output())?.[0];
		expect(id, cli.output()).toBeDefined();
		const row = (await api.call("listTemplates", { templatefilter: "all", id: id as string })).template?.[0];
		if (row) mine.push(row);
		expect(row, JSON.stringify(row)).toMatchObject({ name, isready: true, size: images.qcow2.virtualBytes });
		const dir = templateDir(row);
		expect(await files(dir)).toEqual([`${id}.qcow2`]);
		expect((await checksums(path.join(dir, `${id}.qcow2`))).sha256).toBe(images.qcow2.sha256);
	});

	it("deleteTemplate removes the files from secondary storage and from the pool", async (ctx) => {
		if (!ready) ctx.skip();
		const answer = await api.call("deleteTemplate", { id: ready.id });
		if (answer.jobid) {
			const job = await queryJob(answer.jobid);
			expect(job.jobstatus, JSON.stringify(job)).toBe(1);
		}
		await waitUntil(
			"the template's files gone",
			async () =>
				(await files(templateDir(ready))).length === 0 &&
				!(await files(primaryDir())).some((f) => f.includes(ready.id)),
			60_000,
			250,
		);
		expect(await templateRow(ready.id)).toBeUndefined();
		await waitUntil("TEMPLATE.DELETE", async () => (await events("TEMPLATE.DELETE", ready)).length > 0, 10_000, 200);
	});
});
