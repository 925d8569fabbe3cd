/** addHost's url → libvirt URI rules and the percent format of host responses, without the API. */
import { describe, expect, it } from "vitest";
import { percentText } from "../../../worker/src/api/serializers/host";
import { hostAddress, hostTagString } from "../../../worker/src/commands/host/host-rules";

describe("hostAddress", () => {
	it("maps http(s) urls and bare hosts to CloudStack's KVM default, SSH as the given user (root by default)", () => {
		expect(hostAddress("http://10.0.0.5", undefined)).toEqual({
			uri: "qemu+ssh://root@10.0.0.5/system",
			ipAddress: "10.0.0.5",
		});
		expect(hostAddress(" 10.0.0.5 ", "admin")).toEqual({
			uri: "qemu+ssh://admin@10.0.0.5/system",
			ipAddress: "10.0.0.5",
		});
		expect(hostAddress("KVM1.example", "")).toEqual({
			uri: "qemu+ssh://root@kvm1.example/system",
			ipAddress: "kvm1.example",
		});
		// The port and path of an http url are HTTP's: SSH is reached on its own port.
		expect(hostAddress("https://kvm1.example:8443/path", undefined).uri).toBe("qemu+ssh://root@kvm1.example/system");
		expect(hostAddress("http://[fe80::1]", undefined)).toEqual({
			uri: "qemu+ssh://root@[fe80::1]/system",
			ipAddress: "fe80::1",
		});
	});

	it("keeps libvirt URIs as written; the address is their host part", () => {
		for (const [uri, ip] of [
			["qemu+tcp://10.0.0.5/system", "10.0.0.5"],
			["qemu+ssh://admin@kvm2.example:2222/system?keyfile=/k", "kvm2.example"],
			["qemu:///system", "localhost"],
			["test:///default", "localhost"],
			["sim://h1?cpus=8&mhz=2400&memory=16G", "h1"],
		]) {
			expect(hostAddress(uri ?? "", "ignored")).toEqual({ uri, ipAddress: ip });
		}
	});

	it("refuses other schemes, bad host names, credentials in the url and odd user names (431)", () => {
		for (const url of [
			"ftp://x",
			"nfs://h/export",
			"http://",
			"bad host",
			"qemu+foo://h/system",
			"http://a_b.example",
			"",
		]) {
			expect(() => hostAddress(url, undefined), url).toThrow(expect.objectContaining({ code: 431 }));
		}
		expect(() => hostAddress("http://u:p@h.example", undefined)).toThrow(/credentials/);
		expect(() => hostAddress("qemu+ssh://root:pw@h/system", undefined)).toThrow(/password/);
		expect(() => hostAddress("h.example", "root; rm -rf /")).toThrow(/username/);
	});
});

describe("host tags and percentages", () => {
	it("joins tags trimmed, without empties or repeats", () => {
		expect(hostTagString([" ssd", "fast ", "", "ssd"])).toBe("ssd,fast");
		expect(hostTagString(undefined)).toBe("");
	});

	it("formats percentages as CloudStack's #.## with 0% for no total", () => {
		expect(percentText(0, 0)).toBe("0%");
		expect(percentText(1, 3)).toBe("33.33%");
		expect(percentText(1, 4)).toBe("25%");
		expect(percentText(1, 8)).toBe("12.5%");
	});
});
