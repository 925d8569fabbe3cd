/** @module What the disk and service offering responses share: the domains and zones an offering is restricted to. */

/** CloudStack describes these the same way for both kinds of offering (as a disk offering's). */
export const OFFERING_SCOPE_FIELDS = {
	domainid: [
		"string",
		"the domain ID(s) this disk offering belongs to. Ignore this information as it is not currently applicable.",
	],
	domain: [
		"string",
		"the domain name(s) this disk offering belongs to. Ignore this information as it is not currently applicable.",
	],
	zoneid: [
		"string",
		"the zone ID(s) this disk offering belongs to. Ignore this information as it is not currently applicable.",
	],
	zone: [
		"string",
		"the zone name(s) this disk offering belongs to. Ignore this information as it is not currently applicable.",
	],
} as const;

/** An offering's domains and zones, ids and names each comma separated (absent when unrestricted). */
export interface OfferingScopeRefs {
	domains: { ids: string | undefined; names: string | undefined };
	zones: { ids: string | undefined; names: string | undefined };
}

/** The {@link OFFERING_SCOPE_FIELDS} values of a response. */
export function offeringScope(refs: OfferingScopeRefs) {
	return {
		domainid: refs.domains.ids,
		domain: refs.domains.names,
		zoneid: refs.zones.ids,
		zone: refs.zones.names,
	} satisfies Record<keyof typeof OFFERING_SCOPE_FIELDS, unknown>;
}
