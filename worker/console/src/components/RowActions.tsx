/** @module A table row's action buttons: the group they sit in and the small text button that opens a row's dialog. */
import { Button, type ButtonProps, Group, type GroupProps } from "@mantine/core";

/** A row's actions side by side; `wrap="wrap"` lets a long set wrap on narrow screens. */
export function RowActions({ children, wrap = "nowrap" }: Pick<GroupProps, "children" | "wrap">) {
	return (
		<Group gap={4} wrap={wrap}>
			{children}
		</Group>
	);
}

/** A row's small text button (Edit, Delete…) that opens its dialog. */
export function RowButton({ onClick, ...props }: ButtonProps & { onClick(): void }) {
	return <Button size="compact-sm" variant="subtle" onClick={onClick} {...props} />;
}
