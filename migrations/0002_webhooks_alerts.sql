CREATE TABLE `alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`type` integer NOT NULL,
	`name` text NOT NULL,
	`subject` text NOT NULL,
	`description` text NOT NULL,
	`zone_id` text,
	`pod_id` text,
	`cluster_id` text,
	`archived` integer DEFAULT false NOT NULL,
	`created` integer NOT NULL,
	`last_sent` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `alerts_created` ON `alerts` (`archived`,`created`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`webhook_id` text NOT NULL,
	`event_id` text,
	`event_type` text NOT NULL,
	`state` text DEFAULT 'Pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`headers` text,
	`payload` text NOT NULL,
	`success` integer DEFAULT false NOT NULL,
	`response_status` integer,
	`response` text,
	`duration_ms` integer,
	`next_attempt` integer,
	`start_date` integer NOT NULL,
	`end_date` integer
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_webhook` ON `webhook_deliveries` (`webhook_id`,`start_date`);--> statement-breakpoint
CREATE TABLE `webhooks` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`state` text DEFAULT 'Enabled' NOT NULL,
	`scope` text DEFAULT 'Local' NOT NULL,
	`payload_url` text NOT NULL,
	`secret_key_enc` text,
	`ssl_verification` integer DEFAULT false NOT NULL,
	`event_types` text,
	`account_id` text NOT NULL,
	`domain_id` text NOT NULL,
	`created` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhooks_account` ON `webhooks` (`account_id`);--> statement-breakpoint
CREATE INDEX `webhooks_scope` ON `webhooks` (`state`,`scope`);--> statement-breakpoint
ALTER TABLE `events` ADD `published` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `events_unpublished` ON `events` (`published`,`created`);