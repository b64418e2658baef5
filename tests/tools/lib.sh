# Shared by the tool tests (sourced): a scratch directory $tmp removed on
# exit, fail() to count a failed check and go on, finish() to report them.
set -u
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# finish NAME: exit 1 with the number of failed checks, or say NAME passed.
finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$failures check(s) failed" >&2
        exit 1
    fi
    echo "$1: all checks passed"
}
