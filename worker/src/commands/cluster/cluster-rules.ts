/**
 * @module What a cluster may be: flarestack manages KVM clusters only (CloudManaged), on x86_64
 * or aarch64. Values are matched case-insensitively, as CloudStack's enums are, and normalised.
 */
import { CsError, ERROR } from "../../api/errors";

/** CloudStack's HypervisorType names: recognised so the refusal can say "not supported" rather than "unknown". */
const HYPERVISORS = [
	"XenServer",
	"KVM",
	"VMware",
	"Hyperv",
	"VirtualBox",
	"Parralels",
	"BareMetal",
	"Simulator",
	"Ovm",
	"Ovm3",
	"LXC",
	"Custom",
	"External",
];

/** The hypervisor of a new cluster: "KVM"; anything else is 431. */
export function kvmHypervisor(raw: string): "KVM" {
	const value = raw.trim();
	const known = HYPERVISORS.find((h) => h.toLowerCase() === value.toLowerCase());
	if (!known) throw new CsError(ERROR.paramError, `Unable to resolve ${raw} to a supported hypervisor type`);
	if (known !== "KVM") {
		throw new CsError(
			ERROR.paramError,
			`Hypervisor ${known} is not supported: flarestack manages KVM clusters only (hypervisor=KVM)`,
		);
	}
	return "KVM";
}

/** The cluster type of a KVM cluster: CloudManaged (the default); ExternalManaged is VMware's. */
export function kvmClusterType(raw: string | undefined): "CloudManaged" {
	const value = raw?.trim().toLowerCase() ?? "";
	if (value === "" || value === "cloudmanaged") return "CloudManaged";
	if (value === "externalmanaged") {
		throw new CsError(
			ERROR.paramError,
			"Cluster type ExternalManaged is not supported for KVM clusters; use clustertype=CloudManaged",
		);
	}
	throw new CsError(ERROR.paramError, `Unable to resolve cluster type '${raw}': use CloudManaged`);
}

/** CloudStack's CPU.CPUArch: x86_64 (the default) or aarch64. */
export function cpuArch(raw: string | undefined, fallback = "x86_64"): string {
	if (raw === undefined || raw.trim() === "") return fallback;
	const value = raw.trim().toLowerCase();
	if (value === "x86_64" || value === "aarch64") return value;
	throw new CsError(ERROR.paramError, `Unsupported arch type: ${raw}; use x86_64 or aarch64`);
}

/** Managed or Unmanaged (the states an admin sets; the Prepare* states are transitions). */
export function managedState(raw: string): "Managed" | "Unmanaged" {
	const value = raw.trim().toLowerCase();
	if (value === "managed") return "Managed";
	if (value === "unmanaged") return "Unmanaged";
	throw new CsError(ERROR.paramError, `Unable to resolve Managed State '${raw}' to a supported state`);
}

/** A cluster name: trimmed, not empty. */
export function clusterName(raw: string): string {
	const name = raw.trim();
	if (name === "") throw new CsError(ERROR.paramError, "Cluster name must not be empty");
	return name;
}
