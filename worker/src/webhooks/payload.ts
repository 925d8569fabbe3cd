/**
 * @module The body of an event delivery: CloudStack's ActionEvent description JSON (string
 * values: event, status, entity, entityuuid, description, user, account, eventDateTime
 * `yyyy-MM-dd HH:mm:ss Z`, plus one `<entity>: <uuid>` key), and flarestack's `eventid`/`domain`.
 */

export interface PayloadEvent {
	id: string;
	type: string;
	state: string;
	level: string;
	description: string;
	userId: string | null;
	accountId: string | null;
	domainId: string | null;
	resourceType: string | null;
	resourceId: string | null;
	resourceName: string | null;
	created: number;
}

/** Java's `yyyy-MM-dd HH:mm:ss Z` in UTC, e.g. 2026-12-01 19:16:04 +0000. */
export function eventDateTime(ms: number): string {
	const iso = new Date(ms).toISOString();
	return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000`;
}

export function eventPayload(event: PayloadEvent): string {
	const body: Record<string, string> = {
		eventid: event.id,
		event: event.type,
		status: event.state,
		level: event.level,
		description: event.description,
		eventDateTime: eventDateTime(event.created),
	};
	if (event.resourceType) body.entity = event.resourceType;
	if (event.resourceId) body.entityuuid = event.resourceId;
	if (event.resourceName) body.entityname = event.resourceName;
	if (event.userId) body.user = event.userId;
	if (event.accountId) body.account = event.accountId;
	if (event.domainId) body.domain = event.domainId;
	if (event.resourceType && event.resourceId) body[event.resourceType] = event.resourceId;
	return JSON.stringify(body);
}

/** CloudStack's default body for a test delivery. */
export const TEST_PAYLOAD = '{ "CloudStack": "works!" }';

/** application/json when the payload parses as JSON, else text/plain (as CloudStack does). */
export function contentTypeOf(payload: string): string {
	try {
		JSON.parse(payload);
		return "application/json; charset=UTF-8";
	} catch {
		return "text/plain; charset=UTF-8";
	}
}
