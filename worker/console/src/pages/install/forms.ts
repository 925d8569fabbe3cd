/** @module One useApiForm per wizard step, all kept by the wizard so Back and Next lose nothing. */
import { useApiForm } from "../../api/form";
import type { StepForms } from "./launch";
import { FORM_STEPS, type StepKey, type Values } from "./steps";

const initial = (key: StepKey): Values => FORM_STEPS.find((step) => step.key === key)?.initial ?? {};

export function useStepForms(): StepForms {
	return {
		password: useApiForm(initial("password")),
		zone: useApiForm(initial("zone")),
		pod: useApiForm(initial("pod")),
		guest: useApiForm(initial("guest")),
		cluster: useApiForm(initial("cluster")),
		host: useApiForm(initial("host")),
		primary: useApiForm(initial("primary")),
		secondary: useApiForm(initial("secondary")),
	};
}
