/** @module Field schemas every frame is built from: ids, bounded strings, counts and times. */
import { z } from "zod";
import { PROTOCOL_VERSION } from "./version.ts";

/** An RFC 9562 UUID, as `crypto.randomUUID()` makes them: our own ids (agents, hosts, commands). */
export const uuid = z.uuid();

/** A string of 1 to `max` characters. */
export function text(max: number) {
	return z.string().min(1).max(max);
}

/** A string of 0 to `max` characters, for free text that may be empty. */
export function note(max: number) {
	return z.string().max(max);
}

/** A non-negative safe integer: byte sizes, CPU counts, MHz. */
export const count = z.int().nonnegative();

/** A time as Unix epoch milliseconds. */
export const epochMs = z.int().positive();

/** The protocol version every frame carries as `v`. */
export const version = z.literal(PROTOCOL_VERSION);
