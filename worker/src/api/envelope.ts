/**
 * @module CloudStack's response envelopes in JSON and XML: `<command>response` around a single
 * object, a list (`count` = total matches; an empty list is `{}`), `success`, or an error.
 */
import { XMLBuilder } from "fast-xml-parser";
import type { CommandResult } from "../commands/types";
import type { CsError } from "./errors";

export type Format = "json" | "xml";

/** The version clients see in listCapabilities and the XML root attribute. */
export const CLOUDSTACK_VERSION = "4.22.0.0";

const JSON_TYPE = "application/json; charset=UTF-8";
const XML_TYPE = "text/xml; charset=UTF-8";

const xml = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@_" });

/** The body under the envelope key for a command's result. */
export function resultBody(result: CommandResult): Record<string, unknown> {
	switch (result.type) {
		case "object":
			return { [result.name]: result.value };
		case "list":
			if (result.count === 0) return {};
			if (result.items.length === 0) return { count: result.count };
			return { count: result.count, [result.name]: result.items };
		case "success":
			return result.displaytext ? { success: true, displaytext: result.displaytext } : { success: true };
		case "fields":
			return result.value;
		case "job":
			return result.id === undefined ? { jobid: result.jobid } : { id: result.id, jobid: result.jobid };
	}
}

/** The error body CloudStack sends: `uuidList`, `errorcode`, optional `cserrorcode`, `errortext`. */
export function errorBody(error: CsError): Record<string, unknown> {
	return {
		uuidList: [],
		errorcode: error.code,
		...(error.csCode === undefined ? {} : { cserrorcode: error.csCode }),
		errortext: error.message,
	};
}

/** Serialises an envelope; `versioned` adds the XML root's `cloud-stack-version` (authenticated callers). */
export function render(
	envelope: string,
	body: Record<string, unknown>,
	format: Format,
	status = 200,
	versioned = false,
): Response {
	if (format === "json") {
		return new Response(JSON.stringify({ [envelope]: body }), {
			status,
			headers: { "content-type": JSON_TYPE },
		});
	}
	const root = versioned ? { "@_cloud-stack-version": CLOUDSTACK_VERSION, ...body } : body;
	const text = `<?xml version="1.0" encoding="UTF-8"?>${xml.build({ [envelope]: root })}`;
	return new Response(text, { status, headers: { "content-type": XML_TYPE } });
}

/** `<command lower-cased>response`, or CloudStack's irregular name. */
export function envelopeName(command: string, override?: string): string {
	return override ?? `${command.toLowerCase()}response`;
}
