/**
 * @module CloudStack's alert types (AlertService.AlertType): the number stored in `alerts.type` and
 * the name listAlertTypes and listAlerts show. Numbers 0–32 are CloudStack's own; 100 and up are
 * flarestack's additions for conditions CloudStack has no type for (chosen far above CloudStack's
 * range so a future CloudStack type cannot collide).
 */

export interface AlertType {
	readonly id: number;
	readonly name: string;
}

/** CloudStack's default alert types, by their constant's short name. */
export const ALERT_TYPE = {
	MEMORY: { id: 0, name: "ALERT.MEMORY" },
	CPU: { id: 1, name: "ALERT.CPU" },
	STORAGE: { id: 2, name: "ALERT.STORAGE" },
	STORAGE_ALLOCATED: { id: 3, name: "ALERT.STORAGE.ALLOCATED" },
	PUBLIC_IP: { id: 4, name: "ALERT.NETWORK.PUBLICIP" },
	PRIVATE_IP: { id: 5, name: "ALERT.NETWORK.PRIVATEIP" },
	SECONDARY_STORAGE: { id: 6, name: "ALERT.STORAGE.SECONDARY" },
	HOST: { id: 7, name: "ALERT.COMPUTE.HOST" },
	USERVM: { id: 8, name: "ALERT.USERVM" },
	DOMAIN_ROUTER: { id: 9, name: "ALERT.SERVICE.DOMAINROUTER" },
	CONSOLE_PROXY: { id: 10, name: "ALERT.SERVICE.CONSOLEPROXY" },
	ROUTING: { id: 11, name: "ALERT.NETWORK.ROUTING" },
	STORAGE_MISC: { id: 12, name: "ALERT.STORAGE.MISC" },
	USAGE_SERVER: { id: 13, name: "ALERT.USAGE" },
	MANAGMENT_NODE: { id: 14, name: "ALERT.MANAGEMENT" },
	DOMAIN_ROUTER_MIGRATE: { id: 15, name: "ALERT.NETWORK.DOMAINROUTERMIGRATE" },
	CONSOLE_PROXY_MIGRATE: { id: 16, name: "ALERT.SERVICE.CONSOLEPROXYMIGRATE" },
	USERVM_MIGRATE: { id: 17, name: "ALERT.USERVM.MIGRATE" },
	VLAN: { id: 18, name: "ALERT.NETWORK.VLAN" },
	SSVM: { id: 19, name: "ALERT.SERVICE.SSVM" },
	USAGE_SERVER_RESULT: { id: 20, name: "ALERT.USAGE.RESULT" },
	STORAGE_DELETE: { id: 21, name: "ALERT.STORAGE.DELETE" },
	UPDATE_RESOURCE_COUNT: { id: 22, name: "ALERT.RESOURCE.COUNT" },
	USAGE_SANITY_RESULT: { id: 23, name: "ALERT.USAGE.SANITY" },
	DIRECT_ATTACHED_PUBLIC_IP: { id: 24, name: "ALERT.NETWORK.DIRECTPUBLICIP" },
	LOCAL_STORAGE: { id: 25, name: "ALERT.STORAGE.LOCAL" },
	RESOURCE_LIMIT_EXCEEDED: { id: 26, name: "ALERT.RESOURCE.EXCEED" },
	SYNC: { id: 27, name: "ALERT.TYPE.SYNC" },
	UPLOAD_FAILED: { id: 28, name: "ALERT.UPLOAD.FAILED" },
	OOBM_AUTH_ERROR: { id: 29, name: "ALERT.OOBM.AUTHERROR" },
	HA_ACTION: { id: 30, name: "ALERT.HA.ACTION" },
	CA_CERT: { id: 31, name: "ALERT.CA.CERT" },
	VM_SNAPSHOT: { id: 32, name: "ALERT.VM.SNAPSHOT" },
	// flarestack's own (not in CloudStack):
	/** A datacenter's relay agent stopped answering (its connection is gone). */
	RELAY_DISCONNECTED: { id: 100, name: "ALERT.RELAY.DISCONNECTED" },
	/** A webhook's receiver answered 410 Gone, so the webhook was disabled. */
	WEBHOOK_DISABLED: { id: 101, name: "ALERT.WEBHOOK.DISABLED" },
	/** A template (or ISO) could not be downloaded to secondary storage. */
	TEMPLATE_DOWNLOAD_FAILED: { id: 102, name: "ALERT.TEMPLATE.DOWNLOAD.FAILED" },
} as const satisfies Record<string, AlertType>;

export type AlertTypeKey = keyof typeof ALERT_TYPE;

/** Every alert type, by number (listAlertTypes). */
export const ALERT_TYPES: readonly AlertType[] = Object.values(ALERT_TYPE).sort((a, b) => a.id - b.id);

const BY_ID = new Map(ALERT_TYPES.map((t) => [t.id, t]));
const BY_NAME = new Map(ALERT_TYPES.map((t) => [t.name, t]));

export function alertTypeById(id: number): AlertType | undefined {
	return BY_ID.get(id);
}

/**
 * The alert type numbers a `type` filter names: a number (CloudStack's form) or, leniently, an
 * alert type name such as ALERT.STORAGE. Null when the text is neither.
 */
export function alertTypeFilter(text: string): number | null {
	const trimmed = text.trim();
	if (/^\d{1,5}$/.test(trimmed)) return Number(trimmed);
	return BY_NAME.get(trimmed.toUpperCase())?.id ?? null;
}
