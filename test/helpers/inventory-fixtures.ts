/**
 * Infrastructure built through the API as the root admin, for the inventory tests: zones, pods
 * and clusters with unique names. Each returns the created object as the API answered it.
 */
import type { Params } from "./api";
import { call, ok, unique, type World } from "./identity-fixtures";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
type Obj = any;

/** A Basic zone (allocationstate Disabled, as CloudStack creates zones). */
export async function createZone(world: World, extra: Params = {}): Promise<Obj> {
	const params = {
		command: "createZone",
		name: unique("zone-"),
		networktype: "Basic",
		dns1: "8.8.8.8",
		internaldns1: "10.0.0.2",
		...extra,
	};
	return ok(await call(world.root, params), "createZone").zone;
}

let podSubnet = 0;
/** A pod on its own 10.x.y.0/24 (gateway .1, management range .10–.50) unless `extra` says otherwise. */
export async function createPod(world: World, zoneId: string, extra: Params = {}): Promise<Obj> {
	podSubnet += 1;
	const prefix = `10.${100 + Math.floor(podSubnet / 250)}.${podSubnet % 250}`;
	const params = {
		command: "createPod",
		zoneid: zoneId,
		name: unique("pod-"),
		gateway: `${prefix}.1`,
		netmask: "255.255.255.0",
		startip: `${prefix}.10`,
		endip: `${prefix}.50`,
		...extra,
	};
	return ok(await call(world.root, params), "createPod").pod;
}

/** A KVM CloudManaged cluster (addCluster answers with a list: this returns its one item). */
export async function createCluster(
	world: World,
	pod: { id: string; zoneid: string },
	extra: Params = {},
): Promise<Obj> {
	const params = {
		command: "addCluster",
		zoneid: pod.zoneid,
		podid: pod.id,
		clustername: unique("cluster-"),
		hypervisor: "KVM",
		clustertype: "CloudManaged",
		...extra,
	};
	return ok(await call(world.root, params), "addCluster").cluster[0];
}

/** zone → pod → cluster, the skeleton most inventory tests hang things on. */
export async function createTree(world: World): Promise<{ zone: Obj; pod: Obj; cluster: Obj }> {
	const zone = await createZone(world);
	const pod = await createPod(world, zone.id);
	const cluster = await createCluster(world, pod);
	return { zone, pod, cluster };
}
