import { VM_FIELDS } from "../../api/serializers/vm";
import { startJob } from "../../jobs/start";
import { writeDeployment } from "../../vms/deploy-request";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { resourceOwner } from "../resource-owner";
import { VM_RELATED } from "./lifecycle-rules";

const CLASS_NAME = "org.apache.cloudstack.api.command.user.vm.DeployVMCmd";

export const deployVirtualMachine = defineCommand({
	name: "deployVirtualMachine",
	description:
		"Creates and automatically starts a virtual machine based on a service offering, disk offering, and template",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	async: { className: CLASS_NAME, instanceType: "VirtualMachine" },
	params: {
		serviceofferingid: p.uuid("the ID of the service offering for the virtual machine", {
			required: true,
			related: "listServiceOfferings",
		}),
		templateid: p.uuid("the ID of the template (or ISO) for the virtual machine", { related: "listTemplates" }),
		isoid: p.uuid("the ID of an ISO to boot the virtual machine from (needs diskofferingid for the root disk)", {
			related: "listIsos",
		}),
		zoneid: p.uuid("availability zone for the virtual machine", { required: true, related: "listZones" }),
		name: p.string("host name for the virtual machine (defaults to VM-<id>)"),
		displayname: p.string("an optional user generated name for the virtual machine"),
		account: p.string("an optional account for the virtual machine. Must be used with domainId."),
		domainid: p.uuid(
			"an optional domainId for the virtual machine. If the account parameter is used, domainId must also be used.",
			{
				related: "listDomains",
			},
		),
		hostid: p.uuid("destination Host ID to deploy the VM to (root admin only)", { related: "listHosts" }),
		podid: p.uuid("destination Pod ID to deploy the VM to (root admin only)", { since: "4.13", related: "listPods" }),
		clusterid: p.uuid("destination Cluster ID to deploy the VM to (root admin only)", {
			since: "4.13",
			related: "listClusters",
		}),
		diskofferingid: p.uuid("the ID of the disk offering: a data disk for a template, the root disk for an ISO", {
			related: "listDiskOfferings",
		}),
		size: p.long("the size (GB) of the disk, for a customized disk offering"),
		rootdisksize: p.long("the root disk size in GB; at least the template's size", { since: "4.4" }),
		keypair: p.string("name of the ssh key pair used to login to the virtual machine"),
		keypairs: p.list("names of the ssh key pairs used to login to the virtual machine", { since: "4.17" }),
		userdata: p.string("base64 user data, given to the guest through its config drive (at most 1 MiB decoded)", {
			length: 1_048_576 * 2,
		}),
		startvm: p.boolean("true by default: start the VM once it is created", { since: "3.0.1" }),
		networkids: p.list("the guest network (one) the VM joins; the zone's default network otherwise", {
			related: "listNetworks",
		}),
		ipaddress: p.string("the IPv4 address for the VM's default NIC, from the network's guest range"),
		details: p.map(
			"VM details in key/value pairs: details[0].cpuNumber, cpuSpeed, memory (customized offerings), rootdisksize",
			{ since: "4.3" },
		),
		displayvm: p.boolean("an optional field, whether to the display the vm to the end user or not.", {
			since: "4.2",
		}),
		hypervisor: p.string("the hypervisor on which to deploy the virtual machine: KVM"),
		projectid: p.uuid("not supported: flarestack has no projects"),
	},
	responseFields: VM_FIELDS,
	related: [...VM_RELATED],
	async handle({ params, deps, caller }) {
		const owner = await resourceOwner(deps.db, caller, params, "deploy a virtual machine");
		const payload = await writeDeployment(deps, caller, owner, params);
		const jobid = await startJob(deps, caller, {
			kind: "vm.deploy",
			zoneId: params.zoneid,
			resource: `vm:${payload.vmId}`,
			cmd: CLASS_NAME,
			instanceType: "VirtualMachine",
			instanceId: payload.vmId,
			payload,
		});
		return { type: "job", jobid, id: payload.vmId };
	},
});
