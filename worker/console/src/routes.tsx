/**
 * @module Every page of the console: its hash route, its place in the navigation and its component.
 * Hash routes (#/instances) keep the Worker's static assets simple: there is one index.html.
 */
import {
	IconApi,
	IconBuildingWarehouse,
	IconDatabase,
	IconDeviceDesktop,
	IconGauge,
	IconHistory,
	IconPhoto,
	IconUsers,
	IconWebhook,
} from "@tabler/icons-react";
import { type ComponentType, lazy } from "react";

type PageProps = { params: Record<string, string | undefined> };

/**
 * Pages load on first visit (one chunk each), so the initial load is the shell and the login page
 * only; `load` imports the page's module and `name` is its export.
 */
function page<M extends Record<string, unknown>>(
	load: () => Promise<M>,
	name: keyof M & string,
): ComponentType<PageProps> {
	return lazy(async () => ({ default: (await load())[name] as ComponentType<PageProps> }));
}

const Accounts = page(() => import("./pages/accounts/Accounts"), "Accounts");
const Domains = page(() => import("./pages/accounts/Domains"), "Domains");
const Roles = page(() => import("./pages/accounts/Roles"), "Roles");
const Users = page(() => import("./pages/accounts/Users"), "Users");
const ApiReference = page(() => import("./pages/api/ApiReference"), "ApiReference");
const Dashboard = page(() => import("./pages/dashboard/Dashboard"), "Dashboard");
const Alerts = page(() => import("./pages/events/Alerts"), "Alerts");
const Events = page(() => import("./pages/events/Events"), "Events");
const Isos = page(() => import("./pages/images/Isos"), "Isos");
const Templates = page(() => import("./pages/images/Templates"), "Templates");
const Clusters = page(() => import("./pages/infra/Clusters"), "Clusters");
const Hosts = page(() => import("./pages/infra/Hosts"), "Hosts");
const Pods = page(() => import("./pages/infra/Pods"), "Pods");
const PrimaryStorage = page(() => import("./pages/infra/PrimaryStorage"), "PrimaryStorage");
const Relays = page(() => import("./pages/infra/Relays"), "Relays");
const SecondaryStorage = page(() => import("./pages/infra/SecondaryStorage"), "SecondaryStorage");
const Zones = page(() => import("./pages/infra/Zones"), "Zones");
const InstallWizard = page(() => import("./pages/install/InstallWizard"), "InstallWizard");
const DeployWizard = page(() => import("./pages/instances/DeployWizard"), "DeployWizard");
const InstanceDetails = page(() => import("./pages/instances/InstanceDetails"), "InstanceDetails");
const Instances = page(() => import("./pages/instances/Instances"), "Instances");
const Jobs = page(() => import("./pages/jobs/Jobs"), "Jobs");
const Snapshots = page(() => import("./pages/storage/Snapshots"), "Snapshots");
const Volumes = page(() => import("./pages/storage/Volumes"), "Volumes");
const WebhookDetails = page(() => import("./pages/webhooks/WebhookDetails"), "WebhookDetails");
const Webhooks = page(() => import("./pages/webhooks/Webhooks"), "Webhooks");

export interface PageRoute {
	path: string;
	component: ComponentType<PageProps>;
	/** Only for root admins (the API refuses others anyway; this only hides the link and the route). */
	admin?: boolean;
}

export interface NavGroup {
	label: string;
	icon: ComponentType<{ size?: number }>;
	/** The group's pages: each link is also its route, so a page's path and admin flag are written once. */
	links: (PageRoute & { label: string })[];
}

export const NAV: NavGroup[] = [
	{ label: "Dashboard", icon: IconGauge, links: [{ path: "/dashboard", label: "Dashboard", component: Dashboard }] },
	{
		label: "Infrastructure",
		icon: IconBuildingWarehouse,
		links: [
			{ path: "/zones", label: "Zones", component: Zones, admin: true },
			{ path: "/pods", label: "Pods", component: Pods, admin: true },
			{ path: "/clusters", label: "Clusters", component: Clusters, admin: true },
			{ path: "/hosts", label: "Hosts", component: Hosts, admin: true },
			{ path: "/primary-storage", label: "Primary storage", component: PrimaryStorage, admin: true },
			{ path: "/secondary-storage", label: "Secondary storage", component: SecondaryStorage, admin: true },
			{ path: "/relays", label: "Relays", component: Relays, admin: true },
		],
	},
	{
		label: "Compute",
		icon: IconDeviceDesktop,
		links: [
			{ path: "/instances", label: "Instances", component: Instances },
			{ path: "/jobs", label: "Async jobs", component: Jobs },
		],
	},
	{
		label: "Images",
		icon: IconPhoto,
		links: [
			{ path: "/templates", label: "Templates", component: Templates },
			{ path: "/isos", label: "ISOs", component: Isos },
		],
	},
	{
		label: "Storage",
		icon: IconDatabase,
		links: [
			{ path: "/volumes", label: "Volumes", component: Volumes },
			{ path: "/snapshots", label: "Snapshots", component: Snapshots },
		],
	},
	{
		label: "Accounts",
		icon: IconUsers,
		links: [
			{ path: "/domains", label: "Domains", component: Domains, admin: true },
			{ path: "/accounts", label: "Accounts", component: Accounts },
			{ path: "/users", label: "Users", component: Users },
			{ path: "/roles", label: "Roles", component: Roles, admin: true },
		],
	},
	{
		label: "Events",
		icon: IconHistory,
		links: [
			{ path: "/events", label: "Events", component: Events },
			{ path: "/alerts", label: "Alerts", component: Alerts, admin: true },
		],
	},
	{ label: "Webhooks", icon: IconWebhook, links: [{ path: "/webhooks", label: "Webhooks", component: Webhooks }] },
	{ label: "API", icon: IconApi, links: [{ path: "/api", label: "API reference", component: ApiReference }] },
];

/** Every route: the navigation's pages, then those reached from a page (deploy before :id, which would match it). */
export const ROUTES: PageRoute[] = [
	...NAV.flatMap((group) => group.links),
	{ path: "/install", component: InstallWizard, admin: true },
	{ path: "/instances/deploy", component: DeployWizard },
	{ path: "/instances/:id", component: InstanceDetails },
	{ path: "/webhooks/:id", component: WebhookDetails },
];
