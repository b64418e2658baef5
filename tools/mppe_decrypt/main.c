/*
 * mppe-decrypt: decrypt the MPPE traffic (RFC 3078) of captured PPP
 * sessions authenticated with MS-CHAPv1 (RFC 2433) or MS-CHAPv2 (RFC 2759),
 * keyed as RFC 3079 says, into a raw-IP pcap (PPP captures, or PPTP ones:
 * GRE and its control connection, RFC 2637); or test passwords against the
 * captured MS-CHAP responses. The command line and exit codes live here;
 * the work is in md_*.c.
 */
#include "md_capture.h"
#include "md_frame.h"
#include "md_keys.h"
#include "md_out.h"
#include "md_pptp.h"
#include "md_run.h"
#include "md_track.h"

#include <uppp/err.h>
#include <uppp/escape.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
    EXIT_ALL_OK = 0,
    EXIT_SOME_FAILED = 1,
    EXIT_USAGE = 2,
    EXIT_NO_KEY = 3, /* no handshake, or the key is wrong */
};

#define MAX_WORDS 1024

static const char usage_text[] =
    "usage: mppe-decrypt [options] CAPTURE\n"
    "       mppe-decrypt --check-password WORD... [--wordlist FILE] CAPTURE\n";

static const char help_text[] =
    "\n"
    "Decrypt the MPPE (RFC 3078) traffic of PPP sessions in a capture, keyed\n"
    "from the MS-CHAPv1/v2 exchange found in the same capture (RFC 3079), or\n"
    "find which candidate password answers that exchange.\n"
    "\n"
    "CAPTURE is read as a stream, in one of these formats (told from its first\n"
    "octets; it must be a regular file):\n"
    "  pcap, pcapng     link types PPP (9), PPP_HDLC (50), PPP_WITH_DIR (204);\n"
    "                   without a direction (9, 50) each MPPE frame is given to\n"
    "                   the direction whose coherency count it continues\n"
    "  pcap, pcapng     PPTP (RFC 2637) over IPv4 in link types Ethernet (1,\n"
    "                   802.1Q/802.1ad tags too), Linux cooked SLL (113) and\n"
    "                   SLL2 (276), raw IP (101) and IPV4 (228): GRE (IP\n"
    "                   protocol 47) carries each call's PPP frames; the TCP\n"
    "                   port 1723 control connection, put back in order, pairs\n"
    "                   a call's two GRE directions (Outgoing-/Incoming-Call-\n"
    "                   Reply hold both Call IDs). Each call is a link of its\n"
    "                   own; many calls and control connections may share the\n"
    "                   capture. GRE goes through upppd's receiver: reordered\n"
    "                   packets are put back in sequence order (300 ms of\n"
    "                   capture time for a gap, as pptp-linux), duplicates\n"
    "                   dropped. IP fragments are reassembled (16 datagrams at\n"
    "                   once); a fragment that never completes is a lost frame\n"
    "                   (exit status 1). Without the control connection in the\n"
    "                   capture, GRE directions are paired by address\n"
    "  pppd record      the file of pppd's 'record' option: the async HDLC line\n"
    "                   bytes each way, deframed here (RFC 1662)\n"
    "  hex dump         '<seconds> A>P|P>A wire=... ppp=<hex> fcs=ok' lines, as\n"
    "                   in upppd's shared/captures\n"
    "\n"
    "Every MS-CHAP Challenge/Response/Success starts a session; a new LCP\n"
    "Configure-Request ends it. Each direction's MPPE options (40, 56 or 128\n"
    "bits; stateless or stateful; MPPC) come from the CCP Configure-Ack sent\n"
    "that way. Decryption uses upppd's own receiver: stateful streams resync\n"
    "after loss on the next FLUSHED packet, as upppd and Linux do; frames the\n"
    "real receiver could not decrypt count as failed here too. Where the C bit\n"
    "was agreed, frames are MPPC-decompressed (RFC 2118) after decryption, or\n"
    "without it when MPPC runs alone (bits=none); the history is lost and\n"
    "found again where upppd's is (a lost frame, then the next one with the\n"
    "FLUSHED bit).\n"
    "\n"
    "Keys (one of):\n"
    "  --password PW        the user's password (UTF-8)\n"
    "  --password-file F    the password is the first line of F\n"
    "  --nt-hash HEX        NtPasswordHash, 32 hex digits\n"
    "  --send-key HEX --recv-key HEX\n"
    "                       the MPPE master keys as a RADIUS server hands them\n"
    "                       out (MS-MPPE-Send-Key / MS-MPPE-Recv-Key, the\n"
    "                       authenticator's view), 32 hex digits each; used for\n"
    "                       every session, and not checkable against the\n"
    "                       exchange\n"
    "No key is needed where MPPC runs alone (such a session may have no\n"
    "MS-CHAP exchange at all: method=none); without one, a session with MPPE\n"
    "is a usage error.\n"
    "A password or hash is first checked against each session's MS-CHAP\n"
    "response. MS-CHAPv1 with 40/56-bit MPPE is tried with both the NT-hash\n"
    "key (pppd, Linux) and the LAN Manager key (RFC 3079 2.1/2.2, upppd).\n"
    "\n"
    "Output:\n"
    "  -w OUT               write the decrypted IPv4/IPv6 packets to OUT, a pcap\n"
    "                       with link type raw IP (101), original time stamps\n"
    "  --summary            one line per session on stdout:\n"
    "                       session=N user=U method=mschapv2|mschapv1|none\n"
    "                       bits=40|56|128 mode=stateless|stateful [mppc=yes]\n"
    "                       frames=F decrypted=D failed=X\n"
    "                       (U escaped as pppd prints names; bits=none\n"
    "                       mode=none when CCP was not seen; mppc=yes when a\n"
    "                       direction was MPPC-compressed); for PPTP also a\n"
    "                       line 'mppe-decrypt: pptp: ...' of counters on\n"
    "                       stderr (calls, GRE lost and duplicated, fragments)\n"
    "\n"
    "Password check (no decryption):\n"
    "  --check-password WORD...  candidates, up to the next option\n"
    "  --wordlist FILE      candidates, one per line (read as a stream)\n"
    "  prints 'session=N user=U password=P' for each match, or\n"
    "  'session=N user=U password=none', then\n"
    "  'candidates=C seconds=S rate=R' (R candidate tests per second)\n"
    "\n"
    "  -h, --help           this text\n"
    "\n"
    "Exit status:\n"
    "  0  every MPPE frame decrypted (check mode: every session's password found)\n"
    "  1  some frames failed (lost, undecryptable, outside a session, IP\n"
    "     fragments never made whole, packets cut by the snapshot length), or\n"
    "     the capture is truncated (check mode: no candidate matched a\n"
    "     session)\n"
    "  2  usage error, or the capture cannot be read at all\n"
    "  3  no MS-CHAP handshake in the capture (the message says which part is\n"
    "     missing), or the key is wrong (the password does not answer the\n"
    "     response, or the master keys decrypt none of a session's frames)\n";

static int usage(const char *why)
{
    if (why != NULL)
        fprintf(stderr, "mppe-decrypt: %s\n", why);
    fputs(usage_text, stderr);
    fputs("Try 'mppe-decrypt --help'.\n", stderr);
    return EXIT_USAGE;
}

struct opts {
    const char *capture, *out, *wordlist;
    int summary;
    struct md_creds creds;
    int have_send, have_recv;
    const char *words[MAX_WORDS];
    size_t nwords;
    int check;
};

static int read_password_file(const char *path, char *pw, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    int ok = fgets(pw, (int)cap, f) != NULL;
    fclose(f);
    if (!ok)
        pw[0] = '\0';
    pw[strcspn(pw, "\r\n")] = '\0';
    return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        int cred = 0;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage_text, stdout);
            fputs(help_text, stdout);
            exit(EXIT_ALL_OK);
        } else if (strcmp(a, "--summary") == 0) {
            o->summary = 1;
        } else if (strcmp(a, "--check-password") == 0) {
            o->check = 1;
            int n = 0;
            while (i + 1 < argc && argv[i + 1][0] != '-') {
                if (o->nwords == MAX_WORDS)
                    return usage("too many --check-password words");
                o->words[o->nwords++] = argv[++i];
                n++;
            }
            /* The last word may be the capture: leave it if nothing else is. */
            if (n > 1 && o->capture == NULL && i + 1 == argc) {
                o->capture = o->words[--o->nwords];
                n--;
            }
            if (n == 0)
                return usage("--check-password needs at least one word");
        } else if (next == NULL && (strcmp(a, "-w") == 0 || strncmp(a, "--", 2) == 0)) {
            return usage("an option is missing its argument");
        } else if (strcmp(a, "-w") == 0) {
            o->out = argv[++i];
        } else if (strcmp(a, "--wordlist") == 0) {
            o->check = 1;
            o->wordlist = argv[++i];
        } else if (strcmp(a, "--password") == 0) {
            cred = MD_CRED_PASSWORD;
            if (strlen(next) >= sizeof(o->creds.password))
                return usage("--password: too long");
            snprintf(o->creds.password, sizeof(o->creds.password), "%s", argv[++i]);
        } else if (strcmp(a, "--password-file") == 0) {
            cred = MD_CRED_PASSWORD;
            if (read_password_file(argv[++i], o->creds.password, sizeof(o->creds.password)))
                return usage("--password-file: cannot read the file");
        } else if (strcmp(a, "--nt-hash") == 0) {
            cred = MD_CRED_NTHASH;
            if (md_keys_parse_hex16(argv[++i], o->creds.nt_hash) != 0)
                return usage("--nt-hash wants 32 hex digits");
        } else if (strcmp(a, "--send-key") == 0 || strcmp(a, "--recv-key") == 0) {
            int send = a[2] == 's';
            if (md_keys_parse_hex16(argv[++i], send ? o->creds.send_key : o->creds.recv_key))
                return usage("--send-key/--recv-key want 32 hex digits");
            *(send ? &o->have_send : &o->have_recv) = 1;
            if (o->creds.kind != MD_CRED_NONE && o->creds.kind != MD_CRED_KEYS)
                return usage("give one kind of key only");
            o->creds.kind = MD_CRED_KEYS;
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage("unknown option");
        } else if (o->capture != NULL) {
            return usage("one capture at a time");
        } else {
            o->capture = a;
        }
        if (cred != 0) {
            if (o->creds.kind != MD_CRED_NONE)
                return usage("give one kind of key only");
            o->creds.kind = cred;
        }
    }
    if (o->capture == NULL)
        return usage("no capture given");
    if (o->creds.kind == MD_CRED_KEYS && !(o->have_send && o->have_recv))
        return usage("--send-key and --recv-key go together");
    if (o->check && o->creds.kind != MD_CRED_NONE)
        return usage("a password check takes no key");
    /* No key is an error only once a session turns out to need one: MPPC
     * alone does not (main). */
    return -1;
}

static void packet_out(void *user, uint64_t ts_us, const uint8_t *ip, size_t len)
{
    if (user != NULL)
        md_out_packet(user, ts_us, ip, len);
}

static const char *user_str(const struct md_session *s, char *buf, size_t cap)
{
    uppp_escape(buf, cap, s->hs.user, s->hs.user_len, 0);
    return buf;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Tests every candidate against every session; returns the exit status. */
static int check_passwords(const struct opts *o, const struct md_session *ss, size_t n)
{
    int *found = calloc(n ? n : 1, sizeof(int));
    if (found == NULL)
        return EXIT_USAGE;
    char ubuf[4 * MD_MAX_NAME + 1], wbuf[4 * 1024 + 1];
    uint64_t tests = 0, cands = 0;
    double t0 = now_s();
    FILE *wl = NULL;
    if (o->wordlist != NULL && (wl = fopen(o->wordlist, "r")) == NULL) {
        free(found);
        return usage("--wordlist: cannot open the file");
    }
    size_t wi = 0;
    char line[1025];
    for (;;) {
        const char *w;
        if (wi < o->nwords) {
            w = o->words[wi++];
        } else if (wl != NULL && fgets(line, sizeof(line), wl) != NULL) {
            line[strcspn(line, "\r\n")] = '\0';
            w = line;
        } else {
            break;
        }
        cands++;
        for (size_t i = 0; i < n; i++) {
            if (found[i] || !ss[i].auth)
                continue;
            tests++;
            if (md_keys_check_password(&ss[i].hs, w, strlen(w)) == 0) {
                found[i] = 1;
                uppp_escape(wbuf, sizeof(wbuf), w, strlen(w), 0);
                printf("session=%u user=%s password=%s\n", ss[i].id,
                       user_str(&ss[i], ubuf, sizeof(ubuf)), wbuf);
            }
        }
    }
    double dt = now_s() - t0;
    if (wl != NULL)
        fclose(wl);
    int all = 1;
    for (size_t i = 0; i < n; i++)
        if (!found[i] && ss[i].auth) {
            all = 0;
            printf("session=%u user=%s password=none\n", ss[i].id,
                   user_str(&ss[i], ubuf, sizeof(ubuf)));
        }
    printf("candidates=%llu seconds=%.3f rate=%.0f\n", (unsigned long long)cands, dt,
           dt > 0 ? (double)tests / dt : 0.0);
    free(found);
    return all ? EXIT_ALL_OK : EXIT_SOME_FAILED;
}

/* What the PPTP reader saw (with --summary), and what it could not read.
 * Returns 1 if captured frames were lost to it (packets cut by the snapshot
 * length, IP fragments never made whole), which makes the exit status 1. */
static int pptp_report(const struct md_input *in, int summary)
{
    const struct md_ip_stats *ip = NULL;
    const struct md_pptp_stats *p = md_input_pptp(in, &ip);
    if (p == NULL)
        return 0;
    if (summary)
        fprintf(stderr,
                "mppe-decrypt: pptp: control-connections=%llu calls=%llu calls-guessed=%llu "
                "gre=%llu gre-lost=%llu gre-duplicates=%llu gre-bad=%llu control-bad=%llu "
                "tcp-gap-octets=%llu ip-fragments=%llu reassembled=%llu fragments-lost=%llu\n",
                (unsigned long long)p->conns, (unsigned long long)p->calls,
                (unsigned long long)p->calls_guessed, (unsigned long long)p->gre,
                (unsigned long long)p->gre_lost, (unsigned long long)p->gre_dup,
                (unsigned long long)p->gre_bad, (unsigned long long)p->ctrl_bad,
                (unsigned long long)p->tcp.gaps, (unsigned long long)ip->fragments,
                (unsigned long long)ip->reassembled, (unsigned long long)ip->frag_lost);
    if (p->calls_guessed > 0)
        fprintf(stderr,
                "mppe-decrypt: %llu GRE call(s) without their control connection in the capture: "
                "directions paired by address\n",
                (unsigned long long)p->calls_guessed);
    if (ip->truncated > 0) {
        fprintf(stderr,
                "mppe-decrypt: %llu IPv4 packet(s) cut short by the capture's snapshot length "
                "and lost (capture with tcpdump -s 0)\n",
                (unsigned long long)ip->truncated);
        return 1;
    }
    if (ip->frag_lost > 0) {
        fprintf(stderr,
                "mppe-decrypt: %llu IP datagram(s) of GRE or TCP lost: fragments missing or "
                "more than %d datagrams in reassembly at once\n",
                (unsigned long long)ip->frag_lost, MD_FRAG_SLOTS);
        return 1;
    }
    return 0;
}

/* The first session that MPPE encrypts, or NULL. */
static const struct md_session *needs_key(const struct md_session *ss, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ss[i].bits != 0 || (ss[i].auth && !ss[i].mppc))
            return &ss[i];
    return NULL;
}

/* What part of the handshake is missing, for exit status 3. */
static void no_handshake(const struct md_track_stats *st)
{
    const char *missing = !st->seen_challenge  ? "no MS-CHAP Challenge (CHAP with an 8- or "
                                                 "16-octet value)"
                          : !st->seen_response ? "no MS-CHAP Response to the Challenge"
                                               : "no CHAP Success after the Response";
    fprintf(stderr,
            "mppe-decrypt: no MS-CHAP handshake found: %s; %llu MPPE frames cannot be keyed\n",
            missing, (unsigned long long)st->orphan_mppe);
}

int main(int argc, char **argv)
{
    struct opts o;
    memset(&o, 0, sizeof(o));
    int rc = parse_args(argc, argv, &o);
    if (rc >= 0)
        return rc;

    char err[512] = "";
    FILE *fp = fopen(o.capture, "rb");
    if (fp == NULL) {
        fprintf(stderr, "mppe-decrypt: cannot open %s\n", o.capture);
        return EXIT_USAGE;
    }
    struct md_input *in = NULL;
    if ((rc = md_input_open(&in, fp, err, sizeof(err))) != 0) {
        fprintf(stderr, "mppe-decrypt: %s: %s\n", o.capture, err[0] ? err : uppp_strerror(rc));
        return EXIT_USAGE;
    }
    struct md_out *out = NULL;
    if (o.out != NULL && (rc = md_out_open(&out, o.out, err, sizeof(err))) != 0) {
        fprintf(stderr, "mppe-decrypt: -w %s: %s\n", o.out, err[0] ? err : uppp_strerror(rc));
        md_input_close(in);
        return EXIT_USAGE;
    }
    struct md_framer *fr = NULL;
    struct md_track *t = NULL;
    struct md_track_config tc = {.creds = &o.creds, .packet = packet_out, .user = out};
    if ((rc = md_framer_new(&fr)) != 0 || (rc = md_track_new(&t, &tc)) != 0) {
        fprintf(stderr, "mppe-decrypt: %s\n", uppp_strerror(rc));
        return EXIT_USAGE;
    }
    int truncated = 0;
    rc = md_run(in, fr, t);
    if (rc == UPPP_ERR_PARSE) {
        truncated = 1;
        fprintf(stderr, "mppe-decrypt: %s: %s (what came before it was processed)\n", o.capture,
                md_input_error(in));
    } else if (rc != 0) {
        fprintf(stderr, "mppe-decrypt: %s\n", uppp_strerror(rc));
        if (rc == UPPP_ERR_CRYPTO_UNAVAILABLE)
            fprintf(stderr, "mppe-decrypt: %s\n", uppp_crypto_status());
        return EXIT_SOME_FAILED;
    }
    int have_key = o.creds.kind != MD_CRED_NONE;
    explicit_bzero(&o.creds, sizeof(o.creds));
    if (out != NULL && md_out_close(out) != 0) {
        fprintf(stderr, "mppe-decrypt: -w %s: write failed\n", o.out);
        truncated = 1;
    }

    if (pptp_report(in, o.summary))
        truncated = 1;
    size_t n;
    const struct md_session *ss = md_track_sessions(t, &n);
    const struct md_track_stats *st = md_track_stats(t);
    int status;
    size_t nauth = 0; /* sessions with an MS-CHAP exchange to check */
    for (size_t i = 0; i < n; i++)
        nauth += ss[i].auth != 0;
    if (n == 0 || (o.check && nauth == 0)) {
        no_handshake(st);
        status = EXIT_NO_KEY;
    } else if (!o.check && !have_key && needs_key(ss, n) != NULL) {
        status = usage("no key: give --password, --password-file, --nt-hash or "
                       "--send-key/--recv-key (only MPPC alone needs none)");
    } else if (o.check) {
        status = check_passwords(&o, ss, n);
    } else {
        status = EXIT_ALL_OK;
        char ubuf[4 * MD_MAX_NAME + 1];
        for (size_t i = 0; i < n; i++) {
            const struct md_session *s = &ss[i];
            user_str(s, ubuf, sizeof(ubuf));
            char bits[8] = "none";
            if (s->bits)
                snprintf(bits, sizeof(bits), "%d", s->bits);
            if (o.summary)
                printf("session=%u user=%s method=%s bits=%s mode=%s%s frames=%llu "
                       "decrypted=%llu failed=%llu\n",
                       s->id, ubuf,
                       !s->auth   ? "none"
                       : s->hs.v2 ? "mschapv2"
                                  : "mschapv1",
                       bits,
                       s->stateless < 0 ? "none"
                       : s->stateless   ? "stateless"
                                        : "stateful",
                       s->mppc ? " mppc=yes" : "", (unsigned long long)s->frames,
                       (unsigned long long)s->decrypted, (unsigned long long)s->failed);
            if (s->key == MD_KEY_WRONG && !(s->bits == 0 && s->mppc)) {
                /* (MPPC alone needs no key: its frames went through.) */
                fprintf(stderr,
                        "mppe-decrypt: session %u (user %s): wrong key: the password does not "
                        "answer the captured MS-CHAP response\n",
                        s->id, ubuf);
                status = EXIT_NO_KEY;
            } else if (s->key == MD_KEY_GIVEN && s->frames > 0 && s->decrypted == 0) {
                fprintf(stderr,
                        "mppe-decrypt: session %u (user %s): wrong key: the master keys decrypt "
                        "none of its %llu frames\n",
                        s->id, ubuf, (unsigned long long)s->frames);
                status = EXIT_NO_KEY;
            } else if (s->failed > 0 && status == EXIT_ALL_OK) {
                status = EXIT_SOME_FAILED;
            }
        }
        if (st->orphan_mppe > 0) {
            fprintf(stderr, "mppe-decrypt: %llu MPPE frames outside any MS-CHAP session\n",
                    (unsigned long long)st->orphan_mppe);
            if (status == EXIT_ALL_OK)
                status = EXIT_SOME_FAILED;
        }
    }
    if (truncated && status == EXIT_ALL_OK)
        status = EXIT_SOME_FAILED;
    md_track_del(t);
    md_framer_del(fr);
    md_input_close(in);
    return status;
}
