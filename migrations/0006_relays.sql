CREATE TABLE `relay_enrollment_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`zone_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`created` integer NOT NULL,
	`expires` integer NOT NULL,
	`used_at` integer,
	`created_by` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `relay_enrollment_tokens_hash` ON `relay_enrollment_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `relay_enrollment_tokens_zone` ON `relay_enrollment_tokens` (`zone_id`);--> statement-breakpoint
CREATE TABLE `relay_jwt_ids` (
	`relay_id` text NOT NULL,
	`jti` text NOT NULL,
	`expires` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `relay_jwt_ids_relay_jti` ON `relay_jwt_ids` (`relay_id`,`jti`);--> statement-breakpoint
CREATE INDEX `relay_jwt_ids_expires` ON `relay_jwt_ids` (`expires`);--> statement-breakpoint
CREATE TABLE `relays` (
	`id` text PRIMARY KEY NOT NULL,
	`zone_id` text NOT NULL,
	`name` text NOT NULL,
	`public_key_jwk` text NOT NULL,
	`state` text DEFAULT 'Enabled' NOT NULL,
	`created` integer NOT NULL,
	`enrolled_from` text NOT NULL,
	`last_seen` integer,
	`revoked` integer
);
--> statement-breakpoint
CREATE INDEX `relays_zone` ON `relays` (`zone_id`,`created`);