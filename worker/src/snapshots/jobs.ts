/** @module The snapshot job kinds (jobs/registry.ts merges them): volume snapshots, templates from volumes or snapshots, VM snapshots. */
import type { JobKind } from "../jobs/types";
import { rollbackTemplateFrom, runTemplateFrom, type TemplateFromPayload } from "./template-from";
import {
	rollbackCreateVmSnapshot,
	rollbackRevertToVmSnapshot,
	runCreateVmSnapshot,
	runDeleteVmSnapshot,
	runRevertToVmSnapshot,
	type VmSnapshotPayload,
} from "./vm-snapshots";
import {
	rollbackCreateSnapshot,
	rollbackRevertSnapshot,
	runCreateSnapshot,
	runDeleteSnapshot,
	runRevertSnapshot,
	type SnapshotPayload,
} from "./volume-snapshots";

// biome-ignore lint/suspicious/noExplicitAny: each kind has its own payload type
export const snapshotJobs: Record<string, JobKind<any>> = {
	"snapshot.create": { run: runCreateSnapshot, rollback: rollbackCreateSnapshot } satisfies JobKind<SnapshotPayload>,
	"snapshot.delete": { run: runDeleteSnapshot } satisfies JobKind<SnapshotPayload>,
	"snapshot.revert": { run: runRevertSnapshot, rollback: rollbackRevertSnapshot } satisfies JobKind<SnapshotPayload>,
	"template.fromVolume": {
		run: runTemplateFrom,
		rollback: rollbackTemplateFrom,
	} satisfies JobKind<TemplateFromPayload>,
	"vmsnapshot.create": {
		run: runCreateVmSnapshot,
		rollback: rollbackCreateVmSnapshot,
	} satisfies JobKind<VmSnapshotPayload>,
	"vmsnapshot.revert": {
		run: runRevertToVmSnapshot,
		rollback: rollbackRevertToVmSnapshot,
	} satisfies JobKind<VmSnapshotPayload>,
	"vmsnapshot.delete": { run: runDeleteVmSnapshot } satisfies JobKind<VmSnapshotPayload>,
};
