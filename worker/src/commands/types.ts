/** @module What a command is: its declaration, the context its handler gets, and what it returns. */
import type { Db } from "../db/client";
import type { Caller } from "../domain/access";
import type { RoleType } from "../domain/roles";
import type { Settings } from "../domain/settings";
import type { JobQueue } from "../jobs/types";
import type { Clock } from "../lib/clock";
import type { SecretBox } from "../lib/crypto";
import type { RelayLink } from "../relay/link";
import type { ParamSpec, ParsedParams } from "./param-spec";

/** Everything a handler may touch; built once per request in app.ts. */
export interface Deps {
	db: Db;
	clock: Clock;
	secrets: SecretBox;
	settings: Settings;
	/** Drops the per-isolate settings cache after a change. */
	invalidateSettings(): void;
	/** The zones' relay agents (through each zone's ZoneRelay Durable Object). */
	relay: RelayLink;
	/** The zones' JobRunners: where startJob sends background jobs (jobs/types.ts). */
	jobs: JobQueue;
	/** Signs an extractTemplate download link valid until `expiresAt` (relay/extract.ts). */
	signExtractLink(link: { templateId: string; zoneId: string }, expiresAt: number): Promise<string>;
}

export interface RequestInfo {
	method: string;
	/** From CF-Connecting-IP only: client-set headers are never trusted. */
	sourceIp: string;
	secure: boolean;
	/** The URL origin the request came to (links in answers point back at it). */
	origin: string;
}

export interface CommandContext<P> {
	params: P;
	deps: Deps;
	request: RequestInfo;
}

/** A handler's answer; the envelope module turns it into CloudStack's JSON or XML. */
export type CommandResult = (
	| { type: "object"; name: string; value: Record<string, unknown> }
	| { type: "list"; name: string; items: Record<string, unknown>[]; count: number }
	| { type: "success"; displaytext?: string }
	/** Fields placed directly under the envelope (login, queryAsyncJobResult). */
	| { type: "fields"; value: Record<string, unknown> }
	/** An async command whose job runs in the background (jobs/start.ts): answers `{id, jobid}`. */
	| { type: "job"; jobid: string; id?: string | undefined }
) & { setCookies?: string[] };

/** Field name → [listApis type, description]; serializers and listApis share it. */
export type FieldTable = Record<string, readonly [string, string]>;

interface CommandBase<S extends Record<string, ParamSpec<unknown>>> {
	name: string;
	description: string;
	since?: string;
	params: S;
	/** Role types allowed by default (CloudStack's `authorized`); role rules may override. */
	authorized: readonly RoleType[];
	/** Envelope name when CloudStack's differs from `<name lower-cased>response`. */
	responseName?: string;
	/** Fields listApis shows for the response. */
	responseFields: FieldTable;
	/** Commands returning the same entity, for listApis `related`. */
	related?: readonly string[];
}

export interface AuthenticatedCommand<S extends Record<string, ParamSpec<unknown>>> extends CommandBase<S> {
	access: "authenticated";
	/** Async commands answer `{jobid}`; `className` becomes the job's `cmd`. */
	async?: { className: string; instanceType: string };
	handle(ctx: CommandContext<ParsedParams<S>> & { caller: Caller }): Promise<CommandResult>;
}

/** login and logout: reached without a signature, handled with the raw request. */
export interface SessionCommand<S extends Record<string, ParamSpec<unknown>>> extends CommandBase<S> {
	access: "session";
	handle(ctx: CommandContext<ParsedParams<S>> & { cookies: Record<string, string> }): Promise<CommandResult>;
}

export type CommandDefinition<S extends Record<string, ParamSpec<unknown>>> =
	| AuthenticatedCommand<S>
	| SessionCommand<S>;

// biome-ignore lint/suspicious/noExplicitAny: the registry holds commands of every parameter shape
export type AnyCommand = CommandDefinition<any>;
