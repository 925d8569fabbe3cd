/**
 * @module The libvirt driver: every call runs `virsh -c <uri> …` through execFile with an argument
 * array (never a shell), in the C locale so the output parses the same everywhere. Reading a host's
 * facts is one virsh process and one libvirt connection (virsh runs `a ; b ; c` itself), which
 * matters for qemu+ssh, where each connection is an SSH handshake. The guest methods are in
 * libvirt-vm.ts.
 */
import { ExecError, execProgram } from "../exec.ts";
import { type CallOptions, type Driver, DriverError, type HostFacts, type ProbeResult } from "./driver.ts";
import { libvirtVmMethods } from "./libvirt-vm.ts";
import {
	decideDomainType,
	parseDomains,
	parseHostname,
	parseHypervisorVersion,
	parseNodeInfo,
} from "./virsh-output.ts";

/** Printed between the sections of one virsh run; our own text, so it cannot come from libvirt. */
const MARK = "@@flarestack-section@@";

const FACT_COMMANDS = ["nodeinfo", "version", "hostname", "capabilities", "list --all --uuid --name", "list --all"];

export interface LibvirtOptions {
	/** The virsh binary (a test may point it elsewhere). */
	virsh?: string;
}

export function libvirtDriver({ virsh = "virsh" }: LibvirtOptions = {}): Driver {
	const run = (uri: string, args: string[], { timeoutMs, signal }: CallOptions) =>
		execProgram(virsh, ["-c", uri, ...args], {
			timeoutMs,
			...(signal ? { signal } : {}),
			env: { ...process.env, LC_ALL: "C", LANG: "C", VIRSH_DEFAULT_CONNECT_URI: "" },
		});

	return {
		...libvirtVmMethods(run),

		async connect(uri, options): Promise<HostFacts> {
			let output: string;
			try {
				output = await run(uri, [FACT_COMMANDS.join(` ; echo ${MARK} ; `)], options);
			} catch (error) {
				throw asDriverError(error);
			}
			const sections = output.split(`${MARK}\n`);
			if (sections.length !== FACT_COMMANDS.length) {
				throw new DriverError("failed", `virsh printed ${sections.length} sections, expected ${FACT_COMMANDS.length}`);
			}
			const [nodeinfo, version, hostname, capabilities, uuidNames, table] = sections as [
				string,
				string,
				string,
				string,
				string,
				string,
			];
			return {
				name: parseHostname(hostname),
				...parseNodeInfo(nodeinfo),
				hypervisorVersion: parseHypervisorVersion(version),
				domainType: decideDomainType(capabilities),
				domains: parseDomains(uuidNames, table),
			};
		},

		async probe(uri, options): Promise<ProbeResult> {
			try {
				await run(uri, ["hostname"], options);
				return { up: true };
			} catch (error) {
				return { up: false, text: asDriverError(error).message };
			}
		},
	};
}

function asDriverError(error: unknown): DriverError {
	if (error instanceof DriverError) return error;
	if (error instanceof ExecError) {
		if (error.kind === "timeout") return new DriverError("timeout", error.message);
		// virsh exits non-zero both for "cannot connect" and for refusals; both mean the host cannot be used.
		return new DriverError("unreachable", error.message);
	}
	return new DriverError("failed", error instanceof Error ? error.message : String(error));
}
