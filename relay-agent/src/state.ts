/**
 * @module The agent's state file (JSON, `stateFile` in the config): the hosts it knows (id → URI and
 * their last facts), the answers of the commands it ran recently (so a command resent after a restart
 * is answered, not run again) and the link status that `flarestack-relay status` prints.
 * Writes are batched and atomic (temporary file + rename); `flush` writes at once, on exit.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { AnswerFrame, Host, RelayRole } from "@flarestack/protocol";

export interface KnownHost {
	uri: string;
	/** The host as last read (facts, domains) and its last state. */
	host: Host;
}

/** What `status` prints about the link, as the running agent last saw it. */
export interface LinkStatus {
	pid: number;
	state: "starting" | "connecting" | "connected" | "disconnected" | "stopped" | "revoked";
	role?: RelayRole;
	sessionId?: string;
	since: number;
	lastError?: string;
}

export interface StateData {
	hosts: Record<string, KnownHost>;
	/** Oldest first: [command id, the answer sent]. */
	answers: [string, AnswerFrame][];
	link?: LinkStatus;
}

const empty = (): StateData => ({ hosts: {}, answers: [] });

/** Reads a state file; a missing one is an empty state, a broken one too (with `broken` set). */
export async function readState(file: string): Promise<{ data: StateData; broken?: string }> {
	let text: string;
	try {
		text = await readFile(file, "utf8");
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === "ENOENT") return { data: empty() };
		return { data: empty(), broken: (error as Error).message };
	}
	try {
		const value = JSON.parse(text) as Partial<StateData>;
		const hosts = value.hosts && typeof value.hosts === "object" && !Array.isArray(value.hosts) ? value.hosts : {};
		const answers = Array.isArray(value.answers) ? value.answers : [];
		return { data: { hosts, answers, ...(value.link ? { link: value.link } : {}) } };
	} catch {
		return { data: empty(), broken: "not JSON" };
	}
}

/** The live state, saved to `file` at most every `delayMs` after a change. */
export class StateStore {
	readonly file: string;
	readonly data: StateData;
	private readonly delayMs: number;
	private timer: NodeJS.Timeout | undefined;
	private writing: Promise<void> = Promise.resolve();
	/** Called when a batched write fails (the next change tries again). */
	onWriteError: (error: unknown) => void = () => {};

	constructor(file: string, data: StateData = empty(), delayMs = 200) {
		this.file = path.resolve(file);
		this.data = data;
		this.delayMs = delayMs;
	}

	/** Opens the state at `file` (empty when there is none yet). */
	static async open(file: string, delayMs?: number): Promise<{ store: StateStore; broken?: string }> {
		const { data, broken } = await readState(file);
		return { store: new StateStore(file, data, delayMs), ...(broken ? { broken } : {}) };
	}

	/** Marks the state changed: it is written within `delayMs`. */
	changed(): void {
		if (this.timer) return;
		this.timer = setTimeout(() => {
			this.timer = undefined;
			this.flush().catch((error) => this.onWriteError(error));
		}, this.delayMs);
		this.timer.unref();
	}

	/** Writes the state now; resolves when it is on disk. */
	flush(): Promise<void> {
		if (this.timer) {
			clearTimeout(this.timer);
			this.timer = undefined;
		}
		const text = `${JSON.stringify(this.data)}\n`;
		// Writes run one after another, so an older snapshot never lands after a newer one.
		this.writing = this.writing.catch(() => {}).then(() => this.write(text));
		return this.writing;
	}

	private async write(text: string): Promise<void> {
		await mkdir(path.dirname(this.file), { recursive: true });
		const temporary = `${this.file}.${process.pid}.tmp`;
		await writeFile(temporary, text, { mode: 0o600 });
		await rename(temporary, this.file);
	}
}
