#!/usr/bin/env bash
# The security notices at network up (issue 14), from real negotiations:
# A insists on 40-bit MPPE while B allows 128, so both log the weak key,
# and B adds that 128 bits were allowed on its side; with MS-CHAPv1 both
# say so; with MPPE-128 and MS-CHAPv2 neither says anything.
#
#   sudo tests/e2e/notices.sh build/normal/daemon/upppd [CASE-PATTERN]
#
# Exits 77 (skipped) when not root or without netns/TUN support.
set -u
. "$(dirname "$0")/start.sh" "$@"

# notice_case NAME "A options" "B options" A-WANT B-WANT A-NOT B-NOT:
# grep patterns the logs must (WANT) and must not (NOT) match; "" skips.
notice_case() {
    local c=$1 aopts=$2 bopts=$3 awant=$4 bwant=$5 anot=$6 bnot=$7
    want "$c" || return 0
    local d="$E2E_TMP/$c" err=""
    e2e_secrets "$d/etc-a" client server "Ascii-Pass-1"
    e2e_secrets "$d/etc-b" client server "Ascii-Pass-1"
    e2e_start "$c" "name server $aopts $IP_A:$IP_B" \
        "name client user client remotename server noauth noipdefault $bopts"
    if ! e2e_wait_up "$c" 30; then
        e2e_fail "$c" "link did not come up"
        e2e_wait_exit 1
        return
    fi
    kill -TERM "$A_PID"
    e2e_wait_exit 20
    [ -z "$awant" ] || grep -q "$awant" "$d/a.log" || err="$err A-lacks-'$awant'"
    [ -z "$bwant" ] || grep -q "$bwant" "$d/b.log" || err="$err B-lacks-'$bwant'"
    [ -z "$anot" ] || ! grep -q "$anot" "$d/a.log" || err="$err A-has-'$anot'"
    [ -z "$bnot" ] || ! grep -q "$bnot" "$d/b.log" || err="$err B-has-'$bnot'"
    if [ -n "$err" ]; then e2e_fail "$c" "$err"; else e2e_ok "$c"; fi
}

notice_case notice-40-while-128-allowed \
    "require-mschap-v2 require-mppe-40" "require-mppe" \
    "Security: MPPE with a 40-bit key.*allow 128 bits" \
    "Security: MPPE with a 40-bit key.*128 bits were allowed here" "" ""
notice_case notice-mschap-v1 \
    "require-mschap require-mppe-128" "require-mppe-128" \
    "Security: MS-CHAPv1 authenticated" "Security: MS-CHAPv1 authenticated" \
    "Security: MPPE" "Security: MPPE"
notice_case notice-none-for-v2-128 \
    "require-mschap-v2 require-mppe-128" "require-mppe-128" "" "" "Security:" "Security:"

e2e_summary
