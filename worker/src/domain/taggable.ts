/**
 * @module Resource tag types by name: CloudStack's ResourceObjectType names (matched
 * case-insensitively, as CloudStack does) and the subset flarestack can tag so far. Pure.
 */

/** The types createTags/deleteTags accept today; later issues add UserVm, Volume, Template, … */
export const TAGGABLE_TYPES = [
	"Zone",
	"Pod",
	"Cluster",
	"Storage",
	"ImageStore",
	"Network",
	"ServiceOffering",
	"DiskOffering",
	"Domain",
	"Account",
	"User",
] as const;

export type TaggableType = (typeof TAGGABLE_TYPES)[number];

/**
 * CloudStack 4.22 ResourceObjectType names not (yet) taggable here. listTags accepts them as a
 * filter (it simply finds nothing); createTags refuses them.
 */
const OTHER_CLOUDSTACK_TYPES = [
	"VMInstance",
	"UserVm",
	"Template",
	"ISO",
	"Volume",
	"Snapshot",
	"Backup",
	"DomainRouter",
	"Nic",
	"LoadBalancer",
	"PortForwardingRule",
	"FirewallRule",
	"SecurityGroup",
	"SecurityGroupRule",
	"PublicIpAddress",
	"Project",
	"Vpc",
	"NetworkACL",
	"StaticRoute",
	"VMSnapshot",
	"RemoteAccessVpn",
	"PrivateGateway",
	"NetworkACLList",
	"VpnGateway",
	"CustomerGateway",
	"VpnConnection",
	"AutoScaleVmProfile",
	"AutoScaleVmGroup",
	"LBStickinessPolicy",
	"LBHealthCheckPolicy",
	"SnapshotPolicy",
	"GuestOs",
	"NetworkOffering",
	"VpcOffering",
] as const;

const BY_LOWER = new Map<string, string>(
	[...TAGGABLE_TYPES, ...OTHER_CLOUDSTACK_TYPES].map((name) => [name.toLowerCase(), name]),
);

/** CloudStack's spelling of a resource type name, or undefined when it names no type. */
export function resourceTypeName(raw: string): string | undefined {
	return BY_LOWER.get(raw.trim().toLowerCase());
}

export function isTaggable(name: string): name is TaggableType {
	return (TAGGABLE_TYPES as readonly string[]).includes(name);
}

/** Types whose tags only a root admin may create: infrastructure and offerings. */
export const ROOT_ONLY_TYPES: readonly TaggableType[] = [
	"Zone",
	"Pod",
	"Cluster",
	"Storage",
	"ImageStore",
	"ServiceOffering",
	"DiskOffering",
];
