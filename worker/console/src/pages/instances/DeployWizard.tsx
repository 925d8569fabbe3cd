/**
 * @module Deploy an instance (#/instances/deploy), CloudStack's wizard: zone → template or ISO →
 * compute offering (with CPU and memory for a customized one) → disk → network → name → review. One form holds every step, so going back, or
 * being sent back to the field a 431 names, keeps what was typed. deployVirtualMachine is async:
 * once its job exists the wizard opens the new instance's page, where its state follows the job.
 */
import { Alert, Button, Group, Stack, Stepper, Title } from "@mantine/core";
import { useEffect, useState } from "react";
import { useLocation } from "wouter";
import type { Params } from "../../api/client";
import { useApiForm } from "../../api/form";
import { useJobs } from "../../api/jobs";
import { type CustomInput, customDetails, customInputs, DETAIL_KEY } from "./custom-offering";
import {
	type DeployValues,
	DetailsStep,
	DiskStep,
	type ImageKind,
	ImageStep,
	NetworkStep,
	OfferingStep,
	ReviewStep,
	useChoices,
	ZoneStep,
} from "./DeploySteps";

const EMPTY: DeployValues = {
	zoneid: "",
	templateid: "",
	isoid: "",
	serviceofferingid: "",
	cpunumber: "",
	cpuspeed: "",
	memory: "",
	rootdisksize: "",
	diskofferingid: "",
	size: "",
	networkids: "",
	name: "",
	displayname: "",
	keypair: "",
	userdata: "",
};

const STEPS = ["Zone", "Image", "Compute offering", "Disk", "Network", "Details", "Review"];

/** The step holding each field: where a 431 about that field sends the user back to. */
const STEP_OF: Record<keyof DeployValues, number> = {
	zoneid: 0,
	templateid: 1,
	isoid: 1,
	serviceofferingid: 2,
	cpunumber: 2,
	cpuspeed: 2,
	memory: 2,
	rootdisksize: 3,
	diskofferingid: 3,
	size: 3,
	networkids: 4,
	name: 5,
	displayname: 5,
	keypair: 5,
	userdata: 5,
};
const FIELDS = Object.keys(STEP_OF) as (keyof DeployValues & string)[];

/** The API's texts name the custom values by their detail keys ("cpuNumber 9 is outside…"). */
const PARAM_OF: Partial<Record<keyof DeployValues & string, string>> = DETAIL_KEY;

/** Base64 of UTF-8 text, as deployVirtualMachine's userdata wants it. */
function base64(text: string): string {
	let binary = "";
	for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
	return btoa(binary);
}

function deployParams(values: DeployValues, kind: ImageKind, custom: readonly CustomInput[]): Params {
	return {
		...customDetails(custom, values),
		zoneid: values.zoneid,
		templateid: kind === "template" ? values.templateid : undefined,
		isoid: kind === "iso" ? values.isoid : undefined,
		serviceofferingid: values.serviceofferingid,
		rootdisksize: kind === "template" ? values.rootdisksize.trim() : undefined,
		diskofferingid: values.diskofferingid,
		size: values.diskofferingid ? values.size.trim() : undefined,
		networkids: values.networkids,
		name: values.name.trim(),
		displayname: values.displayname.trim(),
		keypair: values.keypair,
		userdata: values.userdata ? base64(values.userdata) : undefined,
	};
}

export function DeployWizard(_props: { params: Record<string, string | undefined> }) {
	const [, navigate] = useLocation();
	const { run } = useJobs();
	const form = useApiForm<DeployValues>(EMPTY, PARAM_OF);
	const [kind, setKind] = useState<ImageKind>("template");
	const [active, setActive] = useState(0);
	const values = form.values;

	const zone = useChoices("zoneid", values).chosen;
	const basic = zone?.networktype === "Basic";
	const networks = useChoices("networkids", values).rows;
	// A Basic zone has one guest network: choose it, as CloudStack's wizard does (also any lone network).
	useEffect(() => {
		if (values.networkids || !values.zoneid || networks.length === 0) return;
		const only = networks.length === 1 ? networks[0] : basic ? networks.find((n) => n.isdefault) : undefined;
		if (only) form.set("networkids", String(only.id));
	}, [values.networkids, values.zoneid, networks, basic, form.set]);

	// A 431 lands on a field: go back to that field's step.
	const errorField = FIELDS.find((field) => form.input(field).error);
	useEffect(() => {
		if (errorField) setActive(STEP_OF[errorField] ?? 0);
	}, [errorField]);

	const offering = useChoices("serviceofferingid", values).chosen;
	const custom = customInputs(offering);
	const imageField = kind === "template" ? "templateid" : "isoid";
	/** What a step needs before Next (the API checks the rest). */
	const complete = [
		Boolean(values.zoneid),
		Boolean(values[imageField]),
		Boolean(values.serviceofferingid) && custom.every((input) => values[input.field]?.trim()),
		kind === "template" || Boolean(values.diskofferingid),
		Boolean(values.networkids),
		true,
		true,
	];

	const choices = {
		templateid: useChoices("templateid", values).label,
		isoid: useChoices("isoid", values).label,
		serviceofferingid: useChoices("serviceofferingid", values).label,
		diskofferingid: useChoices("diskofferingid", values).label,
		networkids: useChoices("networkids", values).label,
	};
	const review: [string, string][] = [
		["Zone", zone ? String(zone.name) : ""],
		[kind === "template" ? "Template" : "ISO", choices[imageField]],
		["Compute offering", choices.serviceofferingid],
		...custom.map((input): [string, string] => [input.label, values[input.field] ?? ""]),
		["Root disk size (GB)", kind === "template" ? values.rootdisksize || "template's size" : ""],
		[kind === "iso" ? "Disk offering (root disk)" : "Data disk offering", choices.diskofferingid],
		["Network", choices.networkids],
		["Name", values.name],
		["Display name", values.displayname],
		["SSH key pair", values.keypair],
		["User data", values.userdata ? `${values.userdata.length} characters` : ""],
	];

	const deploy = async () => {
		const label = `Deploy ${values.name.trim() || "instance"}`;
		// Once the job exists, follow it on the new instance's page (the answer names the VM).
		await form.submit((v) =>
			run("deployVirtualMachine", deployParams(v, kind, custom), label, {
				onStarted: (answer) => navigate(answer.id ? `/instances/${answer.id}` : "/instances"),
			}),
		);
	};

	const chooseKind = (next: ImageKind) => {
		setKind(next);
		form.set(next === "template" ? "isoid" : "templateid", "");
	};

	const steps = [
		<ZoneStep key="zone" form={form} />,
		<ImageStep key="image" form={form} kind={kind} onKind={chooseKind} />,
		<OfferingStep key="offering" form={form} />,
		<DiskStep key="disk" form={form} kind={kind} />,
		<NetworkStep key="network" form={form} basic={basic} />,
		<DetailsStep key="details" form={form} />,
		<ReviewStep key="review" rows={review} />,
	];
	const last = STEPS.length - 1;

	return (
		<Stack gap="md" maw={900}>
			<Title order={2}>Deploy an instance</Title>
			<Stepper active={active} onStepClick={setActive} allowNextStepsSelect={false} size="sm" wrap>
				{STEPS.map((label, index) => (
					<Stepper.Step key={label} label={label}>
						<Stack maw={560} mt="md">
							{steps[index]}
						</Stack>
					</Stepper.Step>
				))}
			</Stepper>
			{form.formError && (
				<Alert color="red" role="alert" title="The instance was not deployed">
					{form.formError}
				</Alert>
			)}
			<Group gap="sm">
				<Button variant="default" disabled={active === 0} onClick={() => setActive(active - 1)}>
					Back
				</Button>
				{active < last ? (
					<Button disabled={!complete[active]} onClick={() => setActive(active + 1)}>
						Next
					</Button>
				) : (
					<Button loading={form.submitting} onClick={() => void deploy()}>
						Deploy
					</Button>
				)}
			</Group>
		</Stack>
	);
}
