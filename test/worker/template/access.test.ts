/**
 * The five-role access matrix of the template commands: who may register, list, change, share,
 * delete and prepare, on bob's private template (bob and alice, the User role, are users of d1;
 * the domain and resource admins sit in d1).
 */
import { env } from "cloudflare:workers";
import { beforeAll, expect } from "vitest";
import type { Params } from "../../helpers/api";
import {
	buildWorld,
	type Case,
	type CommandMatrix,
	call,
	describeMatrix,
	listItems,
	ok,
	unavailable,
	unique,
	type World,
} from "../../helpers/identity-fixtures";
import { createZone } from "../../helpers/inventory-fixtures";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
type Obj = any;

let world: World;
let zone: Obj;

beforeAll(async () => {
	world = await buildWorld();
	zone = await createZone(world);
});

function registerParams(extra: Params = {}): Params {
	return {
		command: "registerTemplate",
		name: unique("tmpl-"),
		url: "http://images.example.com/a.qcow2",
		format: "QCOW2",
		hypervisor: "KVM",
		zoneid: zone.id,
		...extra,
	};
}

/** A fresh private template of bob's. */
async function bobsTemplate(): Promise<Obj> {
	return ok(await call(world.bob, registerParams()), "registerTemplate").template[0];
}

async function stillThere(id: string): Promise<boolean> {
	const rows = await listItems(world.root, "listTemplates", "template", { templatefilter: "all", listall: "true", id });
	return rows.length > 0;
}

const registers: Case = { expect: "allowed", run: (_w, a) => call(a, registerParams()) };

/** A command on bob's template, expected to work or be refused (531) or unavailable (432). */
function onBobs(command: string, expectOutcome: "allowed" | 531 | 432, extra: Params = {}, scenario?: string): Case {
	let template: Obj;
	return {
		expect: expectOutcome,
		...(scenario ? { scenario } : {}),
		run: async (_w, a) => {
			template = await bobsTemplate();
			return call(a, { command, id: template.id, ...extra });
		},
		verify: async () => {
			if (command === "deleteTemplate") expect(await stillThere(template.id)).toBe(expectOutcome !== "allowed");
		},
	};
}

function sees(filter: string, expected: boolean): Case {
	let template: Obj;
	return {
		expect: "allowed",
		scenario: `(${filter}) bob's private template: ${expected ? "seen" : "not seen"}`,
		run: async (_w, a) => {
			template = await bobsTemplate();
			return call(a, { command: "listTemplates", templatefilter: filter, listall: "true", id: template.id });
		},
		verify: (_w, r) => expect((r.body.listtemplatesresponse.template ?? []).length > 0).toBe(expected),
	};
}

const matrix: Record<string, CommandMatrix> = {
	registerTemplate: {
		RootAdmin: [registers],
		ResourceAdmin: [registers],
		DomainAdmin: [registers],
		User: [registers],
		ReadOnlyAdmin: [unavailable("registerTemplate")],
	},
	listTemplates: {
		RootAdmin: [sees("all", true)],
		ResourceAdmin: [sees("all", true)],
		DomainAdmin: [sees("all", true)],
		User: [sees("executable", false), sees("self", false)],
		ReadOnlyAdmin: [sees("all", true)],
	},
	updateTemplate: {
		RootAdmin: [onBobs("updateTemplate", "allowed", { name: "x" })],
		ResourceAdmin: [onBobs("updateTemplate", "allowed", { name: "x" })],
		DomainAdmin: [onBobs("updateTemplate", "allowed", { name: "x" })],
		User: [onBobs("updateTemplate", 531, { name: "x" }, "on another user's template")],
		ReadOnlyAdmin: [onBobs("updateTemplate", 432, { name: "x" })],
	},
	updateTemplatePermissions: {
		RootAdmin: [onBobs("updateTemplatePermissions", "allowed", { ispublic: "true" })],
		ResourceAdmin: [onBobs("updateTemplatePermissions", "allowed", { ispublic: "true" })],
		DomainAdmin: [onBobs("updateTemplatePermissions", "allowed", { ispublic: "true" })],
		User: [onBobs("updateTemplatePermissions", 531, { ispublic: "true" }, "on another user's template")],
		ReadOnlyAdmin: [onBobs("updateTemplatePermissions", 432, { ispublic: "true" })],
	},
	deleteTemplate: {
		RootAdmin: [onBobs("deleteTemplate", "allowed")],
		ResourceAdmin: [onBobs("deleteTemplate", "allowed")],
		DomainAdmin: [onBobs("deleteTemplate", "allowed")],
		User: [onBobs("deleteTemplate", 531, {}, "on another user's template")],
		ReadOnlyAdmin: [onBobs("deleteTemplate", 432)],
	},
	prepareTemplate: {
		RootAdmin: [
			{
				expect: "allowed",
				scenario: "of a downloaded template",
				run: async (_w, a) => {
					const t = await bobsTemplate();
					await env.DB.prepare("UPDATE template_stores SET state = 'Ready' WHERE template_id = ?").bind(t.id).run();
					return call(a, { command: "prepareTemplate", templateid: t.id, zoneid: zone.id });
				},
			},
		],
		ResourceAdmin: [unavailable("prepareTemplate")],
		DomainAdmin: [unavailable("prepareTemplate")],
		User: [unavailable("prepareTemplate")],
		ReadOnlyAdmin: [unavailable("prepareTemplate")],
	},
};

describeMatrix("template access matrix", () => world, matrix);
