/** @module Who is logged in: the login response, in memory only (see client.ts). */
import { useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { call, onSessionExpired, type Row, setSessionKey } from "./client";

export interface SessionUser {
	username: string;
	userid: string;
	account: string;
	domainid: string;
	/** Account type: "1" root admin, "2" domain admin, "0" user. */
	type: string;
}

interface SessionValue {
	user: SessionUser | null;
	/** Why the user is at the login page again, e.g. an expired session. */
	notice: string | null;
	isRootAdmin: boolean;
	login(username: string, password: string, domain: string): Promise<void>;
	logout(): Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
	const [user, setUser] = useState<SessionUser | null>(null);
	const [notice, setNotice] = useState<string | null>(null);
	const queries = useQueryClient();

	const end = useCallback(
		(why: string | null) => {
			setSessionKey(null);
			setUser(null);
			setNotice(why);
			queries.clear();
		},
		[queries],
	);

	useEffect(() => {
		onSessionExpired(() => end("Your session has expired. Log in again to continue."));
		return () => onSessionExpired(null);
	}, [end]);

	const value = useMemo<SessionValue>(
		() => ({
			user,
			notice,
			isRootAdmin: user?.type === "1",
			async login(username, password, domain) {
				const answer: Row = await call("login", { username, password, domain: domain || "/" });
				setSessionKey(String(answer.sessionkey));
				setNotice(null);
				setUser({
					username: answer.username,
					userid: answer.userid,
					account: answer.account,
					domainid: answer.domainid,
					type: String(answer.type),
				});
			},
			async logout() {
				await call("logout").catch(() => undefined);
				end(null);
			},
		}),
		[user, notice, end],
	);
	return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
	const value = useContext(SessionContext);
	if (!value) throw new Error("useSession outside SessionProvider");
	return value;
}
