/**
 * @module The wire contract between the Worker's ZoneRelay and the relay agents. The message
 * types arrive with the relay agent issue; the version is fixed here so both sides share it.
 */
export const PROTOCOL_VERSION = 1;
