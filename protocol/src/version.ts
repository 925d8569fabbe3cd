/**
 * @module The protocol version. Every frame carries it as `v`; a peer on another version is refused
 * (the Worker answers with `close { reason: "protocol" }`). Bump it when a field changes meaning or
 * goes away; adding an optional field does not need a bump, because unknown fields are dropped.
 */
export const PROTOCOL_VERSION = 1;

/** The exact text of the agent's heartbeat and of the Worker's answer (see PingFrame / PongFrame). */
export const PING_TEXT = `{"type":"ping","v":${PROTOCOL_VERSION}}`;
export const PONG_TEXT = `{"type":"pong","v":${PROTOCOL_VERSION}}`;
