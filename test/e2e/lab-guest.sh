# Sourced by lab.sh: the `guest` step (host-lab reference §2), which builds the lab's guests from
# Debian packages (downloaded and unpacked, never installed) in $W/guest. Needs lab.sh's W and
# install_pkgs.

# `guest`: a Debian kernel (the .deb unpacked, not installed) + a busybox initramfs + a 1.3 MiB ext4
# qcow2 template, in $W/guest: vmlinux (ELF, boots through PVH, no 6 s decompress under TCG),
# initrd.gz, tmpl-busybox.qcow2; and tmpl-boot.qcow2, a self-bootable template (boot_template).
# Use <domain type='qemu'>: /dev/kvm here cannot run stock kernels.
guest() {
	install_pkgs
	mkdir -p "$W/guest"
	(
		cd "$W/guest"
		kpkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-/{print $2; exit}')
		apt-get download "$kpkg" busybox-static >/dev/null 2>&1 ||
			{ apt-get -o DPkg::Lock::Timeout=600 update -qq && apt-get download "$kpkg" busybox-static >/dev/null; }
		rm -rf k bb initrd rootfs
		dpkg-deb -x "${kpkg}"_*.deb k
		dpkg-deb -x busybox-static_*.deb bb
		kv=$(ls k/lib/modules)
		cp "k/boot/vmlinuz-$kv" vmlinuz
		off=$(grep -abo $'\xFD7zXZ\x00' vmlinuz | head -1 | cut -d: -f1)
		tail -c +$((off + 1)) vmlinuz | xz -dc >vmlinux 2>/dev/null || true
		mkdir -p initrd/{bin,proc,sys,dev,mnt,lib/modules}
		cp bb/bin/busybox initrd/bin/
		for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk \
			failover net_failover virtio_net crc16 crc32c_generic libcrc32c mbcache jbd2 ext4; do
			cp "$(find "k/lib/modules/$kv" -name "$m.ko" | head -1)" initrd/lib/modules/
			echo "$m.ko" >>initrd/lib/modules/order
		done
		cat >initrd/init <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
for m in $(cat /lib/modules/order); do insmod /lib/modules/$m; done
root=$(sed -n 's/.*root=\([^ ]*\).*/\1/p' /proc/cmdline); root=${root:-/dev/vda}
for i in 1 2 3 4 5 6 7 8 9 10; do [ -b "$root" ] && break; sleep 0.2; done
if mount -t ext4 "$root" /mnt; then umount /proc /sys; mount --move /dev /mnt/dev; exec switch_root /mnt /sbin/init; fi
echo NO-ROOT; exec setsid cttyhack sh
INIT
		chmod +x initrd/init
		(cd initrd && find . | ../bb/bin/busybox cpio -o -H newc 2>/dev/null | gzip -1 >../initrd.gz)
		mkdir -p rootfs/{bin,sbin,proc,sys,dev,tmp,etc}
		cp bb/bin/busybox rootfs/bin/
		echo tmpl-busybox-v1 >rootfs/etc/template-id
		cat >rootfs/sbin/init <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys
echo "ROOTFS-OK template=$(cat /etc/template-id) uptime=$(cut -d' ' -f1 /proc/uptime)"
echo GUEST-SHELL-READY
exec setsid cttyhack sh
INIT
		chmod +x rootfs/sbin/init
		rm -f root.raw
		mkfs.ext4 -q -F -d rootfs root.raw 64M >/dev/null
		qemu-img convert -c -f raw -O qcow2 root.raw tmpl-busybox.qcow2
		boot_template "$kv"
		rm -rf k bb root.raw vmlinuz ./*.deb
		chmod 755 "$W" "$W/guest"
		chmod 644 vmlinux initrd.gz tmpl-busybox.qcow2 tmpl-boot.qcow2
	)
	echo "lab guest: $W/guest/{vmlinux,initrd.gz,tmpl-busybox.qcow2,tmpl-boot.qcow2}"
}

# Prints the module files (under DIR) that load NAMES, dependencies first. The .deb has no
# modules.dep (depmod runs at install) and the machine may have no kmod, so each module's
# `depends=` is read from its .modinfo strings. A name with no .ko is built in and skipped.
module_closure() {
	local dir=$1 m
	shift
	declare -A seen=()
	add_mod() {
		local f d
		[ -n "${seen[$1]:-}" ] && return 0
		seen[$1]=1
		f=$(find "$dir" \( -name "$1.ko" -o -name "${1//_/-}.ko" \) | head -1)
		[ -n "$f" ] || return 0
		for d in $(tr '\0' '\n' <"$f" | sed -n 's/^depends=//p' | head -1 | tr ',' ' '); do add_mod "$d"; done
		echo "$f"
	}
	for m in "$@"; do add_mod "$m"; done
}

# tmpl-boot.qcow2: a SELF-BOOTABLE template (no <kernel> in the domain, as a real cloud image):
# an unpartitioned ext2 disk with extlinux in its boot sector (extlinux 6.04 cannot boot from ext4
# made by mke2fs 1.47), the Debian bzImage and an initrd with virtio, ext4/ext2 and the IDE cdrom
# + iso9660 modules. Its /sbin/init mounts the config drive (label config-2, hdd) if there is one,
# prints `FLARESTACK-CONFIG-DRIVE hostname=<its hostname>`, then `FLARESTACK-GUEST-BOOTED`.
boot_template() {
	local kv=$1 m
	rm -rf bootinit bootfs mnt boot.raw
	mkdir -p bootinit/{bin,proc,sys,dev,mnt,lib/modules}
	cp bb/bin/busybox bootinit/bin/
	for m in $(module_closure "k/lib/modules/$kv" virtio_pci virtio_blk virtio_net crc32c_generic ext4 ext2 \
		ata_piix ata_generic sr_mod isofs); do
		cp "$m" bootinit/lib/modules/
		echo "${m##*/}" >>bootinit/lib/modules/order
	done
	cat >bootinit/init <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
for m in $(cat /lib/modules/order); do insmod /lib/modules/$m 2>/dev/null; done
root=$(sed -n 's/.*root=\([^ ]*\).*/\1/p' /proc/cmdline); root=${root:-/dev/vda}
for i in 1 2 3 4 5 6 7 8 9 10; do [ -b "$root" ] && break; sleep 0.2; done
if mount -t ext4 "$root" /mnt || mount -t ext2 "$root" /mnt; then
	umount /proc /sys; mount --move /dev /mnt/dev; exec switch_root /mnt /sbin/init
fi
echo NO-ROOT; exec setsid cttyhack sh
INIT
	chmod +x bootinit/init
	mkdir -p bootfs/{bin,sbin,proc,sys,dev,tmp,etc,cd,boot/extlinux}
	(cd bootinit && find . | ../bb/bin/busybox cpio -o -H newc 2>/dev/null | gzip -1 >../bootfs/boot/initrd.gz)
	cp vmlinuz bootfs/boot/vmlinuz
	cp bb/bin/busybox bootfs/bin/
	echo tmpl-boot-v1 >bootfs/etc/template-id
	cat >bootfs/boot/extlinux/extlinux.conf <<'CONF'
DEFAULT guest
PROMPT 0
TIMEOUT 1
LABEL guest
  KERNEL /boot/vmlinuz
  INITRD /boot/initrd.gz
  APPEND root=/dev/vda console=ttyS0 quiet panic=-1
CONF
	cat >bootfs/sbin/init <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys
echo "ROOTFS-OK template=$(cat /etc/template-id) uptime=$(cut -d' ' -f1 /proc/uptime)"
for i in 1 2 3 4 5 6 7 8 9 10; do ls /dev/sr* >/dev/null 2>&1 && break; sleep 0.2; done
for dev in /dev/sr* /dev/vd[b-z]; do
	[ -b "$dev" ] || continue
	mount -t iso9660 -o ro "$dev" /cd 2>/dev/null || continue
	meta=/cd/openstack/latest/meta_data.json
	if [ -f "$meta" ]; then
		name=$(sed -n 's/.*"hostname" *: *"\([^"]*\)".*/\1/p' "$meta")
		echo "FLARESTACK-CONFIG-DRIVE hostname=$name"
		[ -n "$name" ] && hostname "$name"
		break
	fi
	umount /cd
done
echo FLARESTACK-GUEST-BOOTED
echo GUEST-SHELL-READY
exec setsid cttyhack sh
INIT
	chmod +x bootfs/sbin/init
	mkfs.ext2 -q -F -d bootfs boot.raw 64M >/dev/null
	mkdir -p mnt
	mount -o loop boot.raw mnt
	extlinux --install mnt/boot/extlinux >/dev/null 2>&1 || { umount mnt; echo "lab: extlinux failed" >&2; return 1; }
	umount mnt
	qemu-img convert -c -f raw -O qcow2 boot.raw tmpl-boot.qcow2
	rm -rf bootinit bootfs mnt boot.raw
}
