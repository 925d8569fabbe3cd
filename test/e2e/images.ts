/**
 * @module Test images built with qemu-img, one of each kind a template download must accept or
 * refuse: a small qcow2 and a raw with real data, a qcow2 with a backing file and one with an
 * external data file (the CloudStack holes: both let an image read host files), a text file named
 * like a qcow2, and an ISO with the ISO 9660 mark ("CD001" at byte 32769). Each comes with its
 * sizes and checksums. Erasable TypeScript only, so the benchmark (plain node) imports it.
 */
import { execFile } from "node:child_process";
import { createHash, randomFillSync } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface TestImage {
	file: string;
	/** What qemu-img calls its virtual size (the file size for raw, ISO and text). */
	virtualBytes: number;
	/** The file's size in bytes. */
	fileBytes: number;
	md5: string;
	sha1: string;
	sha256: string;
	sha512: string;
}

export interface TestImages {
	/** A qcow2 of 64 MiB virtual size with 4 MiB of random data in it. */
	qcow2: TestImage;
	/** A 16 MiB raw disk, random data in its first 4 MiB. */
	raw: TestImage;
	/** A valid qcow2 whose backing file is a host file (`/etc/hostname`, raw). */
	backing: TestImage;
	/** A qcow2 whose data lives in an external data file (`-o data_file=…`). */
	dataFile: TestImage;
	/** A text file named like a qcow2. */
	text: TestImage;
	/** 1 MiB with a primary volume descriptor at sector 16 (the mark qemu-img does not check). */
	iso: TestImage;
}

/** md5, sha1, sha256 and sha512 of a file in one read. */
export async function checksums(file: string): Promise<Pick<TestImage, "md5" | "sha1" | "sha256" | "sha512">> {
	const hashes = {
		md5: createHash("md5"),
		sha1: createHash("sha1"),
		sha256: createHash("sha256"),
		sha512: createHash("sha512"),
	};
	for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
		for (const h of Object.values(hashes)) h.update(chunk as Buffer);
	}
	return {
		md5: hashes.md5.digest("hex"),
		sha1: hashes.sha1.digest("hex"),
		sha256: hashes.sha256.digest("hex"),
		sha512: hashes.sha512.digest("hex"),
	};
}

/** `qemu-img info` of a file, forced to the format it is (no probing here: these are our files). */
export async function qemuInfo(
	file: string,
): Promise<{ "virtual-size": number; format: string; "backing-filename"?: string }> {
	const { stdout } = await run("qemu-img", ["info", "--output=json", "-U", file]);
	return JSON.parse(stdout);
}

async function describe(file: string, virtualBytes?: number): Promise<TestImage> {
	const fileBytes = (await stat(file)).size;
	return { file, virtualBytes: virtualBytes ?? fileBytes, fileBytes, ...(await checksums(file)) };
}

/** Writes `bytes` of random data to `file` (1 MiB pieces, so 1 GiB needs little memory). */
export async function randomFile(file: string, bytes: number): Promise<void> {
	const handle = await open(file, "w");
	try {
		const piece = Buffer.alloc(1 << 20);
		for (let done = 0; done < bytes; done += piece.length) {
			randomFillSync(piece);
			await handle.write(piece, 0, Math.min(piece.length, bytes - done));
		}
	} finally {
		await handle.close();
	}
}

/** A raw file of `virtualBytes` with random data in its first `dataBytes`, then a qcow2 of it. */
export async function randomQcow2(file: string, virtualBytes: number, dataBytes: number): Promise<TestImage> {
	const raw = `${file}.src.raw`;
	await randomFile(raw, dataBytes);
	await run("truncate", ["-s", String(virtualBytes), raw]);
	await run("qemu-img", ["convert", "-f", "raw", "-O", "qcow2", raw, file]);
	await run("rm", ["-f", raw]);
	return describe(file, virtualBytes);
}

/** Builds every test image in `dir` (about 10 MiB on disk, well under a second). */
export async function buildImages(dir: string): Promise<TestImages> {
	const MiB = 1 << 20;
	const qcow2 = await randomQcow2(path.join(dir, "small.qcow2"), 64 * MiB, 4 * MiB);

	const rawFile = path.join(dir, "disk.raw");
	await randomFile(rawFile, 4 * MiB);
	await run("truncate", ["-s", String(16 * MiB), rawFile]);
	const raw = await describe(rawFile);

	const backingFile = path.join(dir, "backing.qcow2");
	// What the CVEs did: a small, valid qcow2 that reads a host file through its backing chain.
	await run("qemu-img", ["create", "-q", "-f", "qcow2", "-F", "raw", "-b", "/etc/hostname", backingFile, "1M"]);
	const backing = await describe(backingFile, MiB);

	const dataFileImage = path.join(dir, "datafile.qcow2");
	await run("qemu-img", [
		"create",
		"-q",
		"-f",
		"qcow2",
		"-o",
		`data_file=${path.join(dir, "datafile.data")}`,
		dataFileImage,
		"8M",
	]);
	const dataFile = await describe(dataFileImage, 8 * MiB);

	const textFile = path.join(dir, "notes.qcow2");
	await writeFile(textFile, "This is not a disk image, only text pretending to be a qcow2.\n".repeat(100));
	const text = await describe(textFile);

	const isoFile = path.join(dir, "boot.iso");
	const iso = Buffer.alloc(MiB);
	// Primary volume descriptor (type 1, "CD001", version 1) at sector 16, terminator after it.
	iso.write("\x01CD001\x01", 16 * 2048, "latin1");
	iso.write("flarestack-test-iso", 16 * 2048 + 40, "latin1");
	iso.write("\xffCD001\x01", 17 * 2048, "latin1");
	await writeFile(isoFile, iso);
	const isoImage = await describe(isoFile);

	return { qcow2, raw, backing, dataFile, text, iso: isoImage };
}
