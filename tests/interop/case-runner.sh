# shellcheck shell=bash
# The case runner shared by matrix.sh and pptp.sh: pick cases by glob, run
# them in the background with a budget of slots, print one line per case as
# it finishes. The caller defines CASES (specs whose first word is the
# name) and run_one SPEC, which writes $CR_TMP/NAME.result ("PASS|FAIL NAME
# ..."); its standard output goes to $CR_TMP/NAME.out.
#
#   cr_cli SCRIPT ARGS...   the command line both scripts take: [-l] [-j
#                           SLOTS] [PATTERN...]; sets CR_SLOTS (2) and
#                           CR_SELECTED, lists and exits with -l, exits 2
#                           on a bad flag (printing SCRIPT's header) or
#                           when no case matches
#   cr_select PATTERN...    CR_SELECTED: the CASES whose names match a glob
#                           (all of them without patterns)
#   cr_run SLOTS WEIGHT_FN  run CR_SELECTED, WEIGHT_FN NAME printing the
#                           slots a case takes (capped at SLOTS); sets
#                           CR_PASSED, CR_FAILED. A failed case's .out is
#                           printed; a passed one's too with CR_VERBOSE=1.

cr_select() {
    local spec name pat
    CR_SELECTED=()
    for spec in "${CASES[@]}"; do
        name=${spec%% *}
        if (($# == 0)); then
            CR_SELECTED+=("$spec")
            continue
        fi
        for pat in "$@"; do
            # shellcheck disable=SC2053 # glob match on purpose
            if [[ $name == $pat ]]; then
                CR_SELECTED+=("$spec")
                break
            fi
        done
    done
}

# shellcheck disable=SC2034 # CR_SLOTS is read by the calling script
cr_cli() {
    local script=$1 o list=0 OPTIND=1
    shift
    CR_SLOTS=2
    while getopts "lj:" o; do
        case $o in
        l) list=1 ;;
        j) CR_SLOTS=$OPTARG ;;
        *) sed -n '2,/^set -uo/p' "$script" | sed '$d'; exit 2 ;;
        esac
    done
    shift $((OPTIND - 1))
    cr_select "$@"
    if ((list)); then
        printf '%s\n' "${CR_SELECTED[@]}"
        exit 0
    fi
    ((${#CR_SELECTED[@]})) || { echo "no case matches: $*" >&2; exit 2; }
}

cr_one_slot() { echo 1; }

_cr_finish() {
    local pid=$1 name=${_cr_running[$1]}
    _cr_used=$((_cr_used - _cr_weight[$1]))
    unset "_cr_running[$pid]" "_cr_weight[$pid]"
    local line
    line=$(cat "$CR_TMP/$name.result" 2>/dev/null) || line="FAIL $name ? (the case did not finish)"
    echo "$line"
    if [[ $line == PASS* ]]; then
        CR_PASSED=$((CR_PASSED + 1))
        [[ ${CR_VERBOSE:-0} == 1 ]] && sed 's/^/    /' "$CR_TMP/$name.out"
    else
        CR_FAILED=$((CR_FAILED + 1))
        sed 's/^/    /' "$CR_TMP/$name.out"
    fi
}

cr_run() {
    local slots=$1 weight_fn=$2 spec name w done_pid
    declare -gA _cr_running=() _cr_weight=()
    _cr_used=0 CR_PASSED=0 CR_FAILED=0
    for spec in "${CR_SELECTED[@]}"; do
        name=${spec%% *}
        w=$("$weight_fn" "$name")
        ((w > slots)) && w=$slots
        while ((${#_cr_running[@]} && _cr_used + w > slots)); do
            wait -n -p done_pid "${!_cr_running[@]}"
            _cr_finish "$done_pid"
        done
        (run_one "$spec") >"$CR_TMP/$name.out" 2>&1 &
        _cr_running[$!]=$name
        _cr_weight[$!]=$w
        _cr_used=$((_cr_used + w))
    done
    while ((${#_cr_running[@]})); do
        wait -n -p done_pid "${!_cr_running[@]}"
        _cr_finish "$done_pid"
    done
}
