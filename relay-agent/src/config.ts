/**
 * @module The agent's config file (JSON, default `./flarestack-relay.json`): where the control plane
 * is, who this relay is, and where its key and state live. `enroll` writes it; `run` and `status`
 * read it. Relative `keyFile` and `stateFile` paths are relative to the config file's directory, so
 * a site directory can be moved as a whole.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { LOG_LEVELS } from "./log.ts";

export const DEFAULT_CONFIG_FILE = "flarestack-relay.json";
export const DEFAULT_KEY_FILE = "flarestack-relay.key.json";
export const DEFAULT_STATE_FILE = "flarestack-relay.state.json";
export const DEFAULT_GUEST_BRIDGE = "cloudbr0";

/**
 * `libvirt` (the default) drives `qemu://`, `qemu+tcp://`, `qemu+ssh://` and `test:///` hosts with
 * virsh and `sim://` hosts with the simulator; `simulator` simulates every host whatever its URI
 * (demos and scale runs without libvirt).
 */
export const DriverName = z.enum(["libvirt", "simulator"]);
export type DriverName = z.infer<typeof DriverName>;

const ConfigFile = z.object({
	url: z.url({ protocol: /^https?$/ }),
	zoneId: z.uuid(),
	relayId: z.uuid(),
	name: z.string().min(1).max(255).optional(),
	keyFile: z.string().min(1).default(DEFAULT_KEY_FILE),
	stateFile: z.string().min(1).default(DEFAULT_STATE_FILE),
	driver: DriverName.default("libvirt"),
	logLevel: z.enum(LOG_LEVELS).default("info"),
	/** The bridge guest NICs join on every host (CloudStack's guest traffic label); unset: cloudbr0. */
	guestBridge: z
		.string()
		.regex(/^[A-Za-z0-9_.-]{1,15}$/, "not a bridge name")
		.optional(),
});

export type ConfigFile = z.input<typeof ConfigFile>;

/** The config as the agent uses it: defaults filled in, file paths absolute. */
export interface AgentConfig {
	file: string;
	url: string;
	zoneId: string;
	relayId: string;
	name?: string;
	keyFile: string;
	stateFile: string;
	driver: DriverName;
	logLevel: (typeof LOG_LEVELS)[number];
	/** Default cloudbr0 (DEFAULT_GUEST_BRIDGE). */
	guestBridge?: string;
}

export class ConfigError extends Error {
	override name = "ConfigError";
}

/** Reads and checks the config file at `file`. Throws a ConfigError that says what to fix. */
export async function loadConfig(file: string): Promise<AgentConfig> {
	const absolute = path.resolve(file);
	let text: string;
	try {
		text = await readFile(absolute, "utf8");
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === "ENOENT") {
			throw new ConfigError(`no config file at ${absolute}: run \`flarestack-relay enroll\` first`);
		}
		throw new ConfigError(`cannot read ${absolute}: ${(error as Error).message}`);
	}
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		throw new ConfigError(`${absolute} is not JSON`);
	}
	const parsed = ConfigFile.safeParse(json);
	if (!parsed.success) {
		const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
		throw new ConfigError(`${absolute}: ${problems.join("; ")}`);
	}
	const dir = path.dirname(absolute);
	const { url, zoneId, relayId, name, keyFile, stateFile, driver, logLevel, guestBridge } = parsed.data;
	return {
		file: absolute,
		url: url.replace(/\/+$/, ""),
		zoneId,
		relayId,
		...(name === undefined ? {} : { name }),
		keyFile: path.resolve(dir, keyFile),
		stateFile: path.resolve(dir, stateFile),
		driver,
		logLevel,
		...(guestBridge === undefined ? {} : { guestBridge }),
	};
}

/** Writes `config` to `file` (atomically: a crash leaves the old file or the new one, never half). */
export async function writeConfig(file: string, config: ConfigFile): Promise<void> {
	const absolute = path.resolve(file);
	await mkdir(path.dirname(absolute), { recursive: true });
	const temporary = `${absolute}.${process.pid}.tmp`;
	await writeFile(temporary, `${JSON.stringify(config, null, "\t")}\n`, { mode: 0o644 });
	await rename(temporary, absolute);
}
