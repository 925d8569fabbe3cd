/**
 * @module Which webhooks an event goes to (CloudStack's WebhookServiceImpl matching): Enabled
 * webhooks of scope Global; Local when the webhook's account owns the event; Domain when the
 * webhook's domain is the event's domain or one of its ancestors; then the optional type filter.
 */

export interface MatchableWebhook {
	state: string;
	scope: string;
	accountId: string;
	/** The webhook domain's path ("/" for ROOT, "/a/b/" below it). */
	domainPath: string;
	/** Comma-separated event types (a trailing `*` matches a prefix); null or empty = every type. */
	eventTypes: string | null;
}

export interface MatchableEvent {
	type: string;
	accountId: string | null;
	/** The event domain's path, or null when the event has no domain. */
	domainPath: string | null;
}

/** Whether an event type passes a webhook's filter (case-insensitive; `VM.*` matches `VM.START`). */
export function typeMatches(filter: string | null, type: string): boolean {
	const entries = (filter ?? "")
		.split(",")
		.map((t) => t.trim().toUpperCase())
		.filter((t) => t !== "");
	if (entries.length === 0) return true;
	const upper = type.toUpperCase();
	return entries.some((entry) => (entry.endsWith("*") ? upper.startsWith(entry.slice(0, -1)) : upper === entry));
}

export function webhookMatches(webhook: MatchableWebhook, event: MatchableEvent): boolean {
	if (webhook.state !== "Enabled") return false;
	let inScope = false;
	if (webhook.scope === "Global") inScope = true;
	else if (webhook.scope === "Local") inScope = event.accountId !== null && webhook.accountId === event.accountId;
	else if (webhook.scope === "Domain") inScope = event.domainPath?.startsWith(webhook.domainPath) ?? false;
	return inScope && typeMatches(webhook.eventTypes, event.type);
}
