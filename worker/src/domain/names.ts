/** @module Name rules CloudStack applies to network domains and account/user names. */

const LABEL = /^[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;

/** RFC-style network domain: labels of letters, digits and hyphens, at most 190 characters. */
export function isValidNetworkDomain(value: string): boolean {
	return value.length <= 190 && value.split(".").every((label) => LABEL.test(label));
}
