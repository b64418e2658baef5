#!/usr/bin/env bash
# Install the Debian packages that building and testing upppd needs.
# Does nothing (no apt-get at all) when they are already installed.
set -euo pipefail

pkgs=(build-essential cmake pkg-config libssl-dev libcmocka-dev clang
      libclang-rt-dev iproute2 iputils-ping socat libpcap-dev tshark
      lintian man-db freerdp2-dev zlib1g-dev freeradius freeradius-utils)
[ -n "${UPPP_EXTRA_PKGS:-}" ] && read -r -a extra <<<"$UPPP_EXTRA_PKGS" && pkgs+=("${extra[@]}")

missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no without asking.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
