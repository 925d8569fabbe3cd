/**
 * @module Signature vectors shared by the server's tests (test/unit/signature.test.ts) and the
 * CLI's (test/cli/sign.test.ts): the reference vector of cloudstack-api.md §1.1, and a request
 * whose values and names make the client variants differ (client-wire-rules.md rule 3).
 */

/** The reference vector: parameters in the order a client might send them. */
export const REFERENCE_VECTOR = {
	secret: "TEST-SECRET",
	params: {
		command: "listVirtualMachines",
		response: "json",
		apiKey: "TEST-API-KEY_abc",
		keyword: "web srv*~(1)",
		listall: "true",
		signatureVersion: "3",
		expires: "2030-01-01T00:00:00+0000",
	} as Record<string, string>,
	/** The string signed, before lower-casing. */
	canonical:
		"apiKey=TEST-API-KEY_abc&command=listVirtualMachines&expires=2030-01-01T00%3A00%3A00%2B0000&keyword=web%20srv*%7E%281%29&listall=true&response=json&signatureVersion=3",
	signature: "qplvolndOLQmFie7iIGojgNr3wE=",
};

/** `~ * [ ]` in a value; names that sort differently as sent and lower-cased; a name that is a prefix of another. */
export const AWKWARD_PARAMS: Record<string, string> = {
	command: "updateVirtualMachine",
	apiKey: "KEY",
	response: "json",
	displayText: "x~y*z[0] (a)",
	displayname: "web~1",
	ip6dns: "a",
	ip6dns1: "b",
};
