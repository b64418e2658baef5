/*
 * Fuzz target for mppe-decrypt's PPTP input without the pcap container
 * (tools/mppe_decrypt/md_pptp.c, md_tcp.c, md_ip.c): the input is a run of
 * records, each [length: 2 octets, big-endian][time step in ms: 1 octet]
 * [that many octets of IPv4 packet], fed to the PPTP demultiplexer (IPv4
 * reassembly, TCP 1723 reassembly and control messages, GRE through
 * libuppp's receiver); the frames it hands out go on to the session
 * tracker with the password of the seeds (made by pptp-capture-gen), so
 * decryption is reached too.
 *
 * Checks: no crash, no leak, no unbounded work; every frame it hands out
 * has a direction and fits a GRE payload; every call it made ends exactly
 * once (a LINK_END per call once the input is over); the tracker's
 * counters add up.
 */
#include "md_frame.h"
#include "md_pptp.h"
#include "md_track.h"

#include <stdlib.h>
#include <string.h>

#define CHECK(x)                                                                                   \
    do {                                                                                           \
        if (!(x))                                                                                  \
            abort();                                                                               \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t drain(struct md_pptp *p, struct md_track *t)
{
    uint64_t ends = 0;
    struct md_unit u;
    while (md_pptp_next(p, &u) == 1) {
        if (u.kind == MD_UNIT_LINK_END) {
            ends++;
            CHECK(md_track_link_end(t, u.link) == 0);
            continue;
        }
        CHECK(u.kind == MD_UNIT_FRAME && (u.dir == MD_DIR_A || u.dir == MD_DIR_B));
        CHECK(u.len > 0 && u.len <= 4096);
        CHECK(md_track_frame(t, &u) == 0);
    }
    return ends;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct md_creds creds;
    creds.kind = MD_CRED_PASSWORD;
    snprintf(creds.password, sizeof(creds.password), "%s", "Gen-pw-1");
    struct md_pptp *p = NULL;
    struct md_track *t = NULL;
    struct md_track_config tc = {.creds = &creds};
    CHECK(md_pptp_new(&p) == 0);
    CHECK(md_track_new(&t, &tc) == 0);
    uint64_t ts = 1700000000ull * 1000000u, ends = 0;
    while (size >= 3) {
        size_t n = (size_t)data[0] << 8 | data[1];
        ts += (uint64_t)data[2] * 1000u;
        data += 3;
        size -= 3;
        if (n > size)
            n = size;
        CHECK(md_pptp_input(p, ts, data, n) == 0);
        ends += drain(p, t);
        data += n;
        size -= n;
    }
    CHECK(md_pptp_finish(p) == 0);
    ends += drain(p, t);
    const struct md_pptp_stats *st = md_pptp_stats(p);
    CHECK(ends == st->calls + st->calls_guessed);
    size_t ns;
    const struct md_session *ss = md_track_sessions(t, &ns);
    for (size_t i = 0; i < ns; i++)
        CHECK(ss[i].decrypted + ss[i].failed == ss[i].frames);
    md_track_del(t);
    md_pptp_del(p);
    return 0;
}
