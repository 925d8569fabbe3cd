CREATE INDEX `alerts_type_subject` ON `alerts` (`type`,`subject`,`last_sent`);--> statement-breakpoint
CREATE INDEX `alerts_last_sent` ON `alerts` (`last_sent`);