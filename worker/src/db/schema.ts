/**
 * @module The only table definitions. `npm run db:generate` turns changes here into a new
 * migration in migrations/. Times are epoch milliseconds; ids are UUIDs (CloudStack's wire ids).
 * Accounts, users and domains are soft-deleted (`removed`), as CloudStack keeps them.
 */
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const domains = sqliteTable(
	"domains",
	{
		id: text().primaryKey(),
		name: text().notNull(),
		parentId: text("parent_id"),
		/** "/" for ROOT, "/a/b/" below it: subtree queries are `path LIKE '/a/%'`. */
		path: text().notNull(),
		level: integer().notNull(),
		networkDomain: text("network_domain"),
		state: text().notNull().default("Active"),
		created: integer().notNull(),
		removed: integer(),
	},
	(t) => [index("domains_path").on(t.path), index("domains_parent").on(t.parentId)],
);

export const roles = sqliteTable("roles", {
	id: text().primaryKey(),
	name: text().notNull(),
	/** RoleType: Admin, ResourceAdmin, DomainAdmin or User. */
	type: text().notNull(),
	description: text().notNull().default(""),
	isDefault: integer("is_default", { mode: "boolean" }).notNull().default(false),
	isPublic: integer("is_public", { mode: "boolean" }).notNull().default(true),
	created: integer().notNull(),
});

export const rolePermissions = sqliteTable(
	"role_permissions",
	{
		id: text().primaryKey(),
		roleId: text("role_id").notNull(),
		/** An API name with optional `*` wildcards. */
		rule: text().notNull(),
		/** "allow" or "deny". */
		permission: text().notNull(),
		description: text().notNull().default(""),
		sortOrder: integer("sort_order").notNull(),
	},
	(t) => [index("role_permissions_role").on(t.roleId, t.sortOrder)],
);

export const accounts = sqliteTable(
	"accounts",
	{
		id: text().primaryKey(),
		name: text().notNull(),
		/** CloudStack account type: 0 user, 1 root admin, 2 domain admin, 3 resource admin, 4 read-only admin. */
		type: integer().notNull(),
		roleId: text("role_id").notNull(),
		domainId: text("domain_id").notNull(),
		/** enabled, disabled or locked. */
		state: text().notNull().default("enabled"),
		networkDomain: text("network_domain"),
		/** Enabled, Disabled or Inherit (CloudStack 4.20 `apikeyaccess`). */
		apiKeyAccess: text("api_key_access").notNull().default("Inherit"),
		isDefault: integer("is_default", { mode: "boolean" }).notNull().default(false),
		created: integer().notNull(),
		removed: integer(),
	},
	(t) => [index("accounts_domain").on(t.domainId, t.name), index("accounts_created").on(t.created)],
);

export const users = sqliteTable(
	"users",
	{
		id: text().primaryKey(),
		username: text().notNull(),
		accountId: text("account_id").notNull(),
		/** Denormalised from the account: usernames are unique per domain. */
		domainId: text("domain_id").notNull(),
		passwordHash: text("password_hash").notNull(),
		firstName: text("first_name").notNull(),
		lastName: text("last_name").notNull(),
		email: text().notNull(),
		timezone: text(),
		state: text().notNull().default("enabled"),
		apiKey: text("api_key"),
		/** The secret key, AES-GCM encrypted with the Worker's key-encryption key; never returned by lists. */
		secretKeyEnc: text("secret_key_enc"),
		apiKeyAccess: text("api_key_access").notNull().default("Inherit"),
		loginFailures: integer("login_failures").notNull().default(0),
		isDefault: integer("is_default", { mode: "boolean" }).notNull().default(false),
		created: integer().notNull(),
		removed: integer(),
	},
	(t) => [
		uniqueIndex("users_api_key").on(t.apiKey),
		index("users_account").on(t.accountId),
		index("users_domain_username").on(t.domainId, t.username),
	],
);

export const sessions = sqliteTable(
	"sessions",
	{
		/** The JSESSIONID cookie value. */
		id: text().primaryKey(),
		sessionKey: text("session_key").notNull(),
		userId: text("user_id").notNull(),
		created: integer().notNull(),
		lastSeen: integer("last_seen").notNull(),
	},
	(t) => [index("sessions_user").on(t.userId)],
);

/** Failed logins per source address, for throttling guessing across many user names. */
export const loginFailures = sqliteTable("login_failures", {
	source: text().primaryKey(),
	count: integer().notNull(),
	windowStart: integer("window_start").notNull(),
});

export const events = sqliteTable(
	"events",
	{
		id: text().primaryKey(),
		type: text().notNull(),
		/** Created, Scheduled, Started or Completed. */
		state: text().notNull(),
		/** INFO, WARN or ERROR. */
		level: text().notNull(),
		description: text().notNull(),
		userId: text("user_id"),
		username: text(),
		accountId: text("account_id"),
		domainId: text("domain_id"),
		resourceId: text("resource_id"),
		resourceType: text("resource_type"),
		resourceName: text("resource_name"),
		parentId: text("parent_id"),
		archived: integer({ mode: "boolean" }).notNull().default(false),
		/** Set once the event has been matched to webhooks and queued (the outbox flag). */
		published: integer({ mode: "boolean" }).notNull().default(false),
		created: integer().notNull(),
	},
	(t) => [
		index("events_unpublished").on(t.published, t.created),
		index("events_created").on(t.created),
		index("events_account").on(t.accountId, t.created),
		index("events_domain").on(t.domainId, t.created),
	],
);

export const asyncJobs = sqliteTable(
	"async_jobs",
	{
		id: text().primaryKey(),
		/** The Java class name CloudStack reports as `cmd`. */
		cmd: text().notNull(),
		userId: text("user_id").notNull(),
		accountId: text("account_id").notNull(),
		domainId: text("domain_id").notNull(),
		status: integer().notNull().default(0),
		resultCode: integer("result_code").notNull().default(0),
		/** JSON of `jobresult`; null while pending. */
		result: text(),
		instanceType: text("instance_type"),
		instanceId: text("instance_id"),
		/** The zone whose JobRunner runs it (jobs that need the site); null for jobs finished inline. */
		zoneId: text("zone_id"),
		created: integer().notNull(),
		completed: integer(),
	},
	(t) => [
		index("async_jobs_account").on(t.accountId, t.created),
		index("async_jobs_instance").on(t.instanceId, t.created),
		index("async_jobs_pending").on(t.status, t.zoneId),
	],
);

/** Global settings changed from their defaults; the definitions live in domain/settings.ts. */
export const configuration = sqliteTable("configuration", {
	name: text().primaryKey(),
	value: text().notNull(),
	updated: integer().notNull(),
});

// ---- Infrastructure inventory: zone → pod → cluster → host; storage; guest networking --------
// Infrastructure rows are deleted for real when an admin deletes them (nothing else refers to a
// removed zone); the rules that refuse a delete while children exist live in the commands.

export const zones = sqliteTable(
	"zones",
	{
		id: text().primaryKey(),
		name: text().notNull(),
		description: text(),
		/** Basic or Advanced. */
		networkType: text("network_type").notNull(),
		dns1: text().notNull(),
		dns2: text(),
		ip6Dns1: text("ip6_dns1"),
		ip6Dns2: text("ip6_dns2"),
		internalDns1: text("internal_dns1").notNull(),
		internalDns2: text("internal_dns2"),
		guestCidr: text("guest_cidr"),
		/** The zone's network domain (CloudStack's `domain` parameter). */
		networkDomain: text("network_domain"),
		/** A zone dedicated to one domain (`domainid`); null = public. */
		domainId: text("domain_id"),
		allocationState: text("allocation_state").notNull().default("Disabled"),
		localStorageEnabled: integer("local_storage_enabled", { mode: "boolean" }).notNull().default(false),
		securityGroupsEnabled: integer("security_groups_enabled", { mode: "boolean" }).notNull().default(false),
		dhcpProvider: text("dhcp_provider").notNull().default("VirtualRouter"),
		isEdge: integer("is_edge", { mode: "boolean" }).notNull().default(false),
		sortKey: integer("sort_key").notNull().default(0),
		created: integer().notNull(),
	},
	(t) => [uniqueIndex("zones_name").on(t.name)],
);

export const pods = sqliteTable(
	"pods",
	{
		id: text().primaryKey(),
		zoneId: text("zone_id").notNull(),
		name: text().notNull(),
		gateway: text().notNull(),
		netmask: text().notNull(),
		/** The pod's management/storage range (reserved for hosts, not guests). */
		startIp: text("start_ip").notNull(),
		endIp: text("end_ip").notNull(),
		allocationState: text("allocation_state").notNull().default("Enabled"),
		created: integer().notNull(),
	},
	(t) => [uniqueIndex("pods_zone_name").on(t.zoneId, t.name)],
);

export const clusters = sqliteTable(
	"clusters",
	{
		id: text().primaryKey(),
		zoneId: text("zone_id").notNull(),
		podId: text("pod_id").notNull(),
		name: text().notNull(),
		hypervisor: text().notNull(),
		/** CloudManaged or ExternalManaged. */
		clusterType: text("cluster_type").notNull(),
		allocationState: text("allocation_state").notNull().default("Enabled"),
		managedState: text("managed_state").notNull().default("Managed"),
		cpuOvercommitRatio: text("cpu_overcommit_ratio").notNull().default("1.0"),
		memoryOvercommitRatio: text("memory_overcommit_ratio").notNull().default("1.0"),
		arch: text().notNull().default("x86_64"),
		created: integer().notNull(),
	},
	(t) => [uniqueIndex("clusters_pod_name").on(t.podId, t.name), index("clusters_zone").on(t.zoneId, t.created)],
);

/** KVM hosts. The relay agent issue adds them (addHost); capacity and deletion rules read them now. */
export const hosts = sqliteTable(
	"hosts",
	{
		id: text().primaryKey(),
		name: text().notNull(),
		zoneId: text("zone_id").notNull(),
		podId: text("pod_id").notNull(),
		clusterId: text("cluster_id").notNull(),
		/** Status: Creating, Connecting, Up, Down, Disconnected, Alert, Error, … */
		state: text().notNull().default("Creating"),
		/** Enabled, Disabled, PrepareForMaintenance, Maintenance, … */
		resourceState: text("resource_state").notNull().default("Enabled"),
		cpuNumber: integer("cpu_number").notNull().default(0),
		/** MHz per core. */
		cpuSpeed: integer("cpu_speed").notNull().default(0),
		/** Bytes. */
		memoryTotal: integer("memory_total").notNull().default(0),
		/** Allocated to instances: MHz and bytes (maintained by the instance issue). */
		cpuAllocated: integer("cpu_allocated").notNull().default(0),
		memoryAllocated: integer("memory_allocated").notNull().default(0),
		/** The libvirt URI the relay reaches the host's libvirtd by (addHost's url, normalized). */
		url: text().notNull().default(""),
		/** The host address CloudStack shows as `ipaddress` (the URI's host part). */
		ipAddress: text("ip_address").notNull().default(""),
		hypervisorVersion: text("hypervisor_version").notNull().default(""),
		/** `kvm` or `qemu`: the domain type guests get, from what the host really runs. */
		domainType: text("domain_type").notNull().default("qemu"),
		/** Comma-separated host tags, as CloudStack keeps them. */
		hostTags: text("host_tags").notNull().default(""),
		/** Last time the relay reported the host answering (epoch ms). */
		lastPinged: integer("last_pinged"),
		/** When the host last left Up (epoch ms), CloudStack's `disconnected`. */
		disconnected: integer(),
		created: integer().notNull(),
	},
	(t) => [
		index("hosts_cluster").on(t.clusterId),
		index("hosts_zone").on(t.zoneId),
		uniqueIndex("hosts_zone_url").on(t.zoneId, t.url),
	],
);

export const storagePools = sqliteTable(
	"storage_pools",
	{
		id: text().primaryKey(),
		name: text().notNull(),
		zoneId: text("zone_id").notNull(),
		/** Null for zone-wide pools. */
		podId: text("pod_id"),
		clusterId: text("cluster_id"),
		/** CLUSTER or ZONE. */
		scope: text().notNull(),
		/** NetworkFilesystem, SharedMountPoint or Filesystem. */
		type: text().notNull(),
		/** The NFS server (or the host for a mount point). */
		host: text().notNull(),
		path: text().notNull(),
		url: text().notNull(),
		provider: text().notNull().default("DefaultPrimary"),
		hypervisor: text(),
		/** Up, Disabled, PrepareForMaintenance, Maintenance, … */
		state: text().notNull().default("Up"),
		capacityBytes: integer("capacity_bytes").notNull().default(0),
		usedBytes: integer("used_bytes").notNull().default(0),
		/** Sum of the sizes of the volumes placed on the pool (maintained by the volume issue). */
		allocatedBytes: integer("allocated_bytes").notNull().default(0),
		capacityIops: integer("capacity_iops"),
		/** Storage tags, comma-separated, as CloudStack shows them. */
		tags: text(),
		created: integer().notNull(),
	},
	(t) => [
		index("storage_pools_zone").on(t.zoneId, t.created),
		index("storage_pools_cluster").on(t.clusterId),
		index("storage_pools_created").on(t.created),
	],
);

export const imageStores = sqliteTable(
	"image_stores",
	{
		id: text().primaryKey(),
		name: text().notNull(),
		zoneId: text("zone_id"),
		url: text().notNull(),
		protocol: text().notNull(),
		provider: text().notNull(),
		/** ZONE, or REGION without a zone. */
		scope: text().notNull(),
		readonly: integer({ mode: "boolean" }).notNull().default(false),
		capacityBytes: integer("capacity_bytes").notNull().default(0),
		usedBytes: integer("used_bytes").notNull().default(0),
		created: integer().notNull(),
	},
	(t) => [index("image_stores_zone").on(t.zoneId)],
);

/** Guest networks: for a basic zone its default shared network; shared networks from createNetwork. */
export const networks = sqliteTable(
	"networks",
	{
		id: text().primaryKey(),
		name: text().notNull(),
		displayText: text("display_text").notNull(),
		zoneId: text("zone_id").notNull(),
		networkOfferingId: text("network_offering_id").notNull(),
		/** Shared (this issue) or Isolated. */
		guestType: text("guest_type").notNull(),
		trafficType: text("traffic_type").notNull().default("Guest"),
		gateway: text(),
		netmask: text(),
		cidr: text(),
		vlan: text(),
		networkDomain: text("network_domain"),
		/** Allocated, Setup or Implemented. */
		state: text().notNull().default("Setup"),
		/** Domain or Account. */
		aclType: text("acl_type").notNull(),
		domainId: text("domain_id").notNull(),
		/** Set for account-owned networks. */
		accountId: text("account_id"),
		subdomainAccess: integer("subdomain_access", { mode: "boolean" }),
		/** The zone's default network (a basic zone's guest network). */
		isDefault: integer("is_default", { mode: "boolean" }).notNull().default(false),
		created: integer().notNull(),
	},
	(t) => [index("networks_zone").on(t.zoneId)],
);

/** Guest IP ranges (CloudStack's VLAN IP ranges): in a basic zone each belongs to a pod. */
export const vlanIpRanges = sqliteTable(
	"vlan_ip_ranges",
	{
		id: text().primaryKey(),
		zoneId: text("zone_id").notNull(),
		podId: text("pod_id"),
		networkId: text("network_id").notNull(),
		vlan: text().notNull().default("untagged"),
		gateway: text().notNull(),
		netmask: text().notNull(),
		startIp: text("start_ip").notNull(),
		endIp: text("end_ip").notNull(),
		forVirtualNetwork: integer("for_virtual_network", { mode: "boolean" }).notNull().default(false),
		domainId: text("domain_id"),
		accountId: text("account_id"),
		created: integer().notNull(),
	},
	(t) => [index("vlan_ip_ranges_zone").on(t.zoneId), index("vlan_ip_ranges_network").on(t.networkId)],
);

/**
 * One row per guest address of a range. Allocation is a single compare-and-set UPDATE of the
 * lowest free row, so no address is handed out twice; releasing clears the owner.
 */
export const guestIps = sqliteTable(
	"guest_ips",
	{
		id: text().primaryKey(),
		rangeId: text("range_id").notNull(),
		networkId: text("network_id").notNull(),
		zoneId: text("zone_id").notNull(),
		podId: text("pod_id"),
		address: text().notNull(),
		/** The address as a number, for ordering and range checks. */
		addressNum: integer("address_num").notNull(),
		/** What holds the address (a NIC or instance id); null = free. */
		allocatedTo: text("allocated_to"),
		allocated: integer(),
	},
	(t) => [
		uniqueIndex("guest_ips_network_address").on(t.networkId, t.addressNum),
		index("guest_ips_free").on(t.networkId, t.allocatedTo, t.addressNum),
		index("guest_ips_range").on(t.rangeId),
		index("guest_ips_zone").on(t.zoneId, t.allocatedTo),
		index("guest_ips_pod").on(t.podId, t.allocatedTo),
	],
);

export const serviceOfferings = sqliteTable(
	"service_offerings",
	{
		id: text().primaryKey(),
		name: text().notNull(),
		displayText: text("display_text").notNull(),
		/** Null for customized offerings (the deploy call names them). */
		cpuNumber: integer("cpu_number"),
		cpuSpeed: integer("cpu_speed"),
		/** MB. */
		memory: integer(),
		customized: integer({ mode: "boolean" }).notNull().default(false),
		minCpuNumber: integer("min_cpu_number"),
		maxCpuNumber: integer("max_cpu_number"),
		minMemory: integer("min_memory"),
		maxMemory: integer("max_memory"),
		offerHa: integer("offer_ha", { mode: "boolean" }).notNull().default(false),
		limitCpuUse: integer("limit_cpu_use", { mode: "boolean" }).notNull().default(false),
		isVolatile: integer("is_volatile", { mode: "boolean" }).notNull().default(false),
		/** shared or local. */
		storageType: text("storage_type").notNull().default("shared"),
		/** thin, sparse or fat. */
		provisioningType: text("provisioning_type").notNull().default("thin"),
		storageTags: text("storage_tags"),
		hostTags: text("host_tags"),
		/** GB; null = the template's size. */
		rootDiskSize: integer("root_disk_size"),
		diskOfferingId: text("disk_offering_id"),
		/** Comma-separated ids; null = public / every zone. */
		domainIds: text("domain_ids"),
		zoneIds: text("zone_ids"),
		isSystem: integer("is_system", { mode: "boolean" }).notNull().default(false),
		systemVmType: text("system_vm_type"),
		dynamicScalingEnabled: integer("dynamic_scaling_enabled", { mode: "boolean" }).notNull().default(true),
		sortKey: integer("sort_key").notNull().default(0),
		/** Active or Inactive (an offering in use is only deactivated). */
		state: text().notNull().default("Active"),
		created: integer().notNull(),
		removed: integer(),
	},
	(t) => [index("service_offerings_state").on(t.state, t.created)],
);

export const diskOfferings = sqliteTable(
	"disk_offerings",
	{
		id: text().primaryKey(),
		name: text().notNull(),
		displayText: text("display_text").notNull(),
		/** GB; 0 for customized offerings. */
		diskSize: integer("disk_size").notNull().default(0),
		customized: integer({ mode: "boolean" }).notNull().default(false),
		storageType: text("storage_type").notNull().default("shared"),
		provisioningType: text("provisioning_type").notNull().default("thin"),
		tags: text(),
		minIops: integer("min_iops"),
		maxIops: integer("max_iops"),
		customizedIops: integer("customized_iops", { mode: "boolean" }),
		encrypt: integer({ mode: "boolean" }).notNull().default(false),
		displayOffering: integer("display_offering", { mode: "boolean" }).notNull().default(true),
		domainIds: text("domain_ids"),
		zoneIds: text("zone_ids"),
		/** A service offering's own root-disk offering is hidden from listDiskOfferings. */
		computeOnly: integer("compute_only", { mode: "boolean" }).notNull().default(false),
		sortKey: integer("sort_key").notNull().default(0),
		state: text().notNull().default("Active"),
		created: integer().notNull(),
		removed: integer(),
	},
	(t) => [index("disk_offerings_state").on(t.state, t.created)],
);

/** CloudStack 4.0 resource tags (key/value metadata on any taggable resource). */
export const resourceTags = sqliteTable(
	"resource_tags",
	{
		id: text().primaryKey(),
		key: text().notNull(),
		value: text().notNull(),
		/** CloudStack's ResourceObjectType name, e.g. Zone, Storage, ServiceOffering. */
		resourceType: text("resource_type").notNull(),
		resourceId: text("resource_id").notNull(),
		accountId: text("account_id").notNull(),
		domainId: text("domain_id").notNull(),
		customer: text(),
		created: integer().notNull(),
	},
	(t) => [
		uniqueIndex("resource_tags_resource_key").on(t.resourceType, t.resourceId, t.key),
		// Covering for the tag filter of list commands: the ids come straight from the index.
		index("resource_tags_key_value").on(t.resourceType, t.key, t.value, t.resourceId),
	],
);

// ---- Webhooks (CloudStack 4.20 API), their delivery log, and alerts ---------------------------

export const webhooks = sqliteTable(
	"webhooks",
	{
		id: text().primaryKey(),
		name: text().notNull(),
		description: text(),
		/** Enabled or Disabled. */
		state: text().notNull().default("Enabled"),
		/** Local (the owner account's events), Domain (the owner domain's subtree) or Global. */
		scope: text().notNull().default("Local"),
		payloadUrl: text("payload_url").notNull(),
		/** The signing secret, AES-GCM encrypted with SECRET_KEK like API secret keys; null = unsigned. */
		secretKeyEnc: text("secret_key_enc"),
		sslVerification: integer("ssl_verification", { mode: "boolean" }).notNull().default(false),
		/** Comma-separated event types to deliver (null = all). */
		eventTypes: text("event_types"),
		accountId: text("account_id").notNull(),
		domainId: text("domain_id").notNull(),
		created: integer().notNull(),
	},
	(t) => [index("webhooks_account").on(t.accountId), index("webhooks_scope").on(t.state, t.scope)],
);

/** One row per delivery of an event to a webhook; `attempts` counts tries, the last one's result shown. */
export const webhookDeliveries = sqliteTable(
	"webhook_deliveries",
	{
		id: text().primaryKey(),
		webhookId: text("webhook_id").notNull(),
		eventId: text("event_id"),
		eventType: text("event_type").notNull(),
		/** Pending, Retrying, Succeeded or Failed (retries exhausted). */
		state: text().notNull().default("Pending"),
		attempts: integer().notNull().default(0),
		/** Request headers sent, newline-joined (signatures included, secrets never). */
		headers: text(),
		payload: text().notNull(),
		success: integer({ mode: "boolean" }).notNull().default(false),
		responseStatus: integer("response_status"),
		/** The response body's first bytes, or the error text. */
		response: text(),
		durationMs: integer("duration_ms"),
		nextAttempt: integer("next_attempt"),
		startDate: integer("start_date").notNull(),
		endDate: integer("end_date"),
	},
	(t) => [index("webhook_deliveries_webhook").on(t.webhookId, t.startDate)],
);

/** One row per attempt of a delivery (the delivery row keeps only the last attempt's result). */
export const webhookDeliveryAttempts = sqliteTable(
	"webhook_delivery_attempts",
	{
		id: text().primaryKey(),
		deliveryId: text("delivery_id").notNull(),
		/** 1-based: the delivery's `attempts` count when this attempt was made. */
		attempt: integer().notNull(),
		/** Request headers sent, newline-joined (signatures included, secrets never). */
		headers: text(),
		responseStatus: integer("response_status"),
		/** The response body's first bytes, or the error text. */
		response: text(),
		durationMs: integer("duration_ms"),
		success: integer({ mode: "boolean" }).notNull().default(false),
		startDate: integer("start_date").notNull(),
		endDate: integer("end_date"),
	},
	(t) => [index("webhook_delivery_attempts_delivery").on(t.deliveryId, t.attempt)],
);

export const alerts = sqliteTable(
	"alerts",
	{
		id: text().primaryKey(),
		/** CloudStack's AlertType number, e.g. 7 HOST, 2 STORAGE (capacity), 26 STORAGE_MISC. */
		type: integer().notNull(),
		/** The alert type's name, e.g. ALERT.TYPE.STORAGE. */
		name: text().notNull(),
		subject: text().notNull(),
		description: text().notNull(),
		zoneId: text("zone_id"),
		podId: text("pod_id"),
		clusterId: text("cluster_id"),
		archived: integer({ mode: "boolean" }).notNull().default(false),
		created: integer().notNull(),
		/** When an alert of the same type and subject was last raised (repeats update it). */
		lastSent: integer("last_sent").notNull(),
	},
	(t) => [
		index("alerts_created").on(t.archived, t.created),
		index("alerts_type_subject").on(t.type, t.subject, t.lastSent),
		index("alerts_last_sent").on(t.lastSent),
	],
);

/**
 * One-time, zone-bound enrolment tokens for relay agents (createRelayEnrollmentToken). Only the
 * token's SHA-256 is kept; `usedAt` is set once, by a compare-and-set, when a relay enrols with it.
 */
export const relayEnrollmentTokens = sqliteTable(
	"relay_enrollment_tokens",
	{
		id: text().primaryKey(),
		zoneId: text("zone_id").notNull(),
		/** SHA-256 of the token, lower-case hex: the token itself is never stored. */
		tokenHash: text("token_hash").notNull(),
		created: integer().notNull(),
		expires: integer().notNull(),
		usedAt: integer("used_at"),
		/** The user who created the token. */
		createdBy: text("created_by").notNull(),
	},
	(t) => [
		uniqueIndex("relay_enrollment_tokens_hash").on(t.tokenHash),
		index("relay_enrollment_tokens_zone").on(t.zoneId),
	],
);

/** An enrolled relay agent: its Ed25519 public key signs the JWT it presents on every connect. */
export const relays = sqliteTable(
	"relays",
	{
		id: text().primaryKey(),
		zoneId: text("zone_id").notNull(),
		name: text().notNull(),
		/** The Ed25519 public key as a JWK, JSON text ({kty, crv, x} only). */
		publicKeyJwk: text("public_key_jwk").notNull(),
		/** Enabled or Revoked (deleteRelay). */
		state: text().notNull().default("Enabled"),
		created: integer().notNull(),
		/** The enrolment token it used. */
		enrolledFrom: text("enrolled_from").notNull(),
		lastSeen: integer("last_seen"),
		revoked: integer(),
	},
	(t) => [index("relays_zone").on(t.zoneId, t.created)],
);

/** JWT ids a relay has presented, kept until the JWT expires, so a JWT is accepted only once. */
export const relayJwtIds = sqliteTable(
	"relay_jwt_ids",
	{
		relayId: text("relay_id").notNull(),
		jti: text().notNull(),
		/** The JWT's `exp`, epoch milliseconds: the row may go after that. */
		expires: integer().notNull(),
	},
	(t) => [uniqueIndex("relay_jwt_ids_relay_jti").on(t.relayId, t.jti), index("relay_jwt_ids_expires").on(t.expires)],
);

// ---- Images: templates and ISOs, where their copies are ----------------------------------------

/** Templates and ISOs (CloudStack's vm_template); soft-deleted (`removed`) as CloudStack keeps them. */
export const templates = sqliteTable(
	"templates",
	{
		id: text().primaryKey(),
		name: text().notNull(),
		displayText: text("display_text").notNull(),
		/** true for an ISO (registerIso), false for a template. */
		isIso: integer("is_iso", { mode: "boolean" }).notNull(),
		/** QCOW2, RAW or ISO. */
		format: text().notNull(),
		/** KVM for templates; null for ISOs (they boot on any hypervisor). */
		hypervisor: text(),
		osTypeId: text("os_type_id").notNull(),
		/** USER (registered), SYSTEM (imported by the relay's `template import`). */
		templateType: text("template_type").notNull().default("USER"),
		accountId: text("account_id").notNull(),
		domainId: text("domain_id").notNull(),
		/** The download URL; null for an imported file. */
		url: text(),
		/** As given at registration: plain MD5 or `{SHA-256}…`. */
		checksum: text(),
		isPublic: integer("is_public", { mode: "boolean" }).notNull().default(false),
		isFeatured: integer("is_featured", { mode: "boolean" }).notNull().default(false),
		isExtractable: integer("is_extractable", { mode: "boolean" }).notNull().default(false),
		passwordEnabled: integer("password_enabled", { mode: "boolean" }).notNull().default(false),
		sshKeyEnabled: integer("ssh_key_enabled", { mode: "boolean" }).notNull().default(false),
		isDynamicallyScalable: integer("is_dynamically_scalable", { mode: "boolean" }).notNull().default(false),
		requiresHvm: integer("requires_hvm", { mode: "boolean" }).notNull().default(true),
		/** ISOs: whether a VM may boot from it. */
		bootable: integer({ mode: "boolean" }).notNull().default(true),
		bits: integer().notNull().default(64),
		arch: text().notNull().default("x86_64"),
		templateTag: text("template_tag"),
		/** Registered for every zone (zoneid=-1). */
		crossZones: integer("cross_zones", { mode: "boolean" }).notNull().default(false),
		/** JSON object of `details`. */
		details: text(),
		sortKey: integer("sort_key").notNull().default(0),
		created: integer().notNull(),
		removed: integer(),
	},
	(t) => [index("templates_account").on(t.accountId, t.created), index("templates_created").on(t.created)],
);

/**
 * A template's copy on a zone's secondary storage (CloudStack's template_store_ref): one row per
 * template and zone, with the download's state. `Allocated` waits for the zone's relay agent.
 */
export const templateStores = sqliteTable(
	"template_stores",
	{
		templateId: text("template_id").notNull(),
		zoneId: text("zone_id").notNull(),
		/** The image store holding it; null until one is picked (the zone had none). */
		imageStoreId: text("image_store_id"),
		/** Allocated, Downloading, Ready, Error. */
		state: text().notNull(),
		percent: integer().notNull().default(0),
		/** Why the download failed (state Error), readable. */
		errorText: text("error_text"),
		/** The file in the store, store-relative. */
		path: text(),
		sizeBytes: integer("size_bytes").notNull().default(0),
		physicalBytes: integer("physical_bytes").notNull().default(0),
		/** The relay command running the download, so late answers of an older attempt are ignored. */
		commandId: text("command_id"),
		created: integer().notNull(),
		updated: integer().notNull(),
	},
	(t) => [
		uniqueIndex("template_stores_key").on(t.templateId, t.zoneId),
		index("template_stores_zone").on(t.zoneId, t.state),
		index("template_stores_store").on(t.imageStoreId),
	],
);

/** A template's copy on a primary pool (CloudStack's template_spool_ref): made once, then cloned. */
export const templatePools = sqliteTable(
	"template_pools",
	{
		templateId: text("template_id").notNull(),
		poolId: text("pool_id").notNull(),
		/** Copying, Ready, Error. */
		state: text().notNull(),
		errorText: text("error_text"),
		path: text().notNull(),
		sizeBytes: integer("size_bytes").notNull().default(0),
		physicalBytes: integer("physical_bytes").notNull().default(0),
		created: integer().notNull(),
		updated: integer().notNull(),
	},
	(t) => [uniqueIndex("template_pools_key").on(t.templateId, t.poolId), index("template_pools_pool").on(t.poolId)],
);

/** Accounts a private template or ISO is shared with (updateTemplatePermissions). */
export const templatePermissions = sqliteTable(
	"template_permissions",
	{
		templateId: text("template_id").notNull(),
		accountId: text("account_id").notNull(),
		created: integer().notNull(),
	},
	(t) => [
		uniqueIndex("template_permissions_key").on(t.templateId, t.accountId),
		index("template_permissions_account").on(t.accountId),
	],
);

// ---- Instances, volumes, snapshots, SSH key pairs (issue 6) ------------------------------------
// An instance's id is also its libvirt domain UUID, so what a host reports maps to a row directly.

/**
 * Virtual machines (CloudStack's vm_instance + user_vm). `state` is CloudStack's VirtualMachine
 * state: Stopped, Starting, Running, Stopping, Migrating, Destroyed, Expunging, Expunged (our
 * final state: `removed` set), Error, Unknown (its host stopped answering).
 */
export const vmInstances = sqliteTable(
	"vm_instances",
	{
		id: text().primaryKey(),
		/** The hostname (deployVirtualMachine `name`). */
		name: text().notNull(),
		displayName: text("display_name").notNull(),
		/** The libvirt domain name: CloudStack's `i-<account number>-<vm number>-VM`. */
		instanceName: text("instance_name").notNull(),
		accountId: text("account_id").notNull(),
		domainId: text("domain_id").notNull(),
		userId: text("user_id").notNull(),
		zoneId: text("zone_id").notNull(),
		/** Where it was placed: set at deploy, kept while Stopped (the root disk's pool decides the cluster). */
		podId: text("pod_id"),
		clusterId: text("cluster_id"),
		/** The host it runs on; null when Stopped. */
		hostId: text("host_id"),
		lastHostId: text("last_host_id"),
		serviceOfferingId: text("service_offering_id").notNull(),
		templateId: text("template_id"),
		/** The ISO it was deployed from or has attached. */
		isoId: text("iso_id"),
		/** What it was given (a customized offering's values are the deploy call's). */
		cpuNumber: integer("cpu_number").notNull(),
		/** MHz per vCPU. */
		cpuSpeed: integer("cpu_speed").notNull(),
		/** MB. */
		memory: integer().notNull(),
		state: text().notNull(),
		haEnabled: integer("ha_enabled", { mode: "boolean" }).notNull().default(false),
		/** Base64 user data, as given. */
		userData: text("user_data"),
		/** Names of the SSH key pairs whose public keys go into the config drive (comma-separated). */
		keypairs: text(),
		/** JSON object of `details`. */
		details: text(),
		displayVm: integer("display_vm", { mode: "boolean" }).notNull().default(true),
		/** The job that owns the current transition (Starting, Stopping, …), so a stale answer cannot move it. */
		jobId: text("job_id"),
		/** When it was destroyed (expunge.delay counts from here). */
		destroyed: integer(),
		created: integer().notNull(),
		/** Set when expunged. */
		removed: integer(),
	},
	(t) => [
		index("vm_instances_account").on(t.accountId, t.created),
		index("vm_instances_created").on(t.created),
		index("vm_instances_zone_state").on(t.zoneId, t.state),
		index("vm_instances_host").on(t.hostId),
		index("vm_instances_domain").on(t.domainId, t.created),
		uniqueIndex("vm_instances_instance_name").on(t.instanceName),
	],
);

/**
 * Volumes (ROOT and DATADISK). A volume with no `poolId` is Allocated (not yet on storage).
 * `path` is pool-relative. States: Allocated, Creating, Ready, Resizing, Migrating, Destroy,
 * Expunged (`removed` set).
 */
export const volumes = sqliteTable(
	"volumes",
	{
		id: text().primaryKey(),
		name: text().notNull(),
		accountId: text("account_id").notNull(),
		domainId: text("domain_id").notNull(),
		zoneId: text("zone_id").notNull(),
		poolId: text("pool_id"),
		vmId: text("vm_id"),
		/** 0 for ROOT, 1.. for data disks (the order of the disks in the domain). */
		deviceId: integer("device_id"),
		/** ROOT or DATADISK. */
		type: text().notNull(),
		state: text().notNull(),
		sizeBytes: integer("size_bytes").notNull(),
		/** QCOW2 (every volume we make is a qcow2). */
		format: text().notNull().default("QCOW2"),
		path: text(),
		diskOfferingId: text("disk_offering_id"),
		/** The template a ROOT volume was cloned from (its backing file). */
		templateId: text("template_id"),
		created: integer().notNull(),
		attached: integer(),
		removed: integer(),
	},
	(t) => [
		index("volumes_vm").on(t.vmId),
		index("volumes_pool").on(t.poolId),
		index("volumes_account").on(t.accountId, t.created),
		index("volumes_created").on(t.created),
	],
);

/** An instance's network interfaces; the address is a guest_ips row held by the NIC's id. */
export const nics = sqliteTable(
	"nics",
	{
		id: text().primaryKey(),
		vmId: text("vm_id").notNull(),
		networkId: text("network_id").notNull(),
		ipAddress: text("ip_address"),
		gateway: text(),
		netmask: text(),
		macAddress: text("mac_address").notNull(),
		isDefault: integer("is_default", { mode: "boolean" }).notNull().default(false),
		deviceId: integer("device_id").notNull(),
		created: integer().notNull(),
	},
	(t) => [index("nics_vm").on(t.vmId), uniqueIndex("nics_mac").on(t.macAddress)],
);

/**
 * Volume snapshots, kept on the zone's secondary storage (CloudStack's snapshots +
 * snapshot_store_ref). States: Creating, BackingUp, BackedUp, Error, Destroyed (`removed` set).
 */
export const snapshots = sqliteTable(
	"snapshots",
	{
		id: text().primaryKey(),
		name: text().notNull(),
		volumeId: text("volume_id").notNull(),
		accountId: text("account_id").notNull(),
		domainId: text("domain_id").notNull(),
		zoneId: text("zone_id").notNull(),
		imageStoreId: text("image_store_id"),
		/** Store-relative path on secondary storage. */
		path: text(),
		state: text().notNull(),
		/** The volume's virtual size when taken. */
		sizeBytes: integer("size_bytes").notNull().default(0),
		physicalBytes: integer("physical_bytes").notNull().default(0),
		/** MANUAL (policies are not built). */
		intervalType: text("interval_type").notNull().default("MANUAL"),
		created: integer().notNull(),
		removed: integer(),
	},
	(t) => [index("snapshots_volume").on(t.volumeId), index("snapshots_account").on(t.accountId, t.created)],
);

/** Disk-only VM snapshots. States: Allocated, Creating, Ready, Reverting, Expunging, Error; `removed` set when deleted. */
export const vmSnapshots = sqliteTable(
	"vm_snapshots",
	{
		id: text().primaryKey(),
		name: text().notNull(),
		displayName: text("display_name").notNull(),
		description: text(),
		vmId: text("vm_id").notNull(),
		accountId: text("account_id").notNull(),
		domainId: text("domain_id").notNull(),
		zoneId: text("zone_id").notNull(),
		state: text().notNull(),
		parentId: text("parent_id"),
		current: integer({ mode: "boolean" }).notNull().default(false),
		created: integer().notNull(),
		removed: integer(),
	},
	(t) => [index("vm_snapshots_vm").on(t.vmId)],
);

/** SSH key pairs: only the public key is kept (createSSHKeyPair shows the private key once). */
export const sshKeyPairs = sqliteTable(
	"ssh_keypairs",
	{
		id: text().primaryKey(),
		name: text().notNull(),
		accountId: text("account_id").notNull(),
		domainId: text("domain_id").notNull(),
		publicKey: text("public_key").notNull(),
		/** MD5 colon-hex of the key blob, as CloudStack shows it. */
		fingerprint: text().notNull(),
		created: integer().notNull(),
	},
	(t) => [uniqueIndex("ssh_keypairs_account_name").on(t.accountId, t.name)],
);
