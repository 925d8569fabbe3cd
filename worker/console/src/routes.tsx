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
import type { ComponentType } from "react";
import { Accounts } from "./pages/accounts/Accounts";
import { Domains } from "./pages/accounts/Domains";
import { Roles } from "./pages/accounts/Roles";
import { Users } from "./pages/accounts/Users";
import { ApiReference } from "./pages/api/ApiReference";
import { Dashboard } from "./pages/dashboard/Dashboard";
import { Alerts } from "./pages/events/Alerts";
import { Events } from "./pages/events/Events";
import { Isos } from "./pages/images/Isos";
import { Templates } from "./pages/images/Templates";
import { Clusters } from "./pages/infra/Clusters";
import { Hosts } from "./pages/infra/Hosts";
import { Pods } from "./pages/infra/Pods";
import { PrimaryStorage } from "./pages/infra/PrimaryStorage";
import { Relays } from "./pages/infra/Relays";
import { SecondaryStorage } from "./pages/infra/SecondaryStorage";
import { Zones } from "./pages/infra/Zones";
import { InstallWizard } from "./pages/install/InstallWizard";
import { DeployWizard } from "./pages/instances/DeployWizard";
import { InstanceDetails } from "./pages/instances/InstanceDetails";
import { Instances } from "./pages/instances/Instances";
import { Jobs } from "./pages/jobs/Jobs";
import { Snapshots } from "./pages/storage/Snapshots";
import { Volumes } from "./pages/storage/Volumes";
import { WebhookDetails } from "./pages/webhooks/WebhookDetails";
import { Webhooks } from "./pages/webhooks/Webhooks";

export interface PageRoute {
	path: string;
	component: ComponentType<{ params: Record<string, string | undefined> }>;
	/** Only for root admins (the API refuses others anyway; this only hides the link). */
	admin?: boolean;
}

export const ROUTES: PageRoute[] = [
	{ path: "/dashboard", component: Dashboard },
	{ path: "/install", component: InstallWizard, admin: true },
	{ path: "/zones", component: Zones, admin: true },
	{ path: "/pods", component: Pods, admin: true },
	{ path: "/clusters", component: Clusters, admin: true },
	{ path: "/hosts", component: Hosts, admin: true },
	{ path: "/primary-storage", component: PrimaryStorage, admin: true },
	{ path: "/secondary-storage", component: SecondaryStorage, admin: true },
	{ path: "/relays", component: Relays, admin: true },
	{ path: "/instances", component: Instances },
	{ path: "/instances/deploy", component: DeployWizard },
	{ path: "/instances/:id", component: InstanceDetails },
	{ path: "/jobs", component: Jobs },
	{ path: "/templates", component: Templates },
	{ path: "/isos", component: Isos },
	{ path: "/volumes", component: Volumes },
	{ path: "/snapshots", component: Snapshots },
	{ path: "/domains", component: Domains, admin: true },
	{ path: "/accounts", component: Accounts },
	{ path: "/users", component: Users },
	{ path: "/roles", component: Roles, admin: true },
	{ path: "/events", component: Events },
	{ path: "/alerts", component: Alerts, admin: true },
	{ path: "/webhooks", component: Webhooks },
	{ path: "/webhooks/:id", component: WebhookDetails },
	{ path: "/api", component: ApiReference },
];

export interface NavGroup {
	label: string;
	icon: ComponentType<{ size?: number }>;
	links: { path: string; label: string; admin?: boolean }[];
}

export const NAV: NavGroup[] = [
	{ label: "Dashboard", icon: IconGauge, links: [{ path: "/dashboard", label: "Dashboard" }] },
	{
		label: "Infrastructure",
		icon: IconBuildingWarehouse,
		links: [
			{ path: "/zones", label: "Zones", admin: true },
			{ path: "/pods", label: "Pods", admin: true },
			{ path: "/clusters", label: "Clusters", admin: true },
			{ path: "/hosts", label: "Hosts", admin: true },
			{ path: "/primary-storage", label: "Primary storage", admin: true },
			{ path: "/secondary-storage", label: "Secondary storage", admin: true },
			{ path: "/relays", label: "Relays", admin: true },
		],
	},
	{
		label: "Compute",
		icon: IconDeviceDesktop,
		links: [
			{ path: "/instances", label: "Instances" },
			{ path: "/jobs", label: "Async jobs" },
		],
	},
	{
		label: "Images",
		icon: IconPhoto,
		links: [
			{ path: "/templates", label: "Templates" },
			{ path: "/isos", label: "ISOs" },
		],
	},
	{
		label: "Storage",
		icon: IconDatabase,
		links: [
			{ path: "/volumes", label: "Volumes" },
			{ path: "/snapshots", label: "Snapshots" },
		],
	},
	{
		label: "Accounts",
		icon: IconUsers,
		links: [
			{ path: "/domains", label: "Domains", admin: true },
			{ path: "/accounts", label: "Accounts" },
			{ path: "/users", label: "Users" },
			{ path: "/roles", label: "Roles", admin: true },
		],
	},
	{
		label: "Events",
		icon: IconHistory,
		links: [
			{ path: "/events", label: "Events" },
			{ path: "/alerts", label: "Alerts", admin: true },
		],
	},
	{ label: "Webhooks", icon: IconWebhook, links: [{ path: "/webhooks", label: "Webhooks" }] },
	{ label: "API", icon: IconApi, links: [{ path: "/api", label: "API reference" }] },
];
