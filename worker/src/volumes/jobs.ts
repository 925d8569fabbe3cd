/** @module The volume job kinds (jobs/registry.ts merges them): what createVolume … migrateVolume run in the background. */
import type { JobKind } from "../jobs/types";
import { type AttachPayload, type DetachPayload, rollbackAttach, runAttach, runDetach } from "./attach";
import { type MigratePayload, rollbackMigrate, runMigrate } from "./migrate";
import { type ResizePayload, rollbackResize, runResize } from "./resize";
import { volumeResult } from "./site";

/** createVolume's job: the row is already there; with an instance it is attached to it as well. */
interface CreatePayload {
	volumeId: string;
	vmId?: string | undefined;
}

const create: JobKind<CreatePayload> = {
	run: (ctx, p) =>
		p.vmId ? runAttach(ctx, { volumeId: p.volumeId, vmId: p.vmId }) : volumeResult(ctx.deps.db, p.volumeId),
	rollback: (ctx, p) => (p.vmId ? rollbackAttach(ctx, { volumeId: p.volumeId, vmId: p.vmId }) : Promise.resolve()),
};

// biome-ignore lint/suspicious/noExplicitAny: each kind has its own payload type
export const volumeJobs: Record<string, JobKind<any>> = {
	"volume.create": create,
	"volume.attach": { run: runAttach, rollback: rollbackAttach } satisfies JobKind<AttachPayload>,
	"volume.detach": { run: runDetach } satisfies JobKind<DetachPayload>,
	"volume.resize": { run: runResize, rollback: rollbackResize } satisfies JobKind<ResizePayload>,
	"volume.migrate": { run: runMigrate, rollback: rollbackMigrate } satisfies JobKind<MigratePayload>,
};
