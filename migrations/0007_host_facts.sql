ALTER TABLE `hosts` ADD `url` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `hosts` ADD `ip_address` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `hosts` ADD `hypervisor_version` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `hosts` ADD `domain_type` text DEFAULT 'qemu' NOT NULL;--> statement-breakpoint
ALTER TABLE `hosts` ADD `host_tags` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `hosts` ADD `last_pinged` integer;--> statement-breakpoint
ALTER TABLE `hosts` ADD `disconnected` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `hosts_zone_url` ON `hosts` (`zone_id`,`url`);