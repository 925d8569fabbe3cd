/** @module Every job kind, by name: what a StoredJob's `kind` refers to. A duplicate name fails at load. */
import { snapshotJobs } from "../snapshots/jobs";
import { vmCoreJobs } from "../vms/jobs-core";
import { vmLifecycleJobs } from "../vms/jobs-lifecycle";
import { volumeJobs } from "../volumes/jobs";
import type { JobKind } from "./types";

// biome-ignore lint/suspicious/noExplicitAny: each kind has its own payload type
function merge(families: Record<string, JobKind<any>>[]): ReadonlyMap<string, JobKind<unknown>> {
	const table = new Map<string, JobKind<unknown>>();
	for (const family of families) {
		for (const [name, kind] of Object.entries(family)) {
			if (table.has(name)) throw new Error(`duplicate job kind ${name}`);
			table.set(name, kind);
		}
	}
	return table;
}

export const JOB_KINDS = merge([vmCoreJobs, vmLifecycleJobs, volumeJobs, snapshotJobs]);
