/** @module What createTags and deleteTags share: the resource type and resource ids they name. */
import { CsError, ERROR } from "../../api/errors";
import type { MapEntries } from "../param-spec";

/** Resource ids as stored (lower-case UUIDs); an empty list is CloudStack's missing parameter. */
export function resourceIds(command: string, raw: readonly string[]): string[] {
	const ids = [...new Set(raw.map((id) => id.trim().toLowerCase()).filter((id) => id !== ""))];
	if (ids.length === 0) {
		throw new CsError(
			ERROR.paramError,
			`Unable to execute API command ${command} due to missing parameter resourceids`,
		);
	}
	return ids;
}

/**
 * The `tags[i].key/value` entries as a key → value map (CloudStack builds a HashMap: a repeated
 * key keeps its last value). Keys compare case-insensitively, as CloudStack's delete does.
 */
export function tagMap(entries: MapEntries | undefined): Map<string, { key: string; value: string | undefined }> {
	const map = new Map<string, { key: string; value: string | undefined }>();
	for (const entry of entries ?? []) {
		const key = entry.key?.trim() ?? "";
		if (key === "") throw new CsError(ERROR.paramError, "Every tag needs a non-empty key (tags[i].key)");
		map.set(key.toLowerCase(), { key, value: entry.value });
	}
	return map;
}
