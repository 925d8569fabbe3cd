/** @module The console's entry: Mantine, TanStack Query, notifications, the session and the jobs. */
import "@mantine/core/styles.css";
import "@mantine/notifications/styles.css";
import { createTheme, MantineProvider, Modal } from "@mantine/core";
import { Notifications } from "@mantine/notifications";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { Router } from "wouter";
import { useHashLocation } from "wouter/use-hash-location";
import { App } from "./App";
import { JobsProvider } from "./api/jobs";
import { SessionProvider } from "./api/session";

const queries = new QueryClient({
	defaultOptions: {
		// A 4xx does not get better by asking again; the page shows the error instead.
		queries: { retry: false, refetchOnWindowFocus: false, staleTime: 2000 },
	},
});

const theme = createTheme({
	primaryColor: "orange",
	defaultRadius: "sm",
	// Mantine's close button is an icon: screen readers and keyboard users need its name.
	components: { Modal: Modal.extend({ defaultProps: { closeButtonProps: { "aria-label": "Close" } } }) },
});

const root = document.getElementById("root");
if (root) {
	createRoot(root).render(
		<StrictMode>
			<MantineProvider theme={theme} defaultColorScheme="auto">
				<Notifications position="bottom-right" />
				<QueryClientProvider client={queries}>
					<SessionProvider>
						<JobsProvider>
							<Router hook={useHashLocation}>
								<App />
							</Router>
						</JobsProvider>
					</SessionProvider>
				</QueryClientProvider>
			</MantineProvider>
		</StrictMode>,
	);
}
