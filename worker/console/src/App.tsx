/**
 * @module The shell: login when there is no session; otherwise the header (user, job tray, logout),
 * the navigation and the page of the current route. A root admin of a cloud with no zone is sent
 * to the installation wizard once per login.
 */
import {
	AppShell,
	Burger,
	Button,
	Center,
	Group,
	Indicator,
	Loader,
	Menu,
	NavLink,
	ScrollArea,
	Text,
	Title,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconListCheck, IconLogout } from "@tabler/icons-react";
import { Suspense, useEffect, useRef } from "react";
import { Link, Redirect, Route, Switch, useLocation } from "wouter";
import { call } from "./api/client";
import { useJobs } from "./api/jobs";
import { useSession } from "./api/session";
import { Login } from "./Login";
import { NAV, ROUTES } from "./routes";

export function App() {
	const session = useSession();
	if (!session.user) return <Login />;
	return <Shell />;
}

function Shell() {
	const session = useSession();
	const [opened, { toggle, close }] = useDisclosure();
	const [location, navigate] = useLocation();
	const checked = useRef(false);

	useEffect(() => {
		if (checked.current || !session.isRootAdmin) return;
		checked.current = true;
		call("listZones", { pagesize: 1, page: 1 })
			.then((answer) => {
				if (Number(answer.count ?? 0) === 0) navigate("/install");
			})
			.catch(() => undefined);
	}, [session.isRootAdmin, navigate]);

	return (
		<AppShell
			header={{ height: 56 }}
			navbar={{ width: 240, breakpoint: "sm", collapsed: { mobile: !opened } }}
			padding="md"
		>
			<AppShell.Header>
				<Group h="100%" px="md" justify="space-between" wrap="nowrap">
					<Group gap="sm" wrap="nowrap">
						<Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
						<Title order={1} size="h3">
							flarestack
						</Title>
					</Group>
					<Group gap="sm" wrap="nowrap">
						<JobTray />
						<Text size="sm" visibleFrom="xs">
							{session.user?.username} ({session.user?.account})
						</Text>
						<Button variant="subtle" leftSection={<IconLogout size={16} />} onClick={() => void session.logout()}>
							Log out
						</Button>
					</Group>
				</Group>
			</AppShell.Header>
			<AppShell.Navbar p="xs" aria-label="Main navigation">
				<ScrollArea>
					{NAV.map((group) => {
						const links = group.links.filter((link) => !link.admin || session.isRootAdmin);
						if (links.length === 0) return null;
						if (links.length === 1 && links[0]) {
							const link = links[0];
							return (
								<NavLink
									key={group.label}
									component={Link}
									href={link.path}
									label={link.label}
									leftSection={<group.icon size={18} />}
									active={location === link.path}
									onClick={close}
								/>
							);
						}
						return (
							<NavLink key={group.label} label={group.label} leftSection={<group.icon size={18} />} defaultOpened>
								{links.map((link) => (
									<NavLink
										key={link.path}
										component={Link}
										href={link.path}
										label={link.label}
										active={location === link.path || location.startsWith(`${link.path}/`)}
										onClick={close}
									/>
								))}
							</NavLink>
						);
					})}
				</ScrollArea>
			</AppShell.Navbar>
			<AppShell.Main>
				<Suspense
					fallback={
						<Center p="xl">
							<Loader aria-label="Loading the page" />
						</Center>
					}
				>
					<Switch>
						{ROUTES.filter((route) => !route.admin || session.isRootAdmin).map((route) => (
							<Route key={route.path} path={route.path}>
								{(params) => <route.component params={params} />}
							</Route>
						))}
						<Route>
							<Redirect to="/dashboard" />
						</Route>
					</Switch>
				</Suspense>
			</AppShell.Main>
		</AppShell>
	);
}

/** The jobs started in this browser: running ones counted on the badge, each with its result. */
function JobTray() {
	const { jobs } = useJobs();
	const running = jobs.filter((job) => job.status === 0).length;
	return (
		<Menu position="bottom-end" width={320}>
			<Menu.Target>
				<Indicator label={running} disabled={running === 0} size={16}>
					<Button variant="subtle" leftSection={<IconListCheck size={16} />} aria-label={`Jobs, ${running} running`}>
						Jobs
					</Button>
				</Indicator>
			</Menu.Target>
			<Menu.Dropdown>
				{jobs.length === 0 && <Menu.Label>No jobs started in this session</Menu.Label>}
				{jobs.slice(0, 10).map((job) => (
					<Menu.Item key={job.jobid} component={Link} href="/jobs">
						<Text size="sm">{job.label}</Text>
						<Text size="xs" c={job.status === 2 ? "red" : "dimmed"}>
							{job.status === 0 ? "Running…" : job.status === 1 ? "Done" : job.error}
						</Text>
					</Menu.Item>
				))}
			</Menu.Dropdown>
		</Menu>
	);
}
