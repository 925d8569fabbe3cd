/**
 * @module Form state for API forms: what the user typed stays in the form whatever the API answers;
 * a 431 lands as the error of the field it names, anything else as the form's own error.
 */
import { useCallback, useState } from "react";
import { errorText, fieldOfError } from "./errors";

export interface ApiForm<T extends Record<string, string>> {
	values: T;
	set(field: keyof T & string, value: string): void;
	/** Props for a Mantine input bound to `field`: value, onChange, error, name. */
	input(field: keyof T & string): {
		name: string;
		value: string;
		error: string | undefined;
		onChange(event: { currentTarget: { value: string } } | string | null): void;
	};
	/** The error not tied to one field (shown above the buttons), or undefined. */
	formError: string | undefined;
	submitting: boolean;
	/**
	 * Runs `action` with the values; on failure keeps the values and shows the error on its field
	 * (an API parameter name listed in `fieldParams`, mapped to a form field) or on the form.
	 * Resolves to the action's result, or undefined when it failed.
	 */
	submit<R>(action: (values: T) => Promise<R>): Promise<R | undefined>;
	/** Sets the error of one field by hand (client-side checks). */
	setError(field: keyof T & string, message: string | undefined): void;
	reset(values?: T): void;
}

/**
 * `paramOf` maps a form field to the API parameter it is sent as, when the names differ
 * (e.g. `{ password: "password", confirm: undefined }`); by default a field is its own parameter.
 */
export function useApiForm<T extends Record<string, string>>(
	initial: T,
	paramOf: Partial<Record<keyof T & string, string>> = {},
): ApiForm<T> {
	const [values, setValues] = useState<T>(initial);
	const [errors, setErrors] = useState<Partial<Record<string, string>>>({});
	const [formError, setFormError] = useState<string | undefined>();
	const [submitting, setSubmitting] = useState(false);

	const set = useCallback((field: keyof T & string, value: string) => {
		setValues((old) => ({ ...old, [field]: value }));
		setErrors((old) => ({ ...old, [field]: undefined }));
	}, []);

	const submit = async <R>(action: (values: T) => Promise<R>): Promise<R | undefined> => {
		setSubmitting(true);
		setFormError(undefined);
		setErrors({});
		try {
			return await action(values);
		} catch (error) {
			const fields = Object.keys(values);
			const params = fields.map((field) => paramOf[field as keyof T & string] ?? field);
			const param = fieldOfError(error, params);
			const field = param ? fields[params.indexOf(param)] : undefined;
			if (field) setErrors({ [field]: errorText(error) });
			else setFormError(errorText(error));
			return undefined;
		} finally {
			setSubmitting(false);
		}
	};

	return {
		values,
		set,
		input: (field) => ({
			name: field,
			value: values[field] ?? "",
			error: errors[field],
			onChange: (event) =>
				set(field, typeof event === "string" || event === null ? (event ?? "") : event.currentTarget.value),
		}),
		formError,
		submitting,
		submit,
		setError: (field, message) => setErrors((old) => ({ ...old, [field]: message })),
		reset: (next) => {
			setValues(next ?? initial);
			setErrors({});
			setFormError(undefined);
		},
	};
}
