/**
 * @module Global settings (CloudStack's `configuration` table): definitions and defaults live
 * here, D1 stores only values an operator changed. Later features add rows to SETTINGS.
 */

export type SettingType = "Boolean" | "Integer" | "Decimal" | "String";

export interface SettingDefinition {
	name: string;
	category: string;
	component: string;
	type: SettingType;
	defaultValue: string;
	description: string;
	/** Smallest accepted value for Integer and Decimal settings. */
	min?: number;
	/** Largest accepted value for Decimal settings. */
	max?: number;
	/** A String setting holding comma-separated CIDRs: every entry must parse. */
	cidrList?: true;
}

export const SETTINGS = [
	{
		name: "enforce.post.requests.and.timestamps",
		category: "Advanced",
		component: "ManagementServer",
		type: "Boolean",
		defaultValue: "false",
		description:
			"Require signatureVersion=3 with an expires at most 15 minutes ahead on signed requests, and POST for state-changing commands.",
	},
	{
		name: "incorrect.login.attempts.allowed",
		category: "Advanced",
		component: "ManagementServer",
		type: "Integer",
		defaultValue: "5",
		min: 1,
		description: "Failed logins in a row after which a user is disabled.",
	},
	{
		name: "login.source.attempts.allowed",
		category: "Advanced",
		component: "ManagementServer",
		type: "Integer",
		defaultValue: "20",
		min: 1,
		description:
			"Failed logins from one source address within login.source.window.seconds after which further logins from it are refused with 429.",
	},
	{
		name: "login.source.window.seconds",
		category: "Advanced",
		component: "ManagementServer",
		type: "Integer",
		defaultValue: "900",
		min: 1,
		description: "The window over which failed logins per source address are counted.",
	},
	{
		name: "session.timeout",
		category: "Advanced",
		component: "ManagementServer",
		type: "Integer",
		defaultValue: "1800",
		min: 60,
		description: "Seconds of inactivity after which a login session ends.",
	},
	{
		name: "default.page.size",
		category: "Advanced",
		component: "ManagementServer",
		type: "Integer",
		defaultValue: "500",
		min: 1,
		description: "The largest pagesize a list command accepts, and the size used without one.",
	},
	{
		name: "event.purge.delay",
		category: "Advanced",
		component: "ManagementServer",
		type: "Integer",
		defaultValue: "15",
		min: 0,
		description: "Days after which events are deleted from the database (0: never).",
	},
	{
		name: "alert.purge.delay",
		category: "Advanced",
		component: "AlertManager",
		type: "Integer",
		defaultValue: "0",
		min: 0,
		description: "Days after which alerts are deleted from the database (0: never).",
	},
	{
		name: "cluster.storage.capacity.notificationthreshold",
		category: "Alert",
		component: "AlertManager",
		type: "Decimal",
		defaultValue: "0.75",
		min: 0,
		max: 1,
		description: "Share of a primary storage pool's capacity used above which an alert is raised.",
	},
	{
		name: "cluster.storage.allocated.capacity.notificationthreshold",
		category: "Alert",
		component: "AlertManager",
		type: "Decimal",
		defaultValue: "0.75",
		min: 0,
		max: 1,
		description: "Share of a primary storage pool's capacity allocated to volumes above which an alert is raised.",
	},
	{
		name: "webhook.delivery.timeout",
		category: "Advanced",
		component: "Webhook",
		type: "Integer",
		defaultValue: "10",
		min: 1,
		description: "Seconds a webhook receiver has to answer one delivery attempt.",
	},
	{
		name: "webhook.delivery.retry.window",
		category: "Advanced",
		component: "Webhook",
		type: "Integer",
		defaultValue: "86400",
		min: 0,
		description: "Seconds after an event during which a failing delivery is retried (exponential backoff with jitter).",
	},
	{
		name: "webhook.delivery.retry.base",
		category: "Advanced",
		component: "Webhook",
		type: "Integer",
		defaultValue: "10",
		min: 1,
		description: "Seconds before the first retry of a failed delivery; each further retry waits up to twice as long.",
	},
	{
		name: "webhook.deliveries.limit",
		category: "Advanced",
		component: "Webhook",
		type: "Integer",
		defaultValue: "100",
		min: 1,
		description: "Deliveries kept in the log per webhook (older ones are pruned).",
	},
	{
		name: "webhook.payload.url.allowed.cidrs",
		category: "Advanced",
		component: "Webhook",
		type: "String",
		cidrList: true,
		defaultValue: "",
		description:
			"Comma-separated CIDRs that webhook payload URLs may point at although they are loopback, private, link-local or metadata addresses (e.g. 127.0.0.1/32 for a local receiver).",
	},
	{
		name: "max.template.iso.size",
		category: "Advanced",
		component: "TemplateManager",
		type: "Decimal",
		defaultValue: "50",
		min: 0.001,
		description: "The largest template or ISO, in GB (2^30 bytes), a download may bring; larger ones fail.",
	},
	{
		name: "template.download.denied.cidrs",
		category: "Advanced",
		component: "TemplateManager",
		type: "String",
		cidrList: true,
		defaultValue: "0.0.0.0/8,169.254.0.0/16,fe80::/10",
		description:
			"Comma-separated CIDRs (IPv4 or IPv6) that template and ISO URLs may not point at, checked by the relay agent on the resolved address of the URL and of every redirect (default: unspecified and link-local, where cloud metadata services live).",
	},
	{
		name: "template.download.max.redirects",
		category: "Advanced",
		component: "TemplateManager",
		type: "Integer",
		defaultValue: "5",
		min: 0,
		description: "Redirects a template or ISO download follows at most.",
	},
	{
		name: "template.download.stall.timeout",
		category: "Advanced",
		component: "TemplateManager",
		type: "Integer",
		defaultValue: "60",
		min: 1,
		description:
			"Seconds without a byte after which a download attempt is dropped and resumed (HTTP Range) or retried from the start.",
	},
	{
		name: "template.download.attempts",
		category: "Advanced",
		component: "TemplateManager",
		type: "Integer",
		defaultValue: "3",
		min: 1,
		description: "Attempts a template or ISO download makes (resumes included) before it fails.",
	},
	{
		name: "template.download.timeout",
		category: "Advanced",
		component: "TemplateManager",
		type: "Integer",
		defaultValue: "10800",
		min: 10,
		description: "Seconds a template or ISO download may take in all before it fails.",
	},
	{
		name: "extract.url.expiration.interval",
		category: "Advanced",
		component: "TemplateManager",
		type: "Integer",
		defaultValue: "14400",
		min: 60,
		description: "Seconds an extractTemplate/extractIso download link stays valid.",
	},
	{
		name: "cpu.overprovisioning.factor",
		category: "Advanced",
		component: "CapacityManager",
		type: "Decimal",
		defaultValue: "1",
		min: 1,
		max: 100,
		description:
			"CPU overcommit: a host offers its MHz times this factor to instances (a cluster's own cpuovercommitratio wins).",
	},
	{
		name: "mem.overprovisioning.factor",
		category: "Advanced",
		component: "CapacityManager",
		type: "Decimal",
		defaultValue: "1",
		min: 1,
		max: 100,
		description:
			"Memory overcommit: a host offers its memory times this factor to instances (a cluster's own memoryovercommitratio wins).",
	},
	{
		name: "storage.overprovisioning.factor",
		category: "Storage",
		component: "StorageManager",
		type: "Decimal",
		defaultValue: "2",
		min: 1,
		max: 100,
		description:
			"Thin provisioning: a primary pool takes volumes up to its capacity times this factor (volumes are qcow2, allocated as written).",
	},
	{
		name: "expunge.delay",
		category: "Advanced",
		component: "UserVmManager",
		type: "Integer",
		defaultValue: "86400",
		min: 0,
		description:
			"Seconds a destroyed instance is kept (recoverVirtualMachine brings it back) before it is expunged with its volumes.",
	},
	{
		name: "job.timeout",
		category: "Advanced",
		component: "AsyncJobManager",
		type: "Integer",
		defaultValue: "900",
		min: 10,
		description:
			"Seconds an async job on instances, volumes or snapshots may take in all (waiting behind earlier jobs on the same resource included); past it the job fails and what it made is released.",
	},
	{
		name: "vm.stop.grace.period",
		category: "Advanced",
		component: "UserVmManager",
		type: "Integer",
		defaultValue: "30",
		min: 0,
		description:
			"Seconds a non-forced stopVirtualMachine waits for the guest to shut down (ACPI) before it powers it off.",
	},
] as const satisfies readonly SettingDefinition[];

export type SettingName = (typeof SETTINGS)[number]["name"];

export const SETTINGS_BY_NAME: ReadonlyMap<string, SettingDefinition> = new Map(SETTINGS.map((s) => [s.name, s]));

/** Returns an error text when `value` does not fit the setting's type, else null. */
export function validateSettingValue(setting: SettingDefinition, value: string): string | null {
	if (setting.type === "Boolean" && !/^(true|false)$/i.test(value)) {
		return `Please enter either 'true' or 'false' for ${setting.name}`;
	}
	if (setting.type === "Integer") {
		if (!/^-?\d+$/.test(value)) return `Please enter a valid integer value for ${setting.name}`;
		if (setting.min !== undefined && Number(value) < setting.min) {
			return `The value of ${setting.name} must be at least ${setting.min}`;
		}
	}
	if (setting.type === "Decimal") {
		if (!/^\d+(\.\d+)?$/.test(value)) return `Please enter a valid decimal value for ${setting.name}`;
		const number = Number(value);
		if ((setting.min !== undefined && number < setting.min) || (setting.max !== undefined && number > setting.max)) {
			return `The value of ${setting.name} must be between ${setting.min ?? "-∞"} and ${setting.max ?? "∞"}`;
		}
	}
	return null;
}

/** Reads the effective value of settings; values are typed by the definitions. */
export interface Settings {
	get(name: SettingName): string;
	bool(name: SettingName): boolean;
	int(name: SettingName): number;
	decimal(name: SettingName): number;
}

export function settingsFrom(overrides: ReadonlyMap<string, string>): Settings {
	const get = (name: SettingName) => overrides.get(name) ?? SETTINGS_BY_NAME.get(name)?.defaultValue ?? "";
	return {
		get,
		bool: (name) => get(name).toLowerCase() === "true",
		int: (name) => Number.parseInt(get(name), 10),
		decimal: (name) => Number.parseFloat(get(name)),
	};
}
