/**
 * @module Which lifecycle actions a VM's state allows, as CloudStack's console offers them. The API
 * decides in the end (it answers 431/530 for a wrong state); this only hides buttons that cannot work.
 */

export const VM_STATES = ["Running", "Stopped", "Starting", "Stopping", "Migrating", "Error", "Destroyed", "Expunging"];

/** States a VM leaves by itself: pages showing one poll until it settles. */
const TRANSITIONAL = new Set(["Starting", "Stopping", "Migrating", "Expunging", "Creating"]);

export function isTransitional(state: string | undefined): boolean {
	return state !== undefined && TRANSITIONAL.has(state);
}

export type VmAction = "start" | "stop" | "reboot" | "migrate" | "destroy" | "recover" | "expunge";

/** `admin`: root or domain admins; `root`: root admins only (migrateVirtualMachine is Admin-only). */
const ALLOWED: Record<VmAction, { states: string[]; who?: "admin" | "root" }> = {
	start: { states: ["Stopped"] },
	stop: { states: ["Running"] },
	reboot: { states: ["Running"] },
	migrate: { states: ["Running"], who: "root" },
	destroy: { states: ["Running", "Stopped", "Error"] },
	// CloudStack's default allow.user.expunge.recover.vm=false: admins only.
	recover: { states: ["Destroyed"], who: "admin" },
	expunge: { states: ["Destroyed"], who: "admin" },
};

/** `accountType`: the session user's type, "1" root admin, "2" domain admin, "0" user. */
export function allowedActions(state: string | undefined, accountType: string | undefined): VmAction[] {
	const root = accountType === "1";
	const admin = root || accountType === "2";
	return (Object.keys(ALLOWED) as VmAction[]).filter((action) => {
		const rule = ALLOWED[action];
		if (state === undefined || !rule.states.includes(state)) return false;
		return rule.who === undefined || (rule.who === "root" ? root : admin);
	});
}
