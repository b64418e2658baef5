#!/usr/bin/env bash
# End-to-end tests of upppd against a hostile peer (issue 8): the peer is a
# script on the other end of `pty` that runs upppd with crafted options, in
# its own network namespace.
#
#   sudo tests/e2e/hostile.sh build/normal/daemon/upppd [CASE-PATTERN]
#
# Exits 77 (skipped) when not root or without netns/TUN support.
set -u
. "$(dirname "$0")/start.sh" "$@"

# The name of issue 8: clears the admin's screen, then forges a log line.
EVIL=$(printf 'evil\033[2J\nMay  1 00:00:00 host upppd[1]: forged')
EVIL_SHOWN='evil\033[2J\nMay  1 00:00:00 host upppd[1]: forged'

# hostile_start CASE "A options" "B options": like e2e_start, but B's
# options may hold any byte: they reach B through a script, as "$@".
hostile_start() {
    local c=$1 aopts=$2 d="$E2E_TMP/$1"
    shift 2
    mkdir -p "$d/run-a" "$d/run-b"
    {
        echo '#!/bin/sh'
        printf 'exec env UPPPD_ETC=%s UPPPD_RUNDIR=%s ip netns exec %s %s notty logfile %s' \
            "$d/etc-b" "$d/run-b" "$NS_B" "$UPPPD" "$d/b.log"
        local o
        for o in "$@"; do printf " '%s'" "$o"; done
        echo
    } >"$d/peer.sh"
    chmod +x "$d/peer.sh"
    # shellcheck disable=SC2086
    UPPPD_ETC=$d/etc-a UPPPD_RUNDIR=$d/run-a ip netns exec "$NS_A" \
        $UPPPD nodetach logfile "$d/a.log" $aopts pty "$d/peer.sh" 2>"$d/a.stderr" &
    A_PID=$!
}

# clean_log CASE FILE...: no control byte but the newline ending a line,
# no DEL, and no line forged by the peer.
clean_log() {
    local f err=""
    for f in "${@:2}"; do
        [ -f "$f" ] || continue
        if LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$f"; then
            err="$err control-bytes-in-$(basename "$f")"
        fi
        if grep -q '^May  1 00:00:00 host upppd\[1\]: forged' "$f"; then
            err="$err forged-line-in-$(basename "$f")"
        fi
    done
    echo "$err"
}

# The authenticator (A) accepts a hostile name through a wildcard secret:
# "CHAP peer authentication succeeded for ...", the summary, and PEERNAME.
case_evil_client() {
    local c=hostile-name-client
    want "$c" || return 0
    local d="$E2E_TMP/$c"
    e2e_secrets "$d/etc-a" '*' server pw
    e2e_secrets "$d/etc-b" "$EVIL" server pw
    printf '#!/bin/sh\nprintf "%%s" "$PEERNAME" >%s\n' "$d/peername" >"$d/etc-a/ip-up"
    chmod +x "$d/etc-a/ip-up"
    hostile_start "$c" "debug name server require-chap nomppe $IP_A:$IP_B" \
        debug name "$EVIL" remotename server noauth nomppe noipdefault
    local err=""
    e2e_wait_up "$c" 30 || err="$err link-not-up"
    kill -TERM "$A_PID" 2>/dev/null
    e2e_wait_exit 15
    err="$err$(clean_log "$c" "$d/a.log" "$d/a.stderr" "$d/b.log")"
    grep -qF "CHAP peer authentication succeeded for $EVIL_SHOWN" "$d/a.log" ||
        err="$err no-escaped-name"
    # pppd's PEERNAME: the name as its "%v" cleans it.
    [ "$(cat "$d/peername" 2>/dev/null)" = 'evil^[[2J^JMay  1 00:00:00 host upppd[1]: forged' ] ||
        err="$err PEERNAME"
    if [ -z "$err" ]; then e2e_ok "$c"; else e2e_fail "$c" "$err"; fi
}

# A hostile authenticator (B): the client (A) has no secret for its name:
# "No CHAP secret found for authenticating us to ...", "Connection
# terminated: ..." and the summary line all carry it.
case_evil_authenticator() {
    local c=hostile-name-authenticator
    want "$c" || return 0
    local d="$E2E_TMP/$c"
    e2e_secrets "$d/etc-a" client server pw
    e2e_secrets "$d/etc-b" client '*' pw
    hostile_start "$c" "debug name client noauth nomppe" \
        debug name "$EVIL" require-chap nomppe "$IP_B:$IP_A"
    e2e_wait_exit 30
    local err
    err=$(clean_log "$c" "$d/a.log" "$d/a.stderr" "$d/b.log")
    grep -qF "No CHAP secret found for authenticating us to $EVIL_SHOWN" "$d/a.log" ||
        err="$err no-escaped-name"
    grep -qF "summary: " "$d/a.log" || err="$err no-summary"
    if [ -z "$err" ]; then e2e_ok "$c"; else e2e_fail "$c" "$err"; fi
}

case_evil_client
case_evil_authenticator
e2e_summary
