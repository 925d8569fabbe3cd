/**
 * @module What a browser downloads to show the console's first screen, from a production build
 * (worker/console/dist/client): index.html, the scripts and stylesheets it references (the entry
 * `<script type="module">`, `<link rel="modulepreload">`, `<link rel="stylesheet">`) and every
 * module those scripts import statically, transitively. Everything else under assets/ is loaded
 * later (lazy routes: `import()`), listed apart. Sizes are gzip at zlib's default level (what Vite
 * prints and what a server compresses on the fly). Erasable TypeScript only (the benchmark is .mjs).
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";

export interface BundleFile {
	/** Relative to the build directory, e.g. assets/index-abc.js */
	file: string;
	bytes: number;
	gzip: number;
}

export interface BundleReport {
	initial: BundleFile[];
	lazy: BundleFile[];
	initialGzip: number;
	initialBytes: number;
	lazyGzip: number;
}

async function measure(dir: string, file: string): Promise<BundleFile> {
	const data = await readFile(path.join(dir, file));
	return { file, bytes: data.length, gzip: gzipSync(data).length };
}

/** `src`/`href` of index.html's entry script, module preloads and stylesheets, as build-relative paths. */
export function htmlReferences(html: string, base: string): string[] {
	const found: string[] = [];
	for (const tag of html.match(/<(script|link)\b[^>]*>/gi) ?? []) {
		const attr = (name: string) => new RegExp(`\\b${name}\\s*=\\s*["']([^"']*)["']`, "i").exec(tag)?.[1];
		const isScript = /^<script/i.test(tag);
		const rel = attr("rel")?.toLowerCase();
		const url = isScript ? attr("src") : rel === "stylesheet" || rel === "modulepreload" ? attr("href") : undefined;
		if (!url || /^(data:|https?:|\/\/)/i.test(url)) continue;
		found.push(url.startsWith(base) ? url.slice(base.length) : url.replace(/^\.?\//, ""));
	}
	return found;
}

/**
 * Static imports of an ES module (`import … from "./x.js"`, `import "./x.js"`, `export … from`),
 * not dynamic `import("./x.js")`: resolved against `file`'s directory.
 */
export function staticImports(code: string, file: string): string[] {
	const out: string[] = [];
	const pattern =
		/(?:^|[^.\w$])(?:import\s*(?:[\w$*{}\s,]+?\s*from\s*)?|export\s*(?:\*|\{[^}]*\})\s*from\s*)["']([^"']+)["']/g;
	for (const match of code.matchAll(pattern)) {
		const spec = match[1] as string;
		if (!spec.startsWith(".") && !spec.startsWith("/")) continue;
		out.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)));
	}
	return out;
}

/** The initial load and the lazy rest of the build in `dir` (served at `base`, e.g. /client/). */
export async function bundleReport(dir: string, base = "/client/"): Promise<BundleReport> {
	const html = await readFile(path.join(dir, "index.html"), "utf8");
	const initial = new Set<string>(["index.html"]);
	const queue = htmlReferences(html, base);
	while (queue.length > 0) {
		const file = queue.shift() as string;
		if (initial.has(file)) continue;
		initial.add(file);
		if (file.endsWith(".js")) queue.push(...staticImports(await readFile(path.join(dir, file), "utf8"), file));
	}
	const all = (await readdir(dir, { recursive: true, withFileTypes: true }))
		.filter((entry) => entry.isFile())
		.map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"))
		.filter((file) => /\.(js|css|html|svg|woff2?|png)$/.test(file));
	const initialFiles = await Promise.all([...initial].map((file) => measure(dir, file)));
	const lazyFiles = await Promise.all(all.filter((file) => !initial.has(file)).map((file) => measure(dir, file)));
	lazyFiles.sort((a, b) => b.gzip - a.gzip);
	const sum = (files: BundleFile[], key: "gzip" | "bytes") => files.reduce((total, f) => total + f[key], 0);
	return {
		initial: initialFiles,
		lazy: lazyFiles,
		initialGzip: sum(initialFiles, "gzip"),
		initialBytes: sum(initialFiles, "bytes"),
		lazyGzip: sum(lazyFiles, "gzip"),
	};
}
