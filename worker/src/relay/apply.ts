/**
 * @module What the ZoneRelay writes to D1 from what a site reports: the reconciliation of a
 * `hello`, `host.state` events, host command answers, and the loss of the zone's relay. Each
 * change and the events and alerts that record it go in one batch.
 */
import type { Host, HostState } from "@flarestack/protocol";
import { and, eq, inArray } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { alertStatements } from "../db/alerts";
import type { Db } from "../db/client";
import { eventInsert } from "../db/events";
import { hosts, zones } from "../db/schema";
import { ALERT_TYPE } from "../domain/alert-types";

type HostRow = Pick<typeof hosts.$inferSelect, "id" | "name" | "zoneId" | "podId" | "clusterId" | "state" | "url">;

const HOST_COLUMNS = {
	id: hosts.id,
	name: hosts.name,
	zoneId: hosts.zoneId,
	podId: hosts.podId,
	clusterId: hosts.clusterId,
	state: hosts.state,
	url: hosts.url,
};

/** The connection states the relay's loss takes a host out of. */
const LINKED_STATES = ["Up", "Connecting"];

export interface RelayRef {
	id: string;
	name: string;
}

/** What a `hello` asks the DO to send: hosts the agent lacks, and hosts D1 does not know. */
export interface Reconciliation {
	connect: { hostId: string; uri: string }[];
	disconnect: string[];
}

async function runBatch(db: Db, statements: BatchItem<"sqlite">[]): Promise<void> {
	const [first, ...rest] = statements;
	if (first) await db.batch([first, ...rest]);
}

export async function zoneName(db: Db, zoneId: string): Promise<string> {
	const zone = await db.select({ name: zones.name }).from(zones).where(eq(zones.id, zoneId)).get();
	return zone?.name ?? zoneId;
}

/**
 * The statements that move a host to the state the agent reports, with its facts when given:
 * HOST.UP when it comes back to Up, HOST.DOWN and an ALERT.COMPUTE.HOST when it leaves for Down.
 */
function reportStatements(
	db: Db,
	now: number,
	row: HostRow,
	state: HostState,
	text: string,
	facts?: Host,
): BatchItem<"sqlite">[] {
	const set: Partial<typeof hosts.$inferInsert> = { state };
	if (state === "Up") set.lastPinged = now;
	if (state !== "Up" && row.state === "Up") set.disconnected = now;
	if (facts) {
		Object.assign(set, {
			cpuNumber: facts.cpuCount,
			cpuSpeed: facts.cpuMhz,
			memoryTotal: facts.memoryBytes,
			hypervisorVersion: facts.hypervisorVersion,
			domainType: facts.domainType,
		});
	}
	const statements: BatchItem<"sqlite">[] = [db.update(hosts).set(set).where(eq(hosts.id, row.id))];
	const resource = { resourceType: "Host", resourceId: row.id, resourceName: row.name };
	if (state === "Up" && row.state !== "Up") {
		statements.push(
			eventInsert(db, now, null, { type: "HOST.UP", description: `Host ${row.name} is Up`, ...resource }),
		);
	}
	if (state === "Down" && row.state !== "Down") {
		const why = text ? `: ${text}` : "";
		statements.push(
			eventInsert(db, now, null, {
				type: "HOST.DOWN",
				level: "WARN",
				description: `Host ${row.name} is Down${why}`,
				...resource,
			}),
			...alertStatements(db, now, {
				type: ALERT_TYPE.HOST,
				subject: `Host ${row.name} is Down`,
				description: `The relay agent cannot reach libvirtd on host ${row.name} (${row.url})${why}`,
				zoneId: row.zoneId,
				podId: row.podId,
				clusterId: row.clusterId,
			}),
		);
	}
	return statements;
}

/**
 * Reconciles D1 with an active agent's `hello`: hosts both know get the reported facts and state;
 * the rest is returned for the DO to send. Only hosts of `zoneId` are touched.
 */
export async function applyHello(
	db: Db,
	now: number,
	zoneId: string,
	reported: readonly Host[],
): Promise<Reconciliation> {
	const known = await db.select(HOST_COLUMNS).from(hosts).where(eq(hosts.zoneId, zoneId));
	const byId = new Map(reported.map((h) => [h.id, h]));
	const statements: BatchItem<"sqlite">[] = [];
	const connect: Reconciliation["connect"] = [];
	for (const row of known) {
		const host = byId.get(row.id);
		if (host) statements.push(...reportStatements(db, now, row, host.state, "", host));
		else if (row.url) connect.push({ hostId: row.id, uri: row.url });
	}
	const knownIds = new Set(known.map((r) => r.id));
	const disconnect = reported.filter((h) => !knownIds.has(h.id)).map((h) => h.id);
	await runBatch(db, statements);
	return { connect, disconnect };
}

/** A `host.state` event, or a host command's answer (facts included): ignored for hosts not in the zone. */
export async function applyHostReport(
	db: Db,
	now: number,
	zoneId: string,
	report: { hostId: string; state: HostState; text?: string; facts?: Host },
): Promise<void> {
	const row = await db
		.select(HOST_COLUMNS)
		.from(hosts)
		.where(and(eq(hosts.id, report.hostId), eq(hosts.zoneId, zoneId)))
		.get();
	if (!row) return;
	await runBatch(db, reportStatements(db, now, row, report.state, report.text ?? "", report.facts));
}

/** The agent's answer to host.connect / host.refresh. */
export function applyHostAnswer(db: Db, now: number, zoneId: string, host: Host): Promise<void> {
	return applyHostReport(db, now, zoneId, { hostId: host.id, state: host.state, facts: host });
}

/** The zone's relay came (back): one RELAY.CONNECT. */
export async function applyRelayConnect(db: Db, now: number, zoneId: string, relay: RelayRef): Promise<void> {
	const zone = await zoneName(db, zoneId);
	await eventInsert(db, now, null, {
		type: "RELAY.CONNECT",
		description: `Relay ${relay.name} connected for zone ${zone}`,
		resourceType: "Relay",
		resourceId: relay.id,
		resourceName: relay.name,
	});
}

/**
 * The zone lost its relay and no standby took over: every Up or Connecting host becomes
 * Disconnected, with HOST.DISCONNECTED and an ALERT.COMPUTE.HOST each, and the zone gets one
 * RELAY.DISCONNECT and one ALERT.RELAY.DISCONNECTED.
 */
export async function applyRelayLoss(db: Db, now: number, zoneId: string, relay: RelayRef): Promise<void> {
	const zone = await zoneName(db, zoneId);
	const linked = await db
		.select(HOST_COLUMNS)
		.from(hosts)
		.where(and(eq(hosts.zoneId, zoneId), inArray(hosts.state, LINKED_STATES)));
	const statements: BatchItem<"sqlite">[] = [
		eventInsert(db, now, null, {
			type: "RELAY.DISCONNECT",
			level: "WARN",
			description: `Relay ${relay.name} of zone ${zone} disconnected`,
			resourceType: "Relay",
			resourceId: relay.id,
			resourceName: relay.name,
		}),
		...alertStatements(db, now, {
			type: ALERT_TYPE.RELAY_DISCONNECTED,
			subject: `Zone ${zone} has no connected relay agent`,
			description: `Relay ${relay.name} disconnected; the zone's ${linked.length} connected host(s) are Disconnected until an agent reconnects`,
			zoneId,
		}),
	];
	if (linked.length > 0) {
		statements.push(
			db
				.update(hosts)
				.set({ state: "Disconnected", disconnected: now })
				// By zone, not by id list: a zone may hold more hosts than D1 binds parameters.
				.where(and(eq(hosts.zoneId, zoneId), inArray(hosts.state, LINKED_STATES))),
		);
	}
	for (const row of linked) {
		statements.push(
			eventInsert(db, now, null, {
				type: "HOST.DISCONNECTED",
				level: "WARN",
				description: `Host ${row.name} is Disconnected: the zone's relay agent went away`,
				resourceType: "Host",
				resourceId: row.id,
				resourceName: row.name,
			}),
			...alertStatements(db, now, {
				type: ALERT_TYPE.HOST,
				subject: `Host ${row.name} is Disconnected`,
				description: `Host ${row.name} (${row.url}) is Disconnected: relay ${relay.name} of zone ${zone} went away`,
				zoneId: row.zoneId,
				podId: row.podId,
				clusterId: row.clusterId,
			}),
		);
	}
	await runBatch(db, statements);
}
