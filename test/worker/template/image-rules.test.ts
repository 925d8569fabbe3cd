/**
 * The pure rules behind registerTemplate/registerIso: CloudStack's checksum forms and the URL
 * checks made before anything is stored (scheme, host, length, literal addresses in the deny list).
 */
import { describe, expect, it } from "vitest";
import { CsError } from "../../../worker/src/api/errors";
import { checkImageUrl } from "../../../worker/src/commands/template/template-url";
import { parseChecksum } from "../../../worker/src/domain/checksum";
import { settingsFrom } from "../../../worker/src/domain/settings";
import { addressInCidr } from "../../../worker/src/webhooks/egress";

const md5 = "d41d8cd98f00b204e9800998ecf8427e";
const sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
const sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const sha512 =
	"cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e";

describe("parseChecksum", () => {
	it.each([
		[md5, "md5", md5],
		[`{MD5}${md5}`, "md5", md5],
		[`{SHA-1}${sha1}`, "sha1", sha1],
		[`{SHA-256}${sha256}`, "sha256", sha256],
		[`{sha-256}${sha256.toUpperCase()}`, "sha256", sha256],
		[`{SHA-512}${sha512}`, "sha512", sha512],
		[`  {SHA-256}${sha256}  `, "sha256", sha256],
	])("parses %s", (raw, algorithm, hex) => {
		expect(parseChecksum(raw)).toEqual({ ok: true, value: { algorithm, hex } });
	});

	it.each([
		[sha256, /MD5 digest is 32 hex digits/],
		[`{SHA-256}${md5}`, /SHA-256 digest is 64 hex digits/],
		[`{SHA-1}${sha1}zz`, /SHA-1 digest is 40/],
		[`{SHA-384}${sha256}`, /Unsupported checksum algorithm SHA-384/],
		["not-a-checksum", /MD5 digest is 32/],
		["", /MD5 digest/],
	])("refuses %s with a clear text", (raw, text) => {
		const parsed = parseChecksum(raw);
		expect(parsed.ok).toBe(false);
		if (!parsed.ok) expect(parsed.text).toMatch(text);
	});
});

describe("addressInCidr (the denied-range check of template URLs)", () => {
	it("matches IPv4 and IPv6 literals against CIDRs, never names", () => {
		expect(addressInCidr("169.254.169.254", "169.254.0.0/16")).toBe(true);
		expect(addressInCidr("10.0.0.1", "169.254.0.0/16")).toBe(false);
		expect(addressInCidr("0.0.0.0", "0.0.0.0/8")).toBe(true);
		expect(addressInCidr("[fe80::abcd]", "fe80::/10")).toBe(true);
		expect(addressInCidr("[febf::1]", "fe80::/10")).toBe(true);
		expect(addressInCidr("[fec0::1]", "fe80::/10")).toBe(false);
		expect(addressInCidr("[2001:db8::1]", "2001:db8::/32")).toBe(true);
		expect(addressInCidr("metadata.internal", "169.254.0.0/16")).toBe(false);
		expect(addressInCidr("10.0.0.1", "garbage")).toBe(false);
		// An IPv4-mapped IPv6 literal is the IPv4 address it carries.
		expect(addressInCidr("[::ffff:169.254.169.254]", "169.254.0.0/16")).toBe(true);
	});
});

describe("checkImageUrl", () => {
	const defaults = settingsFrom(new Map());
	const refuses = (url: string, text: RegExp, settings = defaults) => {
		let error: unknown;
		try {
			checkImageUrl(url, settings);
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(CsError);
		expect((error as CsError).code).toBe(431);
		expect((error as CsError).message).toMatch(text);
	};

	it("accepts http and https URLs with a host, trimmed", () => {
		expect(checkImageUrl(" http://images.example.com/a.qcow2 ", defaults)).toBe("http://images.example.com/a.qcow2");
		expect(checkImageUrl("https://127.0.0.1:8443/a.qcow2", defaults)).toBe("https://127.0.0.1:8443/a.qcow2");
	});

	it("refuses other schemes, garbage and over-long URLs", () => {
		refuses("ftp://images.example.com/a.qcow2", /only http and https/);
		refuses("file:///etc/passwd", /only http and https/);
		refuses("nfs://server/export/a.qcow2", /only http and https/);
		refuses("not a url", /Invalid URL/);
		refuses(`http://example.com/${"a".repeat(2050)}`, /longer than 2048/);
	});

	it("refuses literal addresses in template.download.denied.cidrs (metadata service by default)", () => {
		refuses("http://169.254.169.254/latest/meta-data", /169\.254\.169\.254, inside 169\.254\.0\.0\/16/);
		refuses("http://[fe80::1]/a.qcow2", /inside fe80::\/10/);
		refuses("http://0.0.0.0/a.qcow2", /inside 0\.0\.0\.0\/8/);
		const strict = settingsFrom(new Map([["template.download.denied.cidrs", "10.0.0.0/8, 127.0.0.0/8"]]));
		refuses("http://127.0.0.1/a.qcow2", /inside 127\.0\.0\.0\/8/, strict);
		refuses("http://10.1.2.3/a.qcow2", /inside 10\.0\.0\.0\/8/, strict);
		expect(checkImageUrl("http://169.254.169.254/x", strict)).toBe("http://169.254.169.254/x");
	});
});
