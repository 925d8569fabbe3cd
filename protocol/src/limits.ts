/**
 * @module Hard limits of the wire format. A frame over these is refused before it is parsed, so a
 * broken or hostile peer costs one length check, not a JSON parse of unbounded input.
 */

/**
 * The largest frame, in UTF-8 bytes, either side accepts. A `hello` for a relay with 1,000 hosts and
 * about 30 domains each is near 2.5 MB, so the limit sits above that and far below the platform's
 * WebSocket message limit.
 */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;

/** The deepest nesting of arrays and objects a frame may have (answer results included). */
export const MAX_FRAME_DEPTH = 32;

/** The most hosts, pools and remembered command ids a `hello` may carry. */
export const MAX_HOSTS = 4096;
export const MAX_POOLS = 4096;
export const MAX_RECENT_COMMANDS = 4096;

/** The most domains one host may report. */
export const MAX_DOMAINS_PER_HOST = 4096;

/** The longest heartbeat interval the Worker may ask for: a dead link shows within a few beats. */
export const MAX_HEARTBEAT_MS = 5000;
