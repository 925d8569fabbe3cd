/**
 * @module The relay side of templates and ISOs, for the API commands (commands/template) and the
 * ZoneRelay: where stores are, downloads into secondary storage, copies onto pools, cleanups and
 * capacity refreshes. Everything here goes through RelayLink.start; relay/background.ts applies
 * the outcomes.
 */
export type { TemplateDeps } from "./deps";
export { downloadArgs, downloadLimits, startAllocatedDownloads, startTemplateDownloads } from "./downloads";
export {
	poolPath,
	secondaryPath,
	storeLocationOfImageStore,
	storeLocationOfPool,
	templateDirectory,
} from "./locations";
export { ensureTemplateOnPool, prepareTemplateOnPools } from "./pools";
export { removeTemplateCopies } from "./remove";
export { refreshStoreUsage, refreshZoneUsage, statNewStore } from "./usage";
