#!/usr/bin/env bash
# Boot one interop guest by hand and follow its console until it powers off.
#
# usage: vm-run.sh NAME OPTIONS_FILE SECRETS_DIR GUEST_SCRIPT|- [KEY=VALUE...]
#   e.g. vm-run.sh peer my.options my-secrets/ - START=control TIMEOUT=300
# Prints the PPP line's unix socket (connect the other end to it, e.g.
# `upppd ... pty "socat - UNIX-CONNECT:<socket>"`), the control command, then
# streams the console. Keys: see guest/init. The run directory is kept
# (VM_KEEP=1); VM_RUNDIR chooses it. Exit status: 0 if the guest powered off
# by itself, 124 if it was killed after VM_RUN_TIMEOUT (default 600) s.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=vm-lib.sh
. "$here/vm-lib.sh"
if (($# < 4)); then
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
VM_KEEP=1
vm_init || exit 1
name=$1
vm_start "$@" || exit 1
cat <<INFO
ppp line : $VM_SOCK
console  : $VM_LOG
control  : printf 'start\n' | socat - UNIX-CONNECT:$(vm_ctl_sock "$name")
           (also 'signal TERM', 'poweroff')
INFO
tail -n +1 -f --pid="${VM_PID[$name]}" "$VM_LOG" &
vm_wait "$name" "${VM_RUN_TIMEOUT:-600}"
rc=$?
sleep 0.2
echo "vm-run: $name powered off after $(vm_elapsed "$name")s; pppd-exit rc=$(vm_result "$name" pppd-exit rc || echo none)"
exit $rc
