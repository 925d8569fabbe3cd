#!/usr/bin/env node
// The `flarestack-relay` command. It runs the TypeScript sources directly: Node ≥ 22.18 strips the types.
import { main } from "../src/main.ts";

process.exitCode = await main(process.argv.slice(2));
