/**
 * The seeded rows with fixed ids (roles, the bootstrap domain/account/user, network offerings, the
 * OS catalogue, hypervisor capabilities) never share an id: clients treat ids as global, and a
 * collision would make one entity answer for another.
 */
import { describe, expect, it } from "vitest";
import { ADMIN_ACCOUNT_ID, ADMIN_USER_ID, ROOT_DOMAIN_ID } from "../../worker/src/db/bootstrap";
import { NETWORK_OFFERINGS } from "../../worker/src/domain/network-offerings";
import { KVM_CAPABILITIES, OS_CATEGORIES, OS_TYPES } from "../../worker/src/domain/os-types";
import { BUILT_IN_ROLES } from "../../worker/src/domain/roles";

describe("fixed ids", () => {
	it("are unique across every seeded entity", () => {
		const ids = [
			ROOT_DOMAIN_ID,
			ADMIN_ACCOUNT_ID,
			ADMIN_USER_ID,
			...BUILT_IN_ROLES.map((r) => r.id),
			...NETWORK_OFFERINGS.map((o) => o.id),
			...OS_CATEGORIES.map((c) => c.id),
			...OS_TYPES.map((t) => t.id),
			KVM_CAPABILITIES.id,
		];
		expect(ids.length).toBeGreaterThan(20);
		expect(new Set(ids).size).toBe(ids.length);
	});
});
