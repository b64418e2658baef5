#!/usr/bin/env bash
# Checks mppe-decrypt (issue 11): the real pppd 2.4.9 captures of
# shared/captures decrypt completely with the password their README gives;
# captures made by two libuppp sessions (mppe-capture-gen) in every
# combination of MS-CHAP v1/v2 x MPPE 40/56/128 x stateless/stateful, with
# and without loss, decrypt to exactly the packets the receiving session
# delivered, as tshark reads them from the output; the other key inputs,
# the password check, the pppd record format, and bad input with its exit
# status.
#
# usage: test_mppe_decrypt.sh PATH/TO/mppe-decrypt PATH/TO/mppe-capture-gen SHARED_DIR
tool=${1:?usage: $0 mppe-decrypt mppe-capture-gen shared-dir}
gen=${2:?}
shared=${3:?}
# shellcheck source=tests/tools/lib.sh
. "$(dirname "$0")/lib.sh"
caps=$shared/captures

run() {
    "$tool" "$@" >"$tmp/out" 2>"$tmp/err"
    echo $? >"$tmp/rc"
}
rc() { cat "$tmp/rc"; }

# expect RC DESCRIPTION -- ARGS...: exit status RC.
expect() {
    local want=$1 what=$2
    shift 3
    run "$@"
    [ "$(rc)" = "$want" ] || fail "$what: exit $(rc), want $want; stderr: $(cat "$tmp/err")"
}

# tshark's view of a decrypted capture: one line per IPv4 packet.
fields() {
    tshark -r "$1" -T fields -e ip.src -e ip.dst -e icmp.type -e data 2>/dev/null
}

have_tshark=1
command -v tshark >/dev/null || { have_tshark=0; echo "tshark missing: field checks skipped"; }

# ---- real pppd captures (shared/captures/README.md: password testpass123)
for c in mschapv2-mppe128 mschapv1-mppe128; do
    m=mschapv2
    [ "$c" = mschapv1-mppe128 ] && m=mschapv1
    expect 0 "$c" -- --summary --password testpass123 -w "$tmp/$c.pcap" "$caps/$c.hex"
    want="session=1 user=testuser method=$m bits=128 mode=stateless frames=15 decrypted=15 failed=0"
    [ "$(cat "$tmp/out")" = "$want" ] || fail "$c: summary '$(cat "$tmp/out")'"
    if [ $have_tshark = 1 ]; then
        # Both sides pinged each other: echo requests and replies both ways
        # between the addresses IPCP gave out (pppd logs in the .txt).
        n=$(fields "$tmp/$c.pcap" | grep -c $'^192.0.2.2\t192.0.2.1\t8\t')
        [ "$n" -ge 2 ] || fail "$c: $n echo requests 192.0.2.2 -> 192.0.2.1"
        n=$(fields "$tmp/$c.pcap" | grep -c $'^192.0.2.1\t192.0.2.2\t0\t')
        [ "$n" -ge 2 ] || fail "$c: $n echo replies 192.0.2.1 -> 192.0.2.2"
        n=$(tshark -r "$tmp/$c.pcap" -T fields -e ipv6.src 2>/dev/null | grep -c '^fe80::')
        [ "$n" -ge 1 ] || fail "$c: no IPv6 packet"
    fi
done

# The same with the NT hash (mppe-keys prints it, and the S= it derives
# matches pppd's Success in the .txt) and with the RADIUS master keys,
# i.e. the start keys of RFC 3079 3.4 (computed with Python's hashlib
# SHA-1 from that RFC's constants; its master key equals mppe-keys').
expect 0 "nt-hash" -- --nt-hash 1efb50581482d84f9e57737b846a32b0 "$caps/mschapv2-mppe128.hex"
expect 0 "master keys" -- --summary --send-key 98134c550b405630632e67ae89c34be9 \
    --recv-key 4496b0f7381f987620252f313fc0c45d "$caps/mschapv2-mppe128.hex"
grep -q 'decrypted=15 failed=0' "$tmp/out" || fail "master keys: $(cat "$tmp/out")"
expect 3 "master keys swapped" -- --send-key 4496b0f7381f987620252f313fc0c45d \
    --recv-key 98134c550b405630632e67ae89c34be9 "$caps/mschapv2-mppe128.hex"
grep -q 'wrong key' "$tmp/err" || fail "swapped keys: no 'wrong key' message"
printf 'testpass123\n' >"$tmp/pw"
expect 0 "password file" -- --password-file "$tmp/pw" "$caps/mschapv1-mppe128.hex"

# ---- pppd record format: the wire= bytes of the hex dump, A>P as sent.
python3 - "$caps/mschapv2-mppe128.hex" "$tmp/rec" <<'PY'
import struct, sys
out = open(sys.argv[2], "wb")
out.write(bytes([7]) + struct.pack(">I", 1700000000))
last = 0.0
for line in open(sys.argv[1]):
    if line.startswith("#"):
        continue
    f = line.split()
    t, d, wire = float(f[0]), f[1], bytes.fromhex(f[2][5:])
    step = int((t - last) * 10)
    if step > 0:
        out.write(bytes([6, min(step, 255)]))
        last = t
    out.write(bytes([1 if d == "A>P" else 2]) + struct.pack(">H", len(wire)) + wire)
PY
expect 0 "pppd record" -- --summary --password testpass123 "$tmp/rec"
grep -q 'frames=15 decrypted=15 failed=0' "$tmp/out" || fail "record: $(cat "$tmp/out")"

# ---- password check
expect 0 "check-password" -- --check-password nope testpass123 "$caps/mschapv2-mppe128.hex"
grep -qx 'session=1 user=testuser password=testpass123' "$tmp/out" || fail "check: $(cat "$tmp/out")"
grep -q '^candidates=2 seconds=[0-9.]* rate=[0-9]*$' "$tmp/out" || fail "check: no rate line"
printf 'a\nb\ntestpass123\nc\n' >"$tmp/words"
expect 0 "wordlist v1" -- --wordlist "$tmp/words" "$caps/mschapv1-mppe128.hex"
grep -qx 'session=1 user=testuser password=testpass123' "$tmp/out" || fail "wordlist: $(cat "$tmp/out")"
expect 1 "no candidate matches" -- --check-password x y "$caps/mschapv1-mppe128.hex"
grep -qx 'session=1 user=testuser password=none' "$tmp/out" || fail "no match: $(cat "$tmp/out")"

# ---- made with libuppp: every mode, then loss
for m in v1 v2; do
    for b in 40 56 128; do
        for s in stateless stateful; do
            what="gen $m $b $s"
            "$gen" "$tmp/g.pcap" "$tmp/g.txt" $m $b $s 0 7 300 2>/dev/null || fail "$what: generator"
            expect 0 "$what" -- --summary --password Gen-pw-1 -w "$tmp/g.out" "$tmp/g.pcap"
            want="session=1 user=gen-user method=mschap$m bits=$b mode=$s frames=600 decrypted=600 failed=0"
            [ "$(cat "$tmp/out")" = "$want" ] || fail "$what: summary '$(cat "$tmp/out")'"
            if [ $have_tshark = 1 ] && ! diff -q <(fields "$tmp/g.out") "$tmp/g.txt" >/dev/null; then
                fail "$what: tshark fields differ from the packets sent"
            fi
        done
    done
done
# With 10% of the MPPE frames lost: stateless loses only those; stateful
# also loses what upppd's receiver discarded until the next FLUSHED packet.
# Either way the output is exactly what the receiving sessions delivered.
for c in "v2 128 stateless 0" "v1 40 stateless 0" "v2 128 stateful 1" "v1 56 stateful 1" \
    "v2 40 stateful 1"; do
    set -- $c
    what="loss $1 $2 $3"
    "$gen" "$tmp/g.pcap" "$tmp/g.txt" "$1" "$2" "$3" 10 11 400 2>/dev/null || fail "$what: generator"
    expect "$4" "$what" -- --summary --password Gen-pw-1 -w "$tmp/g.out" "$tmp/g.pcap"
    d=$(sed -n 's/.* decrypted=\([0-9]*\).*/\1/p' "$tmp/out")
    [ "$d" = "$(wc -l <"$tmp/g.txt")" ] || fail "$what: decrypted=$d, delivered $(wc -l <"$tmp/g.txt")"
    if [ $have_tshark = 1 ] && ! diff -q <(fields "$tmp/g.out") "$tmp/g.txt" >/dev/null; then
        fail "$what: tshark fields differ from the packets delivered"
    fi
done

# ---- many sessions on one link: three captures back to back; each new
# LCP Configure-Request ends the session before it.
cat_pcaps() {
    python3 - "$@" <<'PY'
import struct, sys
out = None
for path in sys.argv[2:]:
    d = open(path, "rb").read()
    out = bytearray(d[:24]) if out is None else out
    out += d[24:]
open(sys.argv[1], "wb").write(out)
PY
}
"$gen" "$tmp/s1.pcap" "$tmp/s1.txt" v1 40 stateful 0 21 50 2>/dev/null || fail "multi: generator"
"$gen" "$tmp/s2.pcap" "$tmp/s2.txt" v2 128 stateless 0 22 70 2>/dev/null || fail "multi: generator"
"$gen" "$tmp/s3.pcap" "$tmp/s3.txt" v2 56 stateful 0 23 30 2>/dev/null || fail "multi: generator"
cat_pcaps "$tmp/multi.pcap" "$tmp/s1.pcap" "$tmp/s2.pcap" "$tmp/s3.pcap"
expect 0 "three sessions" -- --summary --password Gen-pw-1 -w "$tmp/g.out" "$tmp/multi.pcap"
want="session=1 user=gen-user method=mschapv1 bits=40 mode=stateful frames=100 decrypted=100 failed=0
session=2 user=gen-user method=mschapv2 bits=128 mode=stateless frames=140 decrypted=140 failed=0
session=3 user=gen-user method=mschapv2 bits=56 mode=stateful frames=60 decrypted=60 failed=0"
[ "$(cat "$tmp/out")" = "$want" ] || fail "three sessions: $(cat "$tmp/out")"
if [ $have_tshark = 1 ] && ! diff -q <(fields "$tmp/g.out") <(cat "$tmp/s1.txt" "$tmp/s2.txt" "$tmp/s3.txt") >/dev/null; then
    fail "three sessions: tshark fields differ from the packets sent"
fi
expect 0 "three sessions, password check" -- --check-password Gen-pw-1 "$tmp/multi.pcap"
[ "$(grep -c 'password=Gen-pw-1$' "$tmp/out")" = 3 ] || fail "multi check: $(cat "$tmp/out")"

# ---- link type PPP (9): no direction; the coherency counts tell them apart
to_dlt_ppp() {
    python3 - "$1" "$2" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
hdr = bytearray(d[:24])
struct.pack_into("<I", hdr, 20, 9)
out, off = bytearray(hdr), 24
while off < len(d):
    ts, us, cl, _ = struct.unpack_from("<IIII", d, off)
    rec = d[off + 17:off + 16 + cl]  # without the direction octet
    off += 16 + cl
    out += struct.pack("<IIII", ts, us, len(rec), len(rec)) + rec
open(sys.argv[2], "wb").write(out)
PY
}
for c in "v2 128 stateless" "v2 56 stateful"; do
    set -- $c
    "$gen" "$tmp/g.pcap" "$tmp/g.txt" "$1" "$2" "$3" 0 5 200 2>/dev/null || fail "dlt ppp $c: generator"
    to_dlt_ppp "$tmp/g.pcap" "$tmp/g9.pcap"
    expect 0 "DLT_PPP $c" -- --summary --password Gen-pw-1 -w "$tmp/g.out" "$tmp/g9.pcap"
    grep -q "frames=400 decrypted=400 failed=0" "$tmp/out" || fail "DLT_PPP $c: $(cat "$tmp/out")"
    if [ $have_tshark = 1 ] && ! diff -q <(fields "$tmp/g.out") "$tmp/g.txt" >/dev/null; then
        fail "DLT_PPP $c: tshark fields differ from the packets sent"
    fi
done

# ---- bad input
expect 3 "wrong password" -- --summary --password wrong "$caps/mschapv2-mppe128.hex"
grep -q 'wrong key: the password does not answer' "$tmp/err" || fail "wrong password: message"
grep -v ' ppp=c223' "$caps/mschapv2-mppe128.hex" >"$tmp/nochap.hex"
expect 3 "no handshake" -- --password testpass123 "$tmp/nochap.hex"
grep -q 'no MS-CHAP handshake found: no MS-CHAP Challenge' "$tmp/err" || fail "no handshake: $(cat "$tmp/err")"
grep -v ' ppp=c2230[3]' "$caps/mschapv2-mppe128.hex" >"$tmp/nosucc.hex"
expect 3 "no success" -- --password testpass123 "$tmp/nosucc.hex"
grep -q 'no CHAP Success' "$tmp/err" || fail "no success: $(cat "$tmp/err")"
# Frames of protocols the tool does not know pass by untouched.
{ cat "$caps/mschapv2-mppe128.hex"; echo "9.0 A>P wire=7e ppp=ff03123501020304 fcs=ok"; \
  echo "9.1 P>A wire=7e ppp=4321aa fcs=ok"; } >"$tmp/unknown.hex"
expect 0 "unknown protocols" -- --password testpass123 "$tmp/unknown.hex"
head -c 300 "$tmp/g.pcap" >"$tmp/trunc.pcap"
expect 3 "truncated in the handshake" -- --password Gen-pw-1 "$tmp/trunc.pcap"
grep -qi 'truncated' "$tmp/err" || fail "truncated: $(cat "$tmp/err")"
size=$(stat -c %s "$tmp/g.pcap")
head -c $((size - 7)) "$tmp/g.pcap" >"$tmp/trunc2.pcap"
expect 1 "truncated at the end" -- --password Gen-pw-1 "$tmp/trunc2.pcap"
head -c 1000 /dev/urandom | tr '\000-\011' 'x' >"$tmp/garbage"
printf 'Z' | cat - "$tmp/garbage" >"$tmp/garbage2"
expect 2 "garbage" -- --password x "$tmp/garbage2"
grep -q 'not a pcap' "$tmp/err" || fail "garbage: $(cat "$tmp/err")"
: >"$tmp/empty"
expect 2 "empty file" -- --password x "$tmp/empty"
printf '\007\000\000\000\000\011junk' >"$tmp/badrec"
expect 3 "bad record item" -- --password x "$tmp/badrec"
grep -q 'unknown item type 9' "$tmp/err" || fail "bad record: $(cat "$tmp/err")"

# ---- usage
expect 2 "no arguments" --
grep -q '^usage: ' "$tmp/err" || fail "no usage message"
expect 2 "no key" -- "$caps/mschapv2-mppe128.hex"
expect 2 "bad hash" -- --nt-hash 12 "$caps/mschapv2-mppe128.hex"
expect 2 "send without recv" -- --send-key 98134c550b405630632e67ae89c34be9 "$caps/mschapv2-mppe128.hex"
expect 2 "two keys" -- --password a --nt-hash 1efb50581482d84f9e57737b846a32b0 "$caps/mschapv2-mppe128.hex"
expect 0 "help" -- --help
for w in --password-file --nt-hash --send-key --wordlist --check-password --summary "Exit status" \
    PPP_WITH_DIR "pppd record"; do
    grep -q -- "$w" "$tmp/out" || fail "--help does not mention $w"
done

finish mppe_decrypt_tool
