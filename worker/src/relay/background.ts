/**
 * @module What the ZoneRelay writes to D1 for a background command (RelayLink.start): a download's
 * start, progress and outcome (template_stores + TEMPLATE.DOWNLOAD.*), a pool copy's outcome
 * (template_pools), a store's usage (image_stores / storage_pools). Each applier answers the
 * follow-ups the DO then sends: cleanups of files nobody wants, and a usage refresh.
 */
import type { CommandArgs, CommandName, CommandResult, StoreLocation } from "@flarestack/protocol";
import { and, eq, ne } from "drizzle-orm";
import type { Db } from "../db/client";
import { eventInsert } from "../db/events";
import { imageStores, storagePools, templatePools, templateStores, templates } from "../db/schema";
import { logWarn } from "../lib/log";
import { zoneName } from "./apply";
import type { BackgroundContext, CallOutcome } from "./link";

/** A background command as the DO keeps it. */
export interface BackgroundCommand {
	id: string;
	name: CommandName;
	args: unknown;
	timeoutMs: number;
	zoneId: string;
	context: BackgroundContext;
}

/** What the DO does after applying an outcome. */
export type FollowUp = { kind: "cleanup"; store: StoreLocation; path: string } | { kind: "usage" };

type Outcome = CallOutcome<CommandName>;

/** The parent directory of a store path (a template's own directory on secondary storage). */
function directoryOf(path: string): string {
	const slash = path.lastIndexOf("/");
	return slash > 0 ? path.slice(0, slash) : path;
}

async function templateOf(db: Db, templateId: string) {
	return db
		.select({
			id: templates.id,
			name: templates.name,
			isIso: templates.isIso,
			accountId: templates.accountId,
			domainId: templates.domainId,
		})
		.from(templates)
		.where(eq(templates.id, templateId))
		.get();
}

type TemplateRef = NonNullable<Awaited<ReturnType<typeof templateOf>>>;

function downloadEvent(
	db: Db,
	now: number,
	template: TemplateRef,
	type: "TEMPLATE.DOWNLOAD.START" | "TEMPLATE.DOWNLOAD.SUCCESS" | "TEMPLATE.DOWNLOAD.FAILED",
	description: string,
) {
	return eventInsert(db, now, null, {
		type,
		level: type === "TEMPLATE.DOWNLOAD.FAILED" ? "ERROR" : "INFO",
		description,
		resourceType: template.isIso ? "Iso" : "Template",
		resourceId: template.id,
		resourceName: template.name,
		owner: { accountId: template.accountId, domainId: template.domainId },
	});
}

const kindOf = (template: TemplateRef) => (template.isIso ? "ISO" : "template");

/**
 * Just before the DO sends a background command. A download's row turns Downloading with the
 * command's id (so an older attempt's late answer is ignored) and TEMPLATE.DOWNLOAD.START is
 * written. False when the command must not go out (its row is gone).
 */
export async function beforeBackgroundSend(db: Db, now: number, command: BackgroundCommand): Promise<boolean> {
	const { context } = command;
	if (context.kind !== "download") return true;
	const key = and(eq(templateStores.templateId, context.templateId), eq(templateStores.zoneId, context.zoneId));
	const template = await templateOf(db, context.templateId);
	const row = await db.select({ state: templateStores.state }).from(templateStores).where(key).get();
	if (!template || !row) return false;
	await db.batch([
		db
			.update(templateStores)
			.set({ state: "Downloading", percent: 0, errorText: null, commandId: command.id, updated: now })
			.where(key),
		downloadEvent(
			db,
			now,
			template,
			"TEMPLATE.DOWNLOAD.START",
			`Started downloading ${kindOf(template)} ${template.name} into zone ${await zoneName(db, context.zoneId)}`,
		),
	]);
	return true;
}

/** A progress frame: the download's percent, written only when it changed. */
export async function applyBackgroundProgress(
	db: Db,
	now: number,
	command: BackgroundCommand,
	percent: number,
): Promise<void> {
	if (command.context.kind !== "download") return;
	await db
		.update(templateStores)
		.set({ percent, updated: now })
		.where(
			and(
				eq(templateStores.commandId, command.id),
				eq(templateStores.state, "Downloading"),
				ne(templateStores.percent, percent),
			),
		);
}

/** The readable reason of a failure; a deadline says which limit passed. */
function failureText(command: BackgroundCommand, outcome: Extract<Outcome, { ok: false }>): string {
	if (outcome.code !== "deadline") return outcome.text;
	const seconds = Math.round(command.timeoutMs / 1000);
	if (command.name === "template.download") {
		return `The download did not finish within ${seconds} s (template.download.timeout)`;
	}
	return `The relay agent did not finish ${command.name} within ${seconds} s`;
}

async function applyDownload(
	db: Db,
	now: number,
	command: BackgroundCommand & { context: { kind: "download" } },
	outcome: Outcome,
): Promise<FollowUp[]> {
	const { templateId, zoneId } = command.context;
	const args = command.args as CommandArgs<"template.download">;
	const row = await db
		.select({ commandId: templateStores.commandId })
		.from(templateStores)
		.where(and(eq(templateStores.templateId, templateId), eq(templateStores.zoneId, zoneId)))
		.get();
	const template = await templateOf(db, templateId);
	if (!row || !template) {
		// Deleted while it downloaded: what it wrote (or, past the deadline, may have left) goes too.
		const leftovers = outcome.ok || outcome.code === "deadline";
		return leftovers ? [{ kind: "cleanup", store: args.store, path: directoryOf(args.path) }, { kind: "usage" }] : [];
	}
	if (row.commandId !== command.id) {
		logWarn(`relay:${zoneId}`, "ignored the answer of an older download", { templateId, id: command.id });
		return [];
	}
	const zone = await zoneName(db, zoneId);
	const key = and(
		eq(templateStores.templateId, templateId),
		eq(templateStores.zoneId, zoneId),
		eq(templateStores.commandId, command.id),
	);
	if (outcome.ok) {
		const image = outcome.result as CommandResult<"template.download">;
		await db.batch([
			db
				.update(templateStores)
				.set({
					state: "Ready",
					percent: 100,
					errorText: null,
					path: image.path,
					sizeBytes: image.sizeBytes,
					physicalBytes: image.physicalBytes,
					updated: now,
				})
				.where(key),
			downloadEvent(
				db,
				now,
				template,
				"TEMPLATE.DOWNLOAD.SUCCESS",
				`Downloaded ${kindOf(template)} ${template.name} into zone ${zone}`,
			),
		]);
		return [{ kind: "usage" }];
	}
	const text = failureText(command, outcome);
	await db.batch([
		db.update(templateStores).set({ state: "Error", errorText: text, updated: now }).where(key),
		downloadEvent(
			db,
			now,
			template,
			"TEMPLATE.DOWNLOAD.FAILED",
			`Downloading ${kindOf(template)} ${template.name} into zone ${zone} failed: ${text}`,
		),
	]);
	// The agent removes its own files after a failure, but not the template's directory, and past
	// the deadline it may have removed nothing (killed, away): the directory is this template's
	// alone, so it goes whole.
	return [{ kind: "cleanup", store: args.store, path: directoryOf(args.path) }, { kind: "usage" }];
}

async function applyPrepare(
	db: Db,
	now: number,
	command: BackgroundCommand & { context: { kind: "prepare" } },
	outcome: Outcome,
): Promise<FollowUp[]> {
	const { templateId, poolId } = command.context;
	const args = command.args as CommandArgs<"template.prepare">;
	const key = and(
		eq(templatePools.templateId, templateId),
		eq(templatePools.poolId, poolId),
		eq(templatePools.state, "Copying"),
	);
	if (outcome.ok) {
		const image = outcome.result as CommandResult<"template.prepare">;
		const updated = await db
			.update(templatePools)
			.set({
				state: "Ready",
				errorText: null,
				path: image.path,
				sizeBytes: image.sizeBytes,
				physicalBytes: image.physicalBytes,
				updated: now,
			})
			.where(key)
			.returning({ poolId: templatePools.poolId });
		if (updated.length > 0) return [{ kind: "usage" }];
		// No row waits for it (the template was deleted meanwhile): the copy goes too.
		const wanted = await db
			.select({ state: templatePools.state })
			.from(templatePools)
			.where(and(eq(templatePools.templateId, templateId), eq(templatePools.poolId, poolId)))
			.get();
		return wanted ? [] : [{ kind: "cleanup", store: args.pool, path: args.path }, { kind: "usage" }];
	}
	const text = failureText(command, outcome);
	await db.update(templatePools).set({ state: "Error", errorText: text, updated: now }).where(key);
	return outcome.code === "deadline" ? [{ kind: "cleanup", store: args.pool, path: `${args.path}.part` }] : [];
}

async function applyUsage(
	db: Db,
	command: BackgroundCommand & { context: { kind: "usage" } },
	outcome: Outcome,
): Promise<void> {
	const { target, id } = command.context;
	if (!outcome.ok) {
		logWarn(`relay:${command.zoneId}`, "store usage refresh failed", { target, id, text: outcome.text });
		return;
	}
	const usage = outcome.result as CommandResult<"store.stat">;
	const set = { capacityBytes: usage.capacityBytes, usedBytes: usage.usedBytes };
	if (target === "imageStore") await db.update(imageStores).set(set).where(eq(imageStores.id, id));
	else await db.update(storagePools).set(set).where(eq(storagePools.id, id));
}

/** Applies a background command's answer, failure or deadline; answers the follow-ups. */
export async function applyBackgroundOutcome(
	db: Db,
	now: number,
	command: BackgroundCommand,
	outcome: Outcome,
): Promise<FollowUp[]> {
	const { context } = command;
	switch (context.kind) {
		case "download":
			return applyDownload(db, now, { ...command, context }, outcome);
		case "prepare":
			return applyPrepare(db, now, { ...command, context }, outcome);
		case "usage":
			await applyUsage(db, { ...command, context }, outcome);
			return [];
		case "cleanup":
			if (!outcome.ok) {
				logWarn(`relay:${command.zoneId}`, "store cleanup failed", { id: command.id, text: outcome.text });
			}
			return [{ kind: "usage" }];
	}
}
