/**
 * @module What addHost's `url` means for a KVM host: the libvirt URI the relay agent reaches the
 * host's libvirtd by. CloudStack clients send `http://<host>` (or a bare host) with root's SSH
 * credentials, so those become `qemu+ssh://<user>@<host>/system`; a URL that already is a libvirt
 * URI is kept as written. Passwords never end up in the URI (it is stored and shown).
 */
import { libvirtUri } from "@flarestack/protocol";
import { CsError, ERROR } from "../../api/errors";

/** A DNS name or IPv4 address; IPv6 comes in brackets from the URL parser. */
const HOST_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
/** A POSIX login name, as ssh accepts it. */
const USER_NAME = /^[a-z_][a-z0-9_.-]{0,31}$/i;

export interface HostAddress {
	/** The libvirt URI stored in hosts.url and sent with host.connect. */
	uri: string;
	/** What CloudStack shows as `ipaddress`: the URI's host part. */
	ipAddress: string;
}

/** addHost's `url` (+ `username`) → the libvirt URI and the address shown for the host. */
export function hostAddress(rawUrl: string, username: string | undefined): HostAddress {
	const url = rawUrl.trim();
	if (url === "") throw new CsError(ERROR.paramError, "The url of the host must not be empty");
	if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !/^https?:\/\//i.test(url)) return libvirtAddress(url);
	const host = hostPart(url);
	const user = sshUser(username);
	return { uri: `qemu+ssh://${user}@${host}/system`, ipAddress: unbracket(host) };
}

/** The host part of `http(s)://host[:port][/path]` or of a bare `host`; the port and path are HTTP's, not SSH's. */
function hostPart(url: string): string {
	let parsed: URL;
	try {
		parsed = new URL(/^https?:\/\//i.test(url) ? url : `http://${url}`);
	} catch {
		throw badUrl(url);
	}
	if (parsed.username !== "" || parsed.password !== "") {
		throw new CsError(ERROR.paramError, "Do not put credentials in the url of the host; use username and password");
	}
	const host = parsed.hostname.toLowerCase();
	if (host.startsWith("[") ? !/^\[[0-9a-f:.]+\]$/.test(host) : !HOST_NAME.test(host)) throw badUrl(url);
	return host;
}

function sshUser(username: string | undefined): string {
	const user = username?.trim() || "root";
	if (!USER_NAME.test(user)) throw new CsError(ERROR.paramError, `Invalid username for the host: ${username}`);
	return user;
}

/** A libvirt URI written by the admin: kept as is once it is a URI the agent accepts. */
function libvirtAddress(url: string): HostAddress {
	if (!libvirtUri.safeParse(url).success) {
		throw new CsError(
			ERROR.paramError,
			`Unsupported url ${url}: give the host's address (http://<host> or <host>) or a libvirt URI (qemu+ssh://, qemu+tcp://, qemu:///system, test:///, sim://)`,
		);
	}
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw badUrl(url);
	}
	if (parsed.password !== "") {
		throw new CsError(ERROR.paramError, "Do not put a password in the libvirt URI of the host");
	}
	// qemu:///system and test:///default name the relay's own machine.
	return { uri: url, ipAddress: unbracket(parsed.hostname) || "localhost" };
}

function unbracket(host: string): string {
	return host.replace(/^\[(.*)\]$/, "$1");
}

function badUrl(url: string): CsError {
	return new CsError(ERROR.paramError, `Invalid url of the host: ${url}`);
}

/** CloudStack keeps host tags as one comma-separated string, trimmed, without empties or repeats. */
export function hostTagString(tags: readonly string[] | undefined): string {
	if (tags === undefined) return "";
	return [...new Set(tags.map((t) => t.trim()).filter((t) => t !== ""))].join(",");
}

/** The libvirt hostname the agent reported, or the address when it reported none. */
export function hostName(reported: string, address: HostAddress): string {
	const name = reported.trim();
	return name === "" ? address.ipAddress : name;
}
