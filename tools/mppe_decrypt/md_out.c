/*
 * Raw-IP pcap writer (md_out.h). libpcap's DLT_RAW is written to the file
 * as LINKTYPE_RAW (101) whatever the platform's DLT_RAW value.
 */
#include "md_out.h"

#include <uppp/err.h>

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>

/* The largest IP packet (IPv4 total length, IPv6 without jumbograms). */
#define MD_OUT_SNAPLEN 65535

struct md_out {
    pcap_t *dead;
    pcap_dumper_t *dump;
};

int md_out_open(struct md_out **out, const char *path, char *err, size_t errlen)
{
    struct md_out *o = calloc(1, sizeof(*o));
    if (o == NULL)
        return UPPP_ERR_NOMEM;
    o->dead = pcap_open_dead(DLT_RAW, MD_OUT_SNAPLEN);
    if (o->dead == NULL) {
        free(o);
        return UPPP_ERR_NOMEM;
    }
    o->dump = pcap_dump_open(o->dead, path);
    if (o->dump == NULL) {
        snprintf(err, errlen, "%s", pcap_geterr(o->dead));
        pcap_close(o->dead);
        free(o);
        return UPPP_ERR_INVALID;
    }
    *out = o;
    return 0;
}

void md_out_packet(struct md_out *o, uint64_t ts_us, const uint8_t *ip, size_t len)
{
    struct pcap_pkthdr h;
    h.ts.tv_sec = (time_t)(ts_us / 1000000u);
    h.ts.tv_usec = (suseconds_t)(ts_us % 1000000u);
    h.caplen = h.len = (bpf_u_int32)(len < MD_OUT_SNAPLEN ? len : MD_OUT_SNAPLEN);
    pcap_dump((u_char *)o->dump, &h, ip);
}

int md_out_close(struct md_out *o)
{
    if (o == NULL)
        return 0;
    int rc = pcap_dump_flush(o->dump) == 0 ? 0 : UPPP_ERR_INVALID;
    pcap_dump_close(o->dump);
    pcap_close(o->dead);
    free(o);
    return rc;
}
