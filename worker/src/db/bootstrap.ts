/**
 * @module First-run bootstrap: the ROOT domain, the built-in roles and the `admin` account and
 * user. Fixed ids and INSERT OR IGNORE make it idempotent, so every isolate may run it once.
 */
import { BUILT_IN_ROLES, ROOT_ADMIN_ROLE_ID } from "../domain/roles";
import { hashPassword } from "../lib/crypto";
import type { Db } from "./client";
import { accounts, domains, rolePermissions, roles, users } from "./schema";

export const ROOT_DOMAIN_ID = "00000000-0000-4000-8000-0000000000d0";
export const ADMIN_ACCOUNT_ID = "00000000-0000-4000-8000-0000000000a0";
export const ADMIN_USER_ID = "00000000-0000-4000-8000-0000000000a1";

/** Creates what a new cloud needs; the admin user is created only when a password is configured. */
export async function bootstrap(db: Db, now: number, adminPassword: string | undefined): Promise<void> {
	const [admin] = await db.select({ id: users.id }).from(users).limit(1);
	if (admin) return;
	const statements = [
		db
			.insert(domains)
			.values({ id: ROOT_DOMAIN_ID, name: "ROOT", path: "/", level: 0, created: now })
			.onConflictDoNothing(),
		...BUILT_IN_ROLES.map((role) =>
			db
				.insert(roles)
				.values({
					id: role.id,
					name: role.name,
					type: role.type,
					description: role.description,
					isDefault: true,
					created: now,
				})
				.onConflictDoNothing(),
		),
		...BUILT_IN_ROLES.flatMap((role) =>
			role.rules.map((rule, index) =>
				db
					.insert(rolePermissions)
					.values({
						id: `${role.id.slice(0, 24)}${String(index).padStart(12, "0")}`,
						roleId: role.id,
						rule: rule.rule,
						permission: rule.permission,
						description: rule.description ?? "",
						sortOrder: index,
					})
					.onConflictDoNothing(),
			),
		),
	] as const;
	if (!adminPassword) {
		await db.batch(statements);
		return;
	}
	await db.batch([
		...statements,
		db
			.insert(accounts)
			.values({
				id: ADMIN_ACCOUNT_ID,
				name: "admin",
				type: 1,
				roleId: ROOT_ADMIN_ROLE_ID,
				domainId: ROOT_DOMAIN_ID,
				isDefault: true,
				created: now,
			})
			.onConflictDoNothing(),
		db
			.insert(users)
			.values({
				id: ADMIN_USER_ID,
				username: "admin",
				accountId: ADMIN_ACCOUNT_ID,
				domainId: ROOT_DOMAIN_ID,
				passwordHash: await hashPassword(adminPassword),
				firstName: "Admin",
				lastName: "User",
				email: "admin@localhost",
				isDefault: true,
				created: now,
			})
			.onConflictDoNothing(),
	]);
}
