/**
 * @module `flarestack-relay run`: wires the pieces together. The state file gives the known hosts
 * and recent answers; every host is probed once so the first `hello` is current; then the
 * connection runs until it is stopped (SIGTERM/SIGINT: exit 0) or refused for good (exit 2).
 * The poller runs unless this agent is a standby, whose hosts the active agent watches.
 */
import {
	AnswerFrame,
	type EventFrame,
	type HelloFrame,
	Host,
	MAX_HOSTS,
	MAX_RECENT_COMMANDS,
	PROTOCOL_VERSION,
} from "@flarestack/protocol";
import { type AgentConfig, DEFAULT_GUEST_BRIDGE } from "./config.ts";
import { Connection, type ConnectionOptions, type LinkEvent } from "./connection.ts";
import { Dispatcher } from "./dispatcher.ts";
import { type DriverPicker, driverFor, siteDrivers, type VmDriverPicker, vmDriverFor } from "./drivers/index.ts";
import { hostHandlers } from "./handlers/host.ts";
import { siteStorageHandlers } from "./handlers/storage.ts";
import { vmHandlers } from "./handlers/vm.ts";
import { Hosts, type HostsOptions } from "./hosts.ts";
import { loadKey, signConnectJwt } from "./identity.ts";
import { errorText, type Logger } from "./log.ts";
import { type LinkStatus, StateStore } from "./state.ts";
import { StorePool } from "./storage/open.ts";
import type { StoreSource } from "./templates/stores.ts";
import { AGENT_VERSION } from "./version.ts";

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
/** The relay was revoked or is unknown to the control plane: do not restart (systemd: RestartPreventExitStatus=2). */
export const EXIT_REVOKED = 2;

export interface AgentOptions {
	config: AgentConfig;
	log: Logger;
	/** Resolves (or aborts) to stop the agent. */
	signal?: AbortSignal;
	drivers?: DriverPicker;
	/** The guest side of `drivers` (a test passing both must build them from one driver pair). */
	vmDrivers?: VmDriverPicker;
	/** Test overrides: poll and probe timings. */
	hosts?: Pick<HostsOptions, "pollMs" | "probeTimeoutMs">;
	/** Test overrides: backoff and timers. */
	connection?: Pick<ConnectionOptions, "backoff" | "readyTimeoutMs" | "missedBeats">;
	/** Test override: how stores are reached (default: a StorePool, one open store per location). */
	openStore?: StoreSource;
}

/** Runs the agent until stopped or revoked; resolves with the process exit code. */
export async function runAgent(options: AgentOptions): Promise<number> {
	const { config, log, signal } = options;
	const { store, broken } = await StateStore.open(config.stateFile);
	store.onWriteError = (error) =>
		log.error("cannot write the state file", { file: config.stateFile, error: errorText(error) });
	if (broken) log.warn("state file unreadable, starting empty", { file: config.stateFile, problem: broken });
	dropInvalidState(store, log);

	const { key, looseMode } = await loadKey(config.keyFile);
	if (looseMode) log.warn("the key file is readable by others; it should be mode 0600", { file: config.keyFile });

	let connection: Connection | undefined;
	const site = siteDrivers();
	// A test that brings its own host drivers but no guest side gets the plain probe, no domain watch.
	const watch = options.vmDrivers ?? (options.drivers ? undefined : vmDriverFor(config.driver, site));
	const vmDrivers = watch ?? vmDriverFor(config.driver, site);
	// The simulator's guests live in memory: put back the ones the state file knew (libvirt keeps real ones).
	for (const { uri, host } of Object.values(store.data.hosts)) {
		if (config.driver === "simulator" || uri.startsWith("sim://")) site.simulator.restore(uri, host.domains);
	}
	const hosts = new Hosts({
		store,
		drivers: options.drivers ?? driverFor(config.driver, site),
		...(watch ? { vmDrivers: watch } : {}),
		log,
		...options.hosts,
		onDomain: (hostId, domain) => {
			if (connection?.role !== "active") return; // the next hello carries it
			connection.send({ type: "event", v: PROTOCOL_VERSION, at: Date.now(), kind: "domain.state", hostId, domain });
		},
		onChange: ({ hostId, state, text }) => {
			if (connection?.role !== "active") return; // the next hello carries it
			const event: EventFrame = {
				type: "event",
				v: PROTOCOL_VERSION,
				at: Date.now(),
				kind: "host.state",
				hostId,
				state,
				text,
			};
			connection.send(event);
		},
	});
	const credential = () => signConnectJwt(key, config.relayId, config.zoneId);
	const stores = new StorePool();
	const storage = siteStorageHandlers({
		driver: config.driver,
		openStore: options.openStore ?? stores,
		log,
		url: config.url,
		credential,
		hosts,
		vmDrivers,
	});
	const { writeConfigDrive, ...storageCommands } = storage;
	const guests = vmHandlers({
		hosts,
		drivers: vmDrivers,
		settings: { guestBridge: config.guestBridge ?? DEFAULT_GUEST_BRIDGE },
		writeConfigDrive,
	});
	const dispatcher = new Dispatcher({
		handlers: { ...hostHandlers(hosts), ...storageCommands, ...guests },
		store,
		log,
		send: (frame) => connection?.send(frame) ?? false,
	});
	const setLink = (link: Omit<LinkStatus, "pid" | "since">) => {
		store.data.link = { pid: process.pid, since: Date.now(), ...link };
		store.changed();
	};
	setLink({ state: "starting" });
	log.info("agent starting", {
		relayId: config.relayId,
		zoneId: config.zoneId,
		url: config.url,
		driver: config.driver,
		version: AGENT_VERSION,
		hosts: hosts.list().length,
	});
	await hosts.probeAll();

	const hello = (): HelloFrame => ({
		type: "hello",
		v: PROTOCOL_VERSION,
		agentId: config.relayId,
		agentVersion: AGENT_VERSION,
		hosts: hosts.list().slice(0, MAX_HOSTS),
		pools: [],
		recentCommandIds: dispatcher.recentIds().slice(-MAX_RECENT_COMMANDS),
	});
	const onLink = (event: LinkEvent) => {
		const { state, role, sessionId, lastError } = event;
		setLink({
			state,
			...(role ? { role } : {}),
			...(sessionId ? { sessionId } : {}),
			...(lastError ? { lastError } : {}),
		});
		if (role === "standby") hosts.stopPolling();
		else hosts.startPolling();
	};
	connection = new Connection({
		url: config.url,
		zoneId: config.zoneId,
		credential,
		hello,
		onCommand: (frame) => dispatcher.handle(frame),
		onRefused: (error, text) => dispatcher.refuse(error, text),
		onLink,
		log,
		...options.connection,
	});
	hosts.startPolling();

	const stop = () => connection?.stop();
	if (signal?.aborted) stop();
	signal?.addEventListener("abort", stop, { once: true });
	let outcome: Awaited<ReturnType<Connection["run"]>>;
	try {
		outcome = await connection.run();
	} finally {
		signal?.removeEventListener("abort", stop);
		hosts.stopPolling();
		dispatcher.abortAll();
		await stores.close().catch(() => {});
	}
	if (outcome.kind === "fatal") {
		setLink({ state: "revoked", lastError: `${outcome.reason}: ${outcome.text}` });
		await store.flush();
		log.error("exiting: this relay is revoked or unknown; enrol it again to reconnect", {
			reason: outcome.reason,
			text: outcome.text,
			exitCode: EXIT_REVOKED,
		});
		return EXIT_REVOKED;
	}
	setLink({ state: "stopped" });
	await store.flush();
	log.info("agent stopped");
	return EXIT_OK;
}

/** A hand-edited or older state file may hold entries the Worker would refuse in a hello. */
function dropInvalidState(store: StateStore, log: Logger): void {
	for (const [hostId, entry] of Object.entries(store.data.hosts)) {
		const parsed = Host.safeParse(entry?.host);
		if (parsed.success && parsed.data.id === hostId && typeof entry.uri === "string") entry.host = parsed.data;
		else {
			log.warn("dropped an invalid host from the state file", { hostId });
			delete store.data.hosts[hostId];
		}
	}
	store.data.answers = store.data.answers.filter(
		(item) => Array.isArray(item) && typeof item[0] === "string" && AnswerFrame.safeParse(item[1]).success,
	);
}
