/** @module Turns zod's issue list into the one short line a refused frame carries. */
import type { z } from "zod";

/** The first few issues as one line, e.g. `hosts.0.id: Invalid UUID; pools: Required (+2 more)`. */
export function describeIssues(error: z.ZodError): string {
	const shown = error.issues.slice(0, 3).map((issue) => {
		const path = issue.path.map(String).join(".");
		return path ? `${path}: ${issue.message}` : issue.message;
	});
	const more = error.issues.length > 3 ? ` (+${error.issues.length - 3} more)` : "";
	return `${shown.join("; ")}${more}`.slice(0, 500);
}
