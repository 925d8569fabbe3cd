/**
 * @module template.upload: streams a file of a store to the control plane for an extractTemplate
 * link. The bytes go out as one HTTP POST (the agent's own JWT, as for connect) to
 * `/relay/v1/stream/<streamId>`, so the site still opens no port.
 */
import { Readable } from "node:stream";
import type { CommandHandlers } from "../dispatcher.ts";
import { CommandError } from "../dispatcher.ts";
import { type StoreSource, withStore } from "../templates/stores.ts";

export interface UploadOptions {
	/** The control plane's base URL (the config's `url`). */
	url: string;
	/** A fresh relay JWT for each request. */
	credential: () => Promise<string>;
	/** The agent's store pool (or an opener whose stores are closed after the upload). */
	stores: StoreSource;
}

export function uploadHandler(options: UploadOptions): Pick<CommandHandlers, "template.upload"> {
	return {
		"template.upload": ({ store: location, path, streamId }, { signal }) =>
			withStore(options.stores, location, async (store) => {
				const entry = await store.stat(path);
				if (entry?.type !== "file") throw new CommandError("invalid", `${store.label}/${path} is not there`);
				const source = store.createReadStream(path);
				const target = `${options.url}/relay/v1/stream/${encodeURIComponent(streamId)}`;
				const response = await fetch(target, {
					method: "POST",
					headers: {
						Authorization: `Bearer ${await options.credential()}`,
						"Content-Type": "application/octet-stream",
						"Content-Length": String(entry.size),
					},
					body: Readable.toWeb(source) as unknown as RequestInit["body"],
					duplex: "half",
					signal,
				} as RequestInit & { duplex: "half" });
				const answer = await response.text();
				if (!response.ok)
					throw new CommandError("failed", `the control plane refused the upload: ${answer.slice(0, 200)}`);
				// The Worker's fixed-length stream refuses a short body, so an accepted upload was whole.
				return { bytes: entry.size };
			}),
	};
}
