/**
 * @module A small ISO 9660 writer with Joliet names, for config drives, so the agent needs no
 * genisoimage/xorriso on its host. The primary tree carries 8.3 names (as the standard wants); the
 * Joliet tree (a supplementary volume descriptor, UCS-2) carries the real names, which Linux's
 * isofs and blkid use when it is there. One path table pair per tree; directories and files in
 * whole 2048-byte sectors. Meant for a few small files (a config drive is some KiB): every directory
 * must fit one sector's worth of records per 2048 bytes and the path tables one sector each.
 */

const SECTOR = 2048;

export interface IsoFile {
	/** `/`-separated path inside the image (`openstack/latest/meta_data.json`). */
	name: string;
	data: Buffer;
}

interface Dir {
	name: string;
	dirs: Map<string, Dir>;
	files: Map<string, Buffer>;
	parent?: Dir;
	/** Per tree (0 primary, 1 Joliet): where its extent is, how long, its path table number. */
	lba: [number, number];
	size: [number, number];
	number: [number, number];
}

const newDir = (name: string, parent?: Dir): Dir => ({
	name,
	dirs: new Map(),
	files: new Map(),
	...(parent ? { parent } : {}),
	lba: [0, 0],
	size: [0, 0],
	number: [0, 0],
});

function both32(value: number): Buffer {
	const b = Buffer.alloc(8);
	b.writeUInt32LE(value, 0);
	b.writeUInt32BE(value, 4);
	return b;
}

function both16(value: number): Buffer {
	const b = Buffer.alloc(4);
	b.writeUInt16LE(value, 0);
	b.writeUInt16BE(value, 2);
	return b;
}

function recordDate(date: Date): Buffer {
	return Buffer.from([
		date.getUTCFullYear() - 1900,
		date.getUTCMonth() + 1,
		date.getUTCDate(),
		date.getUTCHours(),
		date.getUTCMinutes(),
		date.getUTCSeconds(),
		0,
	]);
}

function volumeDate(date: Date): Buffer {
	const digits = date
		.toISOString()
		.replace(/[-:T]/g, "")
		.replace(/\.(\d\d)\d*Z$/, "$1");
	return Buffer.concat([Buffer.from(digits, "ascii"), Buffer.from([0])]);
}

/** 8.3 upper-case d-characters for the primary tree, made unique within a directory. */
function primaryNames(names: string[], isFile: boolean): Map<string, string> {
	const out = new Map<string, string>();
	const used = new Set<string>();
	const clean = (s: string, n: number) =>
		s
			.toUpperCase()
			.replace(/[^A-Z0-9_]/g, "_")
			.slice(0, n);
	for (const name of names) {
		const dot = isFile ? name.lastIndexOf(".") : -1;
		const base = clean(dot > 0 ? name.slice(0, dot) : name, 8) || "_";
		const ext = dot > 0 ? clean(name.slice(dot + 1), 3) : "";
		let candidate = ext ? `${base}.${ext}` : base;
		for (let i = 1; used.has(candidate); i++) {
			const tail = String(i);
			const b = `${base.slice(0, 8 - tail.length)}${tail}`;
			candidate = ext ? `${b}.${ext}` : b;
		}
		used.add(candidate);
		out.set(name, isFile ? `${candidate};1` : candidate);
	}
	return out;
}

const encodeName = (name: string, joliet: boolean) =>
	joliet ? Buffer.from(name, "utf16le").swap16() : Buffer.from(name, "ascii");

function dirRecord(id: Buffer, lba: number, size: number, isDir: boolean, date: Date): Buffer {
	const length = 33 + id.length + (id.length % 2 === 0 ? 1 : 0);
	const r = Buffer.alloc(length);
	r[0] = length;
	both32(lba).copy(r, 2);
	both32(size).copy(r, 10);
	recordDate(date).copy(r, 18);
	r[25] = isDir ? 2 : 0;
	both16(1).copy(r, 28);
	r[32] = id.length;
	id.copy(r, 33);
	return r;
}

const sectors = (bytes: number) => Math.max(1, Math.ceil(bytes / SECTOR));

/** The records of a directory, packed so that none crosses a sector boundary. */
function packRecords(records: Buffer[]): Buffer {
	const parts: Buffer[] = [];
	let used = 0;
	for (const record of records) {
		const room = SECTOR - (used % SECTOR);
		if (record.length > room) {
			parts.push(Buffer.alloc(room));
			used += room;
		}
		parts.push(record);
		used += record.length;
	}
	const total = sectors(used) * SECTOR;
	parts.push(Buffer.alloc(total - used));
	return Buffer.concat(parts);
}

/** Builds the image: `label` is the volume id (a config drive's is `config-2`). */
export function buildIso(files: IsoFile[], label: string, date = new Date()): Buffer {
	const root = newDir("");
	for (const { name, data } of files) {
		const parts = name.split("/");
		let dir = root;
		for (const part of parts.slice(0, -1)) {
			let next = dir.dirs.get(part);
			if (!next) {
				next = newDir(part, dir);
				dir.dirs.set(part, next);
			}
			dir = next;
		}
		dir.files.set(parts.at(-1) ?? name, data);
	}
	// Breadth-first order is the path table order (parents before children).
	const order: Dir[] = [root];
	for (let i = 0; i < order.length; i++) {
		const dir = order[i] as Dir;
		for (const key of [...dir.dirs.keys()].sort()) order.push(dir.dirs.get(key) as Dir);
	}
	order.forEach((dir, i) => {
		dir.number = [i + 1, i + 1];
	});

	// Fixed layout: 16 system sectors, PVD, SVD, terminator, 4 path table sectors, then directories.
	let next = 23;
	const names = new Map<Dir, [Map<string, string>, Map<string, string>]>();
	for (const tree of [0, 1] as const) {
		for (const dir of order) {
			if (tree === 0) {
				names.set(dir, [primaryNames([...dir.dirs.keys()], false), primaryNames([...dir.files.keys()], true)]);
			}
			let bytes = 34 * 2;
			for (const key of dir.dirs.keys()) bytes += 34 + (tree ? key.length * 2 : 8) + 1;
			for (const key of dir.files.keys()) bytes += 34 + (tree ? key.length * 2 : 14) + 1;
			// Generous: a record may be pushed to the next sector.
			dir.size[tree] = sectors(bytes + SECTOR / 4) * SECTOR;
			dir.lba[tree] = next;
			next += dir.size[tree] / SECTOR;
		}
	}
	const fileLba = new Map<Buffer, number>();
	const fileData: Buffer[] = [];
	for (const dir of order) {
		for (const data of dir.files.values()) {
			fileLba.set(data, data.length ? next : 0);
			const padded = Buffer.alloc(Math.ceil(data.length / SECTOR) * SECTOR);
			data.copy(padded);
			fileData.push(padded);
			next += padded.length / SECTOR;
		}
	}
	const total = next;

	const dirExtent = (dir: Dir, tree: 0 | 1): Buffer => {
		const joliet = tree === 1;
		const [dirNames, fileNames] = names.get(dir) as [Map<string, string>, Map<string, string>];
		const parent = dir.parent ?? dir;
		const entries: { id: Buffer; lba: number; size: number; isDir: boolean }[] = [];
		for (const [key, child] of dir.dirs) {
			const id = encodeName(joliet ? key : (dirNames.get(key) as string), joliet);
			entries.push({ id, lba: child.lba[tree], size: child.size[tree], isDir: true });
		}
		for (const [key, data] of dir.files) {
			const id = encodeName(joliet ? key : (fileNames.get(key) as string), joliet);
			entries.push({ id, lba: fileLba.get(data) ?? 0, size: data.length, isDir: false });
		}
		entries.sort((a, b) => Buffer.compare(a.id, b.id));
		const records = [
			dirRecord(Buffer.from([0]), dir.lba[tree], dir.size[tree], true, date),
			dirRecord(Buffer.from([1]), parent.lba[tree], parent.size[tree], true, date),
			...entries.map((e) => dirRecord(e.id, e.lba, e.size, e.isDir, date)),
		];
		const packed = packRecords(records);
		if (packed.length > dir.size[tree]) throw new Error("iso9660: a directory is too large for this writer");
		return Buffer.concat([packed, Buffer.alloc(dir.size[tree] - packed.length)]);
	};

	const pathTable = (tree: 0 | 1, bigEndian: boolean): Buffer => {
		const parts: Buffer[] = [];
		for (const dir of order) {
			const [dirNames] = names.get(dir.parent ?? dir) as [Map<string, string>, Map<string, string>];
			const id = dir.parent
				? encodeName(tree ? dir.name : (dirNames.get(dir.name) as string), tree === 1)
				: Buffer.from([0]);
			const r = Buffer.alloc(8 + id.length + (id.length % 2));
			r[0] = id.length;
			if (bigEndian) {
				r.writeUInt32BE(dir.lba[tree], 2);
				r.writeUInt16BE((dir.parent ?? dir).number[tree], 6);
			} else {
				r.writeUInt32LE(dir.lba[tree], 2);
				r.writeUInt16LE((dir.parent ?? dir).number[tree], 6);
			}
			id.copy(r, 8);
			parts.push(r);
		}
		const table = Buffer.concat(parts);
		if (table.length > SECTOR) throw new Error("iso9660: too many directories for this writer");
		return table;
	};

	const descriptor = (tree: 0 | 1): Buffer => {
		const joliet = tree === 1;
		const d = Buffer.alloc(SECTOR);
		const text = (offset: number, length: number, value: string) => {
			const padded = joliet
				? encodeName(value.slice(0, length / 2).padEnd(length / 2, " "), true)
				: Buffer.from(value.slice(0, length).padEnd(length, " "), "ascii");
			padded.copy(d, offset);
		};
		d[0] = joliet ? 2 : 1;
		d.write("CD001", 1, "ascii");
		d[6] = 1;
		text(8, 32, "LINUX");
		text(40, 32, label);
		both32(total).copy(d, 80);
		if (joliet) d.write("%/E", 88, "ascii"); // UCS-2 level 3
		both16(1).copy(d, 120);
		both16(1).copy(d, 124);
		both16(SECTOR).copy(d, 128);
		both32(pathTable(tree, false).length).copy(d, 132);
		d.writeUInt32LE(19 + tree * 2, 140);
		d.writeUInt32BE(20 + tree * 2, 148);
		dirRecord(Buffer.from([0]), root.lba[tree], root.size[tree], true, date).copy(d, 156);
		for (const offset of [190, 318, 446]) text(offset, 128, "");
		text(574, 128, "FLARESTACK");
		for (const offset of [702, 739, 776]) text(offset, joliet ? 36 : 37, "");
		const stamp = volumeDate(date);
		stamp.copy(d, 813);
		stamp.copy(d, 830);
		Buffer.from("0000000000000000\0", "ascii").copy(d, 847);
		Buffer.from("0000000000000000\0", "ascii").copy(d, 864);
		d[881] = 1;
		return d;
	};

	const terminator = Buffer.alloc(SECTOR);
	terminator[0] = 255;
	terminator.write("CD001", 1, "ascii");
	terminator[6] = 1;
	const sector = (b: Buffer) => Buffer.concat([b, Buffer.alloc(SECTOR - b.length)]);

	return Buffer.concat([
		Buffer.alloc(16 * SECTOR),
		descriptor(0),
		descriptor(1),
		terminator,
		sector(pathTable(0, false)),
		sector(pathTable(0, true)),
		sector(pathTable(1, false)),
		sector(pathTable(1, true)),
		...order.map((dir) => dirExtent(dir, 0)),
		...order.map((dir) => dirExtent(dir, 1)),
		...fileData,
	]);
}
