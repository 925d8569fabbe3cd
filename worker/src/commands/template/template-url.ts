/**
 * @module The registerTemplate/registerIso URL rules checked before anything is stored: http or
 * https, a host, at most 2048 characters, and no literal address inside
 * `template.download.denied.cidrs`. Names are resolved and checked again by the relay agent, on
 * the address it connects to (a DNS answer here would prove nothing about the site's view).
 */
import { CsError, ERROR } from "../../api/errors";
import type { Settings } from "../../domain/settings";
import { addressInCidr } from "../../webhooks/egress";

const MAX_URL_LENGTH = 2048;

/** The URL as given (trimmed), or a 431 saying which rule it breaks. */
export function checkImageUrl(raw: string, settings: Settings): string {
	const text = raw.trim();
	if (text.length > MAX_URL_LENGTH) {
		throw new CsError(ERROR.paramError, `The URL is longer than ${MAX_URL_LENGTH} characters`);
	}
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw new CsError(ERROR.paramError, `Invalid URL ${text}: expected http://host/path or https://host/path`);
	}
	if (url.protocol !== "http:" && url.protocol !== "https:") {
		throw new CsError(
			ERROR.paramError,
			`Unsupported scheme for url ${text}: only http and https downloads are allowed`,
		);
	}
	if (!url.hostname) throw new CsError(ERROR.paramError, `The URL ${text} has no host`);
	const denied = settings
		.get("template.download.denied.cidrs")
		.split(",")
		.map((c) => c.trim())
		.filter((c) => c !== "");
	const hit = denied.find((cidr) => addressInCidr(url.hostname, cidr));
	if (hit) {
		throw new CsError(
			ERROR.paramError,
			`The URL ${text} points at ${url.hostname}, inside ${hit}, which template.download.denied.cidrs refuses`,
		);
	}
	return text;
}
