# shellcheck shell=bash
# Bash functions that run interop guests: one qemu VM = one pppd on its ttyS1.
# Source this file, then:
#
#   vm_init                     load the cache (runs setup-vm.sh if needed),
#                               make VM_RUNDIR, install an EXIT cleanup trap
#   vm_start NAME OPTIONS_FILE SECRETS_DIR GUEST_SCRIPT [KEY=VALUE...]
#                               boot a VM in the background; sets VM_SOCK
#                               (PPP line, unix socket) and VM_LOG (console)
#   vm_sock NAME / vm_log NAME  print those paths again (vm_ctl_sock NAME: the
#                               control line's socket)
#   vm_link A B                 relay A's and B's PPP lines (socat), pid in
#                               VM_LINK_PID; for pppd-vs-pppd runs
#   vm_wait_marker NAME MARKER TIMEOUT
#                               wait for "PPPVM: MARKER" on NAME's console;
#                               1 if NAME powered off first or on timeout
#   vm_wait_grep NAME ERE TIMEOUT
#                               the same for any console line (pppd's own,
#                               e.g. '^Connect: ppp0')
#   vm_control NAME LINE        send "start" (START=control), "signal TERM",
#                               "poweroff" to the guest; heard once the
#                               guest has printed its "init" marker
#   vm_wait NAME TIMEOUT        wait for the VM to power off; 124 = killed
#   vm_result NAME MARKER [FIELD]
#                               last "PPPVM: MARKER ..." line's rest, or the
#                               value of FIELD= in it; 1 if there is none
#   vm_grep NAME REGEX          1 unless REGEX (grep -E) is on NAME's console
#   vm_dump NAME                print NAME's console with a header
#   vm_stop NAME                kill NAME's qemu (cleanup)
#
# vm_start and vm_wait must run in the calling shell itself (not in $(...)):
# qemu is that shell's child, and the result variables are globals.
#
# SECRETS_DIR: its files (chap-secrets, pap-secrets, ...) go to /etc/ppp/.
# GUEST_SCRIPT ("" or "-" for none) runs once IPv4 is up; see guest/pppvm.sh
# for the helpers it can call. KEY=VALUE pairs go to the guest's
# /etc/pppvm/conf (TIMEOUT, AFTER, HOLD, SPEED, PPPD_ARGS, MODULES; see
# guest/init).
#
# Environment: INTEROP_CACHE (as setup-vm.sh), VM_RUNDIR (default: a new
# /tmp/pppvm.XXXXXX, kept short because unix socket paths are limited to 107
# bytes), VM_MEM (MiB, default 256), VM_KEEP=1 keeps VM_RUNDIR on exit,
# VM_APPEND (more kernel arguments), VM_QEMU_EXTRA (more qemu arguments,
# split on spaces).
# PPTP cases (issue 10): VM_PPTP=1 appends the initramfs-pptp.cpio overlay
# (pptpd, pptp-linux, virtio-net, tun); VM_INITRD_EXTRA (cpio files, split on
# spaces) comes after it; VM_TAP=NAME gives the guest a virtio-net NIC on
# that existing tap device, with VM_MAC (default derived from the tap's name),
# qemu then running in network namespace VM_NETNS (where the tap is).

VM_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
declare -gA VM_PID=()
VM_LINK_PIDS=()

vm_init() {
    local cache=${INTEROP_CACHE:-$VM_LIB_DIR/../../build/interop-cache}
    # setup-vm.sh is a no-op when the cache is complete, but it does hash its
    # inputs; skip even that when asked (e.g. many vm_init calls in a matrix).
    if [[ ${VM_SKIP_SETUP:-0} != 1 || ! -f $cache/vm.env ]]; then
        INTEROP_CACHE=$cache bash "$VM_LIB_DIR/setup-vm.sh" || return 1
    fi
    # shellcheck source=/dev/null
    . "$cache/vm.env"
    if [[ -z ${VM_RUNDIR:-} ]]; then
        VM_RUNDIR=$(mktemp -d /tmp/pppvm.XXXXXX)
        VM_RUNDIR_OWNED=1
    fi
    mkdir -p "$VM_RUNDIR"
    trap vm_cleanup EXIT
}

vm_cleanup() {
    local n p
    for p in "${VM_LINK_PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for n in "${!VM_PID[@]}"; do vm_stop "$n"; done
    if [[ ${VM_RUNDIR_OWNED:-0} == 1 && ${VM_KEEP:-0} != 1 ]]; then
        rm -rf "$VM_RUNDIR"
    fi
}

vm_sock() { echo "$VM_RUNDIR/$1/ppp.sock"; }
vm_ctl_sock() { echo "$VM_RUNDIR/$1/ctl.sock"; }
vm_log() { echo "$VM_RUNDIR/$1/console.log"; }

# Quote a value for the guest's busybox sh: 'it'\''s'.
_vm_shq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

vm_start() {
    local name=$1 opts=$2 secrets=$3 script=$4
    shift 4
    local d=$VM_RUNDIR/$name
    rm -rf "$d"
    mkdir -p "$d/cfg/etc/ppp" "$d/cfg/etc/pppvm"
    cp "$opts" "$d/cfg/etc/ppp/OPTIONS" || return 1
    if [[ -n $secrets ]]; then
        cp -r "$secrets"/. "$d/cfg/etc/ppp/" || return 1
        chmod 600 "$d"/cfg/etc/ppp/*secrets 2>/dev/null
    fi
    if [[ -n $script && $script != - ]]; then
        cp "$script" "$d/cfg/etc/pppvm/test.sh" || return 1
    fi
    local kv
    : >"$d/cfg/etc/pppvm/conf"
    for kv in "$@"; do
        [[ $kv == [A-Z]*=* ]] || { echo "vm_start: bad KEY=VALUE: $kv" >&2; return 1; }
        printf '%s=%s\n' "${kv%%=*}" "$(_vm_shq "${kv#*=}")" >>"$d/cfg/etc/pppvm/conf"
    done
    # The kernel unpacks concatenated newc archives in order, later files
    # over earlier ones; cpio pads each archive to 512 bytes, which keeps the
    # second one aligned.
    (cd "$d/cfg" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$d/config.cpio"
    local extra=()
    [[ ${VM_PPTP:-0} == 1 ]] && extra+=("$VM_INITRD_PPTP")
    # shellcheck disable=SC2206 # a word list on purpose
    extra+=(${VM_INITRD_EXTRA:-})
    cat "$VM_INITRD_BASE" "${extra[@]}" "$d/config.cpio" >"$d/initrd.cpio"
    local nic=() netns=()
    if [[ -n ${VM_TAP:-} ]]; then
        local mac=${VM_MAC:-52:54:00:$(md5sum <<<"$VM_TAP" | sed 's/^\(..\)\(..\)\(..\).*/\1:\2:\3/')}
        nic=(-netdev "tap,id=n0,ifname=$VM_TAP,script=no,downscript=no"
            -device "virtio-net-pci,netdev=n0,mac=$mac")
        # ip netns exec execs qemu: $! stays qemu's pid.
        [[ -n ${VM_NETNS:-} ]] && netns=(ip netns exec "$VM_NETNS")
    fi

    VM_SOCK=$d/ppp.sock
    VM_LOG=$d/console.log
    : >"$VM_LOG"
    # -nodefaults: no NIC, no VGA; the three ISA UARTs are ttyS0 (console),
    # ttyS1 (PPP line), ttyS2 (control). qboot + the PVH entry of the ELF
    # vmlinux skip SeaBIOS and the bzImage decompressor. -no-reboot turns a
    # guest reboot or panic (panic=-1) into a qemu exit.
    # tsc=unstable: TCG's TSC runs at the host's rate, but when the host is
    # busy the guest's boot-time calibration goes wrong (seen: "PIT
    # calibration deviates from HPET", 912 MHz instead of 2600), the clock
    # runs ~3x fast until the watchdog drops the TSC, and uptime jumps by
    # tens of seconds with RCU stall warnings. HPET as the clocksource keeps
    # guest time (and so pppd's timers) honest.
    # shellcheck disable=SC2086 # VM_QEMU_EXTRA is a word list
    "${netns[@]}" qemu-system-x86_64 \
        -M pc,accel=tcg -m "${VM_MEM:-256}" -smp 1 \
        -nodefaults -no-user-config -display none -no-reboot \
        -bios "$VM_BIOS" -kernel "$VM_KERNEL" -initrd "$d/initrd.cpio" \
        -append "console=ttyS0,115200 quiet panic=-1 tsc=unstable ${VM_APPEND:-}" \
        -chardev file,id=con,path="$VM_LOG" -serial chardev:con \
        -chardev socket,id=ppp,path="$VM_SOCK",server=on,wait=off -serial chardev:ppp \
        -chardev socket,id=ctl,path="$d/ctl.sock",server=on,wait=off -serial chardev:ctl \
        "${nic[@]}" ${VM_QEMU_EXTRA:-} </dev/null >"$d/qemu.out" 2>&1 &
    VM_PID[$name]=$!
    echo "${VM_PID[$name]}" >"$d/qemu.pid"
    date +%s.%N >"$d/start-time"
    # The sockets exist once qemu has parsed its options (tens of ms); a
    # client connecting earlier would fail.
    local i
    for ((i = 0; i < 200; i++)); do
        [[ -S $VM_SOCK && -S $d/ctl.sock ]] && return 0
        if ! kill -0 "${VM_PID[$name]}" 2>/dev/null; then
            echo "vm_start $name: qemu exited:" >&2
            cat "$d/qemu.out" >&2
            return 1
        fi
        sleep 0.02
    done
    echo "vm_start $name: no socket after 4 s" >&2
    return 1
}

vm_link() {
    # socat's default 0.5 s close timeout is fine: the VMs have powered off
    # by the time a line goes quiet for good.
    socat UNIX-CONNECT:"$(vm_sock "$1")" UNIX-CONNECT:"$(vm_sock "$2")" \
        2>"$VM_RUNDIR/link-$1-$2.err" &
    VM_LINK_PID=$!
    VM_LINK_PIDS+=("$VM_LINK_PID")
}

_vm_running() { [[ -n ${VM_PID[$1]:-} ]] && kill -0 "${VM_PID[$1]}" 2>/dev/null; }

# grep without -q: under a caller's pipefail, tr killed by SIGPIPE after an
# early match would turn the match into a failure.
# A marker may follow a pppd log line's text on the same console line: pppd
# writes a line and its newline in two writes, and the guest's markers can
# fall between them. So markers are found anywhere in a line, and what
# stands before "PPPVM: " is dropped.
_vm_markers() { tr -d '\r' <"$1" 2>/dev/null | sed -n 's/^.*\(PPPVM: \)/\1/p'; }
_vm_has_marker() { _vm_markers "$1" | grep -E "^PPPVM: $2( |\$)" >/dev/null; }

vm_wait_marker() {
    local name=$1 marker=$2 timeout=$3 log
    log=$(vm_log "$name")
    local end=$((SECONDS + timeout))
    while ((SECONDS < end)); do
        _vm_has_marker "$log" "$marker" && return 0
        if ! _vm_running "$name"; then
            _vm_has_marker "$log" "$marker" && return 0
            return 1
        fi
        sleep 0.05
    done
    return 1
}

vm_wait_grep() {
    local name=$1 re=$2 timeout=$3 log
    log=$(vm_log "$name")
    local end=$((SECONDS + timeout))
    while ((SECONDS < end)); do
        tr -d '\r' <"$log" 2>/dev/null | grep -E "$re" >/dev/null && return 0
        _vm_running "$name" || { tr -d '\r' <"$log" | grep -E "$re" >/dev/null; return; }
        sleep 0.05
    done
    return 1
}

vm_control() {
    printf '%s\n' "$2" | socat - UNIX-CONNECT:"$(vm_ctl_sock "$1")"
}

vm_wait() {
    local name=$1 timeout=$2 pid=${VM_PID[$1]:-}
    [[ -n $pid ]] || return 1
    local end=$((SECONDS + timeout))
    while kill -0 "$pid" 2>/dev/null; do
        if ((SECONDS >= end)); then
            echo "vm_wait $name: still running after ${timeout}s, killing qemu" >&2
            vm_stop "$name"
            return 124
        fi
        sleep 0.05
    done
    wait "$pid"
    local rc=$?
    date +%s.%N >"$VM_RUNDIR/$name/end-time"
    unset "VM_PID[$name]"
    return $rc
}

vm_stop() {
    local pid=${VM_PID[$1]:-}
    [[ -n $pid ]] || return 0
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    unset "VM_PID[$1]"
}

vm_result() {
    local line
    line=$(_vm_markers "$(vm_log "$1")" | grep -E "^PPPVM: $2( |\$)" | tail -1)
    [[ -n $line ]] || return 1
    line=${line#"PPPVM: $2"}
    line=${line# }
    if [[ -z ${3:-} ]]; then
        echo "$line"
        return 0
    fi
    local w
    for w in $line; do
        if [[ $w == "$3="* ]]; then
            echo "${w#*=}"
            return 0
        fi
    done
    return 1
}

vm_grep() { grep -qE "$2" "$(vm_log "$1")"; }

vm_dump() {
    echo "==== $1 console ($(vm_log "$1")) ===="
    tr -d '\r' <"$(vm_log "$1")"
    echo "==== end of $1 console ===="
}

# Wall-clock seconds from vm_start to the VM's power-off.
vm_elapsed() {
    local d=$VM_RUNDIR/$1
    awk -v a="$(cat "$d/start-time")" -v b="$(cat "$d/end-time" 2>/dev/null || date +%s.%N)" \
        'BEGIN { printf "%.2f", b - a }'
}
