/*
 * Fuzz target for mppe-decrypt's capture parser and session tracker
 * (tools/mppe_decrypt/): the input is a whole capture file (pcap/pcapng
 * through libpcap, PPP or PPTP link types, pppd record, or hex dump; the
 * PPTP parsers alone are fuzzed by mppe_decrypt_pptp), run through the framer
 * (RFC 1662 deframing) and the tracker (CHAP, CCP, MPPE decryption) with
 * the password of the seed captures, so decryption is reached too.
 *
 * Checks: no crash, no leak, no unbounded work; the tracker's counters
 * add up (decrypted + failed == frames for every session).
 */
#define _GNU_SOURCE /* memmem */
#include "md_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(x)                                                                                   \
    do {                                                                                           \
        if (!(x))                                                                                  \
            abort();                                                                               \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    FILE *fp = fmemopen((void *)data, size, "rb");
    if (fp == NULL)
        return 0;
    char err[256];
    struct md_input *in;
    if (md_input_open(&in, fp, err, sizeof(err)) != 0)
        return 0;
    /* The seeds' passwords: user testuser (shared/captures, the pppd
     * record made from one, tests/data/pptp's real capture) has
     * testpass123; the generators' users (gen-user...) Gen-pw-1. */
    static struct md_creds creds;
    creds.kind = MD_CRED_PASSWORD;
    int shared = memmem(data, size, "testuser", 8) != NULL;
    snprintf(creds.password, sizeof(creds.password), "%s", shared ? "testpass123" : "Gen-pw-1");
    struct md_framer *fr = NULL;
    struct md_track *t = NULL;
    struct md_track_config tc = {.creds = &creds};
    CHECK(md_framer_new(&fr) == 0);
    CHECK(md_track_new(&t, &tc) == 0);
    (void)md_run(in, fr, t);
    size_t n;
    const struct md_session *ss = md_track_sessions(t, &n);
    for (size_t i = 0; i < n; i++)
        CHECK(ss[i].decrypted + ss[i].failed == ss[i].frames);
    md_track_del(t);
    md_framer_del(fr);
    md_input_close(in);
    return 0;
}
