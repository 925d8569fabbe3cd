/** @module Which field of a wizard step a failed launch call is about. */
import { ApiError } from "../../api/client";
import { fieldOfError } from "../../api/errors";
import type { FormStep, Values } from "./steps";

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The field to show a 431 on: the step's own reading of CloudStack's texts first, then a value the
 * user typed that the text quotes back ("The IP 10.1.1.20 is not in the subnet … of the gateway
 * 10.1.0.1": the first value quoted is the culprit), then a parameter the text names.
 * Undefined: the error belongs to the form as a whole.
 */
export function fieldOfFailure(step: FormStep, error: unknown, values: Values): string | undefined {
	if (!(error instanceof ApiError) || error.code !== 431) return undefined;
	const named = step.fieldOf?.(error.text);
	if (named) return named;
	let first: { field: string; at: number } | undefined;
	for (const field of step.fields) {
		const value = values[field.name]?.trim() ?? "";
		if (field.secret || value.length < 2) continue;
		const at = new RegExp(`(?<![\\w.])${literal(value)}(?![\\w]|\\.\\w)`, "i").exec(error.text)?.index;
		if (at !== undefined && (!first || at < first.at)) first = { field: field.name, at };
	}
	return (
		first?.field ??
		fieldOfError(
			error,
			step.fields.map((field) => field.name),
		)
	);
}
