/** Domain commands: the access matrix across the five roles (behaviour is in domain-lifecycle). */
import { beforeAll, expect } from "vitest";
import type { Params } from "../../helpers/api";
import {
	type Actor,
	buildWorld,
	type Case,
	type CommandMatrix,
	call,
	createDomain,
	describeMatrix,
	jobResult,
	ok,
	unavailable,
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

const seesAll: Case = {
	scenario: "with listall=true sees every domain",
	expect: "allowed",
	run: (_w, a) => call(a, { command: "listDomains", listall: "true" }),
	verify: (w, r) =>
		expect(idsOf(r.body.listdomainsresponse.domain)).toEqual(
			expect.arrayContaining([w.rootDomainId, w.d1, w.sub, w.d2]),
		),
};

const seesSubtree: Case = {
	scenario: "with listall=true sees only its own subtree",
	expect: "allowed",
	run: (_w, a) => call(a, { command: "listDomains", listall: "true" }),
	verify: (w, r) => {
		const items: { id: string; path: string }[] = r.body.listdomainsresponse.domain;
		expect(idsOf(items)).toEqual(expect.arrayContaining([w.d1, w.sub]));
		expect(idsOf(items)).not.toContain(w.d2);
		expect(idsOf(items)).not.toContain(w.rootDomainId);
		for (const d of items) expect(d.path).toMatch(/^ROOT\/d1(\/|$)/);
	},
};

const childrenOf = (domain: (w: World) => string, scenario: string, expected: (w: World) => string[]): Case => ({
	scenario,
	expect: "allowed",
	run: (w, a) => call(a, { command: "listDomainChildren", id: domain(w) }),
	verify: (w, r) =>
		expect(idsOf(r.body.listdomainchildrenresponse.domain ?? [])).toEqual(expect.arrayContaining(expected(w))),
});

const ownChildren = childrenOf(
	(w) => w.d1,
	"of own domain",
	(w) => [w.sub],
);

const childrenDenied: Case = {
	scenario: "of d2",
	expect: 531,
	run: (w, a) => call(a, { command: "listDomainChildren", id: w.d2 }),
};

function createIn(parent: (w: World) => string, scenario: string, path: string): Case {
	const name = unique("new");
	return {
		scenario,
		expect: "allowed",
		run: (w, a) => call(a, { command: "createDomain", name, parentdomainid: parent(w) }),
		verify: async (w, r) => {
			const domain = r.body.createdomainresponse.domain;
			expect(domain).toMatchObject({ name, parentdomainid: parent(w), path: `${path}/${name}` });
			expect(await domainExists(domain.id)).toBe(true);
		},
	};
}

function renameIn(parent: (w: World) => string, scenario: string): Case {
	const name = unique("renamed");
	let id = "";
	return {
		scenario,
		expect: "allowed",
		run: async (w, a) => {
			id = await createDomain(w, parent(w));
			return call(a, { command: "updateDomain", id, name });
		},
		verify: async (w) => {
			const [domain] = await listDomains(w.root, { id });
			expect(domain.name).toBe(name);
			expect(domain.path).toMatch(new RegExp(`/${name}$`));
		},
	};
}

function deleteIn(parent: (w: World) => string, scenario: string): Case {
	let id = "";
	return {
		scenario,
		expect: "allowed",
		run: async (w, a) => {
			id = await createDomain(w, parent(w));
			return call(a, { command: "deleteDomain", id });
		},
		verify: async (_w, r, a) => {
			const job = await jobResult(a, r, "deleteDomain");
			expect(job).toMatchObject({ jobstatus: 1, jobresultcode: 0, jobresult: { success: true } });
			expect(await domainExists(id)).toBe(false);
		},
	};
}

const matrix: Record<string, CommandMatrix> = {
	listDomains: {
		RootAdmin: [seesAll],
		ReadOnlyAdmin: [seesAll],
		DomainAdmin: [seesSubtree],
		ResourceAdmin: [seesSubtree],
		User: [
			{
				scenario: "sees its own domain",
				expect: "allowed",
				run: (_w, a) => call(a, { command: "listDomains" }),
				verify: (w, r) => expect(idsOf(r.body.listdomainsresponse.domain)).toEqual([w.d1]),
			},
		],
	},
	createDomain: {
		RootAdmin: [createIn((w) => w.d2, "under d2", "ROOT/d2")],
		DomainAdmin: [
			createIn((w) => w.sub, "in own subtree", "ROOT/d1/sub"),
			{
				scenario: "under d2",
				expect: 531,
				run: (w, a) => call(a, { command: "createDomain", name: "intruder", parentdomainid: w.d2 }),
				verify: async (w) => expect(await listDomains(w.root, { listall: "true", name: "intruder" })).toEqual([]),
			},
		],
		ResourceAdmin: [unavailable("createDomain", { name: "nope" })],
		User: [unavailable("createDomain", { name: "nope" })],
		ReadOnlyAdmin: [unavailable("createDomain", { name: "nope" })],
	},
	updateDomain: {
		RootAdmin: [renameIn((w) => w.d2, "renames a domain in d2")],
		DomainAdmin: [
			renameIn((w) => w.d1, "renames a sub-domain in own subtree"),
			{
				scenario: "on d2",
				expect: 531,
				run: (w, a) => call(a, { command: "updateDomain", id: w.d2, name: "hijacked" }),
				verify: async (w) => expect((await listDomains(w.root, { id: w.d2 }))[0].name).toBe("d2"),
			},
		],
		ResourceAdmin: [unavailable("updateDomain", { name: "nope" })],
		User: [unavailable("updateDomain", { name: "nope" })],
		ReadOnlyAdmin: [unavailable("updateDomain", { name: "nope" })],
	},
	deleteDomain: {
		RootAdmin: [deleteIn((w) => w.d2, "of an empty domain")],
		DomainAdmin: [
			deleteIn((w) => w.sub, "of an empty sub-domain in own subtree"),
			{
				scenario: "of d2",
				expect: 531,
				run: (w, a) => call(a, { command: "deleteDomain", id: w.d2 }),
				verify: async (w) => expect(await domainExists(w.d2)).toBe(true),
			},
		],
		ResourceAdmin: [unavailable("deleteDomain")],
		User: [unavailable("deleteDomain")],
		ReadOnlyAdmin: [unavailable("deleteDomain")],
	},
	listDomainChildren: {
		RootAdmin: [
			childrenOf(
				(w) => w.rootDomainId,
				"of ROOT",
				(w) => [w.d1, w.d2],
			),
		],
		ReadOnlyAdmin: [
			childrenOf(
				(w) => w.d1,
				"of d1",
				(w) => [w.sub],
			),
		],
		DomainAdmin: [ownChildren, childrenDenied],
		ResourceAdmin: [ownChildren, childrenDenied],
		User: [ownChildren, childrenDenied],
	},
};

describeMatrix("domain commands × roles", () => world, matrix);
