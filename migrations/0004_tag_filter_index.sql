DROP INDEX `resource_tags_key_value`;--> statement-breakpoint
CREATE INDEX `resource_tags_key_value` ON `resource_tags` (`resource_type`,`key`,`value`,`resource_id`);