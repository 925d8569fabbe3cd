/** @module Which form field an API error is about, so forms show a 431 next to the right input. */
import { ApiError } from "./client";

/**
 * The field named in a CloudStack error text, out of `fields` (API parameter names). The API's
 * texts name parameters as "missing parameter X", "for param: X", "parameter X value=…", or
 * mention the parameter's name as a word; the first field found wins, longest names first so that
 * `startip` beats `ip`.
 */
export function fieldOfError(error: unknown, fields: readonly string[]): string | undefined {
	if (!(error instanceof ApiError) || error.code !== 431) return undefined;
	const text = error.text.toLowerCase();
	const byLength = [...fields].sort((a, b) => b.length - a.length);
	const explicit = /(?:missing parameter|for param:?|parameter)\s+([a-z0-9_]+)/.exec(text)?.[1];
	if (explicit) {
		const hit = byLength.find((field) => field.toLowerCase() === explicit);
		if (hit) return hit;
	}
	return byLength.find((field) => new RegExp(`\\b${field.toLowerCase()}\\b`).test(text));
}

/** The text to show for any failure: the API's errortext, or a generic line for a bug. */
export function errorText(error: unknown): string {
	if (error instanceof ApiError) return error.text;
	return "Something went wrong in the console; the request may not have been sent.";
}
