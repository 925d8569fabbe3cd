/**
 * @module Launch: runs the wizard's tasks in order with the values of their forms. What each task
 * created is kept (in component state only), so after a failure the user fixes the form and Launch
 * goes on from the failed task without creating anything twice.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { errorText } from "../../api/errors";
import type { ApiForm } from "../../api/form";
import { useSession } from "../../api/session";
import { fieldOfFailure } from "./errors";
import type { Failure } from "./LaunchProgress";
import { type Created, FORM_STEPS, type StepKey, TASKS, type TaskKey, type Values } from "./steps";

export type StepForms = Record<StepKey, ApiForm<Values>>;

export interface Launch {
	created: Created;
	current: TaskKey | undefined;
	/** The failed task, and whether its error went on a field (else the form shows it). */
	failure: (Failure & { field?: string | undefined }) | undefined;
	running: boolean;
	start(): Promise<void>;
}

export function useLaunch(forms: StepForms, onFailedStep: (step: StepKey) => void, onDone: () => void): Launch {
	const session = useSession();
	const [created, setCreated] = useState<Created>({});
	const [current, setCurrent] = useState<TaskKey | undefined>();
	const [failure, setFailure] = useState<Launch["failure"]>();
	const createdRef = useRef<Created>({});
	const abort = useRef(new AbortController());
	useEffect(() => {
		const controller = new AbortController();
		abort.current = controller;
		return () => controller.abort();
	}, []);

	const start = useCallback(async () => {
		if (current) return;
		setFailure(undefined);
		for (const step of FORM_STEPS) for (const field of step.fields) forms[step.key].setError(field.name, undefined);
		const user = session.user;
		const context = {
			userid: user?.userid ?? "",
			relogin: (password: string) => session.login(user?.username ?? "", password, "/"),
			signal: abort.current.signal,
		};
		let done = createdRef.current;
		for (const task of TASKS) {
			if (done[task.key]) continue;
			setCurrent(task.key);
			const values = task.step ? forms[task.step].values : {};
			try {
				const id = await task.run(values, done, context);
				done = { ...done, [task.key]: id };
				createdRef.current = done;
				setCreated(done);
			} catch (error) {
				if (context.signal.aborted) return;
				setCurrent(undefined);
				const step = FORM_STEPS.find((s) => s.key === task.step);
				const field = step ? fieldOfFailure(step, error, values) : undefined;
				if (step && field) forms[step.key].setError(field, errorText(error));
				setFailure({ key: task.key, text: errorText(error), field });
				if (step) onFailedStep(step.key);
				return;
			}
		}
		setCurrent(undefined);
		onDone();
	}, [current, forms, session, onFailedStep, onDone]);

	return { created, current, failure, running: current !== undefined, start };
}
