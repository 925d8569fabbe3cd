CREATE TABLE `clusters` (
	`id` text PRIMARY KEY NOT NULL,
	`zone_id` text NOT NULL,
	`pod_id` text NOT NULL,
	`name` text NOT NULL,
	`hypervisor` text NOT NULL,
	`cluster_type` text NOT NULL,
	`allocation_state` text DEFAULT 'Enabled' NOT NULL,
	`managed_state` text DEFAULT 'Managed' NOT NULL,
	`cpu_overcommit_ratio` text DEFAULT '1.0' NOT NULL,
	`memory_overcommit_ratio` text DEFAULT '1.0' NOT NULL,
	`arch` text DEFAULT 'x86_64' NOT NULL,
	`created` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `clusters_pod_name` ON `clusters` (`pod_id`,`name`);--> statement-breakpoint
CREATE INDEX `clusters_zone` ON `clusters` (`zone_id`,`created`);--> statement-breakpoint
CREATE TABLE `disk_offerings` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`display_text` text NOT NULL,
	`disk_size` integer DEFAULT 0 NOT NULL,
	`customized` integer DEFAULT false NOT NULL,
	`storage_type` text DEFAULT 'shared' NOT NULL,
	`provisioning_type` text DEFAULT 'thin' NOT NULL,
	`tags` text,
	`min_iops` integer,
	`max_iops` integer,
	`customized_iops` integer,
	`encrypt` integer DEFAULT false NOT NULL,
	`display_offering` integer DEFAULT true NOT NULL,
	`domain_ids` text,
	`zone_ids` text,
	`compute_only` integer DEFAULT false NOT NULL,
	`sort_key` integer DEFAULT 0 NOT NULL,
	`state` text DEFAULT 'Active' NOT NULL,
	`created` integer NOT NULL,
	`removed` integer
);
--> statement-breakpoint
CREATE INDEX `disk_offerings_state` ON `disk_offerings` (`state`,`created`);--> statement-breakpoint
CREATE TABLE `guest_ips` (
	`id` text PRIMARY KEY NOT NULL,
	`range_id` text NOT NULL,
	`network_id` text NOT NULL,
	`zone_id` text NOT NULL,
	`pod_id` text,
	`address` text NOT NULL,
	`address_num` integer NOT NULL,
	`allocated_to` text,
	`allocated` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `guest_ips_network_address` ON `guest_ips` (`network_id`,`address_num`);--> statement-breakpoint
CREATE INDEX `guest_ips_free` ON `guest_ips` (`network_id`,`allocated_to`,`address_num`);--> statement-breakpoint
CREATE INDEX `guest_ips_range` ON `guest_ips` (`range_id`);--> statement-breakpoint
CREATE INDEX `guest_ips_zone` ON `guest_ips` (`zone_id`,`allocated_to`);--> statement-breakpoint
CREATE INDEX `guest_ips_pod` ON `guest_ips` (`pod_id`,`allocated_to`);--> statement-breakpoint
CREATE TABLE `hosts` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`zone_id` text NOT NULL,
	`pod_id` text NOT NULL,
	`cluster_id` text NOT NULL,
	`state` text DEFAULT 'Creating' NOT NULL,
	`resource_state` text DEFAULT 'Enabled' NOT NULL,
	`cpu_number` integer DEFAULT 0 NOT NULL,
	`cpu_speed` integer DEFAULT 0 NOT NULL,
	`memory_total` integer DEFAULT 0 NOT NULL,
	`cpu_allocated` integer DEFAULT 0 NOT NULL,
	`memory_allocated` integer DEFAULT 0 NOT NULL,
	`created` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `hosts_cluster` ON `hosts` (`cluster_id`);--> statement-breakpoint
CREATE INDEX `hosts_zone` ON `hosts` (`zone_id`);--> statement-breakpoint
CREATE TABLE `image_stores` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`zone_id` text,
	`url` text NOT NULL,
	`protocol` text NOT NULL,
	`provider` text NOT NULL,
	`scope` text NOT NULL,
	`readonly` integer DEFAULT false NOT NULL,
	`capacity_bytes` integer DEFAULT 0 NOT NULL,
	`used_bytes` integer DEFAULT 0 NOT NULL,
	`created` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `image_stores_zone` ON `image_stores` (`zone_id`);--> statement-breakpoint
CREATE TABLE `networks` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`display_text` text NOT NULL,
	`zone_id` text NOT NULL,
	`network_offering_id` text NOT NULL,
	`guest_type` text NOT NULL,
	`traffic_type` text DEFAULT 'Guest' NOT NULL,
	`gateway` text,
	`netmask` text,
	`cidr` text,
	`vlan` text,
	`network_domain` text,
	`state` text DEFAULT 'Setup' NOT NULL,
	`acl_type` text NOT NULL,
	`domain_id` text NOT NULL,
	`account_id` text,
	`subdomain_access` integer,
	`is_default` integer DEFAULT false NOT NULL,
	`created` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `networks_zone` ON `networks` (`zone_id`);--> statement-breakpoint
CREATE TABLE `pods` (
	`id` text PRIMARY KEY NOT NULL,
	`zone_id` text NOT NULL,
	`name` text NOT NULL,
	`gateway` text NOT NULL,
	`netmask` text NOT NULL,
	`start_ip` text NOT NULL,
	`end_ip` text NOT NULL,
	`allocation_state` text DEFAULT 'Enabled' NOT NULL,
	`created` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `pods_zone_name` ON `pods` (`zone_id`,`name`);--> statement-breakpoint
CREATE TABLE `resource_tags` (
	`id` text PRIMARY KEY NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	`resource_type` text NOT NULL,
	`resource_id` text NOT NULL,
	`account_id` text NOT NULL,
	`domain_id` text NOT NULL,
	`customer` text,
	`created` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `resource_tags_resource_key` ON `resource_tags` (`resource_type`,`resource_id`,`key`);--> statement-breakpoint
CREATE INDEX `resource_tags_key_value` ON `resource_tags` (`resource_type`,`key`,`value`);--> statement-breakpoint
CREATE TABLE `service_offerings` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`display_text` text NOT NULL,
	`cpu_number` integer,
	`cpu_speed` integer,
	`memory` integer,
	`customized` integer DEFAULT false NOT NULL,
	`min_cpu_number` integer,
	`max_cpu_number` integer,
	`min_memory` integer,
	`max_memory` integer,
	`offer_ha` integer DEFAULT false NOT NULL,
	`limit_cpu_use` integer DEFAULT false NOT NULL,
	`is_volatile` integer DEFAULT false NOT NULL,
	`storage_type` text DEFAULT 'shared' NOT NULL,
	`provisioning_type` text DEFAULT 'thin' NOT NULL,
	`storage_tags` text,
	`host_tags` text,
	`root_disk_size` integer,
	`disk_offering_id` text,
	`domain_ids` text,
	`zone_ids` text,
	`is_system` integer DEFAULT false NOT NULL,
	`system_vm_type` text,
	`dynamic_scaling_enabled` integer DEFAULT true NOT NULL,
	`sort_key` integer DEFAULT 0 NOT NULL,
	`state` text DEFAULT 'Active' NOT NULL,
	`created` integer NOT NULL,
	`removed` integer
);
--> statement-breakpoint
CREATE INDEX `service_offerings_state` ON `service_offerings` (`state`,`created`);--> statement-breakpoint
CREATE TABLE `storage_pools` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`zone_id` text NOT NULL,
	`pod_id` text,
	`cluster_id` text,
	`scope` text NOT NULL,
	`type` text NOT NULL,
	`host` text NOT NULL,
	`path` text NOT NULL,
	`url` text NOT NULL,
	`provider` text DEFAULT 'DefaultPrimary' NOT NULL,
	`hypervisor` text,
	`state` text DEFAULT 'Up' NOT NULL,
	`capacity_bytes` integer DEFAULT 0 NOT NULL,
	`used_bytes` integer DEFAULT 0 NOT NULL,
	`allocated_bytes` integer DEFAULT 0 NOT NULL,
	`capacity_iops` integer,
	`tags` text,
	`created` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `storage_pools_zone` ON `storage_pools` (`zone_id`,`created`);--> statement-breakpoint
CREATE INDEX `storage_pools_cluster` ON `storage_pools` (`cluster_id`);--> statement-breakpoint
CREATE INDEX `storage_pools_created` ON `storage_pools` (`created`);--> statement-breakpoint
CREATE TABLE `vlan_ip_ranges` (
	`id` text PRIMARY KEY NOT NULL,
	`zone_id` text NOT NULL,
	`pod_id` text,
	`network_id` text NOT NULL,
	`vlan` text DEFAULT 'untagged' NOT NULL,
	`gateway` text NOT NULL,
	`netmask` text NOT NULL,
	`start_ip` text NOT NULL,
	`end_ip` text NOT NULL,
	`for_virtual_network` integer DEFAULT false NOT NULL,
	`domain_id` text,
	`account_id` text,
	`created` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `vlan_ip_ranges_zone` ON `vlan_ip_ranges` (`zone_id`);--> statement-breakpoint
CREATE INDEX `vlan_ip_ranges_network` ON `vlan_ip_ranges` (`network_id`);--> statement-breakpoint
CREATE TABLE `zones` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`network_type` text NOT NULL,
	`dns1` text NOT NULL,
	`dns2` text,
	`ip6_dns1` text,
	`ip6_dns2` text,
	`internal_dns1` text NOT NULL,
	`internal_dns2` text,
	`guest_cidr` text,
	`network_domain` text,
	`domain_id` text,
	`allocation_state` text DEFAULT 'Disabled' NOT NULL,
	`local_storage_enabled` integer DEFAULT false NOT NULL,
	`security_groups_enabled` integer DEFAULT false NOT NULL,
	`dhcp_provider` text DEFAULT 'VirtualRouter' NOT NULL,
	`is_edge` integer DEFAULT false NOT NULL,
	`sort_key` integer DEFAULT 0 NOT NULL,
	`created` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `zones_name` ON `zones` (`name`);