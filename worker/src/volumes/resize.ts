/**
 * @module resizeVolume as a job: an Allocated volume only changes its row; a volume on storage
 * turns Resizing, takes the extra bytes from its pool (compare-and-set under the pool's limit),
 * and the agent grows the file (`virsh blockresize` through `attachedTo` when its guest runs).
 */
import { and, eq } from "drizzle-orm";
import { CsError, ERROR } from "../api/errors";
import { volumes } from "../db/schema";
import type { JobContext } from "../jobs/types";
import { releasePool, reservePool } from "../vms/capacity";
import { requireVm } from "../vms/vm-rows";
import { noRoom } from "./attach";
import { diskTargetOf } from "./paths";
import { agentCall, type JobAnswer, jobEvent, loadVolume, poolStore, volumeResult } from "./site";

export interface ResizePayload {
	volumeId: string;
	sizeBytes: number;
	diskOfferingId?: string | undefined;
}

export async function runResize(ctx: JobContext, payload: ResizePayload): Promise<JobAnswer> {
	const { db } = ctx.deps;
	let volume = await loadVolume(db, payload.volumeId);
	const offering = payload.diskOfferingId ?? volume.diskOfferingId;
	if (volume.sizeBytes === payload.sizeBytes && volume.state !== "Resizing") return volumeResult(db, volume.id);
	if (payload.sizeBytes < volume.sizeBytes) {
		throw new CsError(ERROR.paramError, `Volume ${volume.name} cannot shrink: qcow2 volumes only grow`);
	}
	if (volume.state === "Allocated") {
		await db
			.update(volumes)
			.set({ sizeBytes: payload.sizeBytes, diskOfferingId: offering })
			.where(and(eq(volumes.id, volume.id), eq(volumes.state, "Allocated")));
	} else {
		if (volume.state === "Ready") {
			const [claimed] = await db
				.update(volumes)
				.set({ state: "Resizing" })
				.where(and(eq(volumes.id, volume.id), eq(volumes.state, "Ready")))
				.returning();
			if (!claimed) return runResize(ctx, payload);
			volume = claimed;
			if (!(await reservePool(db, volume.poolId ?? "", payload.sizeBytes - volume.sizeBytes))) {
				await db.update(volumes).set({ state: "Ready" }).where(eq(volumes.id, volume.id));
				throw noRoom({ name: volume.name, sizeBytes: payload.sizeBytes - volume.sizeBytes }, volume.poolId ?? "");
			}
		} else if (volume.state !== "Resizing") {
			throw new CsError(
				ERROR.paramError,
				`Volume ${volume.name} is ${volume.state}: only Ready volumes can be resized`,
			);
		}
		const { store } = await poolStore(db, volume);
		const vm = volume.vmId ? await requireVm(db, volume.vmId) : undefined;
		const running = vm?.state === "Running" && vm.hostId ? vm : undefined;
		await agentCall(
			ctx,
			"volume.resize",
			{
				store,
				path: volume.path ?? "",
				sizeBytes: payload.sizeBytes,
				...(running
					? {
							attachedTo: {
								hostId: running.hostId as string,
								name: running.instanceName,
								target: diskTargetOf(volume.deviceId ?? 0),
							},
						}
					: {}),
			},
			`Resizing volume ${volume.name}`,
		);
		await db
			.update(volumes)
			.set({ state: "Ready", sizeBytes: payload.sizeBytes, diskOfferingId: offering })
			.where(and(eq(volumes.id, volume.id), eq(volumes.state, "Resizing")));
	}
	await jobEvent(ctx, volume, {
		type: "VOLUME.RESIZE",
		description: `Resized volume ${volume.name} to ${payload.sizeBytes} bytes`,
		resourceType: "Volume",
		resourceId: volume.id,
		resourceName: volume.name,
	});
	return volumeResult(db, volume.id);
}

/** A failed resize leaves the file as it was: the volume is Ready again and the extra bytes go back. */
export async function rollbackResize(ctx: JobContext, payload: ResizePayload): Promise<void> {
	const { db } = ctx.deps;
	const [back] = await db
		.update(volumes)
		.set({ state: "Ready" })
		.where(and(eq(volumes.id, payload.volumeId), eq(volumes.state, "Resizing")))
		.returning();
	if (back?.poolId) await releasePool(db, back.poolId, payload.sizeBytes - back.sizeBytes);
}
