/**
 * The config drive a deployed VM gets, as the agent receives it in vm.start (fake agent, the
 * lifecycle tests' site): the key pairs named at deploy with their public keys, the user data
 * decoded, the hostname and the NIC's address; a deploy naming a key pair the account does not
 * have is refused before anything is made.
 */
import type { CommandFrame } from "@flarestack/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromBase64, toBase64 } from "../../../worker/src/lib/ids";
import { buildWorld, call, expectParamError, ok, type World } from "../../helpers/identity-fixtures";
import { buildSite, deploy, type Site } from "../vm-lifecycle/site";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
type Obj = any;

const ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGzvdykYEjsB+7GJze8HyjRpqlb/1Tv885Ecne8XJaB+";
let world: World;
let site: Site;

beforeAll(async () => {
	world = await buildWorld();
	site = await buildSite(world);
}, 60_000);

afterAll(() => site.agent.close());

function file(frame: CommandFrame, name: string): string | undefined {
	const args = frame.args as Obj;
	const found = args.domain.configDrive?.files.find((f: Obj) => f.name === name);
	return found ? new TextDecoder().decode(fromBase64(found.base64)) : undefined;
}

describe("config drive at deploy", { timeout: 60_000 }, () => {
	it("carries the VM's key pairs, user data, hostname and address to the agent", async () => {
		ok(
			await call(world.alice, { command: "registerSSHKeyPair", name: "laptop", publickey: `${ED25519} me@laptop` }),
			"registerSSHKeyPair",
		);
		const created = ok(
			await call(world.alice, { command: "createSSHKeyPair", name: "ci" }),
			"createSSHKeyPair",
		).keypair;
		const script = "#cloud-config\nhostname: ignored\n";
		const since = site.agent.commands.length;
		const vm = await deploy(site, world.alice, {
			name: "web-1",
			keypairs: "laptop,ci",
			userdata: toBase64(new TextEncoder().encode(script)),
		});
		const frame = site.agent.commands.slice(since).find((f) => f.name === "vm.start") as CommandFrame;
		expect(frame).toBeDefined();
		const args = frame.args as Obj;
		expect(args.domain.configDrive.path).toBe(`configdrive-${vm.id}.iso`);
		const meta = JSON.parse(file(frame, "openstack/latest/meta_data.json") ?? "{}");
		expect(meta).toMatchObject({ uuid: vm.id, hostname: "web-1", availability_zone: site.zone.name });
		expect(Object.keys(meta.public_keys)).toEqual(["laptop", "ci"]);
		expect(meta.public_keys.laptop).toBe(ED25519);
		expect(meta.public_keys.ci).toMatch(/^ssh-rsa AAAA/);
		expect(JSON.stringify(args)).not.toContain("PRIVATE KEY");
		expect(created.privatekey).toContain("PRIVATE KEY");
		expect(file(frame, "openstack/latest/user_data")).toBe(script);
		const net = JSON.parse(file(frame, "openstack/latest/network_data.json") ?? "{}");
		const nic = vm.nic[0];
		expect(net.links[0].ethernet_mac_address).toBe(nic.macaddress);
		expect(net.networks[0]).toMatchObject({ type: "ipv4", ip_address: nic.ipaddress, netmask: nic.netmask });
	});

	it("refuses a key pair the account does not have, with 431 and no VM", async () => {
		const result = await call(world.alice, {
			command: "deployVirtualMachine",
			zoneid: site.zone.id,
			serviceofferingid: site.offering.id,
			templateid: site.template.id,
			keypair: "nobody-has-this",
		});
		expectParamError(result, "deployVirtualMachine");
	});
});
