/**
 * @module Printing a response: JSON (the inner object, as cloudmonkey prints it), a table
 * (cli-table3), CSV (csv-stringify) or plain `key = value` text; `--filter` keeps the named fields
 * of each item.
 */
import Table from "cli-table3";
import { stringify } from "csv-stringify/sync";
import type { Json } from "./client.ts";
import type { OutputFormat } from "./config.ts";

/** A response seen as rows: a list (`{count, zone: […]}`), one object (`{zone: {…}}`) or flat. */
type Shape =
	| { kind: "list"; key: string; count: unknown; rows: Json[] }
	| { kind: "object"; key: string; rows: [Json] }
	| { kind: "flat"; rows: Json[] };

const isObject = (value: unknown): value is Json =>
	typeof value === "object" && value !== null && !Array.isArray(value);

export function shape(inner: Json): Shape {
	const keys = Object.keys(inner).filter((k) => k !== "count");
	const listKey = keys.find((k) => Array.isArray(inner[k]) && (inner[k] as unknown[]).every(isObject));
	if (listKey && keys.length === 1) {
		return { kind: "list", key: listKey, count: inner.count, rows: inner[listKey] as Json[] };
	}
	// An empty list is `{}`, a page past the end `{count: n}`.
	if (keys.length === 0) return { kind: "list", key: "", count: inner.count, rows: [] };
	const only = keys.length === 1 ? keys[0] : undefined;
	if (only !== undefined && isObject(inner[only])) return { kind: "object", key: only, rows: [inner[only] as Json] };
	return { kind: "flat", rows: [inner] };
}

/** Keeps the named fields (matched case-insensitively), in the order asked. */
function pick(row: Json, fields: string[]): Json {
	const out: Json = {};
	const byLower = new Map(Object.keys(row).map((k) => [k.toLowerCase(), k]));
	for (const field of fields) {
		const key = byLower.get(field.toLowerCase());
		if (key !== undefined) out[key] = row[key];
	}
	return out;
}

function columns(rows: Json[], fields: string[] | undefined): string[] {
	if (fields?.length) {
		// The response's spelling when some row has the field, else as asked.
		return fields.map((f) => {
			for (const row of rows) {
				const key = Object.keys(row).find((k) => k.toLowerCase() === f.toLowerCase());
				if (key) return key;
			}
			return f;
		});
	}
	const seen = new Set<string>();
	for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
	return [...seen];
}

function cell(value: unknown): string {
	if (value === undefined || value === null) return "";
	if (typeof value === "object") return JSON.stringify(value);
	return String(value);
}

/** The text for stdout (ends with a newline unless empty). */
export function render(inner: Json, format: OutputFormat, fields?: string[]): string {
	const s = shape(inner);
	const rows = fields?.length ? s.rows.map((r) => pick(r, fields)) : s.rows;
	switch (format) {
		case "json": {
			let value: unknown;
			if (!fields?.length) value = inner;
			else if (s.kind === "list") value = s.rows.length ? { count: s.count, [s.key]: rows } : inner;
			else if (s.kind === "object") value = { [s.key]: rows[0] };
			else value = rows[0];
			return `${JSON.stringify(value, null, 2)}\n`;
		}
		case "table": {
			if (!rows.length) return "";
			const head = columns(rows, fields);
			const table = new Table({
				head,
				// No colours; a rule under the header only, not between rows.
				style: { head: [], border: [], compact: true },
			});
			for (const row of rows) table.push(head.map((h) => cell(row[h])));
			return `${table.toString()}\n`;
		}
		case "csv": {
			if (!rows.length && !fields?.length) return "";
			const head = columns(rows, fields);
			return stringify(
				rows.map((row) => head.map((h) => cell(row[h]))),
				{ header: true, columns: head },
			);
		}
		case "text": {
			const blocks = rows.map((row) =>
				Object.entries(row)
					.map(([k, v]) => `${k} = ${cell(v)}`)
					.join("\n"),
			);
			return blocks.length ? `${blocks.join(`\n${"=".repeat(40)}\n`)}\n` : "";
		}
	}
}
