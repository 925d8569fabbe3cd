CREATE TABLE `accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`type` integer NOT NULL,
	`role_id` text NOT NULL,
	`domain_id` text NOT NULL,
	`state` text DEFAULT 'enabled' NOT NULL,
	`network_domain` text,
	`api_key_access` text DEFAULT 'Inherit' NOT NULL,
	`is_default` integer DEFAULT false NOT NULL,
	`created` integer NOT NULL,
	`removed` integer
);
--> statement-breakpoint
CREATE INDEX `accounts_domain` ON `accounts` (`domain_id`,`name`);--> statement-breakpoint
CREATE INDEX `accounts_created` ON `accounts` (`created`);--> statement-breakpoint
CREATE TABLE `async_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`cmd` text NOT NULL,
	`user_id` text NOT NULL,
	`account_id` text NOT NULL,
	`domain_id` text NOT NULL,
	`status` integer DEFAULT 0 NOT NULL,
	`result_code` integer DEFAULT 0 NOT NULL,
	`result` text,
	`instance_type` text,
	`instance_id` text,
	`created` integer NOT NULL,
	`completed` integer
);
--> statement-breakpoint
CREATE INDEX `async_jobs_account` ON `async_jobs` (`account_id`,`created`);--> statement-breakpoint
CREATE TABLE `configuration` (
	`name` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `domains` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`parent_id` text,
	`path` text NOT NULL,
	`level` integer NOT NULL,
	`network_domain` text,
	`state` text DEFAULT 'Active' NOT NULL,
	`created` integer NOT NULL,
	`removed` integer
);
--> statement-breakpoint
CREATE INDEX `domains_path` ON `domains` (`path`);--> statement-breakpoint
CREATE INDEX `domains_parent` ON `domains` (`parent_id`);--> statement-breakpoint
CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`state` text NOT NULL,
	`level` text NOT NULL,
	`description` text NOT NULL,
	`user_id` text,
	`username` text,
	`account_id` text,
	`domain_id` text,
	`resource_id` text,
	`resource_type` text,
	`resource_name` text,
	`parent_id` text,
	`archived` integer DEFAULT false NOT NULL,
	`created` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `events_created` ON `events` (`created`);--> statement-breakpoint
CREATE INDEX `events_account` ON `events` (`account_id`,`created`);--> statement-breakpoint
CREATE INDEX `events_domain` ON `events` (`domain_id`,`created`);--> statement-breakpoint
CREATE TABLE `login_failures` (
	`source` text PRIMARY KEY NOT NULL,
	`count` integer NOT NULL,
	`window_start` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `role_permissions` (
	`id` text PRIMARY KEY NOT NULL,
	`role_id` text NOT NULL,
	`rule` text NOT NULL,
	`permission` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`sort_order` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `role_permissions_role` ON `role_permissions` (`role_id`,`sort_order`);--> statement-breakpoint
CREATE TABLE `roles` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`is_default` integer DEFAULT false NOT NULL,
	`is_public` integer DEFAULT true NOT NULL,
	`created` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`session_key` text NOT NULL,
	`user_id` text NOT NULL,
	`created` integer NOT NULL,
	`last_seen` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sessions_user` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`username` text NOT NULL,
	`account_id` text NOT NULL,
	`domain_id` text NOT NULL,
	`password_hash` text NOT NULL,
	`first_name` text NOT NULL,
	`last_name` text NOT NULL,
	`email` text NOT NULL,
	`timezone` text,
	`state` text DEFAULT 'enabled' NOT NULL,
	`api_key` text,
	`secret_key_enc` text,
	`api_key_access` text DEFAULT 'Inherit' NOT NULL,
	`login_failures` integer DEFAULT 0 NOT NULL,
	`is_default` integer DEFAULT false NOT NULL,
	`created` integer NOT NULL,
	`removed` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_api_key` ON `users` (`api_key`);--> statement-breakpoint
CREATE INDEX `users_account` ON `users` (`account_id`);--> statement-breakpoint
CREATE INDEX `users_domain_username` ON `users` (`domain_id`,`username`);