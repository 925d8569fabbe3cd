/**
 * @module Picks the driver for a host URI. With the `libvirt` config (the default) `sim://` hosts go
 * to the simulator and everything else to virsh; with `simulator` every host is simulated.
 */
import type { DriverName } from "../config.ts";
import type { HostDriver } from "./driver.ts";
import { libvirtDriver } from "./libvirt.ts";
import { simulatorDriver } from "./simulator.ts";

export function driverFor(name: DriverName, drivers = { libvirt: libvirtDriver(), simulator: simulatorDriver() }) {
	return (uri: string): HostDriver => {
		if (name === "simulator" || uri.startsWith("sim://")) return drivers.simulator;
		return drivers.libvirt;
	};
}

export type DriverPicker = ReturnType<typeof driverFor>;
