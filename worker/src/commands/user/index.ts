import { createUser } from "./createUser";
import { deleteUser } from "./deleteUser";
import { disableUser } from "./disableUser";
import { enableUser } from "./enableUser";
import { getUser } from "./getUser";
import { getUserKeys } from "./getUserKeys";
import { listUsers } from "./listUsers";
import { registerUserKeys } from "./registerUserKeys";
import { updateUser } from "./updateUser";

export const userCommands = [
	createUser,
	updateUser,
	deleteUser,
	disableUser,
	enableUser,
	getUser,
	listUsers,
	registerUserKeys,
	getUserKeys,
];
