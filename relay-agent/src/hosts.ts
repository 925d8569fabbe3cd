/**
 * @module The hosts this agent knows (id → URI, kept in the state file so the hello after a restart
 * lists them) and the poller that watches them: every `pollMs` each host gets a driver probe (at
 * most `probeTimeoutMs`), and an Up↔Down change becomes a `host.state` event. One failed probe is
 * enough for Down: the Worker must see a dead libvirtd within 15 s (3 s + 4 s here, plus the link).
 *
 * The domain watch: with `vmDrivers` the probe IS the domain listing (one virsh run), and every
 * change against the last list becomes a `domain.state` event through `onDomain` — a new domain, a
 * changed state, and a vanished one as `shutoff` (guests are transient: stopped means gone). So a
 * guest killed on the host shows within one poll. Host.domains stays current for the next hello.
 */
import { type Domain, type Host, type HostState, MAX_DOMAINS_PER_HOST } from "@flarestack/protocol";
import type { DriverPicker, VmDriverPicker } from "./drivers/index.ts";
import { errorText, type Logger } from "./log.ts";
import type { StateStore } from "./state.ts";

export interface HostStateChange {
	hostId: string;
	state: HostState;
	text: string;
}

export interface HostsOptions {
	store: StateStore;
	drivers: DriverPicker;
	log: Logger;
	/** Called on every Up↔Down change the poller sees. */
	onChange: (change: HostStateChange) => void;
	/** The guest side of the drivers: when set, every poll reads the host's domains. */
	vmDrivers?: VmDriverPicker;
	/** Called for every domain change seen (by the poller, or noted by a command). */
	onDomain?: (hostId: string, domain: Domain) => void;
	pollMs?: number;
	probeTimeoutMs?: number;
	/** The longest `connect` may take when the caller has no tighter deadline. */
	connectTimeoutMs?: number;
}

export const POLL_MS = 3000;
export const PROBE_TIMEOUT_MS = 4000;
export const CONNECT_TIMEOUT_MS = 30_000;

export class Hosts {
	private readonly options: Required<Omit<HostsOptions, "vmDrivers" | "onDomain">> &
		Pick<HostsOptions, "vmDrivers" | "onDomain">;
	private readonly timers = new Map<string, NodeJS.Timeout>();
	/** Per host: how many changes commands noted; a listing begun before a note is stale. */
	private readonly notes = new Map<string, number>();
	private polling = false;

	constructor(options: HostsOptions) {
		this.options = {
			pollMs: POLL_MS,
			probeTimeoutMs: PROBE_TIMEOUT_MS,
			connectTimeoutMs: CONNECT_TIMEOUT_MS,
			...options,
		};
	}

	private get known() {
		return this.options.store.data.hosts;
	}

	/** Every known host with its last facts and state, for `hello`. */
	list(): Host[] {
		return Object.values(this.known).map(({ host }) => host);
	}

	get(hostId: string): Host | undefined {
		return this.known[hostId]?.host;
	}

	/** The URI of a known host, or undefined. */
	uriOf(hostId: string): string | undefined {
		return this.known[hostId]?.uri;
	}

	/**
	 * Takes `domains` as the host's current list: an event for each new or changed domain, and a
	 * `shutoff` one for each domain that is gone.
	 */
	setDomains(hostId: string, domains: Domain[]): void {
		const entry = this.known[hostId];
		if (!entry) return;
		const before = new Map(entry.host.domains.map((domain) => [domain.uuid, domain]));
		const changes: Domain[] = [];
		for (const domain of domains) {
			const old = before.get(domain.uuid);
			before.delete(domain.uuid);
			if (!old || old.state !== domain.state || old.name !== domain.name) changes.push(domain);
		}
		for (const gone of before.values()) changes.push({ ...gone, state: "shutoff" });
		if (changes.length === 0) return;
		entry.host = { ...entry.host, domains: domains.slice(0, MAX_DOMAINS_PER_HOST) };
		this.options.store.changed();
		for (const domain of changes) this.options.onDomain?.(hostId, domain);
	}

	/** One domain's new state, seen by a command (a `shutoff` domain leaves the list). */
	noteDomain(hostId: string, domain: Domain): void {
		const entry = this.known[hostId];
		if (!entry) return;
		this.notes.set(hostId, (this.notes.get(hostId) ?? 0) + 1);
		const before = entry.host.domains;
		const others = before.filter((known) => known.uuid !== domain.uuid && known.name !== domain.name);
		this.setDomains(hostId, domain.state === "shutoff" ? others : [...others, domain]);
		// A domain the list did not have and that is gone now changes nothing above; say it anyway.
		if (domain.state === "shutoff" && others.length === before.length) this.options.onDomain?.(hostId, domain);
	}

	/**
	 * Reaches the host at `uri` and keeps it as `hostId` (a known id with another URI moves to it).
	 * Throws the driver's error; a host that was never reached is not kept.
	 */
	async connect(hostId: string, uri: string, signal?: AbortSignal, timeoutMs?: number): Promise<Host> {
		const facts = await this.options.drivers(uri).connect(uri, {
			timeoutMs: Math.max(1, Math.min(timeoutMs ?? this.options.connectTimeoutMs, this.options.connectTimeoutMs)),
			...(signal ? { signal } : {}),
		});
		// The command's deadline passed while the driver worked: its caller has given up, keep nothing.
		if (signal?.aborted) throw signal.reason ?? new Error("aborted");
		const host: Host = { id: hostId, uri, state: "Up", ...facts };
		this.known[hostId] = { uri, host };
		this.options.store.changed();
		if (this.polling) this.schedule(hostId);
		return host;
	}

	/** Reads a known host again; undefined when the id is unknown. */
	async refresh(hostId: string, signal?: AbortSignal, timeoutMs?: number): Promise<Host | undefined> {
		const entry = this.known[hostId];
		if (!entry) return undefined;
		try {
			return await this.connect(hostId, entry.uri, signal, timeoutMs);
		} catch (error) {
			if (!signal?.aborted) this.setState(hostId, "Down", errorText(error));
			throw error;
		}
	}

	/** Forgets a host; true when it was known. */
	forget(hostId: string): boolean {
		const timer = this.timers.get(hostId);
		if (timer) clearTimeout(timer);
		this.timers.delete(hostId);
		this.notes.delete(hostId);
		if (!this.known[hostId]) return false;
		delete this.known[hostId];
		this.options.store.changed();
		return true;
	}

	/** Starts probing every known host (and every host connected later). */
	startPolling(): void {
		if (this.polling) return;
		this.polling = true;
		for (const hostId of Object.keys(this.known)) this.schedule(hostId);
	}

	stopPolling(): void {
		this.polling = false;
		for (const timer of this.timers.values()) clearTimeout(timer);
		this.timers.clear();
	}

	/** Probes every known host once, at the same time (at start-up, so the first hello is current). */
	async probeAll(): Promise<void> {
		await Promise.all(Object.keys(this.known).map((hostId) => this.probe(hostId)));
	}

	private schedule(hostId: string): void {
		const old = this.timers.get(hostId);
		if (old) clearTimeout(old);
		const timer = setTimeout(async () => {
			await this.probe(hostId);
			// Scheduled after the probe ends, so a slow host never has two probes in flight.
			if (this.polling && this.known[hostId] && this.timers.get(hostId) === timer) this.schedule(hostId);
		}, this.options.pollMs);
		timer.unref();
		this.timers.set(hostId, timer);
	}

	private async probe(hostId: string): Promise<void> {
		const entry = this.known[hostId];
		if (!entry) return;
		const { uri } = entry;
		const timeoutMs = this.options.probeTimeoutMs;
		if (this.options.vmDrivers) {
			const notes = this.notes.get(hostId) ?? 0;
			let domains: Domain[];
			try {
				domains = await this.options.vmDrivers(uri).listDomains(uri, { timeoutMs });
			} catch (error) {
				if (this.known[hostId]?.uri === uri) this.setState(hostId, "Down", errorText(error));
				return;
			}
			if (this.known[hostId]?.uri !== uri) return; // forgotten or moved meanwhile
			this.setState(hostId, "Up", "libvirtd answers");
			// A command noted a change while this listing ran: the list may predate it (a guest just
			// started missing from it would read as vanished). The next poll is current.
			if ((this.notes.get(hostId) ?? 0) === notes) this.setDomains(hostId, domains);
			return;
		}
		const result = await this.options.drivers(uri).probe(uri, { timeoutMs });
		if (this.known[hostId]?.uri !== uri) return; // forgotten or moved meanwhile
		if (result.up) this.setState(hostId, "Up", "libvirtd answers");
		else this.setState(hostId, "Down", result.text);
	}

	private setState(hostId: string, state: HostState, text: string): void {
		const entry = this.known[hostId];
		if (!entry || entry.host.state === state) return;
		const was = entry.host.state;
		entry.host = { ...entry.host, state };
		this.options.store.changed();
		this.options.log.info(state === "Up" ? "host up" : "host down", { hostId, uri: entry.uri, was, state, text });
		this.options.onChange({ hostId, state, text: text.slice(0, 256) });
	}
}
