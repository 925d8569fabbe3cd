/** @module The agent's version (from its package.json), sent in every `hello` as `agentVersion`. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const manifestFile = fileURLToPath(new URL("../package.json", import.meta.url).href);
const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as { version?: string };

export const AGENT_VERSION: string = manifest.version ?? "0.0.0";
