import { and, count, desc, eq, like, type SQL } from "drizzle-orm";
import { compact, csDate } from "../../api/serializers/format";
import { alerts } from "../../db/schema";
import { defineCommand } from "../define";
import { pageWindow, pagingParams } from "../list-params";
import { p } from "../param-spec";
import { alertTypeCondition } from "./alert-selection";

export const ALERT_FIELDS = {
	id: ["string", "the id of the alert"],
	type: [
		"short",
		"One of the following alert types: MEMORY = 0, CPU = 1, STORAGE = 2, STORAGE_ALLOCATED = 3, PUBLIC_IP = 4, PRIVATE_IP = 5, SECONDARY_STORAGE = 6, HOST = 7, … (see listAlertTypes)",
	],
	name: ["string", "the name of the alert"],
	description: ["string", "description of the alert"],
	sent: ["date", "the date and time the alert was sent"],
} as const;

/** Unarchived alerts, most recently raised first (CloudStack hides archived alerts). */
export const listAlerts = defineCommand({
	name: "listAlerts",
	description: "Lists all alerts.",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		id: p.uuid("the ID of the alert", { related: "listAlerts" }),
		type: p.string("list by alert type"),
		name: p.string("list by alert name", { since: "4.3" }),
		...pagingParams,
	},
	responseFields: ALERT_FIELDS,
	async handle({ params, deps }) {
		const { limit, offset } = pageWindow(params, deps.settings);
		const filters: (SQL | undefined)[] = [eq(alerts.archived, false), alertTypeCondition(params.type)];
		if (params.id) filters.push(eq(alerts.id, params.id));
		if (params.name) filters.push(eq(alerts.name, params.name.trim().toUpperCase()));
		if (params.keyword) filters.push(like(alerts.subject, `%${params.keyword}%`));
		const where = and(...filters);
		const [rows, [total]] = await Promise.all([
			deps.db
				.select()
				.from(alerts)
				.where(where)
				.orderBy(desc(alerts.lastSent), desc(alerts.id))
				.limit(limit)
				.offset(offset),
			deps.db.select({ n: count() }).from(alerts).where(where),
		]);
		const items = rows.map((alert) =>
			compact({
				id: alert.id,
				type: alert.type,
				name: alert.name,
				description: alert.subject,
				sent: csDate(alert.lastSent),
			} satisfies Record<keyof typeof ALERT_FIELDS, unknown>),
		);
		return { type: "list", name: "alert", items, count: total?.n ?? 0 };
	},
});
