import { login } from "./login";
import { logout } from "./logout";

export const authCommands = [login, logout];
