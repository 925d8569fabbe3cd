/** Domain behaviour: deleteDomain with and without cleanup, duplicate names, renames, and scope. */
import { beforeAll, describe, expect, it } from "vitest";
import type { Params } from "../../helpers/api";
import {
	type Actor,
	buildWorld,
	call,
	createAccount,
	createActor,
	createDomain,
	expectDenied,
	expectParamError,
	jobResult,
	ok,
	unique,
	type World,
} from "../../helpers/identity-fixtures";

let world: World;
beforeAll(async () => {
	world = await buildWorld();
});

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
async function listDomains(actor: Actor, params: Params = {}): Promise<any[]> {
	return ok(await call(actor, { command: "listDomains", ...params }), "listDomains").domain ?? [];
}

async function domainExists(id: string): Promise<boolean> {
	return (await listDomains(world.root, { listall: "true" })).some((d) => d.id === id);
}

const idsOf = (items: { id: string }[]) => items.map((d) => d.id);

describe("deleteDomain", () => {
	it("without cleanup fails in the job while the domain still has an account, and keeps both", async () => {
		const id = await createDomain(world, world.rootDomainId);
		const account = await createAccount(world, id);
		const job = await jobResult(world.root, await call(world.root, { command: "deleteDomain", id }), "deleteDomain");
		expect(job.jobstatus).toBe(2);
		expect(job.jobresult.errorcode).toBeGreaterThanOrEqual(530);
		expect(job.jobresult.errortext).toMatch(/\S/);
		expect(await domainExists(id)).toBe(true);
		const accounts = ok(await call(world.root, { command: "listAccounts", id: account.accountId }), "listAccounts");
		expect(accounts.count).toBe(1);
	});

	it("without cleanup fails with CloudStack's 530 (a CloudRuntimeException in the job)", async () => {
		const id = await createDomain(world, world.rootDomainId);
		await createDomain(world, id);
		const job = await jobResult(world.root, await call(world.root, { command: "deleteDomain", id }), "deleteDomain");
		expect(job).toMatchObject({ jobstatus: 2, jobresultcode: 530, jobresult: { errorcode: 530 } });
		expect(await domainExists(id)).toBe(true);
	});

	it("with cleanup=true removes the sub-domains, their accounts and users, and the users' keys stop working", async () => {
		const id = await createDomain(world, world.rootDomainId);
		const child = await createDomain(world, id);
		const top = await createActor(world, id);
		const below = await createActor(world, child);
		const job = await jobResult(
			world.root,
			await call(world.root, { command: "deleteDomain", id, cleanup: "true" }),
			"deleteDomain",
		);
		expect(job).toMatchObject({ jobstatus: 1, jobresult: { success: true } });
		expect(await domainExists(id)).toBe(false);
		expect(await domainExists(child)).toBe(false);
		for (const gone of [top, below]) {
			const accounts = ok(await call(world.root, { command: "listAccounts", id: gone.accountId }), "listAccounts");
			expect(accounts.count ?? 0).toBe(0);
			expect((await call(gone, { command: "listAccounts" })).status).toBe(401);
		}
	});

	it("refuses the ROOT domain even to the root admin, synchronously", async () => {
		const result = await call(world.root, { command: "deleteDomain", id: world.rootDomainId, cleanup: "true" });
		expectDenied(result, "deleteDomain");
		expect(await domainExists(world.rootDomainId)).toBe(true);
	});
});

describe("domain names", () => {
	it("refuses a duplicate name under the same parent (431) but allows it under another parent", async () => {
		const name = unique("twin");
		await createDomain(world, world.d2, name);
		const again = await call(world.root, { command: "createDomain", name, parentdomainid: world.d2 });
		expectParamError(again, "createDomain", /already exists/);
		await createDomain(world, world.d1, name);
	});

	it("refuses renaming a domain to a sibling's name (431)", async () => {
		const first = unique("sib");
		await createDomain(world, world.d2, first);
		const second = await createDomain(world, world.d2);
		const result = await call(world.root, { command: "updateDomain", id: second, name: first });
		expectParamError(result, "updateDomain", /already exists/);
	});

	it("renaming a domain moves its descendants' paths", async () => {
		const parent = await createDomain(world, world.d2);
		const child = await createDomain(world, parent, "leaf");
		const name = unique("moved");
		ok(await call(world.root, { command: "updateDomain", id: parent, name }), "updateDomain");
		const [leaf] = await listDomains(world.root, { id: child });
		expect(leaf.path).toBe(`ROOT/d2/${name}/leaf`);
	});
});

describe("domain scope", () => {
	it("a domain admin asking listDomains for a domain outside its subtree gets 531", async () => {
		expectDenied(await call(world.domainAdmin, { command: "listDomains", id: world.d2 }), "listDomains");
	});

	it("a user asking listDomains for another domain gets 531", async () => {
		expectDenied(await call(world.alice, { command: "listDomains", id: world.d2 }), "listDomains");
	});

	it("a user may not list the children of a sub-domain of its own domain (531)", async () => {
		expectDenied(await call(world.alice, { command: "listDomainChildren", id: world.sub }), "listDomainChildren");
	});

	it("the read-only admin sees every domain's children", async () => {
		const children = ok(
			await call(world.readOnly, { command: "listDomainChildren", id: world.rootDomainId }),
			"listDomainChildren",
		);
		expect(idsOf(children.domain)).toEqual(expect.arrayContaining([world.d1, world.d2]));
	});
});
