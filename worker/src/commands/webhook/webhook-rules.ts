/** @module What createWebhook and updateWebhook accept, and who may see or change a webhook. */
import { and, eq, inArray, isNull, ne, or, type SQL } from "drizzle-orm";
import { CsError, ERROR, invalidParam, permissionDenied } from "../../api/errors";
import { serializeWebhook, type WebhookRow } from "../../api/serializers/webhook";
import type { Db } from "../../db/client";
import { subtreeCondition } from "../../db/repos/domains";
import { accounts, domains, webhooks } from "../../db/schema";
import {
	type AccountTarget,
	type Caller,
	canManageAccount,
	canSeeAccount,
	isDomainScopedAdmin,
	isRootAdmin,
} from "../../domain/access";
import { ACCOUNT_TYPE } from "../../domain/roles";

export const WEBHOOK_RELATED = ["createWebhook", "listWebhooks", "updateWebhook"] as const;

export const WEBHOOK_STATES = ["Enabled", "Disabled"] as const;
export const WEBHOOK_SCOPES = ["Local", "Domain", "Global"] as const;
export type WebhookScope = (typeof WEBHOOK_SCOPES)[number];

/** CloudStack's enum names, accepted in any letter case. */
function oneOf<T extends string>(values: readonly T[], raw: string, what: string): T {
	const found = values.find((v) => v.toLowerCase() === raw.trim().toLowerCase());
	if (!found) throw new CsError(ERROR.paramError, `Invalid ${what} specified`);
	return found;
}

export function parseState(raw: string): (typeof WEBHOOK_STATES)[number] {
	return oneOf(WEBHOOK_STATES, raw, "state");
}

export function parseScope(raw: string): WebhookScope {
	return oneOf(WEBHOOK_SCOPES, raw, "scope");
}

/** Global webhooks belong to root admins, Domain ones to root or domain admins (CloudStack's rule). */
export function checkScopeForOwner(scope: WebhookScope, owner: { name: string; type: number }): void {
	const allowed =
		scope === "Local" ||
		(scope === "Domain" && (owner.type === ACCOUNT_TYPE.rootAdmin || owner.type === ACCOUNT_TYPE.domainAdmin)) ||
		(scope === "Global" && owner.type === ACCOUNT_TYPE.rootAdmin);
	if (!allowed) throw new CsError(ERROR.paramError, `Scope ${scope} can not be specified for owner ${owner.name}`);
}

/** A dotted type such as VM.CREATE, or a prefix ending in `.*` (VM.*) that the matcher treats as a wildcard. */
const EVENT_TYPE = /^(\*|[A-Z0-9_-]+(\.[A-Z0-9_-]+)*(\.\*)?)$/;

/** `eventtypes`: a comma list stored upper-cased and de-duplicated; empty means every event (null). */
export function parseEventTypes(list: string): string | null {
	const types = [
		...new Set(
			list
				.split(",")
				.map((t) => t.trim().toUpperCase())
				.filter((t) => t !== ""),
		),
	];
	for (const type of types) {
		if (!EVENT_TYPE.test(type)) throw new CsError(ERROR.paramError, `Invalid event type ${type} in eventtypes`);
	}
	return types.length ? types.join(",") : null;
}

export function checkSslVerification(payloadUrl: string, sslVerification: boolean): void {
	if (sslVerification && !payloadUrl.toLowerCase().startsWith("https://")) {
		throw new CsError(ERROR.paramError, `SSL verification can be specified only for HTTPS URLs, ${payloadUrl}`);
	}
}

/** The same payload URL may not serve two webhooks of one owner. */
export async function checkPayloadUrlFree(
	db: Db,
	accountId: string,
	payloadUrl: string,
	exceptId?: string,
): Promise<void> {
	const [other] = await db
		.select({ id: webhooks.id })
		.from(webhooks)
		.where(
			and(
				eq(webhooks.accountId, accountId),
				eq(webhooks.payloadUrl, payloadUrl),
				exceptId ? ne(webhooks.id, exceptId) : undefined,
			),
		)
		.limit(1);
	if (other) throw new CsError(ERROR.paramError, "Payload URL is already in use by another webhook");
}

export interface WebhookWithOwner {
	webhook: WebhookRow;
	owner: AccountTarget & { name: string };
	domainName: string | null;
}

/** The webhook named by a parameter with its owner, or CloudStack's 431 when it does not exist. */
export async function requireWebhook(db: Db, id: string, param = "id"): Promise<WebhookWithOwner> {
	const [row] = await db
		.select({
			webhook: webhooks,
			accountName: accounts.name,
			accountType: accounts.type,
			domainName: domains.name,
			domainPath: domains.path,
		})
		.from(webhooks)
		.leftJoin(accounts, eq(accounts.id, webhooks.accountId))
		.leftJoin(domains, eq(domains.id, webhooks.domainId))
		.where(eq(webhooks.id, id))
		.limit(1);
	if (!row) throw invalidParam(param, id);
	return {
		webhook: row.webhook,
		owner: {
			id: row.webhook.accountId,
			name: row.accountName ?? "",
			type: row.accountType ?? ACCOUNT_TYPE.user,
			domainPath: row.domainPath ?? "/",
		},
		domainName: row.domainName,
	};
}

/** A webhook the caller may see (CloudStack's ListEntry access), else 531. */
export async function visibleWebhook(db: Db, caller: Caller, id: string, param = "id"): Promise<WebhookWithOwner> {
	const found = await requireWebhook(db, id, param);
	if (!canSeeAccount(caller, found.owner)) {
		throw permissionDenied(`The caller does not have permission to access webhook ${id}`);
	}
	return found;
}

/** A webhook the caller may change: its owner's users or an admin who manages the owner account. */
export async function managedWebhook(db: Db, caller: Caller, id: string, param = "id"): Promise<WebhookWithOwner> {
	const found = await requireWebhook(db, id, param);
	if (found.owner.id !== caller.accountId && !canManageAccount(caller, found.owner)) {
		throw permissionDenied(`The caller does not have permission to change webhook ${id}`);
	}
	return found;
}

/**
 * The webhooks a caller may change, as a condition on `webhooks` (undefined: all of them). The
 * SQL form of `managedWebhook`'s rule, for bulk deletes.
 */
export function manageableWebhooksCondition(db: Db, caller: Caller): SQL | undefined {
	if (isRootAdmin(caller)) return undefined;
	const own = eq(webhooks.accountId, caller.accountId);
	if (!isDomainScopedAdmin(caller)) return own;
	const types: number[] = [ACCOUNT_TYPE.user, ACCOUNT_TYPE.domainAdmin];
	if (caller.accountType === ACCOUNT_TYPE.resourceAdmin) types.push(ACCOUNT_TYPE.resourceAdmin);
	const inSubtree = db.select({ id: domains.id }).from(domains).where(subtreeCondition(caller.domainPath));
	return or(
		own,
		inArray(
			webhooks.accountId,
			db
				.select({ id: accounts.id })
				.from(accounts)
				.where(and(inArray(accounts.type, types), inArray(accounts.domainId, inSubtree), isNull(accounts.removed))),
		),
	);
}

/** The `webhook` response for a stored row. */
export async function webhookResponse(db: Db, id: string): Promise<Record<string, unknown>> {
	const { webhook, owner, domainName } = await requireWebhook(db, id);
	return serializeWebhook(webhook, { account: owner.name, domain: domainName, domainPath: owner.domainPath });
}
