#!/usr/bin/env bash
# Prepare everything the interop VMs need, once, into a cache directory:
#   - host packages (qemu-system-x86, ppp, busybox-static, cpio, kmod, socat),
#     installed with apt-get only when missing;
#   - Debian's kernel (linux-image-amd64 -> linux-image-<kver>), fetched with
#     `apt-get download` and unpacked with `dpkg -x` into the cache: never
#     installed over the host's /boot;
#   - vmlinux: the uncompressed ELF kernel cut out of the xz bzImage. qemu
#     boots it directly through its PVH note; under TCG this saves the ~1 s
#     the emulated xz decompressor would take;
#   - initramfs-base.cpio: busybox (static), the host's pppd with the shared
#     libraries ldd names, the PPP kernel modules with their dependencies (from
#     modprobe --show-depends against the unpacked tree), and the guest files
#     in tests/interop/guest/ (/init, ip-up, the helper library);
#   - initramfs-pptp.cpio (setup-pptp.sh): pptpd, pptp-linux, virtio-net and
#     tun, an overlay for the PPTP cases.
# A second run with nothing changed only checks stamps and exits.
#
# Cache: $INTEROP_CACHE, default <repo>/build/interop-cache.
# Writes $INTEROP_CACHE/vm.env, which vm-lib.sh sources.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${INTEROP_CACHE:-$repo/build/interop-cache}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

# Modules copied into the initramfs. The guest loads its MODULES list (default
# in guest/init: slhc ppp_generic ppp_async libarc4 ppp_mppe); ppp_deflate and
# bsd_comp are carried so a case can load them to see what a stock system
# offers in CCP.
modules="ppp_generic ppp_async ppp_mppe slhc ppp_deflate bsd_comp"

log() { echo "setup-vm: $*" >&2; }

# --- host packages ---------------------------------------------------------
need_pkgs=()
for p in qemu-system-x86 ppp busybox-static cpio kmod socat; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        need_pkgs+=("$p")
    fi
done
if ((${#need_pkgs[@]})); then
    log "installing ${need_pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # An install from a stale or empty package list fails: update once, retry.
    if ! apt-get install -y --no-install-recommends "${need_pkgs[@]}" >"$cache/apt.log" 2>&1; then
        apt-get update >>"$cache/apt.log" 2>&1
        apt-get install -y --no-install-recommends "${need_pkgs[@]}" >>"$cache/apt.log" 2>&1 ||
            { cat "$cache/apt.log" >&2; exit 1; }
    fi
fi

# --- kernel package ----------------------------------------------------------
# The kernel version is pinned by whatever the cache already holds, so a cached
# run needs no package lists at all. Delete the cache to move to a newer one.
kroot=$cache/kernel
if [[ ! -f $cache/kernel.stamp ]]; then
    kpkg=${INTEROP_KERNEL_PKG:-}
    if [[ -z $kpkg ]]; then
        kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
            awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
        if [[ -z $kpkg ]]; then
            apt-get update >"$cache/apt.log" 2>&1
            kpkg=$(apt-cache depends linux-image-amd64 |
                awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
        fi
    fi
    [[ -n $kpkg ]] || { log "cannot resolve linux-image-amd64"; exit 1; }
    log "downloading $kpkg"
    mkdir -p "$cache/debs"
    rm -f "$cache/debs/$kpkg"_*.deb
    # apt-get download writes into the current directory; as root it warns
    # that _apt cannot write there, which is harmless.
    if ! (cd "$cache/debs" && apt-get download "$kpkg" >"$cache/download.log" 2>&1); then
        # Stale package lists name a version the mirror no longer has:
        # refresh them once and resolve the package again.
        apt-get update >"$cache/apt.log" 2>&1
        if [[ -z ${INTEROP_KERNEL_PKG:-} ]]; then
            kpkg=$(apt-cache depends linux-image-amd64 |
                awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
        fi
        (cd "$cache/debs" && apt-get download "$kpkg" >"$cache/download.log" 2>&1) ||
            { cat "$cache/download.log" >&2; exit 1; }
    fi
    rm -rf "$kroot"
    dpkg -x "$cache/debs/$kpkg"_*.deb "$kroot"
    kver=$(ls "$kroot/lib/modules")
    [[ $(wc -w <<<"$kver") == 1 ]] || { log "expected one kernel in $kroot, got: $kver"; exit 1; }
    # The package ships no modules.dep (its postinst runs depmod).
    depmod -b "$kroot" "$kver"
    echo "$kver" >"$cache/kernel.stamp"
    rm -f "$cache/vmlinux"
fi
kver=$(cat "$cache/kernel.stamp")

# --- uncompressed kernel ----------------------------------------------------
if [[ ! -s $cache/vmlinux ]]; then
    bz=$kroot/boot/vmlinuz-$kver
    # Debian builds with CONFIG_KERNEL_XZ: find the xz stream's magic and
    # decompress from there; xz complains about the trailing bytes after the
    # stream, which is expected (the result is checked as ELF instead).
    off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$bz" | head -1 | cut -d: -f1)
    [[ -n $off ]] || { log "no xz stream in $bz"; exit 1; }
    tail -c +$((off + 1)) "$bz" | xz -dc >"$cache/vmlinux.tmp" 2>/dev/null || true
    if [[ $(head -c 4 "$cache/vmlinux.tmp" | od -An -tx1 | tr -d ' ') != 7f454c46 ]]; then
        log "extracted kernel is not ELF"
        exit 1
    fi
    mv "$cache/vmlinux.tmp" "$cache/vmlinux"
fi

# --- base initramfs ---------------------------------------------------------
# Rebuilt when any input changes: guest files, this script, kernel, pppd or
# busybox version.
key=$({
    echo "$kver"
    dpkg-query -W -f='${Version}\n' ppp busybox-static
    sha256sum "$here"/guest/* "$0" | cut -d' ' -f1
} | sha256sum | cut -d' ' -f1)
if [[ ! -s $cache/initramfs-base.cpio || $(cat "$cache/initramfs.stamp" 2>/dev/null) != "$key" ]]; then
    log "building initramfs-base.cpio"
    st=$cache/initramfs-root
    rm -rf "$st"
    mkdir -p "$st"/{bin,sbin,usr/bin,usr/sbin,etc/ppp,lib/pppvm,proc,sys,dev,run,tmp,root,var}
    ln -s ../run "$st/var/run"
    ln -s ../run/lock "$st/var/lock"
    # The kernel opens /dev/console for init before /init can mount devtmpfs.
    mknod -m 600 "$st/dev/console" c 5 1
    cp /bin/busybox "$st/bin/busybox"

    # pppd and every shared object ldd names, at the same paths, plus the
    # dynamic loader. glibc 2.34+ has nss_files inside libc, so getpwuid
    # needs no dlopen'd module.
    cp /usr/sbin/pppd "$st/usr/sbin/pppd"
    ldd /usr/sbin/pppd | awk '/=> \// {print $3} /^\t\/[^ ]+ \(/ {print $1}' |
        while read -r lib; do
            mkdir -p "$st$(dirname "$lib")"
            cp -L "$lib" "$st$lib"
        done
    # /lib64 is a symlink on usrmerged hosts: the loader path must resolve.
    [[ -e $st/lib64/ld-linux-x86-64.so.2 ]] || { log "loader missing"; exit 1; }

    # Kernel modules in load order, deduplicated, copied flat.
    mkdir -p "$st/lib/modules"
    : >"$st/lib/modules/available"
    for m in $modules; do
        modprobe -d "$kroot" -S "$kver" --show-depends "$m" | awk '$1 == "insmod" {print $2}'
    done | awk '!seen[$0]++' | while read -r ko; do
        cp "$ko" "$st/lib/modules/"
        basename "$ko" .ko >>"$st/lib/modules/available"
    done

    cp "$here/guest/init" "$st/init"
    cp "$here/guest/ip-up" "$here/guest/ip-down" "$here/guest/ipv6-up" "$st/etc/ppp/"
    cp "$here/guest/pppvm.sh" "$st/lib/pppvm/pppvm.sh"
    cp "$here/guest/pptpd-mode" "$here/guest/pppd-wrap" "$st/lib/pppvm/"
    chmod 755 "$st/init" "$st"/etc/ppp/ip-up "$st"/etc/ppp/ip-down "$st"/etc/ppp/ipv6-up \
        "$st/lib/pppvm/pppd-wrap"
    printf 'root:x:0:0:root:/root:/bin/sh\n' >"$st/etc/passwd"
    printf 'root:x:0:\n' >"$st/etc/group"
    # pppd reads /etc/ppp/options unconditionally: keep it empty so each case
    # states all its options in its own file.
    : >"$st/etc/ppp/options"
    echo "$kver" >"$st/etc/pppvm-kernel"

    # Uncompressed: the emulated CPU would spend longer inflating than qemu
    # spends copying a few more MB into guest memory.
    (cd "$st" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$cache/initramfs-base.cpio.tmp"
    mv "$cache/initramfs-base.cpio.tmp" "$cache/initramfs-base.cpio"
    echo "$key" >"$cache/initramfs.stamp"
fi

# The PPTP overlay (pptpd, pptp-linux, virtio-net, tun): its own image and
# stamp, so the base image and the pppd matrix do not depend on it.
INTEROP_CACHE=$cache bash "$here/setup-pptp.sh" "$cache" "$kver"

bios=/usr/share/qemu/qboot.rom
[[ -f $bios ]] || { log "$bios missing (qemu-system-data)"; exit 1; }

cat >"$cache/vm.env.tmp" <<EOF
# written by setup-vm.sh
VM_KERNEL_VERSION=$kver
VM_KERNEL=$cache/vmlinux
VM_INITRD_BASE=$cache/initramfs-base.cpio
VM_INITRD_PPTP=$cache/initramfs-pptp.cpio
VM_BIOS=$bios
EOF
mv "$cache/vm.env.tmp" "$cache/vm.env"
log "ready: kernel $kver, $(du -h "$cache/initramfs-base.cpio" | cut -f1) initramfs, cache $cache"
