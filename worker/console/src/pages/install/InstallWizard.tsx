/**
 * @module The installation wizard (CloudStack's "basic installation"): the admin password, then a
 * Basic zone with its pod, guest IP range, cluster, first host and storage, one form per step.
 * Nothing is created until Launch, which runs the calls in order with live progress; a failure
 * brings back the failed step's form with the error on its field, and Launch continues from there.
 */
import { Alert, Button, Card, Group, Stack, Stepper, Text, Title } from "@mantine/core";
import { useCallback, useState } from "react";
import { Link } from "wouter";
import { useRefresh } from "../../api/queries";
import { useStepForms } from "./forms";
import { LaunchProgress } from "./LaunchProgress";
import { useLaunch } from "./launch";
import { RelayStatus } from "./RelayEnroll";
import { checkRequired, StepForm } from "./StepForm";
import { FORM_STEPS, type StepKey } from "./steps";

/** Stepper indexes: the forms, then the review with Launch, then the "ready" screen. */
const REVIEW = FORM_STEPS.length;
const READY = REVIEW + 1;
const indexOf = (key: StepKey) => FORM_STEPS.findIndex((step) => step.key === key);

export function InstallWizard(_props: { params: Record<string, string | undefined> }) {
	const forms = useStepForms();
	const refresh = useRefresh();
	const [active, setActive] = useState(0);
	const [reached, setReached] = useState(0);
	const onFailedStep = useCallback((key: StepKey) => setActive(indexOf(key)), []);
	const onDone = useCallback(() => {
		setActive(READY);
		void refresh();
	}, [refresh]);
	const launch = useLaunch(forms, onFailedStep, onDone);
	const values = Object.fromEntries(FORM_STEPS.map((step) => [step.key, forms[step.key].values])) as Parameters<
		typeof LaunchProgress
	>[0]["values"];

	const go = (index: number) => {
		setActive(index);
		setReached((old) => Math.max(old, index));
	};
	/** Launch checks the "required" fields of every step it still has to run first. */
	const startLaunch = () => {
		const missing = FORM_STEPS.find((step) => !launch.created[step.key] && !checkRequired(step, forms[step.key]));
		if (missing) return setActive(indexOf(missing.key));
		setActive(REVIEW);
		void launch.start();
	};
	const progress = (
		<LaunchProgress values={values} created={launch.created} current={launch.current} failure={launch.failure} />
	);

	return (
		<Stack>
			<div>
				<Title order={2}>Installation</Title>
				<Text c="dimmed">Set up your cloud: a zone with its first pod, cluster, host and storage.</Text>
			</div>
			<Stepper active={active} onStepClick={setActive} size="sm" wrap>
				{FORM_STEPS.map((step, index) => {
					const failed = launch.failure?.key === step.key;
					return (
						<Stepper.Step
							key={step.key}
							label={step.label}
							description={step.description}
							allowStepSelect={!launch.running && index <= reached && active !== READY}
							color={failed ? "red" : undefined}
						>
							<Card withBorder mt="md">
								<StepForm
									step={step}
									form={forms[step.key]}
									done={Boolean(launch.created[step.key])}
									failure={failed && !launch.failure?.field ? launch.failure?.text : undefined}
									onBack={index > 0 ? () => setActive(index - 1) : undefined}
									onNext={() => {
										if (launch.created[step.key] || checkRequired(step, forms[step.key])) go(index + 1);
									}}
									onLaunch={failed ? startLaunch : undefined}
								>
									{step.key === "host" && <HostRelay zoneid={launch.created.zone} />}
								</StepForm>
							</Card>
							{launch.failure && (
								<Card withBorder mt="md">
									<Title order={3} size="h5" mb="sm">
										Launch progress
									</Title>
									{progress}
								</Card>
							)}
						</Stepper.Step>
					);
				})}
				<Stepper.Step label="Review" description="Create it all" allowStepSelect={!launch.running && reached >= REVIEW}>
					<Card withBorder mt="md">
						<Stack>
							<Text>
								Launch creates everything below in this order. If a step fails, its form comes back with the error; fix
								it and Launch again: what was already created is kept.
							</Text>
							{progress}
							<Group justify="space-between">
								<Button variant="default" onClick={() => setActive(REVIEW - 1)} disabled={launch.running}>
									Back
								</Button>
								<Button onClick={startLaunch} loading={launch.running}>
									Launch
								</Button>
							</Group>
						</Stack>
					</Card>
				</Stepper.Step>
				<Stepper.Completed>
					<Ready zone={forms.zone.values.name ?? ""} />
				</Stepper.Completed>
			</Stepper>
		</Stack>
	);
}

/** The relay the host is added through: its live state once the zone exists. */
function HostRelay({ zoneid }: { zoneid: string | undefined }) {
	if (zoneid) return <RelayStatus zoneid={zoneid} />;
	return (
		<Alert color="blue" title="The host is reached through the zone's relay">
			Launch creates the zone first, then waits for a relay agent to connect to it before it adds the host; it shows how
			to enrol one if none does. With npm start the local agent enrols itself.
		</Alert>
	);
}

function Ready({ zone }: { zone: string }) {
	return (
		<Card withBorder mt="md">
			<Stack align="flex-start">
				<Title order={3}>Your cloud is ready</Title>
				<Text>
					Zone {zone} is enabled. Register a template and deploy your first instance; the dashboard shows the zone's
					capacity.
				</Text>
				<Button component={Link} href="/dashboard">
					Go to the dashboard
				</Button>
			</Stack>
		</Card>
	);
}
