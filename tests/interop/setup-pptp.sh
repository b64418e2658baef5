#!/usr/bin/env bash
# The PPTP part of the interop guest (issue 10), called by setup-vm.sh once
# the base initramfs is ready. Builds $INTEROP_CACHE/initramfs-pptp.cpio, an
# overlay that vm_start appends after the base image when VM_PPTP=1:
#   - Debian's pptpd (1.4.0: pptpd, pptpctrl) and pptp-linux (1.10.0: pptp),
#     fetched with `apt-get download` and unpacked with `dpkg -x` (never
#     installed on the host), with every shared object ldd names;
#   - the kernel modules for a virtio-net NIC (virtio_pci, virtio_net and
#     their dependencies) and tun (for upppd inside a guest);
#   - /bin/ip: pptp-linux runs "/bin/ip route ..." for its host route, and
#     busybox installs its ip applet in /sbin;
#   - iproute2's tc (as /usr/sbin/tc-iproute2: busybox's tc has no netem)
#     with its libraries, and netem, ifb, ingress, matchall and mirred
#     (listed in /lib/modules/available-netem): this machine's kernel has no
#     netem, so the lossy case impairs the link inside the guest, both ways.
# The guest's /etc/pptpd.conf and PPP options are written by guest/init from
# the case's configuration, not here.
#
# usage: setup-pptp.sh CACHE KERNEL_VERSION
set -euo pipefail

cache=$1 kver=$2
kroot=$cache/kernel
log() { echo "setup-pptp: $*" >&2; }

# Pinned by what the cache holds, like the kernel: delete the .deb files
# to move on. pptpd's package depends on ppp (<< 2.4.9-2~), which is the
# guest's pppd: they are built for each other.
pkgs="pptpd pptp-linux"
modules="virtio_pci virtio_net tun"

mkdir -p "$cache/debs"
for p in $pkgs; do
    compgen -G "$cache/debs/${p}_*.deb" >/dev/null && continue
    log "downloading $p"
    if ! (cd "$cache/debs" && apt-get download "$p" >"$cache/download-$p.log" 2>&1); then
        apt-get update >"$cache/apt.log" 2>&1
        (cd "$cache/debs" && apt-get download "$p" >"$cache/download-$p.log" 2>&1) ||
            { cat "$cache/download-$p.log" >&2; exit 1; }
    fi
done

key=$({
    echo "$kver $modules"
    for p in $pkgs; do basename "$(compgen -G "$cache/debs/${p}_*.deb" | head -1)"; done
    sha256sum "$0" | cut -d' ' -f1
} | sha256sum | cut -d' ' -f1)
if [[ -s $cache/initramfs-pptp.cpio && $(cat "$cache/initramfs-pptp.stamp" 2>/dev/null) == "$key" ]]; then
    exit 0
fi

log "building initramfs-pptp.cpio"
st=$cache/initramfs-pptp-root
un=$cache/pptp-unpacked
rm -rf "$st" "$un"
mkdir -p "$st/usr/sbin" "$st/bin" "$st/lib/modules" "$un"
for p in $pkgs; do dpkg -x "$(compgen -G "$cache/debs/${p}_*.deb" | head -1)" "$un"; done
tc=$(command -v tc) || { log "tc (iproute2) missing on the host"; exit 1; }
cp "$tc" "$un/usr/sbin/tc-iproute2"
for b in pptpd pptpctrl pptp tc-iproute2; do
    cp "$un/usr/sbin/$b" "$st/usr/sbin/$b"
    # Their libraries from the host, at the same paths (pptpd wants
    # libwrap, which pulls in libnsl and libtirpc with Kerberos).
    if ldd "$un/usr/sbin/$b" | grep 'not found' >/dev/null; then
        log "$b: libraries missing on the host:"
        ldd "$un/usr/sbin/$b" | grep 'not found' >&2
        exit 1
    fi
    ldd "$un/usr/sbin/$b" | awk '/=> \// {print $3}' | while read -r lib; do
        mkdir -p "$st$(dirname "$lib")"
        cp -L "$lib" "$st$lib"
    done
done
ln -s ../sbin/ip "$st/bin/ip"

# add_modules LIST MODULE...: copy the modules with their dependencies, in
# load order, and name them in /lib/modules/LIST for the guest to load
# (after the base image's own). Modules the base image has are loaded
# again harmlessly: insmod of a loaded module fails and init goes on.
add_modules() {
    local list=$st/lib/modules/$1 m
    shift
    : >"$list"
    for m in "$@"; do
        modprobe -d "$kroot" -S "$kver" --show-depends "$m" | awk '$1 == "insmod" {print $2}'
    done | awk '!seen[$0]++' | while read -r ko; do
        cp "$ko" "$st/lib/modules/"
        basename "$ko" .ko >>"$list"
    done
}
# shellcheck disable=SC2086 # word list
add_modules available-pptp $modules
add_modules available-netem sch_netem ifb sch_ingress cls_matchall act_mirred

(cd "$st" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$cache/initramfs-pptp.cpio.tmp"
mv "$cache/initramfs-pptp.cpio.tmp" "$cache/initramfs-pptp.cpio"
echo "$key" >"$cache/initramfs-pptp.stamp"
rm -rf "$un"
