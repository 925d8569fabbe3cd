/** @module What the template functions need: a slice of the request Deps, so the ZoneRelay DO can build one too. */
import type { Deps } from "../commands/types";

export type TemplateDeps = Pick<Deps, "db" | "clock" | "settings" | "relay">;
