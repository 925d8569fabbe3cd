/**
 * @module Why a template download or check failed. `retry` says whether another attempt may do
 * better (a stall, a reset, a 5xx) or not (a 404, a denied address, a wrong format). The message is
 * what an operator reads in listTemplates, so it says what and why.
 */
export class DownloadError extends Error {
	readonly retry: boolean;
	constructor(message: string, retry = false) {
		super(message);
		this.name = "DownloadError";
		this.retry = retry;
	}
}
