/** @module Which form field an API error is about, so forms show a 431 next to the right input. */
import { ApiError } from "./client";

/**
 * The field named in a CloudStack error text, out of `fields` (API parameter names). The API's
 * texts name parameters as "missing parameter X", "for param: X", "parameter X value=…"; failing
 * that, the field whose name appears first as a word ("Invalid URL: … is an internal name" is about
 * the URL), the longest name on a tie so that `startip` beats `ip`.
 */
export function fieldOfError(error: unknown, fields: readonly string[]): string | undefined {
	if (!(error instanceof ApiError) || error.code !== 431) return undefined;
	const text = error.text.toLowerCase();
	const explicit = /(?:missing parameter|for param:?|parameter)\s+([a-z0-9_]+)/.exec(text)?.[1];
	const named = fields.find((field) => field.toLowerCase() === explicit);
	if (named) return named;
	let best: { field: string; at: number } | undefined;
	for (const field of fields) {
		const at = text.search(new RegExp(`\\b${field.toLowerCase()}\\b`));
		if (at < 0) continue;
		if (!best || at < best.at || (at === best.at && field.length > best.field.length)) best = { field, at };
	}
	return best?.field;
}

/** The text to show for any failure: the API's errortext, or a generic line for a bug. */
export function errorText(error: unknown): string {
	if (error instanceof ApiError) return error.text;
	return "Something went wrong in the console; the request may not have been sent.";
}
