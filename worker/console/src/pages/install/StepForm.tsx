/**
 * @module One wizard step's form: its fields (bound to the step's useApiForm), what went wrong the
 * last time Launch ran it, and Back / Next (and Launch when a launch stopped here).
 */
import { Alert, Button, Group, PasswordInput, SimpleGrid, Stack, Text, TextInput } from "@mantine/core";
import type { ReactNode } from "react";
import type { ApiForm } from "../../api/form";
import classes from "./StepForm.module.css";
import type { FormStep, Values } from "./steps";

export function StepForm({
	step,
	form,
	done,
	failure,
	onBack,
	onNext,
	onLaunch,
	children,
}: {
	step: FormStep;
	form: ApiForm<Values>;
	/** Launch already created this step's object: its values can no longer change it. */
	done: boolean;
	/** The launch error of this step that no single field is about. */
	failure?: string | undefined;
	onBack?: (() => void) | undefined;
	onNext(): void;
	/** Offered when a launch stopped at this step: continue from here once it is fixed. */
	onLaunch?: (() => void) | undefined;
	children?: ReactNode;
}) {
	return (
		<form
			noValidate
			onSubmit={(event) => {
				event.preventDefault();
				onNext();
			}}
		>
			<Stack>
				<Text>{step.intro}</Text>
				{done && (
					<Alert color="green" title="Already done">
						Launch has already done this step; changing these values does not change the cloud.
					</Alert>
				)}
				<SimpleGrid cols={{ base: 1, sm: 2 }}>
					{step.fields.map((field) => {
						const Input = field.secret ? PasswordInput : TextInput;
						return (
							<Input
								key={field.name}
								label={field.label}
								labelProps={{ className: field.required ? classes.required : undefined }}
								description={field.description}
								placeholder={field.placeholder}
								aria-required={field.required}
								disabled={done}
								autoComplete={field.secret ? "new-password" : "off"}
								{...form.input(field.name)}
							/>
						);
					})}
				</SimpleGrid>
				{children}
				{failure && (
					<Alert color="red" role="alert" title="Launch stopped here">
						{failure}
					</Alert>
				)}
				<Group justify="space-between">
					{onBack ? (
						<Button variant="default" onClick={onBack}>
							Back
						</Button>
					) : (
						<span />
					)}
					<Group>
						{onLaunch && (
							<Button variant="light" onClick={onLaunch}>
								Launch
							</Button>
						)}
						<Button type="submit">Next</Button>
					</Group>
				</Group>
			</Stack>
		</form>
	);
}

/** The "required" check before Next (the API checks everything else at Launch). */
export function checkRequired(step: FormStep, form: ApiForm<Values>): boolean {
	let ok = true;
	for (const field of step.fields) {
		if (field.required && !form.values[field.name]?.trim()) {
			form.setError(field.name, `${field.label} is required`);
			ok = false;
		}
	}
	if (step.key === "password" && ok && form.values.password !== form.values.confirm) {
		form.setError("confirm", "The passwords do not match");
		ok = false;
	}
	return ok;
}
