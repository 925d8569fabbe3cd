import { createAccount } from "./createAccount";
import { deleteAccount } from "./deleteAccount";
import { disableAccount } from "./disableAccount";
import { enableAccount } from "./enableAccount";
import { listAccounts } from "./listAccounts";
import { updateAccount } from "./updateAccount";

export const accountCommands = [
	createAccount,
	updateAccount,
	deleteAccount,
	disableAccount,
	enableAccount,
	listAccounts,
];
