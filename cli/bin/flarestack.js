#!/usr/bin/env node
// The `flarestack` command. In a checkout it runs the TypeScript sources directly (Node ≥ 22.18
// strips the types); a packed or installed copy has only the compiled dist/ (`npm run build`).
import { existsSync } from "node:fs";

const source = new URL("../src/main.ts", import.meta.url);
const entry = existsSync(source) ? source : new URL("../dist/main.js", import.meta.url);
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
