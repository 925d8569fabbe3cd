/**
 * @module The installation wizard's steps (CloudStack's "basic installation" of a Basic zone): the
 * forms (fields named by the API parameter they are sent as) and the launch tasks, each one API
 * call in order. The forms only collect values; Launch runs the tasks and keeps what each created,
 * so a second Launch after a failure continues where the first stopped.
 */
import { call, type Params, type Row, rowsOf } from "../../api/client";

export type Values = Record<string, string>;
export type StepKey = "password" | "zone" | "pod" | "guest" | "cluster" | "host" | "primary" | "secondary";
export type TaskKey = StepKey | "relay" | "enable";
/** The id of what each finished task created ("done" when it creates nothing), kept across launches. */
export type Created = Partial<Record<TaskKey, string>>;

export interface Field {
	name: string;
	label: string;
	description?: string;
	placeholder?: string;
	required?: boolean;
	secret?: boolean;
}

export interface FormStep {
	key: StepKey;
	label: string;
	description: string;
	intro: string;
	fields: Field[];
	initial: Values;
	/** The field an error text is about when it names no parameter (CloudStack's texts often don't). */
	fieldOf?(text: string): string | undefined;
}

/** "The start address of the IP range…", "The end address…": CloudStack's IP range texts. */
function rangeField(text: string): string | undefined {
	if (/\bstart (address|ip)\b/i.test(text)) return "startip";
	if (/\bend (address|ip)\b/i.test(text)) return "endip";
	return undefined;
}

const ipRange = (what: string): Field[] => [
	{ name: "gateway", label: `${what} gateway`, placeholder: "10.1.0.1", required: true },
	{ name: "netmask", label: `${what} netmask`, placeholder: "255.255.255.0", required: true },
	{ name: "startip", label: `${what} start IP`, placeholder: "10.1.0.10", required: true },
	{ name: "endip", label: `${what} end IP`, placeholder: "10.1.0.50", required: true },
];

const blank = (fields: Field[], defaults: Values = {}): Values =>
	Object.fromEntries(fields.map((field) => [field.name, defaults[field.name] ?? ""]));

function step(definition: Omit<FormStep, "initial">, defaults?: Values): FormStep {
	return { ...definition, initial: blank(definition.fields, defaults) };
}

export const FORM_STEPS: FormStep[] = [
	step({
		key: "password",
		label: "Password",
		description: "Change the admin password",
		intro: "The root admin's password was set when the cloud was deployed. Choose your own before you go on.",
		fields: [
			{ name: "currentpassword", label: "Current password", required: true, secret: true },
			{ name: "password", label: "New password", required: true, secret: true },
			{ name: "confirm", label: "Confirm password", required: true, secret: true },
		],
		fieldOf: (text) => (/current password/i.test(text) ? "currentpassword" : undefined),
	}),
	step({
		key: "zone",
		label: "Zone",
		description: "A Basic zone",
		intro:
			"A zone is a data center. A Basic zone gives each instance an address of a shared guest network, isolated by security groups.",
		fields: [
			{ name: "name", label: "Zone name", required: true, placeholder: "zone1" },
			{ name: "dns1", label: "IPv4 DNS 1", required: true, placeholder: "8.8.8.8", description: "For the instances" },
			{ name: "dns2", label: "IPv4 DNS 2" },
			{
				name: "internaldns1",
				label: "Internal DNS 1",
				required: true,
				placeholder: "10.0.0.2",
				description: "For the hosts and the relay",
			},
			{ name: "internaldns2", label: "Internal DNS 2" },
		],
		// "Please enter a valid IP address for internal DNS1" also contains the word DNS1.
		fieldOf: (text) => {
			const which = /internal dns ?([12])/i.exec(text)?.[1];
			return which ? `internaldns${which}` : undefined;
		},
	}),
	step({
		key: "pod",
		label: "Pod",
		description: "The management network",
		intro: "A pod is a rack: its hosts share a subnet. The reserved range is for the hosts' management addresses.",
		fields: [
			{ name: "name", label: "Pod name", required: true, placeholder: "pod1" },
			{ name: "gateway", label: "Reserved system gateway", required: true, placeholder: "10.1.0.1" },
			{ name: "netmask", label: "Reserved system netmask", required: true, placeholder: "255.255.255.0" },
			{ name: "startip", label: "Start reserved system IP", required: true, placeholder: "10.1.0.10" },
			{ name: "endip", label: "End reserved system IP", required: true, placeholder: "10.1.0.50" },
		],
		fieldOf: rangeField,
	}),
	step({
		key: "guest",
		label: "Guest network",
		description: "Addresses for instances",
		intro: "Instances get their addresses from this range of the pod's guest network.",
		fields: ipRange("Guest"),
		fieldOf: rangeField,
	}),
	step({
		key: "cluster",
		label: "Cluster",
		description: "KVM hosts",
		intro: "A cluster groups hosts of one hypervisor that share primary storage. flarestack manages KVM clusters.",
		fields: [{ name: "clustername", label: "Cluster name", required: true, placeholder: "cluster1" }],
	}),
	step(
		{
			key: "host",
			label: "Host",
			description: "The first KVM host",
			intro: "The zone's relay agent reaches the host's libvirtd over SSH with its own key.",
			fields: [
				{
					name: "url",
					label: "Host URL",
					required: true,
					placeholder: "kvm1.example.net",
					description: "A host name, http://<host>, or a libvirt URI (qemu+ssh://…)",
				},
				{ name: "username", label: "Username", required: true },
				{
					name: "password",
					label: "Password",
					secret: true,
					description: "Accepted for CloudStack compatibility; the relay uses its SSH key",
				},
			],
		},
		{ username: "root" },
	),
	step({
		key: "primary",
		label: "Primary storage",
		description: "Instance disks",
		intro: "Primary storage holds the instances' disks; this pool serves the cluster.",
		fields: [
			{ name: "name", label: "Primary storage name", required: true, placeholder: "primary1" },
			{ name: "url", label: "Primary storage URL", required: true, placeholder: "nfs://10.0.0.5/export/primary" },
		],
	}),
	step({
		key: "secondary",
		label: "Secondary storage",
		description: "Templates and snapshots",
		intro: "Secondary storage holds templates, ISOs and snapshots for the whole zone.",
		fields: [
			{ name: "name", label: "Secondary storage name", required: true, placeholder: "secondary1" },
			{ name: "url", label: "Secondary storage URL", required: true, placeholder: "nfs://10.0.0.5/export/secondary" },
		],
	}),
];

export interface LaunchContext {
	userid: string;
	/** Logs in again with the new password: the API ends the user's sessions when it changes. */
	relogin(password: string): Promise<void>;
	signal: AbortSignal;
}

export interface Task {
	key: TaskKey;
	/** The form whose values the task sends (and where its errors go). */
	step?: StepKey;
	label(values: Values): string;
	/** Makes the API call(s); resolves to the id of what it created. */
	run(values: Values, created: Created, context: LaunchContext): Promise<string>;
}

const idOf = (value: unknown): string => String((value as { id?: unknown } | undefined)?.id ?? "done");

/**
 * The zone's connected relay: listRelays' `connectionstate` comes from the zone's live link, so an
 * agent that enrolled but has not dialled in (or has gone away) does not count.
 */
export const connectedRelay = (relays: Row[]): Row | undefined =>
	relays.find((relay) => relay.state === "Enabled" && relay.connectionstate === "Connected");

/** Polls listRelays every 2 s until the zone's relay has connected (the local agent enrols by itself). */
async function waitForRelay(zoneid: string, signal: AbortSignal): Promise<string> {
	for (;;) {
		const relay = connectedRelay(rowsOf(await call("listRelays", { zoneid, state: "Enabled" }), "relay"));
		if (relay) return idOf(relay);
		await new Promise<void>((resolve, reject) => {
			const timer = setTimeout(resolve, 2000);
			signal.addEventListener("abort", () => {
				clearTimeout(timer);
				reject(new DOMException("The wizard was closed", "AbortError"));
			});
		});
	}
}

const pick = (values: Values, names: string[]): Params => Object.fromEntries(names.map((name) => [name, values[name]]));

/**
 * A task that makes one create call with the step's `fields` and the `fixed` parameters (mostly
 * the ids earlier tasks created); it keeps the id of the object the answer has under `answer` (a
 * list's first row for the commands that answer a list).
 */
function create(
	key: StepKey,
	label: Task["label"],
	command: string,
	answer: string,
	fields: string[],
	fixed: (created: Created) => Params,
): Task {
	return {
		key,
		step: key,
		label,
		async run(values, created) {
			const result = (await call(command, { ...fixed(created), ...pick(values, fields) }))[answer];
			return idOf(Array.isArray(result) ? result[0] : result);
		},
	};
}

const RANGE = ["gateway", "netmask", "startip", "endip"];

export const TASKS: Task[] = [
	{
		key: "password",
		step: "password",
		label: () => "Change the admin password",
		async run(values, _created, context) {
			await call("updateUser", {
				id: context.userid,
				password: values.password,
				currentpassword: values.currentpassword,
			});
			await context.relogin(values.password ?? "");
			return "done";
		},
	},
	create(
		"zone",
		(v) => `Create zone ${v.name}`,
		"createZone",
		"zone",
		["name", "dns1", "dns2", "internaldns1", "internaldns2"],
		() => ({ networktype: "Basic" }),
	),
	create(
		"pod",
		(v) => `Create pod ${v.name}`,
		"createPod",
		"pod",
		["name", ...RANGE],
		(c) => ({ zoneid: c.zone }),
	),
	create(
		"guest",
		(v) => `Add guest IP range ${v.startip}–${v.endip}`,
		"createVlanIpRange",
		"vlan",
		RANGE,
		(c) => ({
			zoneid: c.zone,
			podid: c.pod,
			forvirtualnetwork: false,
		}),
	),
	create(
		"cluster",
		(v) => `Add cluster ${v.clustername}`,
		"addCluster",
		"cluster",
		["clustername"],
		(c) => ({
			zoneid: c.zone,
			podid: c.pod,
			hypervisor: "KVM",
			clustertype: "CloudManaged",
		}),
	),
	{
		key: "relay",
		label: () => "Wait for the zone's relay to connect",
		run: (_v, c, context) => waitForRelay(c.zone ?? "", context.signal),
	},
	create(
		"host",
		(v) => `Add host ${v.url}`,
		"addHost",
		"host",
		["url", "username", "password"],
		(c) => ({
			zoneid: c.zone,
			podid: c.pod,
			clusterid: c.cluster,
			hypervisor: "KVM",
		}),
	),
	create(
		"primary",
		(v) => `Add primary storage ${v.name}`,
		"createStoragePool",
		"storagepool",
		["name", "url"],
		(c) => ({
			zoneid: c.zone,
			podid: c.pod,
			clusterid: c.cluster,
			scope: "cluster",
		}),
	),
	create(
		"secondary",
		(v) => `Add secondary storage ${v.name}`,
		"addImageStore",
		"imagestore",
		["name", "url"],
		(c) => ({
			zoneid: c.zone,
			provider: "NFS",
		}),
	),
	{
		key: "enable",
		label: () => "Enable the zone",
		run: async (_v, c) => {
			await call("updateZone", { id: c.zone, allocationstate: "Enabled" });
			return "done";
		},
	},
];
