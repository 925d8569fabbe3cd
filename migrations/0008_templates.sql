CREATE TABLE `template_permissions` (
	`template_id` text NOT NULL,
	`account_id` text NOT NULL,
	`created` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `template_permissions_key` ON `template_permissions` (`template_id`,`account_id`);--> statement-breakpoint
CREATE INDEX `template_permissions_account` ON `template_permissions` (`account_id`);--> statement-breakpoint
CREATE TABLE `template_pools` (
	`template_id` text NOT NULL,
	`pool_id` text NOT NULL,
	`state` text NOT NULL,
	`error_text` text,
	`path` text NOT NULL,
	`size_bytes` integer DEFAULT 0 NOT NULL,
	`physical_bytes` integer DEFAULT 0 NOT NULL,
	`created` integer NOT NULL,
	`updated` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `template_pools_key` ON `template_pools` (`template_id`,`pool_id`);--> statement-breakpoint
CREATE INDEX `template_pools_pool` ON `template_pools` (`pool_id`);--> statement-breakpoint
CREATE TABLE `template_stores` (
	`template_id` text NOT NULL,
	`zone_id` text NOT NULL,
	`image_store_id` text,
	`state` text NOT NULL,
	`percent` integer DEFAULT 0 NOT NULL,
	`error_text` text,
	`path` text,
	`size_bytes` integer DEFAULT 0 NOT NULL,
	`physical_bytes` integer DEFAULT 0 NOT NULL,
	`command_id` text,
	`created` integer NOT NULL,
	`updated` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `template_stores_key` ON `template_stores` (`template_id`,`zone_id`);--> statement-breakpoint
CREATE INDEX `template_stores_zone` ON `template_stores` (`zone_id`,`state`);--> statement-breakpoint
CREATE INDEX `template_stores_store` ON `template_stores` (`image_store_id`);--> statement-breakpoint
CREATE TABLE `templates` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`display_text` text NOT NULL,
	`is_iso` integer NOT NULL,
	`format` text NOT NULL,
	`hypervisor` text,
	`os_type_id` text NOT NULL,
	`template_type` text DEFAULT 'USER' NOT NULL,
	`account_id` text NOT NULL,
	`domain_id` text NOT NULL,
	`url` text,
	`checksum` text,
	`is_public` integer DEFAULT false NOT NULL,
	`is_featured` integer DEFAULT false NOT NULL,
	`is_extractable` integer DEFAULT false NOT NULL,
	`password_enabled` integer DEFAULT false NOT NULL,
	`ssh_key_enabled` integer DEFAULT false NOT NULL,
	`is_dynamically_scalable` integer DEFAULT false NOT NULL,
	`requires_hvm` integer DEFAULT true NOT NULL,
	`bootable` integer DEFAULT true NOT NULL,
	`bits` integer DEFAULT 64 NOT NULL,
	`arch` text DEFAULT 'x86_64' NOT NULL,
	`template_tag` text,
	`cross_zones` integer DEFAULT false NOT NULL,
	`details` text,
	`sort_key` integer DEFAULT 0 NOT NULL,
	`created` integer NOT NULL,
	`removed` integer
);
--> statement-breakpoint
CREATE INDEX `templates_account` ON `templates` (`account_id`,`created`);--> statement-breakpoint
CREATE INDEX `templates_created` ON `templates` (`created`);