/**
 * @module The `flarestack-relay` command line:
 * - `enroll --url <control plane> --token <token> [--name <name>] [--config <file>]`
 * - `run [--config <file>] [--local [--url <url>]]`
 * - `status [--config <file>] [--json]`
 * - `template import FILE --name <name> [--format QCOW2|RAW|ISO] [--ostype <id>] [--displaytext <text>] [--config <file>]`
 *
 * Exit codes: 0 done or stopped by a signal, 1 an error (bad config, refused enrolment),
 * 2 the control plane revoked or does not know this relay (never restarted by the systemd unit).
 */
import { existsSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { EXIT_ERROR, EXIT_OK, runAgent } from "./agent.ts";
import { DEFAULT_CONFIG_FILE, type DriverName, loadConfig } from "./config.ts";
import { type EnrollError, enroll, localEnroll } from "./enroll.ts";
import { createLogger, errorText, isLogLevel, type LogLevel } from "./log.ts";
import { formatStatus, statusReport } from "./status.ts";
import { FORMATS, importTemplate } from "./templates/import.ts";
import { defaultOpenStore } from "./templates/stores.ts";
import { AGENT_VERSION } from "./version.ts";

const DEFAULT_LOCAL_URL = "http://127.0.0.1:8787";

/** Runs the command line `argv` (without node and the script); resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
	let exitCode = EXIT_OK;
	const program = new Command("flarestack-relay")
		.description("The flarestack relay agent: dials out to the control plane and drives this site's KVM hosts")
		.version(AGENT_VERSION)
		.exitOverride()
		.configureOutput({ writeErr: (text) => process.stderr.write(text) });

	const configOption = () =>
		new Option("-c, --config <file>", "the config file").default(
			process.env.FLARESTACK_RELAY_CONFIG ?? DEFAULT_CONFIG_FILE,
		);
	const driverOption = () => new Option("--driver <driver>", "libvirt or simulator").choices(["libvirt", "simulator"]);

	program
		.command("enroll")
		.description("register this relay with a one-time enrolment token and write the config file")
		.requiredOption("--url <url>", "the control plane's base URL, e.g. https://cloud.example.com")
		.requiredOption("--token <token>", "the token from createRelayEnrollmentToken")
		.option("--name <name>", "a name for this relay (default: the host name)")
		.addOption(configOption())
		.addOption(driverOption())
		.option("--force", "overwrite an existing config file (a new identity)")
		.action(
			async (opts: {
				url: string;
				token: string;
				name?: string;
				config: string;
				driver?: DriverName;
				force?: boolean;
			}) => {
				const log = createLogger();
				if (existsSync(opts.config) && !opts.force) {
					log.error("this relay is already enrolled; use --force to enrol again with a new identity", {
						config: opts.config,
					});
					exitCode = EXIT_ERROR;
					return;
				}
				try {
					const enrolled = await enroll({
						url: opts.url,
						token: opts.token,
						configFile: opts.config,
						...(opts.name ? { name: opts.name } : {}),
						...(opts.driver ? { driver: opts.driver } : {}),
					});
					log.info("enrolled", { relayId: enrolled.relayId, zoneId: enrolled.zoneId, config: enrolled.configFile });
					process.stdout.write(
						`Enrolled relay ${enrolled.relayId} in zone ${enrolled.zoneId}; config ${enrolled.configFile}\n`,
					);
				} catch (error) {
					log.error("enrolment failed", { error: errorText(error) });
					exitCode = EXIT_ERROR;
				}
			},
		);

	program
		.command("run")
		.description("connect to the control plane and serve it until stopped")
		.addOption(configOption())
		.option("--local", "local development: enrol with FLARESTACK_LOCAL_RELAY_SECRET first when not enrolled yet")
		.option("--url <url>", `with --local: the local control plane (default: FLARESTACK_URL or ${DEFAULT_LOCAL_URL})`)
		.option("--name <name>", "with --local: the relay's name")
		.addOption(driverOption())
		.option("--log-level <level>", "debug, info, warn or error (default: the config's logLevel)")
		.action(
			async (opts: {
				config: string;
				local?: boolean;
				url?: string;
				name?: string;
				driver?: DriverName;
				logLevel?: string;
			}) => {
				if (opts.logLevel !== undefined && !isLogLevel(opts.logLevel)) {
					createLogger().error("unknown log level", { level: opts.logLevel });
					exitCode = EXIT_ERROR;
					return;
				}
				const level = opts.logLevel as LogLevel | undefined;
				const early = createLogger(level ? { level } : {});
				if (opts.local && !existsSync(opts.config)) {
					const secret = process.env.FLARESTACK_LOCAL_RELAY_SECRET;
					if (!secret) {
						early.error("--local needs FLARESTACK_LOCAL_RELAY_SECRET (npm start sets it)");
						exitCode = EXIT_ERROR;
						return;
					}
					try {
						const enrolled = await localEnroll({
							url: opts.url ?? process.env.FLARESTACK_URL ?? DEFAULT_LOCAL_URL,
							secret,
							configFile: opts.config,
							log: early,
							...(opts.name ? { name: opts.name } : {}),
							...(opts.driver ? { driver: opts.driver } : {}),
						});
						early.info("enrolled (local)", {
							relayId: enrolled.relayId,
							zoneId: enrolled.zoneId,
							config: enrolled.configFile,
						});
					} catch (error) {
						early.error("local enrolment failed", { error: errorText(error), status: (error as EnrollError).status });
						exitCode = EXIT_ERROR;
						return;
					}
				}
				let config: Awaited<ReturnType<typeof loadConfig>>;
				try {
					config = await loadConfig(opts.config);
				} catch (error) {
					early.error("cannot start", { error: errorText(error) });
					exitCode = EXIT_ERROR;
					return;
				}
				if (opts.driver) config.driver = opts.driver;
				const log = createLogger({ level: level ?? config.logLevel });
				const controller = new AbortController();
				const onSignal = (name: NodeJS.Signals) => {
					log.info("signal, stopping", { signal: name });
					controller.abort();
				};
				process.once("SIGTERM", onSignal);
				process.once("SIGINT", onSignal);
				try {
					exitCode = await runAgent({ config, log, signal: controller.signal });
				} catch (error) {
					log.error("agent failed", { error: errorText(error) });
					exitCode = EXIT_ERROR;
				} finally {
					process.off("SIGTERM", onSignal);
					process.off("SIGINT", onSignal);
				}
			},
		);

	program
		.command("status")
		.description("print this relay's identity, its link state and its hosts")
		.addOption(configOption())
		.option("--json", "print JSON")
		.action(async (opts: { config: string; json?: boolean }) => {
			try {
				const report = await statusReport(await loadConfig(opts.config));
				process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatStatus(report));
			} catch (error) {
				createLogger().error("cannot read the status", { error: errorText(error) });
				exitCode = EXIT_ERROR;
			}
		});

	program
		.command("template")
		.description("templates on this site's storage")
		.command("import")
		.description("register a local image file as a template and write it to the zone's secondary storage")
		.argument("<file>", "the image file (qcow2, raw or ISO)")
		.requiredOption("--name <name>", "the template's name")
		.addOption(new Option("--format <format>", "the image format (default: guessed from the file)").choices(FORMATS))
		.option("--ostype <id>", "the OS type id (listOsTypes; default: Other Linux (64-bit))")
		.option("--displaytext <text>", "the template's description (default: the name)")
		.addOption(configOption())
		.action(
			async (
				file: string,
				opts: {
					name: string;
					format?: (typeof FORMATS)[number];
					ostype?: string;
					displaytext?: string;
					config: string;
				},
			) => {
				const log = createLogger();
				try {
					const config = await loadConfig(opts.config);
					const { templateId, image } = await importTemplate({
						config,
						file,
						name: opts.name,
						...(opts.format ? { format: opts.format } : {}),
						...(opts.ostype ? { osTypeId: opts.ostype } : {}),
						...(opts.displaytext ? { displayText: opts.displaytext } : {}),
						openStore: defaultOpenStore,
						log,
					});
					process.stdout.write(
						`Imported template ${templateId} (${image.format}, ${image.sizeBytes} bytes, sha256 ${image.sha256})\n`,
					);
				} catch (error) {
					log.error("template import failed", { error: errorText(error) });
					process.stderr.write(`template import failed: ${errorText(error)}\n`);
					exitCode = EXIT_ERROR;
				}
			},
		);

	try {
		await program.parseAsync(argv, { from: "user" });
	} catch (error) {
		if (error instanceof CommanderError)
			return error.code === "commander.helpDisplayed" || error.code === "commander.version"
				? EXIT_OK
				: error.exitCode || EXIT_ERROR;
		throw error;
	}
	return exitCode;
}
