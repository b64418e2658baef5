#!/usr/bin/env bash
# Privilege tests of upppd (issue 8, items 4 and 13), run as root:
#  - a setuid-root copy run by nobody refuses to start, before it reads any
#    option (so `file /etc/shadow` cannot print the file's first word);
#  - UPPPD_ETC, UPPPD_RUNDIR and UPPPD_LOCKDIR are ignored unless the
#    caller is root;
#  - scripts/demo.sh never prints its generated password;
#  - what upppd and upppd-pptpd say before their log is open (option
#    errors, warnings, the two refusals above) carries its syslog level as
#    "<N>" when stderr is a journal stream, as systemd runs them, and is
#    plain otherwise.
#
#   sudo tests/e2e/privilege.sh build/normal/daemon/upppd [CASE-PATTERN]
#
# Exits 77 (skipped) when not root or without setpriv.
set -u
UPPPD=${UPPPD:-${1:-}}
[ -n "${UPPPD:-}" ] || { echo "usage: $0 path/to/upppd [pattern]"; exit 2; }
UPPPD=$(readlink -f "$UPPPD")
PATTERN=${2:-${E2E_PATTERN:-}}
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null || ! id nobody >/dev/null 2>&1; then
    echo "skipped: needs root, setpriv and the user nobody"
    exit 77
fi
. "$(dirname "$0")/lib.sh"
chmod 755 "$E2E_TMP"

want() { [ -z "$PATTERN" ] || [[ "$1" == *$PATTERN* ]]; }

# as_nobody CMD...: run CMD as nobody:nogroup, no supplementary groups, with
# a HOME nobody owns nothing in.
as_nobody() {
    env HOME=/nonexistent setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
}

# A copy of upppd that nobody can run, and a setuid-root one.
cp "$UPPPD" "$E2E_TMP/upppd-plain"
cp "$UPPPD" "$E2E_TMP/upppd-suid"
chmod 755 "$E2E_TMP/upppd-plain"
chmod 4755 "$E2E_TMP/upppd-suid"

setuid_case() {
    local c=setuid-refused
    want "$c" || return 0
    local err="" out st
    # The first word of /etc/shadow, the secret the old upppd printed.
    local first
    first=$(head -n 1 /etc/shadow | cut -d: -f1)
    [ -n "$first" ] || err="$err no-shadow-word"
    out=$(as_nobody "$E2E_TMP/upppd-suid" notty file /etc/shadow dryrun 2>&1 </dev/null)
    st=$?
    grep -qF "'$first" <<<"$out" && err="$err SHADOW-WORD-PRINTED"
    grep -qF "/etc/shadow" <<<"$out" && err="$err shadow-opened"
    [ "$st" = 1 ] || err="$err exit-$st(want 1)"
    grep -qi "setuid" <<<"$out" || err="$err no-setuid-message"
    # Even --help is refused: nothing runs with borrowed privileges.
    out=$(as_nobody "$E2E_TMP/upppd-suid" --help 2>&1 </dev/null)
    st=$?
    [ "$st" = 1 ] || err="$err help-exit-$st(want 1)"
    # The plain copy, run by nobody, still reads its options (and fails on
    # /etc/shadow with a permission error, never with its content).
    out=$(as_nobody "$E2E_TMP/upppd-plain" notty file /etc/shadow dryrun 2>&1 </dev/null)
    grep -qF "'$first" <<<"$out" && err="$err plain-SHADOW-WORD-PRINTED"
    e2e_result "$c" "$err" "$out"
}
setuid_case

env_case() {
    local c=env-root-only
    want "$c" || return 0
    local d="$E2E_TMP/$c" err="" out
    mkdir -p "$d/etc"
    echo "ipparam PRIV-MARKER" >"$d/etc/options"
    chmod -R a+rX "$d"
    # Root may move /etc/ppp: the control that shows the marker is seen.
    out=$(UPPPD_ETC="$d/etc" "$E2E_TMP/upppd-plain" notty dryrun dump 2>&1 </dev/null)
    grep -q "PRIV-MARKER" <<<"$out" || err="$err root-UPPPD_ETC-not-honoured"
    # Anyone else may not.
    out=$(as_nobody env UPPPD_ETC="$d/etc" UPPPD_RUNDIR="$d" UPPPD_LOCKDIR="$d" \
        "$E2E_TMP/upppd-plain" notty dryrun dump 2>&1 </dev/null)
    grep -q "PRIV-MARKER" <<<"$out" && err="$err nobody-UPPPD_ETC-HONOURED"
    grep -q "UPPPD_ETC ignored" <<<"$out" || err="$err no-warning"
    e2e_result "$c" "$err" "$out"
}
env_case

# journal_run FILE CMD...: CMD with stderr appended to FILE and
# JOURNAL_STREAM naming FILE, as systemd names the stream it connects.
journal_run() {
    local f=$1
    shift
    JOURNAL_STREAM=$(stat -c '%d:%i' "$f") "$@" 2>>"$f" </dev/null >/dev/null
}

early_lines_case() {
    local c=early-lines-journal
    want "$c" || return 0
    local d="$E2E_TMP/$c" err="" j plain pptpd
    pptpd=$(dirname "$UPPPD")/pptpd/upppd-pptpd
    mkdir -p "$d"
    j="$d/journal"
    plain="$d/plain"
    : >"$j"
    : >"$plain"
    journal_run "$j" "$E2E_TMP/upppd-plain" notty dryrun plugin radattr.so
    journal_run "$j" "$E2E_TMP/upppd-plain" notty nosuch-option
    journal_run "$j" as_nobody env UPPPD_ETC="$d" "$E2E_TMP/upppd-plain" notty dryrun
    journal_run "$j" as_nobody "$E2E_TMP/upppd-suid" notty dryrun
    grep -q '^<4>upppd: warning: plugin radattr.so' "$j" || err="$err no-<4>-option-warning"
    grep -q "^<3>upppd: unrecognized option 'nosuch-option'" "$j" || err="$err no-<3>-option-error"
    grep -q '^<4>upppd: warning: UPPPD_ETC ignored' "$j" || err="$err no-<4>-env-warning"
    grep -q '^<3>upppd: refusing to run setuid' "$j" || err="$err no-<3>-setuid-refusal"
    if [ -x "$pptpd" ]; then
        journal_run "$j" "$pptpd" --nosuch-flag
        grep -q '^<3>upppd-pptpd: unknown option --nosuch-flag' "$j" || err="$err no-<3>-pptpd-error"
    fi
    # Every line of the journal stream has its level.
    grep -qv '^<[0-7]>' "$j" && err="$err unprefixed-line"
    # On anything else (here a file, no JOURNAL_STREAM): no prefix.
    "$E2E_TMP/upppd-plain" notty dryrun plugin radattr.so 2>>"$plain" </dev/null >/dev/null
    "$E2E_TMP/upppd-plain" notty nosuch-option 2>>"$plain" </dev/null >/dev/null
    grep -q '^upppd: warning: plugin radattr.so' "$plain" || err="$err plain-warning-changed"
    grep -q "^upppd: unrecognized option 'nosuch-option'" "$plain" || err="$err plain-error-changed"
    grep -q '<[0-7]>' "$plain" && err="$err PREFIX-WITHOUT-JOURNAL"
    e2e_result "$c" "$err" "$(cat "$j" "$plain")"
}
early_lines_case

# scripts/demo.sh with this binary: the password it generates must not be
# in its output, only the 0600 file it names.
demo_case() {
    local c=demo-password-hidden
    want "$c" || return 0
    [ -c /dev/net/tun ] && command -v ip >/dev/null || { echo "skip $c: no TUN"; return 0; }
    local err="" out dir pw
    out=$(UPPPD="$UPPPD" DEMO_KEEP=1 "$(dirname "$0")/../../scripts/demo.sh" 2>&1)
    dir=$(sed -n 's/^== generated .*: in \(.*\)\/password (mode 0600.*/\1/p' <<<"$out")
    if [ -z "$dir" ] || [ ! -f "$dir/password" ]; then
        # The old demo printed the password itself: find it in the secrets.
        dir=$(ls -d /tmp/upppd-demo.* 2>/dev/null | tail -n 1)
        err="$err no-password-file"
        pw=$(sed -n 's/^client server "\(.*\)" \*$/\1/p' "$dir/server/chap-secrets" 2>/dev/null)
    else
        pw=$(cat "$dir/password")
        [ "$(stat -c %a "$dir/password")" = 600 ] || err="$err mode-$(stat -c %a "$dir/password")"
    fi
    [ -n "$pw" ] || err="$err no-password"
    [ -n "$pw" ] && grep -qF -- "$pw" <<<"$out" && err="$err PASSWORD-PRINTED"
    grep -q "ping OK" <<<"$out" || err="$err demo-failed"
    [ -n "$dir" ] && rm -rf "$dir"
    e2e_result "$c" "$err" "$out"
}
demo_case

e2e_summary
