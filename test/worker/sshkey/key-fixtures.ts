/**
 * Key material for the SSH key pair tests: public keys made with ssh-keygen and the fingerprints
 * it printed, a wire-format builder for malformed keys, and readers for the DER and blob numbers.
 */
import { expect } from "vitest";
import { fromBase64, toBase64 } from "../../../worker/src/lib/ids";

/** Keys made with ssh-keygen, and the fingerprints `ssh-keygen -l -E md5` printed for them. */
export const KEYS = {
	ed25519: {
		line: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGzvdykYEjsB+7GJze8HyjRpqlb/1Tv885Ecne8XJaB+ tester@example",
		md5: "f9:65:d8:32:58:a8:e2:d4:aa:bb:86:e5:5a:ad:c4:28",
	},
	ecdsa256: {
		line: "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBH39kRtdpglTcdGEc3upVTL1bJDQv9eyHn7lD9V/7fE/POwChyNQdnB1Zb9qXFzEopDm1JlcUbtI0GuavSXa1/w= tester@example",
		md5: "9b:a7:77:52:e6:db:72:79:72:ca:57:1a:f3:99:47:25",
	},
	ecdsa521: {
		line: "ecdsa-sha2-nistp521 AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAIbmlzdHA1MjEAAACFBAGhI6d/bCXcVuIjgmekPIGbXRDTJjfDIYSPes6UImhinJoao6ZJi40GzqbbwEJ9YxuDiAIXNUeWIUk61eTEfchB4wFAJSv0sBY8BUn/TeBFPc4BT1hXZYetclwnizaa196G8pLheeNhQglGlr6ww9aONbMjmvP+06B96Qt8BD8gEFwrCw== tester@example",
		md5: "81:09:8c:2b:4a:fb:86:2e:20:8c:75:c6:f7:9c:85:fc",
	},
	rsa2048: {
		line: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDKbvrTJXGyEZL6LKqDttesrYQtYcNeG6iTcm4j8nIf2FX2HPCYnKY/jM9ixWUvAPq2SNrtHmWmI4/5ZZA1jsRANT7Oxt9/TFMRHSgUx1pfnanhOShBkfei1wLZA8OEF60IAjokQRJJMphU/gskTTQXABdbROzhqswiJp2JpW9s4z3XYBtC2Pj5W7+KAiydsz2Cm9woft+vNRYKmSAGTx6XQuAzljH9jJI/cqT/MlMPSzLAtC+9J7+VqsPMQ8qtrf2Wgjv7hgThm8+u6spPnoAECaopNSfTQB/HhAbxcRSekeaWhHQwFbyiXQXuIsKsfgdivf2arb27BzBScLmfECE7 tester@example",
		md5: "75:40:12:18:88:ff:b3:8d:f2:2d:15:d5:9d:c1:70:9c",
	},
	rsa1024: {
		line: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC2EuMat2Pr2Qv2JWqigHI4d7ieIm7MDpuL3oLOgi5ZwEL2br9fUCtbfgbxXt1OljiD5nARiIkIZYgy/FUclCOUihvQAJ5z/5WCLrtLBIGh37J6zM3XX4K2I5fJ2TNkGvYcHI3+FPX88WKXS/j9D+6bdK69bgYynmTjZXuR/pVWoQ==",
		md5: "77:7e:b3:10:d6:9e:11:4e:22:a1:c8:f5:3f:39:5e:08",
	},
};

/** `<type> <base64>` without the comment: what is stored. */
export function bare(line: string): string {
	return line.split(" ").slice(0, 2).join(" ");
}

/** An SSH wire-format blob from strings (text) and raw byte fields. */
export function wireBlob(fields: (string | Uint8Array)[]): string {
	const parts = fields.map((f) => (typeof f === "string" ? new TextEncoder().encode(f) : f));
	const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.length, 0));
	let offset = 0;
	for (const part of parts) {
		new DataView(out.buffer).setUint32(offset, part.length);
		out.set(part, offset + 4);
		offset += 4 + part.length;
	}
	return toBase64(out);
}

/** DER → the INTEGER fields of the top-level SEQUENCE (PKCS#1 RSAPrivateKey), as hex. */
export function derIntegers(der: Uint8Array): string[] {
	const read = (at: number) => {
		let length = der[at + 1] ?? 0;
		let start = at + 2;
		if (length & 0x80) {
			const n = length & 0x7f;
			length = 0;
			for (let i = 0; i < n; i++) length = length * 256 + (der[start + i] ?? 0);
			start += n;
		}
		return { tag: der[at], start, end: start + length };
	};
	const outer = read(0);
	expect(outer.tag).toBe(0x30);
	const out: string[] = [];
	for (let at = outer.start; at < outer.end; ) {
		const el = read(at);
		expect(el.tag).toBe(0x02);
		out.push([...der.subarray(el.start, el.end)].map((b) => b.toString(16).padStart(2, "0")).join(""));
		at = el.end;
	}
	return out;
}

/** The ssh-rsa blob's e and n mpints, as hex. */
export function rsaBlobNumbers(base64: string): string[] {
	const blob = fromBase64(base64);
	const view = new DataView(blob.buffer);
	const fields: string[] = [];
	for (let at = 0; at < blob.length; ) {
		const length = view.getUint32(at);
		fields.push([...blob.subarray(at + 4, at + 4 + length)].map((b) => b.toString(16).padStart(2, "0")).join(""));
		at += 4 + length;
	}
	return fields.slice(1);
}
