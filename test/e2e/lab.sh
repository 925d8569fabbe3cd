#!/usr/bin/env bash
# The namespace lab: N KVM "hosts" on one machine, each its own libvirtd in a network namespace
# (lab-h1, lab-h2, …) at 10.99.0.1N, reached from the root namespace over qemu+tcp through a bridge
# in lab-fabric (root leg lab-mgmt = 10.99.0.1). Recipe and gotchas: the project's host-lab reference (shared/reference/host-lab.md).
#
#   [W=<scratch dir>] [LAB_HOSTS=2] test/e2e/lab.sh install|up|down|status|stop-host N|start-host N|guest|nfs|nfs-down
#
# Without W, `up` makes one (mktemp, printed) and records it in /run/flarestack-lab.dir for the others.
#
# Run as root. `up` installs the Debian packages it needs; `down` stops everything by PID and is safe
# to run twice. Traffic stays on 10.99.0.0/24 inside namespaces this script creates.
set -euo pipefail
N=${LAB_HOSTS:-2}
# `up` records its scratch dir so `down`, `stop-host` and `start-host` find it without W.
STATE_FILE=/run/flarestack-lab.dir
if [ -z "${W:-}" ]; then
	if [ "${1:-}" = up ]; then
		W=$(mktemp -d "${TMPDIR:-/tmp}/flarestack-lab.XXXXXX")
	elif [ -f "$STATE_FILE" ]; then
		W=$(cat "$STATE_FILE")
	elif [ "${1:-}" = guest ] || [ "${1:-}" = nfs ]; then
		W=$(mktemp -d "${TMPDIR:-/tmp}/flarestack-lab.XXXXXX")
	else
		W=/nonexistent # nothing recorded: `down` still clears lab-* namespaces by their PIDs
	fi
fi

install_pkgs() {
	local need=()
	command -v libvirtd >/dev/null || need+=(libvirt-daemon-system)
	command -v virsh >/dev/null || need+=(libvirt-clients)
	command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
	command -v qemu-img >/dev/null || need+=(qemu-utils)
	command -v tini >/dev/null || need+=(tini)
	# NFS (`nfs`): the userspace server and clients.
	command -v ganesha.nfsd >/dev/null || need+=(nfs-ganesha nfs-ganesha-vfs)
	command -v rpcbind >/dev/null || need+=(rpcbind)
	command -v nfs-ls >/dev/null || need+=(libnfs-utils)
	dpkg -s qemu-block-extra >/dev/null 2>&1 || need+=(qemu-block-extra)
	command -v curl >/dev/null || need+=(curl)
	# `guest`'s self-bootable template (extlinux in an ext2 boot sector); xmllint for virt-xml-validate.
	command -v extlinux >/dev/null || need+=(extlinux)
	[ -d /usr/lib/syslinux ] || need+=(syslinux-common)
	command -v xmllint >/dev/null || need+=(libxml2-utils)
	[ ${#need[@]} -eq 0 ] && return 0
	export DEBIAN_FRONTEND=noninteractive
	apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}" >/dev/null ||
		{ apt-get -o DPkg::Lock::Timeout=600 update -qq && apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}" >/dev/null; }
}

host_dir() { echo "$W/hosts/h$1"; }

# Starts host I's libvirtd in its namespace (private mounts for its config, state and sockets).
start_host() {
	local i=$1 H
	H=$(host_dir "$i")
	ip netns exec "lab-h$i" unshare -m -u --propagation private sh -c "
		hostname lab-h$i
		mount --bind $H/etc /etc/libvirt; mount --bind $H/lib /var/lib/libvirt
		mount --bind $H/log /var/log/libvirt; mount --bind $H/cache /var/cache/libvirt
		mount -t tmpfs tmpfs /run/libvirt
		virtlogd -d -p $H/run/virtlogd.pid
		libvirtd -d -l -f /etc/libvirt/libvirtd.conf -p $H/run/libvirtd.pid"
	for _ in $(seq 1 50); do
		virsh -c "qemu+tcp://10.99.0.1$i/system" uri >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "lab: host $i's libvirtd did not answer" >&2
	return 1
}

stop_host() {
	local H pid
	H=$(host_dir "$1")
	for f in libvirtd virtlogd; do
		[ -f "$H/run/$f.pid" ] || continue
		pid=$(cat "$H/run/$f.pid")
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		rm -f "$H/run/$f.pid"
	done
}

up() {
	[ "$(id -u)" -eq 0 ] || { echo "lab: run as root" >&2; exit 1; }
	ip netns list | grep -q '^lab-' && { echo "lab: already up (run down first)" >&2; exit 1; }
	mkdir -p "$W"
	echo "$W" >"$STATE_FILE"
	install_pkgs
	# Without udev /dev/kvm is root-only and libvirt re-probes QEMU on every start (+4 s).
	mkdir -p /run/libvirt
	[ -e /dev/kvm ] && { chgrp kvm /dev/kvm; chmod 660 /dev/kvm; }
	ip netns add lab-fabric
	ip -n lab-fabric link add br0 type bridge
	ip -n lab-fabric link set br0 up
	for i in $(seq 1 "$N"); do
		ip netns add "lab-h$i"
		ip link add "lab$i-e" type veth peer name "lab$i-p"
		ip link set "lab$i-e" netns "lab-h$i"
		ip link set "lab$i-p" netns lab-fabric
		ip -n lab-fabric link set "lab$i-p" master br0 up
		ip -n "lab-h$i" link set lo up
		ip -n "lab-h$i" link set "lab$i-e" name eth0
		ip -n "lab-h$i" addr add "10.99.0.1$i/24" dev eth0
		ip -n "lab-h$i" link set eth0 up
		# cloudbr0: the guest bridge on every host (CloudStack's guest traffic label; the relay agent's
		# `guestBridge` default), so domains with NICs start and migrate.
		ip -n "lab-h$i" link add cloudbr0 type bridge
		ip -n "lab-h$i" link set cloudbr0 up
		local H
		H=$(host_dir "$i")
		mkdir -p "$H"/{etc,lib/qemu,log/qemu,cache,run}
		cp -a /etc/libvirt/. "$H/etc/"
		rm -f "$H"/etc/qemu/*.xml
		rm -rf "$H/etc/qemu/networks/autostart" "$H/etc/storage"
		printf 'listen_tls = 0\nlisten_tcp = 1\nlisten_addr = "10.99.0.1%s"\nauth_tcp = "none"\nhost_uuid = "00000000-0000-4000-8000-0000000000%02d"\n' \
			"$i" "$i" >"$H/etc/libvirtd.conf"
	done
	ip link add lab-mgmt type veth peer name lab0-p
	ip link set lab0-p netns lab-fabric
	ip -n lab-fabric link set lab0-p master br0 up
	ip addr add 10.99.0.1/24 dev lab-mgmt
	ip link set lab-mgmt up
	for i in $(seq 1 "$N"); do start_host "$i"; done
	# A fresh libvirtd probes QEMU on its first connection that needs capabilities (4-8 s, kept in
	# its cache dir): do it here, in parallel, so the tests' first addHost does not pay for it.
	for i in $(seq 1 "$N"); do virsh -c "qemu+tcp://10.99.0.1$i/system" capabilities >/dev/null & done
	wait
	echo "lab up: $N hosts at qemu+tcp://10.99.0.11..1$N/system (W=$W)"
}

# --- Opt-in pieces for later tests (host-lab reference §2 and §4): a tiny TCG guest and an NFS server.

# `guest` (lab-guest.sh): the TCG guests in $W/guest: vmlinux + initrd.gz + tmpl-busybox.qcow2, and
# tmpl-boot.qcow2, a self-bootable template whose /sbin/init prints the config drive's hostname and
# FLARESTACK-GUEST-BOOTED on the serial console.
# shellcheck source=test/e2e/lab-guest.sh
source "$(dirname "${BASH_SOURCE[0]}")/lab-guest.sh"

# `nfs`: nfs-ganesha (userspace, FSAL VFS) on 127.0.0.1 exporting $W/nfs/primary, /secondary and
# /tiny (a 48 MiB ext4 on a loop device, for "storage full" tests), for qemu-img nfs://, libvirt
# network disks and the agent's own NFS client (no kernel NFS on these machines, so no netfs pools).
# Only one NFS server can own 127.0.0.1:2049, so a second W is refused rather than half started.
nfs() {
	install_pkgs
	if ss -Hltn 'sport = :2049' | grep -q .; then
		echo "lab: an NFS server already listens on port 2049 (another W?): run nfs-down for it first" >&2
		return 1
	fi
	mkdir -p "$W/nfs/primary" "$W/nfs/secondary" "$W/nfs/tiny"
	if [ ! -f "$W/nfs/tiny.loop" ]; then
		rm -f "$W/nfs/tiny.img"
		truncate -s 48M "$W/nfs/tiny.img"
		mkfs.ext4 -q -F -m 0 "$W/nfs/tiny.img" >/dev/null
		losetup --find --show "$W/nfs/tiny.img" >"$W/nfs/tiny.loop"
		mount "$(cat "$W/nfs/tiny.loop")" "$W/nfs/tiny"
	fi
	cat >"$W/nfs/ganesha.conf" <<CONF
NFS_CORE_PARAM { Bind_addr = 127.0.0.1; Protocols = 3, 4; Enable_NLM = false; Enable_RQUOTA = false; }
NFSV4 { Graceless = true; }
EXPORT { Export_Id = 1; Path = $W/nfs/primary;   Pseudo = /primary;   Protocols = 3, 4; Transports = TCP;
         Access_Type = RW; Squash = No_Root_Squash; SecType = sys; FSAL { Name = VFS; } }
EXPORT { Export_Id = 2; Path = $W/nfs/secondary; Pseudo = /secondary; Protocols = 3, 4; Transports = TCP;
         Access_Type = RW; Squash = No_Root_Squash; SecType = sys; FSAL { Name = VFS; } }
EXPORT { Export_Id = 3; Path = $W/nfs/tiny;      Pseudo = /tiny;      Protocols = 3, 4; Transports = TCP;
         Access_Type = RW; Squash = No_Root_Squash; SecType = sys; FSAL { Name = VFS; } }
CONF
	# rpcbind is per machine: start one only when none answers, and stop only the one we started.
	if ! ss -Hltn 'sport = :111' | grep -q .; then
		setsid rpcbind -f -w </dev/null >/dev/null 2>&1 &
		echo $! >"$W/rpcbind.pid"
		sleep 0.3
	fi
	ganesha.nfsd -f "$W/nfs/ganesha.conf" -L "$W/nfs/ganesha.log" -p "$W/nfs/ganesha.pid" -N NIV_EVENT
	for _ in $(seq 1 50); do
		if nfs-ls "nfs://127.0.0.1$W/nfs/secondary" >/dev/null 2>&1; then
			echo "lab nfs: nfs://127.0.0.1$W/nfs/{primary,secondary,tiny}"
			return 0
		fi
		sleep 0.2
	done
	echo "lab: ganesha did not answer (see $W/nfs/ganesha.log)" >&2
	return 1
}

# Stops this W's ganesha (and its rpcbind, if it started one), then unmounts and detaches `tiny`.
stop_nfs() {
	local pid
	if [ -f "$W/nfs/ganesha.pid" ]; then
		pid=$(cat "$W/nfs/ganesha.pid")
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done # ganesha needs 2-5 s
		rm -f "$W/nfs/ganesha.pid"
	fi
	if [ -f "$W/rpcbind.pid" ]; then
		kill "$(cat "$W/rpcbind.pid")" 2>/dev/null || true
		rm -f "$W/rpcbind.pid"
	fi
	if [ -f "$W/nfs/tiny.loop" ]; then
		umount "$W/nfs/tiny" 2>/dev/null || umount -l "$W/nfs/tiny" 2>/dev/null || true
		losetup -d "$(cat "$W/nfs/tiny.loop")" 2>/dev/null || true
		rm -f "$W/nfs/tiny.loop" "$W/nfs/tiny.img"
	fi
}

down() {
	local ns pids
	# libvirtd takes a few seconds to exit on SIGTERM: stop the hosts in parallel.
	for d in "$W"/hosts/h*; do [ -d "$d" ] && stop_host "${d##*/h}" & done
	wait
	for ns in $(ip netns list 2>/dev/null | awk '/^lab-/{print $1}'); do
		# Whatever still runs in a lab namespace (a crashed run, a W that got lost) is ours: stop it by PID.
		pids=$(ip netns pids "$ns" 2>/dev/null || true)
		if [ -n "$pids" ]; then
			# shellcheck disable=SC2086 # a list of PIDs
			kill $pids 2>/dev/null || true
			for _ in $(seq 1 50); do [ -z "$(ip netns pids "$ns" 2>/dev/null)" ] && break; sleep 0.1; done
			# shellcheck disable=SC2046
			kill -9 $(ip netns pids "$ns" 2>/dev/null) 2>/dev/null || true
		fi
		ip netns del "$ns" 2>/dev/null || true
	done
	stop_nfs
	rm -f "$STATE_FILE"
	ip link del lab-mgmt 2>/dev/null || true
	[ -e /dev/kvm ] && { chmod 600 /dev/kvm; chgrp root /dev/kvm; }
	echo "lab down"
}

status() {
	for i in $(seq 1 "$N"); do
		if virsh -c "qemu+tcp://10.99.0.1$i/system" hostname 2>/dev/null; then :; else echo "h$i: not answering"; fi
	done
}

case "${1:-}" in
install) install_pkgs ;;
up) up ;;
guest) guest ;;
nfs)
	[ -f "$STATE_FILE" ] || { mkdir -p "$W" && echo "$W" >"$STATE_FILE"; }
	nfs
	;;
nfs-down)
	stop_nfs
	# `nfs` recorded W when nothing else had: forget it unless a lab (hosts) still uses it.
	[ -f "$STATE_FILE" ] && [ "$(cat "$STATE_FILE")" = "$W" ] && [ ! -d "$W/hosts" ] && rm -f "$STATE_FILE"
	echo "lab nfs down"
	;;
down) down ;;
status) status ;;
stop-host) stop_host "${2:?host number}" ;;
start-host) start_host "${2:?host number}" ;;
*)
	echo "usage: W=<dir> LAB_HOSTS=N $0 install|up|down|status|stop-host N|start-host N|guest|nfs|nfs-down" >&2
	exit 64
	;;
esac
