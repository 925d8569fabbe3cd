/**
 * @module The parameter rules createZone and updateZone share (ConfigurationManagerImpl's
 * checkZoneParameters): network type, DNS addresses, guest CIDR, network domain, unique name.
 * Every failure is CloudStack's 431 with its own wording.
 */
import { and, ne } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import type { Db } from "../../db/client";
import { zones } from "../../db/schema";
import { eqNoCase } from "../../db/text-match";
import { networkOf, parseCidr, parseIpv4 } from "../../domain/ipv4";
import { isValidNetworkDomain } from "../../domain/names";

export type NetworkType = "Basic" | "Advanced";

/** `Basic` or `Advanced`, matched case-insensitively as CloudStack does. */
export function parseNetworkType(raw: string): NetworkType {
	const value = raw.trim().toLowerCase();
	if (value === "basic") return "Basic";
	if (value === "advanced") return "Advanced";
	throw new CsError(ERROR.paramError, "Invalid zone type; only Advanced and Basic values are supported");
}

function invalid(text: string): CsError {
	return new CsError(ERROR.paramError, text);
}

/**
 * An optional DNS address: undefined stays undefined (not given), an empty string means "none"
 * (CloudStack accepts it), anything else must be a dotted-quad IPv4 address.
 */
export function ipv4Setting(value: string | undefined, label: string): string | null | undefined {
	if (value === undefined) return undefined;
	const text = value.trim();
	if (text === "") return null;
	if (parseIpv4(text) === null) throw invalid(`Please enter a valid IP address for ${label}`);
	return text;
}

/** A DNS address the zone must have (dns1, internaldns1). */
export function requiredIpv4(value: string, label: string): string {
	const parsed = ipv4Setting(value, label);
	if (!parsed) throw invalid(`Please enter a valid IP address for ${label}`);
	return parsed;
}

const IPV6_CHARS = /^[0-9a-fA-F:.]+$/;

/** Whether `text` is an IPv6 address (the URL parser is the platform's own validator). */
export function isIpv6(text: string): boolean {
	if (!text.includes(":") || !IPV6_CHARS.test(text)) return false;
	try {
		new URL(`http://[${text}]/`);
		return true;
	} catch {
		return false;
	}
}

export function ipv6Setting(value: string | undefined, label: string): string | null | undefined {
	if (value === undefined) return undefined;
	const text = value.trim();
	if (text === "") return null;
	if (!isIpv6(text)) throw invalid(`Please enter a valid IPv6 address for ${label}`);
	return text;
}

// RFC 1918 blocks: CloudStack's NetUtils.validateGuestCidr accepts a guest CIDR only inside one.
const PRIVATE_BLOCKS = [
	{ network: 0x0a000000, bits: 8 },
	{ network: 0xac100000, bits: 12 },
	{ network: 0xc0a80000, bits: 16 },
];

/** The guest CIDR of an advanced zone: a valid CIDR inside the RFC 1918 private space. */
export function guestCidrSetting(value: string | undefined, networkType: NetworkType): string | null | undefined {
	if (value === undefined) return undefined;
	const text = value.trim();
	if (text === "") return null;
	if (networkType === "Basic") {
		throw invalid(
			"guestcidraddress can be set only for Advanced zones; a Basic zone's guest addresses come from its pods",
		);
	}
	const cidr = parseCidr(text);
	const inside =
		cidr !== null &&
		PRIVATE_BLOCKS.some((block) => cidr.bits >= block.bits && networkOf(cidr.network, block.bits) === block.network);
	if (!inside) throw invalid("Please enter a valid guest cidr");
	return text;
}

/** The zone's network domain (`domain`), with CloudStack's wording for a bad one. */
export function networkDomainSetting(value: string | undefined): string | null | undefined {
	if (value === undefined) return undefined;
	const text = value.trim();
	if (text === "") return null;
	if (!isValidNetworkDomain(text)) {
		throw invalid(
			"Invalid network domain. Total length shouldn't exceed 190 chars. Each domain label must be between 1 and 63 characters long, can contain ASCII letters 'a' through 'z', the digits '0' through '9', and the hyphen ('-'); can't start or end with \"-\"; can't start with digit",
		);
	}
	return text;
}

/** 431 when another zone already has this name (ignoring case); `exceptId` is the zone being renamed. */
export async function assertZoneNameFree(db: Db, name: string, exceptId?: string): Promise<void> {
	const clash = await db
		.select({ id: zones.id })
		.from(zones)
		.where(and(eqNoCase(zones.name, name), exceptId ? ne(zones.id, exceptId) : undefined))
		.get();
	if (clash) throw invalid("A zone with that name already exists. Please specify a unique zone name.");
}

/** A zone name: trimmed and not empty. */
export function zoneName(raw: string): string {
	const name = raw.trim();
	if (name === "") throw invalid("Please specify a valid zone name");
	return name;
}

/** D1's error for a write that broke a unique index (a concurrent create with the same name). */
export function isUniqueViolation(error: unknown): boolean {
	return error instanceof Error && /UNIQUE constraint failed/i.test(`${error.message} ${String(error.cause ?? "")}`);
}
