#!/usr/bin/env node
/**
 * `npm run bench:template`: template I/O on this machine, against a private nfs-ganesha
 * (test/e2e/lab.sh nfs), a private `wrangler dev` and the real relay agent, with a BENCH_GIB GiB
 * random qcow2 (default 1) served by the local test HTTP server (test/e2e/image-server.ts).
 *
 *  a. Download into secondary storage (registerTemplate → Ready; the agent's own `template.download`
 *     time from its log, and the API's register → isready) vs `curl -o` of the same URL into the
 *     same export directory (the local path ganesha exports) and vs `curl -o` to a local file +
 *     `nfs-cp` to the export (the only way curl reaches NFS here). Target: ratio ≥ 0.9.
 *  b. The secondary → primary copy (prepareTemplate; the agent's `template.prepare` time) vs a bare
 *     `qemu-img convert -f qcow2 -O qcow2 nfs://…/secondary/… nfs://…/primary/…`. Target ≥ 0.9.
 *  c. Linked-clone creation: the agent's `volume.clone` handler called in-process (no API command
 *     makes a clone yet: deploy is issue 6) BENCH_CLONES times on the NFS pool, and a bare
 *     `qemu-img create -b` for comparison. Target ≤ 50 ms.
 *
 * Ratio = baseline time / our time (1.0 = as fast as the baseline). Environment: BENCH_GIB
 * (default 1), BENCH_TRIALS (default 2, best of), BENCH_CLONES (default 20).
 * FLARESTACK_AGENT_LOG=1 echoes the agent's log lines. Needs root, qemu-img, nfs-ganesha, curl.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "../clients/server.ts";
import { startImageServer } from "../e2e/image-server.ts";
import { randomQcow2 } from "../e2e/images.ts";
import { enrolAgent, isReady, runAgent } from "../relay-agent/worker-agent.ts";
import { adminApi, createSite, enrollmentToken, waitUntil } from "../relay-agent/worker-api.ts";
import { startRestartableDev } from "../relay-agent/worker-dev.ts";

const run = promisify(execFile);
const LAB = path.join(REPO_ROOT, "test", "e2e", "lab.sh");

function numEnv(name, fallback, min, max) {
	const raw = process.env[name];
	const value = raw === undefined || raw === "" ? fallback : Number(raw);
	if (!Number.isFinite(value) || value < min || value > max) {
		throw new Error(`${name} must be a number from ${min} to ${max}, not ${JSON.stringify(raw)}`);
	}
	return value;
}

const GIB = numEnv("BENCH_GIB", 1, 0.05, 16);
const TRIALS = numEnv("BENCH_TRIALS", 2, 1, 10);
const CLONES = numEnv("BENCH_CLONES", 20, 1, 1000);
const BYTES = Math.round(GIB * 1024 ** 3);
/** File names are new on every run: ganesha caches directory entries, so a name removed through the
 * local path can still "exist" over NFS for a while (NFS3ERR_EXIST on the next create). */
const TAG = Date.now().toString(36);

const ms = (t0) => performance.now() - t0;
const best = (samples) => Math.min(...samples);
const median = (samples) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)];
const mibps = (bytes, millis) => (bytes / 1024 ** 2 / (millis / 1000)).toFixed(0);

async function timed(fn) {
	const t0 = performance.now();
	await fn();
	return ms(t0);
}

/** The agent's `command done` ms for the first `name` command after line `from`. */
async function agentMs(agent, name, from, timeout = 600_000) {
	const start = await agent.waitFor(
		`${name} start`,
		(l) => l.msg === "command start" && l.name === name,
		timeout,
		from,
	);
	const startIndex = agent.lines.indexOf(start);
	const done = await agent.waitFor(
		`${name} done`,
		(l) => l.msg === "command done" && l.name === name && l.id === start.id,
		timeout,
		startIndex,
	);
	if (!done.ok) throw new Error(`${name} failed in the agent: ${done.text}`);
	return done.ms;
}

async function main() {
	if (process.getuid?.() !== 0) throw new Error("run as root (nfs-ganesha, rpcbind)");
	// Only one NFS server can own 127.0.0.1:2049: FLARESTACK_NFS_W names a lab.sh W whose ganesha
	// already runs (it is neither started nor stopped here).
	const sharedW = process.env.FLARESTACK_NFS_W;
	const W = sharedW || (await mkdtemp(path.join(tmpdir(), "flarestack-bench-tmpl-nfs-")));
	const work = await mkdtemp(path.join(tmpdir(), "flarestack-bench-tmpl-"));
	const lab = (...args) => run("bash", [LAB, ...args], { env: { ...process.env, W } });
	const nfs = (exportName) => `nfs://127.0.0.1${W}/nfs/${exportName}`;
	const secondary = path.join(W, "nfs", "secondary");
	const primary = path.join(W, "nfs", "primary");
	let dev;
	let server;
	let agent;
	let template;
	/** Template ids this run made, for the cleanup of a shared export. */
	const ids = [];
	try {
		console.log(`bench: NFS (ganesha), a ${GIB} GiB random qcow2, wrangler dev and the agent …`);
		if (!sharedW) await lab("nfs");
		const image = await randomQcow2(path.join(work, "bench.qcow2"), BYTES, BYTES);
		server = await startImageServer();
		server.add("bench", image.file);
		const url = server.url("bench");
		// Warm the page cache for the source file, so every contender reads it from memory.
		await run("sh", ["-c", `cat "${image.file}" > /dev/null`]);

		dev = await startRestartableDev();
		const api = await adminApi(dev.apiUrl, dev.adminPassword);
		const site = await createSite(api, "bench");
		const osTypeId = (await api.call("listOsTypes", {})).ostype[0].id;
		const enrolled = await enrolAgent(work, dev.origin, await enrollmentToken(api, site.zoneId), "bench", "libvirt");
		if (enrolled.code !== 0) throw new Error(`enroll failed:\n${enrolled.output}`);
		agent = runAgent(enrolled.configFile);
		await agent.waitFor("ready", (l) => isReady(l, "active"), 60_000);
		await api.call("addImageStore", { provider: "NFS", url: nfs("secondary"), zoneid: site.zoneId });
		const pool = (
			await api.call("createStoragePool", {
				name: "bench-primary",
				url: nfs("primary"),
				zoneid: site.zoneId,
				podid: site.podId,
				clusterid: site.clusterId,
			})
		).storagepool;

		// ---- a. download ------------------------------------------------------------------------
		const ours = [];
		const oursApi = [];
		const curlLocal = [];
		const curlNfsCp = [];
		for (let trial = 0; trial < TRIALS; trial++) {
			const from = agent.lines.length;
			const t0 = performance.now();
			const registered = (
				await api.call("registerTemplate", {
					name: `bench-${trial}`,
					displaytext: "bench",
					url,
					format: "QCOW2",
					hypervisor: "KVM",
					ostypeid: osTypeId,
					zoneid: site.zoneId,
					checksum: `{SHA-256}${image.sha256}`,
				})
			).template[0];
			const row = await waitUntil(
				"the template Ready",
				async () => {
					const r = (await api.call("listTemplates", { templatefilter: "all", id: registered.id })).template?.[0];
					if (r && !r.isready && !/Downloaded|Waiting/.test(String(r.status))) throw new Error(`failed: ${r.status}`);
					return r?.isready ? r : undefined;
				},
				600_000,
				50,
			);
			oursApi.push(ms(t0));
			ours.push(await agentMs(agent, "template.download", from));
			if (row.size !== BYTES) throw new Error(`size ${row.size}, expected ${BYTES}`);
			template = registered;
			ids.push(registered.id);

			const curlTarget = path.join(secondary, `bench-${TAG}-curl-${trial}.qcow2`);
			curlLocal.push(await timed(() => run("curl", ["-sSf", "-o", curlTarget, url])));
			await rm(curlTarget);
			const localFile = path.join(work, `bench-${TAG}-curl-${trial}.qcow2`);
			curlNfsCp.push(
				await timed(async () => {
					await run("curl", ["-sSf", "-o", localFile, url]);
					await run("nfs-cp", [localFile, `${nfs("secondary")}/bench-${TAG}-nfscp-${trial}.qcow2`]);
				}),
			);
			await rm(localFile);
			await rm(path.join(secondary, `bench-${TAG}-nfscp-${trial}.qcow2`));
		}

		// ---- b. secondary → primary -------------------------------------------------------------
		const secondaryFile = (await readdir(secondary, { recursive: true })).find((f) =>
			f.endsWith(`${template.id}/${template.id}.qcow2`),
		);
		if (!secondaryFile) throw new Error("the template's file is not on secondary storage");
		const from = agent.lines.length;
		const copyStart = performance.now();
		await api.call("prepareTemplate", { templateid: template.id, zoneid: site.zoneId, storageid: pool.id });
		const copyFile = path.join(primary, `template-${template.id}.qcow2`);
		const oursCopy = await agentMs(agent, "template.prepare", from);
		await waitUntil("the pool copy", () => stat(copyFile).then(() => true), 60_000, 50);
		const oursCopyApi = ms(copyStart);
		const bare = [];
		for (let trial = 0; trial < TRIALS; trial++) {
			bare.push(
				await timed(() =>
					run("qemu-img", [
						"convert",
						"-f",
						"qcow2",
						"-O",
						"qcow2",
						`${nfs("secondary")}/${secondaryFile}`,
						`${nfs("primary")}/bench-${TAG}-bare-${trial}.qcow2`,
					]),
				),
			);
			await rm(path.join(primary, `bench-${TAG}-bare-${trial}.qcow2`));
		}

		// ---- c. linked clones -------------------------------------------------------------------
		const cloneMs = [];
		let cloneNote = "";
		const poolLocation = { kind: "nfs", server: "127.0.0.1", path: primary };
		const clone = await cloneHandler();
		if (clone) {
			for (let i = 0; i < CLONES; i++) {
				cloneMs.push(
					await timed(() =>
						clone({
							pool: poolLocation,
							backingPath: `template-${template.id}.qcow2`,
							path: `bench-${TAG}-clone-${i}.qcow2`,
						}),
					),
				);
			}
		} else {
			cloneNote = " (the agent's volume.clone handler was not found: not measured)";
		}
		const bareClone = [];
		for (let i = 0; i < CLONES; i++) {
			bareClone.push(
				await timed(() =>
					run("qemu-img", [
						"create",
						"-q",
						"-f",
						"qcow2",
						"-F",
						"qcow2",
						"-b",
						`template-${template.id}.qcow2`,
						`${nfs("primary")}/bench-${TAG}-bare-clone-${i}.qcow2`,
					]),
				),
			);
		}

		// ---- table ------------------------------------------------------------------------------
		const rows = [];
		const line = (what, ourMs, baseName, baseMs, target) => {
			const ratio = baseMs / ourMs;
			rows.push([
				what,
				`${ourMs.toFixed(0)} ms`,
				baseName,
				`${baseMs.toFixed(0)} ms`,
				ratio.toFixed(2),
				target === undefined ? "" : ratio >= target ? "met" : "MISSED",
			]);
		};
		line(
			`download ${GIB} GiB (agent, ${mibps(BYTES, best(ours))} MiB/s)`,
			best(ours),
			"curl -o export dir",
			best(curlLocal),
			0.9,
		);
		line(`download ${GIB} GiB (agent)`, best(ours), "curl -o + nfs-cp", best(curlNfsCp), 0.9);
		line(`download ${GIB} GiB (API register → isready)`, best(oursApi), "curl -o + nfs-cp", best(curlNfsCp));
		line("copy secondary → primary (agent)", oursCopy, "qemu-img convert nfs→nfs", best(bare), 0.9);
		line("copy secondary → primary (API → file there)", oursCopyApi, "qemu-img convert nfs→nfs", best(bare));
		const headers = ["", "ours", "baseline", "", "ratio", "target"];
		const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
		const fmt = (r) => r.map((c, i) => c.padEnd(widths[i])).join("  ");
		console.log(`\n${fmt(headers)}\n${widths.map((w) => "-".repeat(w)).join("  ")}`);
		for (const r of rows) console.log(fmt(r));
		if (cloneMs.length > 0) {
			const p50 = median(cloneMs);
			console.log(
				`\nlinked clone (agent volume.clone on NFS, n=${cloneMs.length}): p50 ${p50.toFixed(1)} ms, max ${Math.max(...cloneMs).toFixed(1)} ms` +
					` (target ≤ 50 ms: ${p50 <= 50 ? "met" : "MISSED"})`,
			);
		} else {
			console.log(`\nlinked clone${cloneNote}`);
		}
		console.log(`bare qemu-img create -b on NFS (n=${bareClone.length}): p50 ${median(bareClone).toFixed(1)} ms`);
		console.log(
			`raw figures (ms): agent download ${ours.map((x) => x.toFixed(0)).join(", ")}; curl ${curlLocal.map((x) => x.toFixed(0)).join(", ")}; curl+nfs-cp ${curlNfsCp.map((x) => x.toFixed(0)).join(", ")}; bare convert ${bare.map((x) => x.toFixed(0)).join(", ")}`,
		);
	} finally {
		agent?.kill("SIGKILL");
		await dev?.dispose();
		await server?.close();
		// Ours only: a shared export may hold others' files.
		for (const dir of [secondary, primary]) {
			for (const f of await readdir(dir, { recursive: true }).catch(() => [])) {
				if (/(^|\/)bench-/.test(f) || ids.some((id) => f.includes(id))) {
					await rm(path.join(dir, f), { recursive: true, force: true });
				}
			}
		}
		if (!sharedW) {
			await lab("nfs-down").catch((error) => console.error(`lab nfs-down: ${error.message}`));
			await rm(W, { recursive: true, force: true }).catch(() => undefined);
		}
		await rm(work, { recursive: true, force: true });
	}
}

/**
 * The agent's volume.clone handler in-process, on a store opened the way the agent opens it
 * (relay-agent/src/storage/open.ts): the clone time includes opening the NFS store, as in the agent.
 * Null when those modules are not there.
 */
async function cloneHandler() {
	try {
		const { storageHandlers } = await import(path.join(REPO_ROOT, "relay-agent", "src", "handlers", "storage.ts"));
		const { openStore } = await import(path.join(REPO_ROOT, "relay-agent", "src", "storage", "open.ts"));
		const { silentLogger } = await import(path.join(REPO_ROOT, "relay-agent", "src", "log.ts"));
		const handlers = storageHandlers({ openStore: (location) => openStore(location), log: silentLogger });
		const context = {
			signal: new AbortController().signal,
			deadline: Date.now() + 600_000,
			remainingMs: () => 600_000,
			progress: () => undefined,
		};
		return (args) => handlers["volume.clone"](args, context);
	} catch (error) {
		console.error(`cannot load the agent's storage handlers: ${error.message}`);
		return null;
	}
}

await mkdir(tmpdir(), { recursive: true });
main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
