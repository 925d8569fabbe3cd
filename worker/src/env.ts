/** @module Hono's typing for the app: bindings from wrangler.toml and per-request variables. */
import type { RequestIdVariables } from "hono/request-id";

export interface AppEnv {
	Bindings: Env;
	Variables: RequestIdVariables;
}
