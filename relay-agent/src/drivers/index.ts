/**
 * @module Picks the driver for a host URI. With the `libvirt` config (the default) `sim://` hosts go
 * to the simulator and everything else to virsh; with `simulator` every host is simulated. The host
 * picker (facts, probes) and the guest picker must share one driver pair, because the simulator's
 * guests live inside its instance: build both from one `siteDrivers()`.
 */
import type { DriverName } from "../config.ts";
import type { HostDriver, VmDriver } from "./driver.ts";
import { libvirtDriver } from "./libvirt.ts";
import { type SimulatorDriver, simulatorDriver } from "./simulator.ts";

export interface SiteDrivers {
	libvirt: ReturnType<typeof libvirtDriver>;
	simulator: SimulatorDriver;
}

export function siteDrivers(): SiteDrivers {
	return { libvirt: libvirtDriver(), simulator: simulatorDriver() };
}

function pick<D>(name: DriverName, drivers: { libvirt: D; simulator: D }) {
	return (uri: string): D => {
		if (name === "simulator" || uri.startsWith("sim://")) return drivers.simulator;
		return drivers.libvirt;
	};
}

export function driverFor(name: DriverName, drivers: { libvirt: HostDriver; simulator: HostDriver } = siteDrivers()) {
	return pick<HostDriver>(name, drivers);
}

/** The guest methods for a host URI (same rule as `driverFor`). */
export function vmDriverFor(name: DriverName, drivers: { libvirt: VmDriver; simulator: VmDriver } = siteDrivers()) {
	return pick<VmDriver>(name, drivers);
}

export type DriverPicker = ReturnType<typeof driverFor>;
export type VmDriverPicker = ReturnType<typeof vmDriverFor>;
