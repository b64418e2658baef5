#!/usr/bin/env bash
# Checks the mppe-keys tool: the RFC 2759 / RFC 3079 / RFC 2433 known
# answers and values from real pppd sessions (shared/captures), its output
# format, exit status 2 with a usage message on bad arguments, --help, and
# exit status 1 when OpenSSL's legacy provider cannot be loaded.
#
# usage: test_mppe_keys.sh PATH/TO/mppe-keys
tool=${1:?usage: $0 PATH/TO/mppe-keys}
# shellcheck source=tests/tools/lib.sh
. "$(dirname "$0")/lib.sh"

# run ARGS...: runs the tool, leaving stdout, stderr and status in $tmp.
run() {
    "$tool" "$@" >"$tmp/out" 2>"$tmp/err"
    echo $? >"$tmp/rc"
}

# expect_output DESCRIPTION EXPECTED -- ARGS...: exit 0 and exactly EXPECTED.
expect_output() {
    local what=$1 want=$2
    shift 3
    run "$@"
    if [ "$(cat "$tmp/rc")" != 0 ]; then
        fail "$what: exit $(cat "$tmp/rc"), stderr: $(cat "$tmp/err")"
    elif [ "$(cat "$tmp/out")" != "$want" ]; then
        fail "$what: output differs"
        diff <(printf '%s\n' "$want") "$tmp/out" >&2
    fi
}

# expect_line DESCRIPTION LINE -- ARGS...: exit 0 and LINE among the output.
expect_line() {
    local what=$1 want=$2
    shift 3
    run "$@"
    if [ "$(cat "$tmp/rc")" != 0 ]; then
        fail "$what: exit $(cat "$tmp/rc"), stderr: $(cat "$tmp/err")"
    elif ! grep -qxF -- "$want" "$tmp/out"; then
        fail "$what: no line '$want' in:"
        cat "$tmp/out" >&2
    fi
}

# expect_usage DESCRIPTION -- ARGS...: exit 2, usage on stderr, no stdout.
expect_usage() {
    local what=$1
    shift 2
    run "$@"
    [ "$(cat "$tmp/rc")" = 2 ] || fail "$what: exit $(cat "$tmp/rc"), want 2"
    grep -q '^usage: ' "$tmp/err" || fail "$what: no usage message on stderr"
    [ -s "$tmp/out" ] && fail "$what: wrote to stdout"
    return 0
}

AUTH=5B5D7C7D7B3F2F3E3C2C602132262628
PEER=21402324255E262A28295F2B3A337C7E

# RFC 2759 section 9.2 and RFC 3079 section 3.5 (128-bit server send key).
# The client send key has no RFC value; it was recomputed independently
# (Python hashlib: SHA-1 with Magic2 from RFC 3079 3.4, then
# GetNewKeyFromSHA(start, start)).
rfc2759="password-hash: 44ebba8d5312b8d611474411f56989ae
password-hash-hash: 41c00c584bd2d91c4017a2a12fa59f3f
challenge: d02e4386bce91226
nt-response: 82309ecd8d708b5ea08faa3981cd83544233114a3d85d6df
authenticator-response: S=407A5589115FD0D6209F510FE9C04566932CDA56
master-key: fdece3717a8c838cb388e527ae3cdd31
server-send-key: 405cb2247a7956e6e211007ae27b22d4
client-send-key: 49d11d0f0cc6befba2a9b4b688f91eee"
expect_output "v2 RFC 2759 9.2" "$rfc2759" -- v2 --user User --password clientPass \
    --auth-challenge $AUTH --peer-challenge $PEER
expect_output "v2 RFC 2759 9.2, --bits 128, --nt-hash, lowercase hex" "$rfc2759" -- \
    v2 --user User --nt-hash 44ebba8d5312b8d611474411f56989ae \
    --auth-challenge "${AUTH,,}" --peer-challenge "${PEER,,}" --bits 128
expect_output "v2 DOMAIN\\User" "$rfc2759" -- v2 --user 'BIGCO\User' --password clientPass \
    --auth-challenge $AUTH --peer-challenge $PEER
expect_output "v2 --name=value" "$rfc2759" -- v2 --user=User --password=clientPass \
    --auth-challenge=$AUTH --peer-challenge=$PEER
expect_line "v2 40-bit (RFC 3079 3.5.1)" "server-send-key: d1269ec49fa62e3e" -- \
    v2 --user User --password clientPass --auth-challenge $AUTH --peer-challenge $PEER --bits 40
expect_line "v2 56-bit (RFC 3079 3.5.2)" "server-send-key: d15c00c49fa62e3e" -- \
    v2 --user User --password clientPass --auth-challenge $AUTH --peer-challenge $PEER --bits 56

# pppd 2.4.9 session, shared/captures/mschapv2-mppe128.txt.
expect_line "v2 pppd capture" "authenticator-response: S=07215145B2DFCD7AA9BC933162A2FEA3287FCD97" -- \
    v2 --user testuser --password testpass123 \
    --auth-challenge 74fad8ccfe64e37624778159e1ab365e \
    --peer-challenge 06f79fdb67a4a96aefabf6bd0921e841
grep -qxF "nt-response: 65a54e97b8cc1b7e6466834be39c7652a4131b79d8eaff1c" "$tmp/out" ||
    fail "v2 pppd capture: nt-response"

# RFC 3079 section 2.5 (v1 keys) and RFC 2433 appendix B.2.
expect_output "v1 RFC 3079 2.5.3" "password-hash: 44ebba8d5312b8d611474411f56989ae
nt-response: 54f22ac5aa6c5cbf7e60531821852087d681f1cc9e1bb36e
lm-response: edbac3d1b2bc24bda687a4ebde1f18943f4a329d5c372a8f
session-key: 59d159bc09f76f1da2a86a28ffec0b1e" -- v1 --password clientPass --challenge 102db5df085d3041
expect_line "v1 40-bit (RFC 3079 2.5.1)" "session-key: d1269e538cec4a08" -- \
    v1 --password clientPass --challenge 102db5df085d3041 --bits 40
expect_line "v1 56-bit (RFC 3079 2.5.2)" "session-key: d10801538cec4a08" -- \
    v1 --password clientPass --challenge 102db5df085d3041 --bits 56
expect_line "v1 RFC 2433 B.2" "nt-response: 4e9d3c8f9cfd385d5bf4d3246791956ca4c351ab409a3d61" -- \
    v1 --password MyPw --challenge 102DB5DF085D3041
expect_output "v1 --nt-hash: no lm-response" "password-hash: fc156af7edcd6c0edde3337d427f4eac
nt-response: 4e9d3c8f9cfd385d5bf4d3246791956ca4c351ab409a3d61
session-key: ac7b7852cae9c75bde259132534ccf9c" -- \
    v1 --nt-hash FC156AF7EDCD6C0EDDE3337D427F4EAC --challenge 102DB5DF085D3041
grep -q 'lm-response' "$tmp/err" || fail "v1 --nt-hash: no note about the missing lm-response"
# pppd 2.4.9 session, shared/captures/mschapv1-mppe128.txt.
expect_line "v1 pppd capture" "nt-response: f527c4cb82866b6ff3703808fefdf75231fd470938bb1896" -- \
    v1 --password testpass123 --challenge 02b5951eefe7e146

# Bad arguments: exit 2 and a usage message.
expect_usage "no arguments" --
expect_usage "unknown subcommand" -- v3 --password x --challenge 102db5df085d3041
expect_usage "unknown option" -- v1 --password x --challenge 102db5df085d3041 --frob
expect_usage "stray argument" -- v1 --password x --challenge 102db5df085d3041 extra
expect_usage "missing value" -- v1 --password x --challenge
expect_usage "missing secret" -- v1 --challenge 102db5df085d3041
expect_usage "both secrets" -- v1 --password x --nt-hash 44ebba8d5312b8d611474411f56989ae \
    --challenge 102db5df085d3041
expect_usage "repeated option" -- v1 --password x --password y --challenge 102db5df085d3041
expect_usage "short challenge" -- v1 --password x --challenge 102db5df085d30
expect_usage "non-hex challenge" -- v1 --password x --challenge 102db5df085d304g
expect_usage "short nt-hash" -- v1 --nt-hash 44ebba --challenge 102db5df085d3041
expect_usage "bad bits" -- v1 --password x --challenge 102db5df085d3041 --bits 64
expect_usage "bits with junk" -- v1 --password x --challenge 102db5df085d3041 --bits 128x
expect_usage "v1 40-bit needs a password" -- v1 --nt-hash 44ebba8d5312b8d611474411f56989ae \
    --challenge 102db5df085d3041 --bits 40
expect_usage "v1 56-bit needs an ASCII password" -- v1 --password "$(printf 'caf\xc3\xa9')" \
    --challenge 102db5df085d3041 --bits 56
expect_usage "invalid UTF-8 password" -- v1 --password "$(printf 'caf\xe9')" \
    --challenge 102db5df085d3041
expect_usage "257-character password" -- v1 --password "$(printf 'x%.0s' {1..257})" \
    --challenge 102db5df085d3041
expect_usage "v2 without --user" -- v2 --password x --auth-challenge $AUTH --peer-challenge $PEER
expect_usage "v2 without --peer-challenge" -- v2 --user u --password x --auth-challenge $AUTH
expect_usage "v2 with --challenge" -- v2 --user u --password x --auth-challenge $AUTH \
    --peer-challenge $PEER --challenge 102db5df085d3041
expect_usage "v1 with --user" -- v1 --user u --password x --challenge 102db5df085d3041
expect_usage "v1 with --auth-challenge" -- v1 --password x --challenge 102db5df085d3041 \
    --auth-challenge $AUTH

# --help: exit 0 on stdout, every flag documented.
for args in "--help" "-h" "v2 --help" "v1 --password x --help"; do
    # shellcheck disable=SC2086
    run $args
    [ "$(cat "$tmp/rc")" = 0 ] || fail "$args: exit $(cat "$tmp/rc")"
done
for flag in --user --password --nt-hash --auth-challenge --peer-challenge --challenge --bits \
    --help "EXIT STATUS"; do
    grep -q -- "$flag" "$tmp/out" || fail "--help does not document $flag"
done

# Without OpenSSL's legacy provider: exit 1 and a message naming it. (If a
# build has the legacy algorithms built in, the tool simply works.)
OPENSSL_MODULES="$tmp/no-such-dir" "$tool" v1 --password x --challenge 102db5df085d3041 \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc = 1 ]; then
    grep -q 'legacy' "$tmp/err" || fail "crypto unavailable: message does not name the legacy provider"
    [ -s "$tmp/out" ] && fail "crypto unavailable: wrote to stdout"
elif [ $rc = 0 ]; then
    echo "note: legacy algorithms available without OPENSSL_MODULES; exit-1 path not exercised"
else
    fail "crypto unavailable: exit $rc, want 1"
fi

# The man page documents every option --help names, and its output names.
"$tool" --help >"$tmp/help" 2>&1
man=$(dirname "$0")/../../tools/mppe-keys.1
for o in $(grep -o -- '--[a-z][a-z-]*' "$tmp/help" | grep -vx -- --name | sort -u) password-hash-hash authenticator-response \
    client-send-key lm-response session-key OPENSSL_MODULES; do
    sed 's/\\-/-/g' "$man" | grep -q -- "$o" || fail "mppe-keys.1 does not mention $o"
done

finish mppe-keys
