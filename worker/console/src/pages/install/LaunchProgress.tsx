/**
 * @module Launch's live progress: every task in order with a loader, a check or a red cross, the
 * API's error under the task that failed, and the relay state and enrolment help while Launch waits for one.
 */
import { Group, Loader, Stack, Text, ThemeIcon, VisuallyHidden } from "@mantine/core";
import { IconCheck, IconCircleDashed, IconX } from "@tabler/icons-react";
import { RelayStatus } from "./RelayEnroll";
import { type Created, type StepKey, TASKS, type TaskKey, type Values } from "./steps";

export interface Failure {
	key: TaskKey;
	text: string;
}

export function LaunchProgress({
	values,
	created,
	current,
	failure,
}: {
	values: Record<StepKey, Values>;
	created: Created;
	/** The task running now, if Launch is running. */
	current: TaskKey | undefined;
	failure: Failure | undefined;
}) {
	return (
		<Stack gap="xs" component="ol" aria-label="Launch progress" style={{ listStyle: "none", padding: 0, margin: 0 }}>
			{TASKS.map((task) => {
				const state = created[task.key]
					? "done"
					: current === task.key
						? "running"
						: failure?.key === task.key
							? "failed"
							: "pending";
				return (
					<li key={task.key}>
						<Group gap="sm" wrap="nowrap" align="flex-start">
							<StateIcon state={state} />
							<Stack gap={4} style={{ flex: 1 }}>
								<Text fw={state === "running" ? 600 : undefined} c={state === "pending" ? "dimmed" : undefined}>
									{task.label(task.step ? values[task.step] : {})}
									<VisuallyHidden>: {state}</VisuallyHidden>
								</Text>
								{state === "failed" && (
									<Text size="sm" c="red">
										{failure?.text}
									</Text>
								)}
								{state === "running" && task.key === "relay" && created.zone && <RelayStatus zoneid={created.zone} />}
							</Stack>
						</Group>
					</li>
				);
			})}
		</Stack>
	);
}

function StateIcon({ state }: { state: "done" | "running" | "failed" | "pending" }) {
	if (state === "running") return <Loader size={22} />;
	if (state === "done")
		return (
			<ThemeIcon color="green" radius="xl" size={22}>
				<IconCheck size={14} />
			</ThemeIcon>
		);
	if (state === "failed")
		return (
			<ThemeIcon color="red" radius="xl" size={22}>
				<IconX size={14} />
			</ThemeIcon>
		);
	return (
		<ThemeIcon color="gray" variant="light" radius="xl" size={22}>
			<IconCircleDashed size={14} />
		</ThemeIcon>
	);
}
