import { CLOUDSTACK_VERSION } from "../../api/envelope";
import { defineCommand } from "../define";

const CAPABILITIES = {
	securitygroupsenabled: false,
	dynamicrolesenabled: true,
	cloudstackversion: CLOUDSTACK_VERSION,
	userpublictemplateenabled: true,
	supportELB: "false",
	projectinviterequired: false,
	allowusercreateprojects: false,
	customdiskofferingminsize: 1,
	customdiskofferingmaxsize: 1024,
	regionsecondaryenabled: false,
	apilimitinterval: 1,
	apilimitmax: 0,
	kvmsnapshotenabled: true,
	allowuserviewdestroyedvm: true,
	allowuserexpungerecovervm: false,
	allowuserexpungerecovervolume: true,
	allowuserviewalldomainaccounts: false,
	allowuserforcestopvm: true,
	kubernetesserviceenabled: false,
	kubernetesclusterexperimentalfeaturesenabled: false,
	defaultuipagesize: 20,
	instancesstatsretentiontime: 0,
	instancesstatsuseronly: false,
	instancesdisksstatsretentionenabled: false,
	instancesdisksstatsretentiontime: 0,
	sharedfsvmmincpucount: 1,
	sharedfsvmminramsize: 512,
	instanceleaseenabled: false,
	dynamicscalingenabled: false,
	additionalconfigenabled: false,
} as const;

export const listCapabilities = defineCommand({
	name: "listCapabilities",
	description: "Lists capabilities",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {},
	responseFields: Object.fromEntries(
		Object.entries(CAPABILITIES).map(([name, value]) => [
			name,
			[typeof value === "number" ? "integer" : typeof value, name],
		]),
	),
	async handle() {
		return { type: "object", name: "capability", value: { ...CAPABILITIES } };
	},
});
