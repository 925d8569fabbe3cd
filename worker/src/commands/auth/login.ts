import { and, eq, isNull, sql } from "drizzle-orm";
import { sessionCookies } from "../../api/cookies";
import { CsError, ERROR } from "../../api/errors";
import { eventInsert } from "../../db/events";
import { domainByPath, findDomain } from "../../db/repos/domains";
import { countSourceFailure, sourceIsThrottled } from "../../db/repos/login-throttle";
import { accounts, sessions, users } from "../../db/schema";
import { hashPassword, verifyPassword } from "../../lib/crypto";
import { randomToken } from "../../lib/ids";
import { defineCommand } from "../define";
import { p } from "../param-spec";

// Verifying against this when the user does not exist keeps failed logins equally slow.
const decoyHash = hashPassword("flarestack-decoy-password");

function failed(username: string, domainId: string): CsError {
	return new CsError(
		ERROR.account,
		`Failed to authenticate user ${username} in domain ${domainId}; please provide valid credentials`,
		{ csCode: null },
	);
}

export const login = defineCommand({
	name: "login",
	description:
		'Logs a user into the CloudStack. A successful login attempt will generate a JSESSIONID cookie value that can be passed in subsequent Query command calls until the "logout" command has been issued or the session has expired.',
	access: "session",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		username: p.string("Username", { required: true }),
		password: p.string(
			"Hashed password (Default is MD5). If you wish to use any other hashing algorithm, you would need to write a custom authentication adapter See Docs section.",
			{ required: true },
		),
		domain: p.string(
			"Path of the domain that the user belongs to. Example: domain=/com/cloud/internal. If no domain is passed in, the ROOT (/) domain is assumed.",
		),
		domainId: p.uuid(
			'The id of the domain that the user belongs to. If both domain and domainId are passed in, "domainId" parameter takes precedence.',
		),
	},
	responseFields: {
		username: ["string", "Username"],
		userid: ["string", "User ID"],
		domainid: ["string", "Domain ID that the user belongs to"],
		timeout: ["integer", "the time period before the session has expired"],
		account: ["string", "the account name the user belongs to"],
		firstname: ["string", "first name of the user"],
		lastname: ["string", "last name of the user"],
		type: ["string", "the account type (admin, domain-admin, read-only-admin, user)"],
		timezone: ["string", "user time zone"],
		timezoneoffset: ["string", "user time zoneoffset"],
		registered: ["string", "Is user registered"],
		sessionkey: ["string", "Session key that can be passed in subsequent Query command calls"],
		is2faenabled: ["string", "Is two factor authentication enabled"],
		is2faverified: ["string", "Is two factor authentication verified"],
	},
	async handle({ params, deps, request, cookies }) {
		if (request.method !== "POST") {
			throw new CsError(ERROR.methodNotAllowed, "Please use HTTP POST to authenticate using this API", {
				csCode: null,
			});
		}
		const now = deps.clock.now();
		if (await sourceIsThrottled(deps.db, request.sourceIp, now, deps.settings)) {
			throw new CsError(ERROR.tooManyRequests, "Too many failed login attempts from this address; try again later", {
				csCode: null,
			});
		}
		const domain = params.domainId
			? await findDomain(deps.db, params.domainId)
			: await domainByPath(deps.db, params.domain ?? "/");
		const domainLabel = domain?.id ?? params.domainId ?? params.domain ?? "/";
		const [found] = domain
			? await deps.db
					.select({ user: users, account: accounts })
					.from(users)
					.innerJoin(accounts, eq(accounts.id, users.accountId))
					.where(
						and(
							eq(users.domainId, domain.id),
							eq(users.username, params.username),
							isNull(users.removed),
							isNull(accounts.removed),
						),
					)
					.limit(1)
			: [];
		const passwordOk = await verifyPassword(params.password, found?.user.passwordHash ?? (await decoyHash));
		if (!found || !domain) {
			await countSourceFailure(deps.db, request.sourceIp, now, deps.settings);
			throw failed(params.username, domainLabel);
		}
		const { user, account } = found;
		if (!passwordOk) {
			const allowed = deps.settings.int("incorrect.login.attempts.allowed");
			const disable = user.state === "enabled" && user.loginFailures + 1 >= allowed;
			const owner = { userId: user.id, username: user.username, accountId: account.id, domainId: domain.id };
			await deps.db.batch([
				countSourceFailure(deps.db, request.sourceIp, now, deps.settings),
				deps.db
					.update(users)
					.set({ loginFailures: sql`${users.loginFailures} + 1`, ...(disable ? { state: "disabled" } : {}) })
					.where(eq(users.id, user.id)),
				eventInsert(deps.db, now, null, {
					type: disable ? "USER.DISABLE" : "USER.LOGIN",
					level: disable ? "WARN" : "ERROR",
					description: disable
						? `User ${user.username} disabled after ${allowed} failed login attempts`
						: `Failed login attempt for user ${user.username}`,
					resourceType: "User",
					resourceId: user.id,
					resourceName: user.username,
					owner,
				}),
			]);
			throw failed(params.username, domainLabel);
		}
		if (user.state !== "enabled" || account.state !== "enabled") throw failed(params.username, domainLabel);
		const sessionId = randomToken(24);
		const sessionKey = randomToken(20);
		await deps.db.batch([
			// Logging in ends the session the browser already had, as CloudStack does.
			deps.db.delete(sessions).where(eq(sessions.id, cookies.JSESSIONID ?? "")),
			deps.db.insert(sessions).values({ id: sessionId, sessionKey, userId: user.id, created: now, lastSeen: now }),
			deps.db.update(users).set({ loginFailures: 0 }).where(eq(users.id, user.id)),
			eventInsert(deps.db, now, null, {
				type: "USER.LOGIN",
				description: `user has logged in from IP Address ${request.sourceIp}`,
				resourceType: "User",
				resourceId: user.id,
				resourceName: user.username,
				owner: { userId: user.id, username: user.username, accountId: account.id, domainId: domain.id },
			}),
		]);
		return {
			type: "fields",
			value: {
				username: user.username,
				userid: user.id,
				domainid: domain.id,
				timeout: deps.settings.int("session.timeout"),
				account: account.name,
				firstname: user.firstName,
				lastname: user.lastName,
				type: String(account.type),
				timezone: user.timezone ?? undefined,
				registered: "false",
				sessionkey: sessionKey,
				is2faenabled: "false",
				is2faverified: "false",
			},
			setCookies: sessionCookies(sessionId, sessionKey, request.secure),
		};
	},
});
