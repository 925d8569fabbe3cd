/**
 * @module CloudStack's checksum forms for registerTemplate/registerIso: a bare 32-hex digest is
 * MD5 (the historical form), `{ALGO}hex` names the algorithm. Pure: the relay agent gets the
 * parsed form, so it never guesses.
 */
import type { Checksum } from "@flarestack/protocol";

type Algorithm = Checksum["algorithm"];

/** CloudStack's names (upper-cased, as `{SHA-256}` is written) → ours, with the hex length. */
const ALGORITHMS: Record<string, { algorithm: Algorithm; hexLength: number }> = {
	MD5: { algorithm: "md5", hexLength: 32 },
	"SHA-1": { algorithm: "sha1", hexLength: 40 },
	"SHA-256": { algorithm: "sha256", hexLength: 64 },
	"SHA-512": { algorithm: "sha512", hexLength: 128 },
};

const FORMS = "a 32-digit MD5 hex digest, or {MD5}, {SHA-1}, {SHA-256} or {SHA-512} followed by the hex digest";

/** The parsed checksum, or the reason it is not one (the caller turns it into a 431). */
export function parseChecksum(raw: string): { ok: true; value: Checksum } | { ok: false; text: string } {
	const text = raw.trim();
	const match = /^\{([A-Za-z0-9-]+)\}(.*)$/.exec(text);
	const name = match ? (match[1] ?? "").toUpperCase() : "MD5";
	const hex = (match ? (match[2] ?? "") : text).trim().toLowerCase();
	const known = ALGORITHMS[name];
	if (!known) return { ok: false, text: `Unsupported checksum algorithm ${match?.[1]}: use ${FORMS}` };
	if (!/^[0-9a-f]+$/.test(hex) || hex.length !== known.hexLength) {
		return {
			ok: false,
			text: `Invalid checksum ${raw}: a ${name} digest is ${known.hexLength} hex digits (${FORMS})`,
		};
	}
	return { ok: true, value: { algorithm: known.algorithm, hex } };
}
