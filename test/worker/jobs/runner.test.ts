/**
 * The JobRunner: a started job is pending at once and finishes in the background with its kind's
 * result or error; past its deadline it fails with a readable text and its rollback runs once (a
 * late result changes nothing); jobs on one resource run in order while other resources' jobs run
 * beside them; a job kept by a runner that lost it (a restart) is run again by the alarm, or
 * failed when its deadline has passed.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { CsError, ERROR } from "../../../worker/src/api/errors";
import { asyncJobs } from "../../../worker/src/db/schema";
import { depsFor } from "../../../worker/src/deps";
import type { Caller } from "../../../worker/src/domain/access";
import { JOB_KINDS } from "../../../worker/src/jobs/registry";
import { startJob } from "../../../worker/src/jobs/start";
import type { JobKind, StoredJob } from "../../../worker/src/jobs/types";
import { buildWorld, call, ok, type World, waitForJob } from "../../helpers/identity-fixtures";

let world: World;
let caller: Caller;
const log: string[] = [];
const rollbacks: string[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Test-only kinds, added to the registry the runner reads (same isolate). */
const kinds: Record<string, JobKind<{ tag: string; ms?: number }>> = {
	"test.echo": {
		async run(_ctx, { tag, ms = 0 }) {
			log.push(`start ${tag}`);
			await sleep(ms);
			log.push(`end ${tag}`);
			return { type: "object", name: "echo", value: { tag } };
		},
		async rollback(_ctx, { tag }) {
			rollbacks.push(tag);
		},
	},
	"test.refuse": {
		async run(_ctx, { tag }) {
			throw new CsError(ERROR.insufficientCapacity, `No room for ${tag}`);
		},
		async rollback(_ctx, { tag }) {
			rollbacks.push(tag);
		},
	},
	"test.crash": {
		async run() {
			throw new Error("secret internal detail");
		},
	},
	"test.slow": {
		timeoutMs: () => 300,
		async run(_ctx, { tag }) {
			await sleep(1500);
			log.push(`late ${tag}`);
			return { type: "object", name: "echo", value: { tag } };
		},
		async rollback(_ctx, { tag }) {
			rollbacks.push(tag);
		},
	},
};

beforeAll(async () => {
	world = await buildWorld();
	const me = ok(await call(world.root, { command: "listUsers", username: "admin" }), "listUsers").user[0];
	caller = {
		userId: me.id,
		username: me.username,
		accountId: me.accountid,
		accountName: me.account,
		accountType: 1,
		domainId: me.domainid,
		domainPath: "/",
		roleId: me.roleid,
		roleType: "Admin",
		roleRules: [],
		via: "session",
	};
	for (const [name, kind] of Object.entries(kinds))
		(JOB_KINDS as Map<string, JobKind<unknown>>).set(name, kind as JobKind<unknown>);
});

async function start(kind: string, tag: string, extra: { ms?: number; resource?: string; zoneId?: string } = {}) {
	const deps = await depsFor(env);
	return startJob(deps, caller, {
		kind,
		zoneId: extra.zoneId ?? "zone-jobs-test",
		resource: extra.resource ?? `thing:${tag}`,
		cmd: "org.example.TestCmd",
		instanceType: "VirtualMachine",
		instanceId: crypto.randomUUID(),
		payload: { tag, ms: extra.ms },
	});
}

describe("JobRunner", () => {
	it("answers pending at once and finishes in the background with the result", async () => {
		const jobid = await start("test.echo", "a", { ms: 300 });
		const pending = ok(await call(world.root, { command: "queryAsyncJobResult", jobid }), "queryAsyncJobResult");
		expect(pending.jobstatus).toBe(0);
		expect(pending.jobresult).toBeUndefined();
		const job = await waitForJob(world.root, jobid);
		expect(job).toMatchObject({
			jobstatus: 1,
			jobresultcode: 0,
			jobresulttype: "object",
			jobresult: { echo: { tag: "a" } },
		});
		expect(job.completed).toBeTruthy();
	});

	it("fails with the kind's error and rolls back", async () => {
		const job = await waitForJob(world.root, await start("test.refuse", "b"));
		expect(job).toMatchObject({
			jobstatus: 2,
			jobresultcode: 533,
			jobresult: { errorcode: 533, errortext: "No room for b" },
		});
		expect(rollbacks).toContain("b");
	});

	it("turns an unexpected exception into a 530 without its details", async () => {
		const job = await waitForJob(world.root, await start("test.crash", "c"));
		expect(job.jobstatus).toBe(2);
		expect(job.jobresult.errorcode).toBe(530);
		expect(JSON.stringify(job)).not.toContain("secret internal detail");
	});

	it("fails a job past its deadline, rolls back once, and ignores the late result", async () => {
		const jobid = await start("test.slow", "d");
		const job = await waitForJob(world.root, jobid);
		expect(job.jobstatus).toBe(2);
		expect(job.jobresult.errortext).toMatch(/did not finish within/);
		await sleep(1600);
		expect(log).toContain("late d");
		const after = ok(await call(world.root, { command: "queryAsyncJobResult", jobid }), "queryAsyncJobResult");
		expect(after.jobstatus).toBe(2);
		expect(rollbacks.filter((t) => t === "d")).toHaveLength(1);
	});

	it("runs jobs on one resource in order and other resources beside them", async () => {
		const first = await start("test.echo", "e1", { ms: 400, resource: "thing:shared" });
		const second = await start("test.echo", "e2", { ms: 0, resource: "thing:shared" });
		const other = await start("test.echo", "e3", { ms: 0, resource: "thing:other" });
		await Promise.all([first, second, other].map((id) => waitForJob(world.root, id)));
		expect(log.indexOf("end e1")).toBeLessThan(log.indexOf("start e2"));
		expect(log.indexOf("end e3")).toBeLessThan(log.indexOf("end e1"));
	});

	it("runs a kept job nobody runs again from the alarm, and fails one past its deadline", async () => {
		const zoneId = `zone-restart-${crypto.randomUUID()}`;
		const stub = env.JOB_RUNNER.get(env.JOB_RUNNER.idFromName(zoneId));
		const deps = await depsFor(env);
		const now = Date.now();
		const kept = (tag: string, deadline: number): StoredJob => ({
			id: crypto.randomUUID(),
			kind: "test.echo",
			zoneId,
			resource: `thing:${tag}`,
			cmd: "org.example.TestCmd",
			instanceType: "VirtualMachine",
			payload: { tag },
			owner: { userId: caller.userId, accountId: caller.accountId, domainId: caller.domainId },
			created: now,
			deadline,
		});
		const alive = kept("f1", now + 60_000);
		const expired = kept("f2", now - 1);
		for (const job of [alive, expired]) {
			await deps.db.insert(asyncJobs).values({
				id: job.id,
				cmd: job.cmd,
				userId: caller.userId,
				accountId: caller.accountId,
				domainId: caller.domainId,
				status: 0,
				instanceType: job.instanceType,
				zoneId,
				created: now,
			});
		}
		// As if a previous instance had kept them and was then reset: storage only, nothing running.
		await runInDurableObject(stub, async (_instance, state) => {
			await state.storage.put(`job:${alive.id}`, alive);
			await state.storage.put(`job:${expired.id}`, expired);
			await state.storage.setAlarm(Date.now() + 60_000);
		});
		await runDurableObjectAlarm(stub);
		const done = await waitForJob(world.root, alive.id);
		expect(done.jobresult).toEqual({ echo: { tag: "f1" } });
		const failed = await waitForJob(world.root, expired.id);
		expect(failed.jobstatus).toBe(2);
		expect(failed.jobresult.errortext).toMatch(/did not finish within/);
		const rows = await deps.db.select().from(asyncJobs).where(eq(asyncJobs.zoneId, zoneId));
		expect(rows.every((r) => r.status !== 0)).toBe(true);
		await runInDurableObject(stub, async (_instance, state) => {
			expect((await state.storage.list({ prefix: "job:" })).size).toBe(0);
		});
	});
});
