import { and, count, desc, eq, gte, like, lte, ne, or, type SQL, sql } from "drizzle-orm";
import { displayPath } from "../../api/serializers/domain";
import { compact, csDate } from "../../api/serializers/format";
import { scopeCondition } from "../../db/repos/scope";
import { accounts, domains, events } from "../../db/schema";
import { defineCommand } from "../define";
import { domainScopeParams, pageWindow, pagingParams } from "../list-params";
import { p } from "../param-spec";
import { inclusiveEnd } from "./bulk-selection";

export const EVENT_FIELDS = {
	id: ["string", "the ID of the event"],
	username: ["string", "the name of the user who performed the action"],
	type: ["string", "the type of the event (see event types)"],
	level: ["string", "the event level (INFO, WARN, ERROR)"],
	description: ["string", "a brief description of the event"],
	account: ["string", "the account name for the account that owns the object being acted on in the event"],
	domainid: ["string", "the id of the account's domain"],
	domain: ["string", "the name of the account's domain"],
	domainpath: ["string", "path of the Domain the account's domain belongs to"],
	resourceid: ["string", "the id of the resource"],
	resourcetype: ["string", "the type of the resource"],
	resourcename: ["string", "the name of the resource"],
	created: ["date", "the date the event was created"],
	state: ["string", "the state of the event"],
	parentid: ["string", "whether the event is parented"],
	archived: ["boolean", "whether the event has been archived or not"],
} as const;

export const listEvents = defineCommand({
	name: "listEvents",
	description: "A command to list events.",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		id: p.uuid("the ID of the event", { related: "listEvents" }),
		type: p.string("the event type (see event types)"),
		level: p.string("the event level (INFO, WARN, ERROR)"),
		startdate: p.date(
			'the start date range of the list you want to retrieve (use format "yyyy-MM-dd" or the new format "yyyy-MM-dd HH:mm:ss")',
		),
		enddate: p.date(
			'the end date range of the list you want to retrieve (use format "yyyy-MM-dd" or the new format "yyyy-MM-dd HH:mm:ss")',
		),
		resourceid: p.string("the ID of the resource associated with the event", { since: "4.17.0" }),
		resourcetype: p.string("the type of the resource associated with the event", { since: "4.17.0" }),
		archived: p.boolean("true to list archived events otherwise false", { since: "4.19.0" }),
		state: p.string("the state of the event", { since: "4.21.0" }),
		startid: p.uuid(
			"the parent/start ID of the event, when provided this will list all the events with the start/parent ID including the parent event",
			{ related: "listEvents" },
		),
		entrytime: p.integer(
			"with duration: list the pending events, started between entrytime and duration seconds ago and not completed",
		),
		duration: p.integer("with entrytime: the minimum age in seconds of the pending events to list"),
		...domainScopeParams,
		...pagingParams,
	},
	responseFields: EVENT_FIELDS,
	async handle({ params, deps, caller }) {
		const { limit, offset } = pageWindow(params, deps.settings);
		const filters: (SQL | undefined)[] = [
			await scopeCondition(deps.db, caller, params, { accountId: events.accountId, domainId: events.domainId }),
			eq(events.archived, params.archived ?? false),
		];
		if (params.id) filters.push(eq(events.id, params.id));
		if (params.startid) {
			filters.push(
				params.id
					? eq(events.parentId, params.startid)
					: or(eq(events.parentId, params.startid), eq(events.id, params.startid)),
			);
		}
		if (params.entrytime !== undefined && params.duration !== undefined) {
			// CloudStack's pending events: a start event (no parent, not Completed) created between
			// entrytime and duration seconds ago that no Completed event names as its start.
			const now = deps.clock.now();
			filters.push(
				ne(events.state, "Completed"),
				sql`${events.parentId} IS NULL`,
				gte(events.created, now - params.entrytime * 1000),
				lte(events.created, now - params.duration * 1000),
				sql`NOT EXISTS (SELECT 1 FROM ${events} AS completed WHERE completed.parent_id = ${events.id} AND completed.state = 'Completed')`,
			);
		}
		if (params.type) filters.push(eq(events.type, params.type.toUpperCase()));
		if (params.level) filters.push(eq(events.level, params.level.toUpperCase()));
		if (params.state) filters.push(eq(events.state, params.state));
		if (params.resourceid) filters.push(eq(events.resourceId, params.resourceid));
		if (params.resourcetype) filters.push(like(events.resourceType, params.resourcetype));
		if (params.startdate !== undefined) filters.push(gte(events.created, params.startdate));
		if (params.enddate !== undefined) filters.push(lte(events.created, inclusiveEnd(params.enddate)));
		if (params.keyword) {
			const pattern = `%${params.keyword}%`;
			filters.push(or(like(events.type, pattern), like(events.description, pattern), like(events.level, pattern)));
		}
		const where = and(...filters);
		const [rows, [total]] = await Promise.all([
			deps.db
				.select({ event: events, account: accounts.name, domain: domains.name, domainPath: domains.path })
				.from(events)
				.leftJoin(accounts, eq(accounts.id, events.accountId))
				.leftJoin(domains, eq(domains.id, events.domainId))
				.where(where)
				.orderBy(desc(events.created), desc(events.id))
				.limit(limit)
				.offset(offset),
			deps.db.select({ n: count() }).from(events).where(where),
		]);
		const items = rows.map(({ event, account, domain, domainPath }) =>
			compact({
				id: event.id,
				username: event.username,
				type: event.type,
				level: event.level,
				description: event.description,
				account,
				domainid: event.domainId,
				domain,
				domainpath: domainPath ? displayPath(domainPath) : undefined,
				resourceid: event.resourceId,
				resourcetype: event.resourceType,
				resourcename: event.resourceName,
				created: csDate(event.created),
				state: event.state,
				parentid: event.parentId,
				archived: event.archived,
			} satisfies Record<keyof typeof EVENT_FIELDS, unknown>),
		);
		return { type: "list", name: "event", items, count: total?.n ?? 0 };
	},
});
