CREATE TABLE `nics` (
	`id` text PRIMARY KEY NOT NULL,
	`vm_id` text NOT NULL,
	`network_id` text NOT NULL,
	`ip_address` text,
	`gateway` text,
	`netmask` text,
	`mac_address` text NOT NULL,
	`is_default` integer DEFAULT false NOT NULL,
	`device_id` integer NOT NULL,
	`created` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `nics_vm` ON `nics` (`vm_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `nics_mac` ON `nics` (`mac_address`);--> statement-breakpoint
CREATE TABLE `snapshots` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`volume_id` text NOT NULL,
	`account_id` text NOT NULL,
	`domain_id` text NOT NULL,
	`zone_id` text NOT NULL,
	`image_store_id` text,
	`path` text,
	`state` text NOT NULL,
	`size_bytes` integer DEFAULT 0 NOT NULL,
	`physical_bytes` integer DEFAULT 0 NOT NULL,
	`interval_type` text DEFAULT 'MANUAL' NOT NULL,
	`created` integer NOT NULL,
	`removed` integer
);
--> statement-breakpoint
CREATE INDEX `snapshots_volume` ON `snapshots` (`volume_id`);--> statement-breakpoint
CREATE INDEX `snapshots_account` ON `snapshots` (`account_id`,`created`);--> statement-breakpoint
CREATE TABLE `ssh_keypairs` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`account_id` text NOT NULL,
	`domain_id` text NOT NULL,
	`public_key` text NOT NULL,
	`fingerprint` text NOT NULL,
	`created` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ssh_keypairs_account_name` ON `ssh_keypairs` (`account_id`,`name`);--> statement-breakpoint
CREATE TABLE `vm_instances` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`display_name` text NOT NULL,
	`instance_name` text NOT NULL,
	`account_id` text NOT NULL,
	`domain_id` text NOT NULL,
	`user_id` text NOT NULL,
	`zone_id` text NOT NULL,
	`pod_id` text,
	`cluster_id` text,
	`host_id` text,
	`last_host_id` text,
	`service_offering_id` text NOT NULL,
	`template_id` text,
	`iso_id` text,
	`cpu_number` integer NOT NULL,
	`cpu_speed` integer NOT NULL,
	`memory` integer NOT NULL,
	`state` text NOT NULL,
	`ha_enabled` integer DEFAULT false NOT NULL,
	`user_data` text,
	`keypairs` text,
	`details` text,
	`display_vm` integer DEFAULT true NOT NULL,
	`job_id` text,
	`destroyed` integer,
	`created` integer NOT NULL,
	`removed` integer
);
--> statement-breakpoint
CREATE INDEX `vm_instances_account` ON `vm_instances` (`account_id`,`created`);--> statement-breakpoint
CREATE INDEX `vm_instances_created` ON `vm_instances` (`created`);--> statement-breakpoint
CREATE INDEX `vm_instances_zone_state` ON `vm_instances` (`zone_id`,`state`);--> statement-breakpoint
CREATE INDEX `vm_instances_host` ON `vm_instances` (`host_id`);--> statement-breakpoint
CREATE INDEX `vm_instances_domain` ON `vm_instances` (`domain_id`,`created`);--> statement-breakpoint
CREATE UNIQUE INDEX `vm_instances_instance_name` ON `vm_instances` (`instance_name`);--> statement-breakpoint
CREATE TABLE `vm_snapshots` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`display_name` text NOT NULL,
	`description` text,
	`vm_id` text NOT NULL,
	`account_id` text NOT NULL,
	`domain_id` text NOT NULL,
	`zone_id` text NOT NULL,
	`state` text NOT NULL,
	`parent_id` text,
	`current` integer DEFAULT false NOT NULL,
	`created` integer NOT NULL,
	`removed` integer
);
--> statement-breakpoint
CREATE INDEX `vm_snapshots_vm` ON `vm_snapshots` (`vm_id`);--> statement-breakpoint
CREATE TABLE `volumes` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`account_id` text NOT NULL,
	`domain_id` text NOT NULL,
	`zone_id` text NOT NULL,
	`pool_id` text,
	`vm_id` text,
	`device_id` integer,
	`type` text NOT NULL,
	`state` text NOT NULL,
	`size_bytes` integer NOT NULL,
	`format` text DEFAULT 'QCOW2' NOT NULL,
	`path` text,
	`disk_offering_id` text,
	`template_id` text,
	`created` integer NOT NULL,
	`attached` integer,
	`removed` integer
);
--> statement-breakpoint
CREATE INDEX `volumes_vm` ON `volumes` (`vm_id`);--> statement-breakpoint
CREATE INDEX `volumes_pool` ON `volumes` (`pool_id`);--> statement-breakpoint
CREATE INDEX `volumes_account` ON `volumes` (`account_id`,`created`);--> statement-breakpoint
CREATE INDEX `volumes_created` ON `volumes` (`created`);--> statement-breakpoint
ALTER TABLE `async_jobs` ADD `zone_id` text;--> statement-breakpoint
CREATE INDEX `async_jobs_instance` ON `async_jobs` (`instance_id`,`created`);--> statement-breakpoint
CREATE INDEX `async_jobs_pending` ON `async_jobs` (`status`,`zone_id`);