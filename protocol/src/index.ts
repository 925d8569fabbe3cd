/**
 * @module The wire contract between the Worker's ZoneRelay and the relay agents: frame schemas for
 * both directions, the command list, and the codec both sides run on every frame. Imports only zod.
 */
export * from "./codec.ts";
export * from "./commands.ts";
export * from "./inventory.ts";
export * from "./limits.ts";
export * from "./storage.ts";
export * from "./to-agent.ts";
export * from "./to-worker.ts";
export { PING_TEXT, PONG_TEXT, PROTOCOL_VERSION } from "./version.ts";
export * from "./vm.ts";
