/**
 * @module The instance core's job kinds: deploy, start and stop. Each answers the instance as the
 * job's owner may see it (jobresult `{virtualmachine: {…}}`); rollbacks undo a half-made transition.
 */
import { eq } from "drizzle-orm";
import { serializeVm } from "../api/serializers/vm";
import type { CommandResult } from "../commands/types";
import type { Db } from "../db/client";
import { accounts } from "../db/schema";
import type { JobContext, JobKind, JobOwner } from "../jobs/types";
import { rollbackDeploy, runDeploy } from "./deploy-flow";
import type { DeployPayload } from "./deploy-request";
import { abandonStart, abandonStop, type StartOptions, startVm, stopVm } from "./start-flow";
import type { VmRow } from "./vm-rows";

export interface StartPayload extends StartOptions {
	vmId: string;
}

export interface StopPayload {
	vmId: string;
	forced: boolean;
}

/** The job owner's view: its account type decides the admin-only fields. */
async function ownerView(db: Db, owner: JobOwner): Promise<{ accountType: number }> {
	const row = await db.select({ type: accounts.type }).from(accounts).where(eq(accounts.id, owner.accountId)).get();
	return { accountType: row?.type ?? 0 };
}

/** The instance as a job result. */
export async function vmResult(ctx: JobContext, vm: VmRow): Promise<CommandResult> {
	const { db } = ctx.deps;
	return { type: "object", name: "virtualmachine", value: await serializeVm(db, vm, await ownerView(db, ctx.owner)) };
}

const deploy: JobKind<DeployPayload> = {
	async run(ctx, payload) {
		return vmResult(ctx, await runDeploy(ctx, payload));
	},
	rollback: rollbackDeploy,
};

const start: JobKind<StartPayload> = {
	async run(ctx, { vmId, ...options }) {
		return vmResult(ctx, await startVm(ctx, vmId, options));
	},
	async rollback(ctx, { vmId }) {
		await abandonStart(ctx, vmId);
	},
};

const stop: JobKind<StopPayload> = {
	async run(ctx, { vmId, forced }) {
		return vmResult(ctx, await stopVm(ctx, vmId, { forced }));
	},
	async rollback(ctx, { vmId }) {
		await abandonStop(ctx, vmId);
	},
};

// biome-ignore lint/suspicious/noExplicitAny: each kind has its own payload type
export const vmCoreJobs: Record<string, JobKind<any>> = {
	"vm.deploy": deploy,
	"vm.start": start,
	"vm.stop": stop,
};
