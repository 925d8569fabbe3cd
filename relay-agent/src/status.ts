/**
 * @module `flarestack-relay status`: who this relay is, how its link was when the running agent last
 * wrote the state file, and its hosts. Read-only; works whether or not the agent is running.
 */
import type { AgentConfig } from "./config.ts";
import { readState, type StateData } from "./state.ts";

export interface StatusReport {
	relayId: string;
	zoneId: string;
	url: string;
	name?: string;
	driver: string;
	/** Whether the process that wrote the link status is still alive. */
	running: boolean;
	link?: StateData["link"];
	hosts: {
		id: string;
		name: string;
		uri: string;
		state: string;
		cpuCount: number;
		cpuMhz: number;
		memoryBytes: number;
		domainType: string;
		domains: number;
	}[];
	recentCommands: number;
}

export async function statusReport(config: AgentConfig): Promise<StatusReport> {
	const { data } = await readState(config.stateFile);
	const running = data.link ? isAlive(data.link.pid) && !["stopped", "revoked"].includes(data.link.state) : false;
	return {
		relayId: config.relayId,
		zoneId: config.zoneId,
		url: config.url,
		...(config.name ? { name: config.name } : {}),
		driver: config.driver,
		running,
		...(data.link ? { link: data.link } : {}),
		hosts: Object.entries(data.hosts).map(([id, { uri, host }]) => ({
			id,
			name: host.name,
			uri,
			state: host.state,
			cpuCount: host.cpuCount,
			cpuMhz: host.cpuMhz,
			memoryBytes: host.memoryBytes,
			domainType: host.domainType,
			domains: host.domains.length,
		})),
		recentCommands: data.answers.length,
	};
}

/** The report as a few aligned lines for a terminal. */
export function formatStatus(report: StatusReport): string {
	const link = report.link;
	const linkText = !link
		? "never started"
		: !report.running
			? `not running (last: ${link.state}${link.lastError ? `, ${link.lastError}` : ""}, ${since(link.since)})`
			: `${link.state}${link.role ? `, ${link.role}` : ""}${link.sessionId ? ` (session ${link.sessionId})` : ""} since ${since(link.since)}, pid ${link.pid}${link.lastError && link.state !== "connected" ? `; last error: ${link.lastError}` : ""}`;
	const lines = [
		`relay    ${report.relayId}${report.name ? ` (${report.name})` : ""}`,
		`zone     ${report.zoneId}`,
		`url      ${report.url}`,
		`driver   ${report.driver}`,
		`link     ${linkText}`,
		`hosts    ${report.hosts.length}`,
	];
	for (const host of report.hosts) {
		const size = `${host.cpuCount}x${host.cpuMhz} MHz, ${(host.memoryBytes / 1024 ** 3).toFixed(1)} GiB, ${host.domainType}, ${host.domains} domains`;
		lines.push(`  ${host.state.padEnd(10)} ${host.name}  ${host.uri}  ${size}  (${host.id})`);
	}
	return `${lines.join("\n")}\n`;
}

function since(epochMs: number): string {
	return new Date(epochMs).toISOString();
}

function isAlive(pid: number): boolean {
	if (!Number.isInteger(pid) || pid <= 0) return false;
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: it exists but belongs to someone else (status run as another user).
		return (error as NodeJS.ErrnoException).code === "EPERM";
	}
}
