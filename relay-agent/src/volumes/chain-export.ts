/**
 * @module Reading a qcow2 chain on NFS as one disk. qemu 7.2 resolves a relative backing name over
 * nfs:// wrongly (as `<overlay>/<backing>`), and `qemu-img` cannot be told the chain instead: a
 * `json:` filename with a `backing` dict still makes qemu combine the header's name, and then refuses
 * the explicit NFS options. qemu-storage-daemon takes `--blockdev` nodes, so every layer is named
 * explicitly (read-only; NFS has no image locks, so a running guest's disk reads like `-U`), and
 * the top layer is exported over NBD on a private unix socket for `qemu-img convert` to read. The
 * daemon lives only for the one copy and is stopped by its PID.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

export interface ChainLayer {
	/** The file's full path on the NFS server (export path + store path). */
	path: string;
	format: "qcow2" | "raw";
}

const READY_MS = 15_000;

/** The daemon's arguments: layers innermost first, each qcow2 pointing at the one below it. */
export function daemonArgs(server: string, layers: ChainLayer[], socket: string): string[] {
	const args: string[] = [];
	const innermostFirst = [...layers].reverse();
	innermostFirst.forEach((layer, i) => {
		args.push(
			"--blockdev",
			JSON.stringify({
				driver: "nfs",
				"node-name": `f${i}`,
				server: { type: "inet", host: server },
				path: layer.path,
				"read-only": true,
			}),
		);
		const node: Record<string, unknown> = {
			driver: layer.format,
			"node-name": `l${i}`,
			file: `f${i}`,
			"read-only": true,
		};
		if (layer.format === "qcow2") node.backing = i === 0 ? null : `l${i - 1}`;
		args.push("--blockdev", JSON.stringify(node));
	});
	const top = `l${innermostFirst.length - 1}`;
	args.push("--nbd-server", `addr.type=unix,addr.path=${socket}`);
	args.push("--export", `type=nbd,id=chain,node-name=${top},name=chain`);
	return args;
}

/** Runs `work` with an NBD URL that reads the whole chain (top layer first in `layers`). */
export async function withChainExport<T>(
	server: string,
	layers: ChainLayer[],
	work: (url: string) => Promise<T>,
	signal?: AbortSignal,
): Promise<T> {
	const dir = await mkdtemp(path.join(tmpdir(), "flarestack-chain-"));
	const socket = path.join(dir, "nbd.sock");
	let child: ChildProcess | undefined;
	try {
		child = spawn("qemu-storage-daemon", daemonArgs(server, layers, socket), { stdio: ["ignore", "ignore", "pipe"] });
		let stderr = "";
		child.stderr?.on("data", (chunk: Buffer) => {
			stderr = (stderr + chunk.toString()).slice(-2000);
		});
		const exited = new Promise<string>((resolve) => {
			child?.once("exit", (code) => resolve(`qemu-storage-daemon exited (${code}): ${stderr.trim()}`));
			child?.once("error", (error) => resolve(`qemu-storage-daemon could not run: ${error.message}`));
		});
		let failure: string | undefined;
		void exited.then((text) => {
			failure = text;
		});
		const until = Date.now() + READY_MS;
		while (
			!(await stat(socket).then(
				() => true,
				() => false,
			))
		) {
			if (failure) throw new Error(failure);
			signal?.throwIfAborted();
			if (Date.now() > until) throw new Error(`qemu-storage-daemon did not export the chain within ${READY_MS} ms`);
			await new Promise((resolve) => setTimeout(resolve, 25));
		}
		return await work(`nbd+unix:///chain?socket=${socket}`);
	} finally {
		if (child && child.exitCode === null && child.pid !== undefined) {
			const gone = new Promise((resolve) => child?.once("exit", resolve));
			child.kill("SIGTERM");
			await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 5000))]);
			if (child.exitCode === null) child.kill("SIGKILL");
		}
		await rm(dir, { recursive: true, force: true });
	}
}
