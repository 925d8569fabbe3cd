/**
 * @module The network offerings this cloud provides, seeded as CloudStack seeds its defaults.
 * Only shared guest networks exist here (no virtual routers, no system VMs): addresses come from
 * a pod's guest range and DHCP/DNS/user data are served from the host side.
 */

export interface NetworkOffering {
	id: string;
	name: string;
	displayText: string;
	guestIpType: "Shared";
	trafficType: "Guest";
	/** Services with their providers, as listNetworkOfferings shows them. */
	services: readonly { name: string; provider: string }[];
	specifyVlan: boolean;
	specifyIpRanges: boolean;
	isDefault: boolean;
	created: number;
}

const HOST_SIDE = "ConfigDrive";
const BASE_SERVICES = [
	{ name: "Dhcp", provider: HOST_SIDE },
	{ name: "Dns", provider: HOST_SIDE },
	{ name: "UserData", provider: HOST_SIDE },
] as const;

/** Fixed ids, so every isolate and every database agrees on them. */
export const NETWORK_OFFERINGS: readonly NetworkOffering[] = [
	{
		id: "00000000-0000-4000-8000-0000000e0001",
		name: "DefaultSharedNetworkOfferingWithSGService",
		displayText: "Offering for Shared Security group enabled networks",
		guestIpType: "Shared",
		trafficType: "Guest",
		services: [...BASE_SERVICES, { name: "SecurityGroup", provider: "SecurityGroupProvider" }],
		specifyVlan: false,
		specifyIpRanges: true,
		isDefault: true,
		created: Date.UTC(2026, 0, 1),
	},
	{
		id: "00000000-0000-4000-8000-0000000e0002",
		name: "DefaultSharedNetworkOffering",
		displayText: "Offering for Shared networks",
		guestIpType: "Shared",
		trafficType: "Guest",
		services: BASE_SERVICES,
		specifyVlan: true,
		specifyIpRanges: true,
		isDefault: true,
		created: Date.UTC(2026, 0, 1),
	},
];

/** The offering of a basic zone's default guest network. */
export const BASIC_ZONE_OFFERING = NETWORK_OFFERINGS[0] as NetworkOffering;

export function findNetworkOffering(id: string): NetworkOffering | undefined {
	return NETWORK_OFFERINGS.find((o) => o.id === id);
}
