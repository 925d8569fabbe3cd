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
		created: integer().notNull(),
	},
	(t) => [
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
		created: integer().notNull(),
		completed: integer(),
	},
	(t) => [index("async_jobs_account").on(t.accountId, t.created)],
);

/** Global settings changed from their defaults; the definitions live in domain/settings.ts. */
export const configuration = sqliteTable("configuration", {
	name: text().primaryKey(),
	value: text().notNull(),
	updated: integer().notNull(),
});
