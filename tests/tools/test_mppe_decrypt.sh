#!/usr/bin/env bash
# Checks mppe-decrypt (issue 11): the real pppd 2.4.9 captures of
# shared/captures decrypt completely with the password their README gives;
# captures made by two libuppp sessions (mppe-capture-gen) in every
# combination of MS-CHAP v1/v2 x MPPE 40/56/128 x stateless/stateful, with
# and without loss, and with MPPC compression under MPPE or alone, decrypt
# to exactly the packets the receiving session delivered, as tshark reads
# them from the output; PPTP captures
# (pptp-capture-gen: libuppp sessions over libuppp's GRE channels, control
# connections built with its message builders) in every IP link type, with
# many calls over two control connections, loss, reordering, duplicates, IP
# fragments, segmented and retransmitted control messages, and without the
# control connection; the real pptp-linux <-> pptpd captures of
# tests/data/pptp if present; the other key inputs, the password check, the
# pppd record format, and bad input with its exit status.
#
# usage: test_mppe_decrypt.sh PATH/TO/mppe-decrypt PATH/TO/mppe-capture-gen SHARED_DIR
#                             [PATH/TO/pptp-capture-gen]
tool=${1:?usage: $0 mppe-decrypt mppe-capture-gen shared-dir [pptp-capture-gen]}
gen=${2:?}
shared=${3:?}
pgen=${4:-$(dirname "$gen")/pptp-capture-gen}
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

# ---- MPPC (RFC 2118, issue 13): compressed under MPPE, stateful and
# stateless, and alone; then with loss, where the history parts and comes
# back (next packet with A) where the receiving session's did. Either way
# the output is exactly what the receiving sessions delivered.
for c in "v2 128 stateless 0 0" "v2 128 stateful 0 0" "v1 40 stateful 0 0" "v1 56 stateless 0 0" \
    "v2 none stateful 0 0" "v2 128 stateless 10 0" "v2 128 stateful 10 1" "v1 40 stateful 10 1" \
    "v2 none stateful 10 1"; do
    set -- $c
    what="mppc $1 $2 $3 loss $4%"
    "$gen" "$tmp/g.pcap" "$tmp/g.txt" "$1" "$2" "$3" "$4" 13 300 mppc 2>/dev/null || fail "$what: generator"
    expect "$5" "$what" -- --summary --password Gen-pw-1 -w "$tmp/g.out" "$tmp/g.pcap"
    grep -q "^session=1 user=gen-user method=mschap$1 bits=$2 mode=$3 mppc=yes frames=" "$tmp/out" ||
        fail "$what: summary '$(cat "$tmp/out")'"
    d=$(sed -n 's/.* decrypted=\([0-9]*\).*/\1/p' "$tmp/out")
    [ "$d" = "$(wc -l <"$tmp/g.txt")" ] || fail "$what: decrypted=$d, delivered $(wc -l <"$tmp/g.txt")"
    [ "$4" != 0 ] || [ "$d" = 600 ] || fail "$what: decrypted=$d of 600"
    if [ $have_tshark = 1 ] && ! diff -q <(fields "$tmp/g.out") "$tmp/g.txt" >/dev/null; then
        fail "$what: tshark fields differ from the packets delivered"
    fi
done
# MPPC alone without any authentication: no key needed, method=none; a
# password check finds nothing to check (exit 3).
"$gen" "$tmp/g.pcap" "$tmp/g.txt" none none stateful 10 15 200 mppc 2>/dev/null || fail "mppc noauth: generator"
expect 1 "mppc without auth" -- --summary -w "$tmp/g.out" "$tmp/g.pcap"
grep -q "^session=1 user= method=none bits=none mode=stateful mppc=yes frames=[0-9]* decrypted=$(wc -l <"$tmp/g.txt") failed=[1-9]" \
    "$tmp/out" || fail "mppc without auth: $(cat "$tmp/out")"
if [ $have_tshark = 1 ] && ! diff -q <(fields "$tmp/g.out") "$tmp/g.txt" >/dev/null; then
    fail "mppc without auth: tshark fields differ from the packets delivered"
fi
expect 3 "mppc without auth, check" -- --check-password x "$tmp/g.pcap"
# MPPC alone after MS-CHAP needs no key either; MPPE does (usage, exit 2).
"$gen" "$tmp/g.pcap" "$tmp/g.txt" v2 none stateful 0 16 50 mppc 2>/dev/null || fail "mppc nokey: generator"
expect 0 "mppc alone, no key" -- --summary "$tmp/g.pcap"
grep -q "method=mschapv2 bits=none mode=stateful mppc=yes frames=100 decrypted=100 failed=0" "$tmp/out" ||
    fail "mppc alone, no key: $(cat "$tmp/out")"
"$gen" "$tmp/g.pcap" "$tmp/g.txt" v2 128 stateful 0 16 50 mppc 2>/dev/null || fail "mppe nokey: generator"
expect 2 "mppe+mppc, no key" -- --summary "$tmp/g.pcap"
grep -q 'no key: give --password' "$tmp/err" || fail "mppe+mppc, no key: $(cat "$tmp/err")"
# The history matters: the same capture decompressed from the second
# compressed frame on (the first one's direction cut out) is not all IP.
"$gen" "$tmp/g.pcap" "$tmp/g.txt" v2 none stateful 0 14 50 mppc 2>/dev/null || fail "mppc cut: generator"
python3 - "$tmp/g.pcap" "$tmp/g2.pcap" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
out, off, cut = bytearray(d[:24]), 24, 0
while off < len(d):
    cl = struct.unpack_from("<I", d, off + 8)[0]
    rec = d[off:off + 16 + cl]
    off += 16 + cl
    ppp = rec[17:]
    if not cut and (ppp[:1] == b"\xfd" or ppp[:2] == b"\x00\xfd") and rec[16] == 1:
        cut = 1  # the first MPPC frame A sent: its history is gone
        continue
    out += rec
open(sys.argv[2], "wb").write(out)
PY
expect 1 "mppc first frame lost" -- --summary --password Gen-pw-1 "$tmp/g2.pcap"
grep -q 'frames=99 decrypted=[0-9]* failed=[1-9]' "$tmp/out" || fail "mppc cut: $(cat "$tmp/out")"
# PPTP with MPPC in every call's MPPE mode, reordered; then lossy.
pptp_mppc() { # pptp_mppc EXIT WHAT GEN-ARGS...
    local want=$1 what=$2
    shift 2
    "$pgen" "$tmp/p.pcap" "$tmp/p.txt" "$@" >"$tmp/p.calls" 2>"$tmp/gen.err" || fail "$what: generator"
    expect "$want" "$what" -- --summary --password Gen-pw-1 -w "$tmp/p.out" "$tmp/p.pcap"
    [ "$(sed -n 's/^session=[0-9]* \(user=.*\) frames=[0-9]* decrypted=\([0-9]*\) failed=.*/\1 delivered=\2/p' \
        "$tmp/out" | sort)" = "$(sort "$tmp/p.calls")" ] || fail "$what: $(cat "$tmp/out") / $(cat "$tmp/p.calls")"
    [ "$(grep -c ' mppc=yes ' "$tmp/out")" = 6 ] || fail "$what: mppc not in every session"
    if [ $have_tshark = 1 ] && ! diff -q <(fields "$tmp/p.out" | sort) <(sort "$tmp/p.txt") >/dev/null; then
        fail "$what: tshark fields differ from the packets delivered"
    fi
}
pptp_mppc 0 "pptp mppc" ether 6 0 20 4 200 mppc
[ "$(grep -c 'frames=400 decrypted=400 failed=0$' "$tmp/out")" = 6 ] || fail "pptp mppc: $(cat "$tmp/out")"
pptp_mppc 1 "pptp mppc lossy" vlan 6 10 20 5 200 frag,tcpmess,mppc

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

# ---- link types PPP (9) and PPP_HDLC (50): no direction; the coherency
# counts tell them apart. PPP_HDLC frames start with FF 03 (tcpdump.org).
to_dlt_ppp() {
    python3 - "$1" "$2" "$3" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
dlt = int(sys.argv[3])
hdr = bytearray(d[:24])
struct.pack_into("<I", hdr, 20, dlt)
out, off = bytearray(hdr), 24
while off < len(d):
    ts, us, cl, _ = struct.unpack_from("<IIII", d, off)
    rec = d[off + 17:off + 16 + cl]  # without the direction octet
    off += 16 + cl
    if dlt == 50 and rec[:2] != b"\xff\x03":
        rec = b"\xff\x03" + rec
    out += struct.pack("<IIII", ts, us, len(rec), len(rec)) + rec
open(sys.argv[2], "wb").write(out)
PY
}
for c in "9 v2 128 stateless" "9 v2 56 stateful" "50 v1 40 stateful"; do
    set -- $c
    "$gen" "$tmp/g.pcap" "$tmp/g.txt" "$2" "$3" "$4" 0 5 200 2>/dev/null || fail "dlt ppp $c: generator"
    to_dlt_ppp "$tmp/g.pcap" "$tmp/g9.pcap" "$1"
    expect 0 "DLT $c" -- --summary --password Gen-pw-1 -w "$tmp/g.out" "$tmp/g9.pcap"
    grep -q "frames=400 decrypted=400 failed=0" "$tmp/out" || fail "DLT_PPP $c: $(cat "$tmp/out")"
    if [ $have_tshark = 1 ] && ! diff -q <(fields "$tmp/g.out") "$tmp/g.txt" >/dev/null; then
        fail "DLT_PPP $c: tshark fields differ from the packets sent"
    fi
done

# ---- PPTP: GRE + the TCP 1723 control connection, each call a session.
# pgen prints one line per call (user method bits mode delivered=N); the
# summary must hold the same sessions, every frame the receiving session
# decrypted decrypted here too, and tshark must read exactly the packets
# the sessions delivered (sorted: calls interleave).
sessions_of() {
    sed -n 's/^session=[0-9]* \(user=.*\) frames=[0-9]* decrypted=\([0-9]*\) failed=.*/\1 delivered=\2/p' "$1" | sort
}
pptp_case() { # pptp_case EXIT WHAT -- GEN-ARGS...
    local want=$1 what=$2
    shift 3
    "$pgen" "$tmp/p.pcap" "$tmp/p.txt" "$@" >"$tmp/p.calls" 2>"$tmp/gen.err" || {
        fail "$what: generator: $(cat "$tmp/gen.err")"
        return
    }
    expect "$want" "$what" -- --summary --password Gen-pw-1 -w "$tmp/p.out" "$tmp/p.pcap"
    [ "$(sessions_of "$tmp/out")" = "$(sort "$tmp/p.calls")" ] ||
        fail "$what: sessions differ: $(cat "$tmp/out") / $(cat "$tmp/p.calls")"
    if [ $have_tshark = 1 ] && ! diff -q <(fields "$tmp/p.out" | sort) <(sort "$tmp/p.txt") >/dev/null; then
        fail "$what: tshark fields differ from the packets delivered"
    fi
}
for l in ether vlan sll sll2 raw ipv4; do
    pptp_case 0 "pptp $l" -- $l 6 0 0 3 100
    [ "$(grep -c 'frames=200 decrypted=200 failed=0$' "$tmp/out")" = 6 ] || fail "pptp $l: $(cat "$tmp/out")"
    grep -q 'control-connections=2 calls=6 calls-guessed=0 ' "$tmp/err" || fail "pptp $l: $(cat "$tmp/err")"
done
# ICMP and TCP in the output with the right addresses and payload (call 0
# is 10.1.0.1 <-> 10.1.0.2; the payload starts "mppe-gen A"; every fifth
# packet is TCP from port 40123 to 40124).
if [ $have_tshark = 1 ]; then
    n=$(fields "$tmp/p.out" | grep -c $'^10.1.0.1\t10.1.0.2\t8\t6d7070652d67656e2041')
    [ "$n" = 80 ] || fail "pptp: $n echo requests 10.1.0.1 -> 10.1.0.2 with A's payload"
    n=$(tshark -r "$tmp/p.out" -T fields -e ip.src -e ip.dst -e tcp.srcport -e tcp.dstport -e data 2>/dev/null |
        grep -c $'^10.1.0.2\t10.1.0.1\t40123\t40124\t6d7070652d67656e2042')
    [ "$n" = 20 ] || fail "pptp: $n TCP segments 10.1.0.2:40123 -> 10.1.0.1:40124 with B's payload"
fi
# Reordered and duplicated GRE: the receiver puts it back in order, so
# even stateful MPPE loses nothing.
pptp_case 0 "pptp reordered" -- ether 6 0 20 4 200
[ "$(grep -c 'frames=400 decrypted=400 failed=0$' "$tmp/out")" = 6 ] || fail "reordered: $(cat "$tmp/out")"
grep -q 'gre-duplicates=[1-9]' "$tmp/err" || fail "reordered: no duplicate counted: $(cat "$tmp/err")"
# Loss, reordering, fragments and messy TCP at once: stateful sessions
# lose what upppd's receiver lost (exit 1), the others only the lost frames.
pptp_case 1 "pptp lossy" -- vlan 6 10 20 5 200 frag,tcpmess
grep -q 'calls=6 calls-guessed=0 ' "$tmp/err" || fail "lossy: control messages lost: $(cat "$tmp/err")"
grep -q 'tcp-gap-octets=0 ip-fragments=[1-9][0-9]* reassembled=[1-9][0-9]* fragments-lost=0' "$tmp/err" ||
    fail "lossy: reassembly: $(cat "$tmp/err")"
pptp_case 1 "pptp lossy sll2" -- sll2 4 10 0 6 150
# Without the control connection (a 'proto gre' capture): paired by address.
pptp_case 0 "pptp no control" -- raw 4 0 0 7 100 noctrl
grep -q 'without their control connection' "$tmp/err" || fail "no control: $(cat "$tmp/err")"
# pcapng (editcap converts): the same sessions.
if command -v editcap >/dev/null; then
    "$pgen" "$tmp/p.pcap" "$tmp/p.txt" sll2 3 0 0 10 50 >"$tmp/p.calls" 2>/dev/null || fail "pcapng: generator"
    editcap -F pcapng "$tmp/p.pcap" "$tmp/p.pcapng" || fail "pcapng: editcap"
    expect 0 "pptp pcapng" -- --summary --password Gen-pw-1 "$tmp/p.pcapng"
    [ "$(sessions_of "$tmp/out")" = "$(sort "$tmp/p.calls")" ] || fail "pcapng: $(cat "$tmp/out")"
fi
# Password check and a wrong password on PPTP.
"$pgen" "$tmp/p.pcap" "$tmp/p.txt" sll 3 0 0 8 20 >/dev/null 2>&1 || fail "pptp check: generator"
expect 0 "pptp check-password" -- --check-password x Gen-pw-1 "$tmp/p.pcap"
[ "$(grep -c 'user=gen-user-[0-2] password=Gen-pw-1$' "$tmp/out")" = 3 ] || fail "pptp check: $(cat "$tmp/out")"
expect 3 "pptp wrong password" -- --password nope "$tmp/p.pcap"
grep -q 'wrong key' "$tmp/err" || fail "pptp wrong password: $(cat "$tmp/err")"
# A first fragment missing: that GRE packet is lost, and said so (exit 1).
"$pgen" "$tmp/p.pcap" "$tmp/p.txt" ether 1 0 0 9 50 frag >/dev/null 2>&1 || fail "pptp frag: generator"
python3 - "$tmp/p.pcap" "$tmp/p2.pcap" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
out, off, dropped = bytearray(d[:24]), 24, 0
while off < len(d):
    cl = struct.unpack_from("<I", d, off + 8)[0]
    rec = d[off:off + 16 + cl]
    off += 16 + cl
    ip = rec[16 + 14:]
    first_frag = len(ip) > 20 and ip[9] == 47 and struct.unpack(">H", ip[6:8])[0] == 0x2000
    if first_frag and not dropped and off > len(d) // 2:
        dropped = 1
        continue
    out += rec
open(sys.argv[2], "wb").write(out)
PY
expect 1 "pptp fragment missing" -- --summary --password Gen-pw-1 "$tmp/p2.pcap"
grep -q 'fragments-lost=1$' "$tmp/err" || fail "fragment missing: $(cat "$tmp/err")"
grep -q 'IP datagram(s) of GRE or TCP lost' "$tmp/err" || fail "fragment missing: message"
# A small snapshot length cut the GRE packets: said so, exit 1.
python3 - "$tmp/p.pcap" "$tmp/p4.pcap" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
out, off = bytearray(d[:24]), 24
while off < len(d):
    ts, us, cl, ol = struct.unpack_from("<IIII", d, off)
    rec = d[off + 16:off + 16 + cl]
    off += 16 + cl
    if off > len(d) * 4 // 5:  # the handshake got through whole
        rec = rec[:60]
    out += struct.pack("<IIII", ts, us, len(rec), ol) + rec
open(sys.argv[2], "wb").write(out)
PY
expect 1 "pptp snaplen" -- --password Gen-pw-1 "$tmp/p4.pcap"
grep -q 'cut short by the capture.s snapshot length' "$tmp/err" || fail "snaplen: $(cat "$tmp/err")"
# Truncated: what came before is decrypted, exit 1.
size=$(stat -c %s "$tmp/p.pcap")
head -c $((size * 2 / 3)) "$tmp/p.pcap" >"$tmp/p3.pcap"
expect 1 "pptp truncated" -- --summary --password Gen-pw-1 "$tmp/p3.pcap"
grep -q 'decrypted=[1-9]' "$tmp/out" || fail "pptp truncated: $(cat "$tmp/out")"
# A link type not read: said so.
python3 -c 'import struct,sys; open(sys.argv[1],"wb").write(struct.pack("<IHHiIII",0xa1b2c3d4,2,4,0,0,65535,105))' "$tmp/wifi.pcap"
expect 2 "802.11 link type" -- --password x "$tmp/wifi.pcap"
grep -q 'link type 105' "$tmp/err" || fail "802.11: $(cat "$tmp/err")"

# ---- real PPTP captures (tests/data/pptp, from the pptp-vm branch: see its
# README.md for how they were made and their secrets). Each file has its
# expectations here; a new file without them fails until it gets some.
data=$(dirname "$0")/../data/pptp
for c in "$data"/*.pcap "$data"/*.pcapng; do
    [ -f "$c" ] || continue
    case $(basename "$c") in
    pptp-linux-pptpd-v2-128-stateless.pcap)
        # pptp-linux 1.10.0 -> pptpd 1.4.0 (pppd 2.4.9, Linux ppp_mppe),
        # testuser/testpass123; a pcapng despite its name, Ethernet.
        what="real pptp-linux -> pptpd"
        expect 0 "$what" -- --summary --password testpass123 -w "$tmp/r.out" "$c"
        want="session=1 user=testuser method=mschapv2 bits=128 mode=stateless frames=150 decrypted=150 failed=0"
        [ "$(cat "$tmp/out")" = "$want" ] || fail "$what: summary '$(cat "$tmp/out")'"
        # One call by its control connection; the 1468-byte pings came
        # in IP fragments, all made whole.
        grep -q "control-connections=1 calls=1 calls-guessed=0 " "$tmp/err" || fail "$what: $(cat "$tmp/err")"
        grep -q 'reassembled=[1-9][0-9]* fragments-lost=0$' "$tmp/err" || fail "$what: $(cat "$tmp/err")"
        if [ $have_tshark = 1 ]; then
            # 3 pings of 56 and 3 of 1468 octets each way, between the
            # PPP addresses (192.0.2.1 pptpd, 192.0.2.2 the client).
            for t in "192.0.2.2 192.0.2.1 8 84" "192.0.2.2 192.0.2.1 8 1496" \
                "192.0.2.1 192.0.2.2 0 84" "192.0.2.1 192.0.2.2 8 1496" "192.0.2.2 192.0.2.1 0 1496"; do
                n=$(tshark -r "$tmp/r.out" -T fields -e ip.src -e ip.dst -e icmp.type -e ip.len 2>/dev/null |
                    grep -c "^${t// /$'\t'}\$")
                [ "$n" = 3 ] || fail "$what: $n ICMP '$t' (src dst type ip.len), want 3"
            done
            # The TCP transfers' first segments with data, client to port 5001.
            n=$(tshark -r "$tmp/r.out" -T fields -e ip.src -e ip.dst -e tcp.dstport -e tcp.len 2>/dev/null |
                grep -cE $'^192.0.2.2\t192.0.2.1\t5001\t[1-9]')
            [ "$n" -ge 50 ] || fail "$what: $n TCP segments with data to 192.0.2.1:5001"
        fi
        expect 0 "$what: check-password" -- --check-password nope testpass123 "$c"
        grep -qx 'session=1 user=testuser password=testpass123' "$tmp/out" || fail "$what: $(cat "$tmp/out")"
        expect 3 "$what: wrong password" -- --password testpass124 "$c"
        ;;
    *) fail "$(basename "$c"): a capture in tests/data/pptp without expectations in this test" ;;
    esac
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
    PPP_WITH_DIR "pppd record" PPTP GRE 1723 Ethernet 802.1Q SLL2 "raw IP" fragment; do
    grep -q -- "$w" "$tmp/out" || fail "--help does not mention $w"
done

# The man page documents every option --help names.
man=$(dirname "$0")/../../tools/mppe-decrypt.1
for o in $(grep -o -- '--[a-z][a-z-]*' "$tmp/out" | sort -u) -w -h; do
    sed 's/\\-/-/g' "$man" | grep -q -- "$o" || fail "mppe-decrypt.1 does not mention $o"
done

finish mppe_decrypt_tool
