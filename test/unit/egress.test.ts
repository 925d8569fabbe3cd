/** Egress safety for webhook payload URLs (worker/src/webhooks/egress.ts). */
import { describe, expect, it } from "vitest";
import { CsError } from "../../worker/src/api/errors";
import { settingsFrom } from "../../worker/src/domain/settings";
import {
	checkPayloadUrl,
	internalAddressKind,
	parseAnyCidr,
	parseIpv6,
	withScheme,
} from "../../worker/src/webhooks/egress";

const defaults = settingsFrom(new Map());
const allowing = (cidrs: string) => settingsFrom(new Map([["webhook.payload.url.allowed.cidrs", cidrs]]));

/** The CsError checkPayloadUrl throws (fails the test when it does not throw one). */
function refusal(url: string, settings = defaults): CsError {
	try {
		checkPayloadUrl(url, settings);
	} catch (thrown) {
		expect(thrown).toBeInstanceOf(CsError);
		return thrown as CsError;
	}
	throw new Error(`${url} was accepted`);
}

function expectRefused(url: string, text?: RegExp, settings = defaults): void {
	const error = refusal(url, settings);
	expect(error.code, url).toBe(431);
	expect(error.csCode).toBe(4350);
	if (text) expect(error.message, url).toMatch(text);
}

describe("checkPayloadUrl: accepted URLs", () => {
	it("returns the WHATWG-normalised URL", () => {
		expect(checkPayloadUrl("https://hooks.example.com/cs?x=1", defaults)).toBe("https://hooks.example.com/cs?x=1");
		expect(checkPayloadUrl("HTTPS://Hooks.Example.COM", defaults)).toBe("https://hooks.example.com/");
		expect(checkPayloadUrl("  http://example.com:8080/a/../b  ", defaults)).toBe("http://example.com:8080/b");
		expect(checkPayloadUrl("http://93.184.216.34/in", defaults)).toBe("http://93.184.216.34/in");
		expect(checkPayloadUrl("http://[2606:4700::1111]/", defaults)).toBe("http://[2606:4700::1111]/");
	});

	it("prepends http:// to a URL without a scheme, as CloudStack does", () => {
		expect(checkPayloadUrl("example.com/hook", defaults)).toBe("http://example.com/hook");
		expect(checkPayloadUrl("example.com:9000", defaults)).toBe("http://example.com:9000/");
		expect(withScheme("example.com")).toBe("http://example.com");
		expect(withScheme("https://example.com")).toBe("https://example.com");
	});

	it("accepts public addresses next to the refused ranges", () => {
		for (const host of ["9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0", "172.15.255.255", "172.32.0.0"]) {
			expect(checkPayloadUrl(`http://${host}/`, defaults)).toBe(`http://${host}/`);
		}
		for (const host of ["169.253.255.255", "192.167.255.255", "192.169.0.0", "126.255.255.255", "128.0.0.1"]) {
			expect(checkPayloadUrl(`http://${host}/`, defaults)).toBe(`http://${host}/`);
		}
		expect(checkPayloadUrl("http://[fbff::1]/", defaults)).toBe("http://[fbff::1]/");
		expect(checkPayloadUrl("http://[fe00::1]/", defaults)).toBe("http://[fe00::1]/");
		expect(checkPayloadUrl("http://[::ffff:8.8.8.8]/", defaults)).toBe("http://[::ffff:808:808]/");
	});

	it("accepts names that merely contain an internal name", () => {
		for (const host of ["localhost.example.com", "mylocalhost", "metadata.google.internal.example.com"]) {
			expect(checkPayloadUrl(`https://${host}/`, defaults)).toBe(`https://${host}/`);
		}
	});
});

describe("checkPayloadUrl: refused URLs", () => {
	it("refuses empty, unparsable and non-http(s) URLs", () => {
		expectRefused("", /empty/);
		expectRefused("   ", /empty/);
		expectRefused("http://", /Invalid URL/);
		expectRefused("http://exa mple.com/", /Invalid URL/);
		expectRefused("http://[::1/", /Invalid URL/);
		expectRefused("ftp://example.com/", /Unsupported scheme for url: ftp:\/\/example.com\//);
		expectRefused("file:///etc/passwd", /Unsupported scheme/);
		expectRefused("gopher://example.com/", /Unsupported scheme/);
		expectRefused("ws://example.com/", /Unsupported scheme/);
		// No "//": a scheme-like prefix is taken as a host name, and "alert(1)" is no port.
		expectRefused("javascript:alert(1)", /Invalid URL/);
	});

	it("refuses every loopback, private, link-local, CGNAT, this-network and metadata IPv4 literal", () => {
		const cases: Record<string, RegExp> = {
			"127.0.0.1": /loopback/,
			"127.255.255.254": /loopback/,
			"10.0.0.1": /private/,
			"10.255.255.255": /private/,
			"172.16.0.1": /private/,
			"172.31.255.255": /private/,
			"192.168.1.1": /private/,
			"169.254.169.254": /link-local/,
			"169.254.0.1": /link-local/,
			"100.64.0.1": /carrier-grade NAT/,
			"100.127.255.255": /carrier-grade NAT/,
			"0.0.0.0": /this-network/,
			"0.1.2.3": /this-network/,
			"224.0.0.1": /multicast/,
			"255.255.255.255": /reserved/,
			"192.0.0.170": /IETF/,
		};
		for (const [host, kind] of Object.entries(cases)) {
			expectRefused(`http://${host}/`, kind);
			expectRefused(`https://${host}:8443/x`, /^Illegal host specified in url/);
		}
	});

	it("refuses IPv6 loopback, unspecified, ULA, link-local, site-local and multicast literals", () => {
		const cases: Record<string, RegExp> = {
			"[::1]": /loopback/,
			"[0:0:0:0:0:0:0:1]": /loopback/,
			"[::]": /unspecified/,
			"[fc00::1]": /unique local/,
			"[fd12:3456::1]": /unique local/,
			"[fe80::1]": /link-local/,
			"[febf::1]": /link-local/,
			"[fec0::1]": /site-local/,
			"[ff02::1]": /multicast/,
		};
		for (const [host, kind] of Object.entries(cases)) expectRefused(`http://${host}:8080/`, kind);
	});

	it("refuses IPv6 forms that carry an internal IPv4 address", () => {
		for (const host of [
			"[::ffff:127.0.0.1]",
			"[::ffff:7f00:1]",
			"[::ffff:169.254.169.254]",
			"[::ffff:0:10.0.0.1]",
			"[::127.0.0.1]",
			"[64:ff9b::192.168.0.1]",
			"[2002:7f00:1::]",
		]) {
			expectRefused(`http://${host}/`, /embedded IPv4/);
		}
	});

	it("refuses decimal, hex, octal and short IPv4 spellings outright", () => {
		for (const url of [
			"http://2130706433/",
			"http://0x7f.1/",
			"http://0x7f000001/",
			"http://0177.0.0.1/",
			"http://127.1/",
			"http://017700000001/",
			"http://0X7F.0.0.1/",
			"http://%31%32%37.0.0.1/",
			// Public addresses too: the spelling itself is refused, not only its target.
			"http://134744072/",
			"http://8.8.2056/",
		]) {
			expectRefused(url, /four decimal octets/);
		}
	});

	it("refuses localhost, *.localhost and metadata.google.internal, with or without a trailing dot", () => {
		for (const host of [
			"localhost",
			"LOCALHOST",
			"localhost.",
			"api.localhost",
			"a.b.localhost",
			"localhost.localdomain",
			"metadata.google.internal",
			"Metadata.Google.Internal.",
		]) {
			expectRefused(`http://${host}:8080/`, /internal name/);
		}
	});

	it("refuses user names and passwords in the URL without echoing them", () => {
		for (const url of [
			"http://user:hunter2@example.com/",
			"http://user@example.com/",
			"http://@example.com/",
			"http://:pw@example.com/",
			"user:hunter2@example.com/hook",
		]) {
			const error = refusal(url);
			expect(error.code).toBe(431);
			expect(error.message).toMatch(/user name or password/);
			expect(error.message).not.toContain("hunter2");
		}
	});

	it("judges the host the URL parser sees, not a look-alike before a backslash", () => {
		// WHATWG treats "\" as "/": the host is example.com, and the rest is the path.
		expect(checkPayloadUrl("http://example.com\\@127.0.0.1/", defaults)).toBe("http://example.com/@127.0.0.1/");
		expectRefused("http://127.0.0.1\\@example.com/", /loopback/);
		expectRefused("http://127.0.0.1#@example.com/", /loopback/);
		expectRefused("http://127.0.0.1?@example.com/", /loopback/);
	});
});

describe("checkPayloadUrl: webhook.payload.url.allowed.cidrs", () => {
	it("allows an internal literal inside an allowed CIDR, and only that", () => {
		const settings = allowing("127.0.0.1/32, 10.1.0.0/16");
		expect(checkPayloadUrl("http://127.0.0.1:8787/hook", settings)).toBe("http://127.0.0.1:8787/hook");
		expect(checkPayloadUrl("http://10.1.200.3/", settings)).toBe("http://10.1.200.3/");
		expectRefused("http://127.0.0.2/", /loopback/, settings);
		expectRefused("http://10.2.0.1/", /private/, settings);
		expectRefused("http://169.254.169.254/", /link-local/, settings);
	});

	it("maps localhost and the metadata name to their addresses", () => {
		expect(checkPayloadUrl("http://localhost:8787/", allowing("127.0.0.0/8"))).toBe("http://localhost:8787/");
		expect(checkPayloadUrl("http://api.localhost/", allowing("127.0.0.1"))).toBe("http://api.localhost/");
		expectRefused("http://metadata.google.internal/", /internal name/, allowing("127.0.0.0/8"));
		expect(checkPayloadUrl("http://metadata.google.internal/", allowing("169.254.169.254/32"))).toBe(
			"http://metadata.google.internal/",
		);
	});

	it("allows IPv6 literals by IPv6 CIDRs, and IPv4-mapped ones by IPv4 CIDRs", () => {
		expect(checkPayloadUrl("http://[::1]:8080/", allowing("::1/128"))).toBe("http://[::1]:8080/");
		expect(checkPayloadUrl("http://[fd00::5]/", allowing("fd00::/8"))).toBe("http://[fd00::5]/");
		expectRefused("http://[fe80::1]/", /link-local/, allowing("fd00::/8"));
		expect(checkPayloadUrl("http://[::ffff:127.0.0.1]/", allowing("127.0.0.1/32"))).toBe("http://[::ffff:7f00:1]/");
	});

	it("ignores malformed entries, and never lets a CIDR allow a non-decimal spelling", () => {
		const settings = allowing("bogus, 10.0.0.0/33, 127.0.0.1/8/1, ,127.0.0.0/8");
		expect(checkPayloadUrl("http://127.0.0.1/", settings)).toBe("http://127.0.0.1/");
		expectRefused("http://10.0.0.1/", /private/, settings);
		expectRefused("http://2130706433/", /four decimal octets/, settings);
	});
});

describe("address helpers", () => {
	it("parseIpv6 expands every written form to eight groups", () => {
		expect(parseIpv6("::")).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
		expect(parseIpv6("::1")).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
		expect(parseIpv6("[fe80::1:2]")).toEqual([0xfe80, 0, 0, 0, 0, 0, 1, 2]);
		expect(parseIpv6("1:2:3:4:5:6:7:8")).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
		expect(parseIpv6("1::")).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
		expect(parseIpv6("::ffff:1.2.3.4")).toEqual([0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]);
		expect(parseIpv6("1:2:3:4:5:6:1.2.3.4")).toEqual([1, 2, 3, 4, 5, 6, 0x102, 0x304]);
		expect(parseIpv6("1::1.2.3.4")).toEqual([1, 0, 0, 0, 0, 0, 0x102, 0x304]);
	});

	it("parseIpv6 refuses malformed text", () => {
		for (const text of [
			"",
			":",
			":::",
			"1::2::3",
			"1:2:3:4:5:6:7",
			"1:2:3:4:5:6:7:8:9",
			"1:2:3:4:5:6:7::8",
			"12345::",
			"g::1",
			":1::",
			"fe80::1%eth0",
			"::1.2.3",
			"1.2.3.4",
		]) {
			expect(parseIpv6(text), text).toBeNull();
		}
	});

	it("parseAnyCidr reads IPv4 and IPv6 prefixes and bare addresses", () => {
		expect(parseAnyCidr("10.0.0.0/8")?.bits).toBe(8);
		expect(parseAnyCidr("10.0.0.1")?.bits).toBe(32);
		expect(parseAnyCidr("fd00::/8")?.bits).toBe(8);
		expect(parseAnyCidr("::1")?.bits).toBe(128);
		for (const text of ["", "10.0.0.0/33", "::/129", "10.0.0.0/x", "a/8", "10.0.0.0/8/8"]) {
			expect(parseAnyCidr(text), text).toBeNull();
		}
	});

	it("internalAddressKind names the range, or null for public and non-addresses", () => {
		expect(internalAddressKind("127.0.0.1")).toBe("loopback");
		expect(internalAddressKind("::1")).toBe("loopback");
		expect(internalAddressKind("8.8.8.8")).toBeNull();
		expect(internalAddressKind("2001:db8::1")).toBeNull();
		expect(internalAddressKind("example.com")).toBeNull();
	});
});
