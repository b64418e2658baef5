/*
 * Shared by the capture generators of the mppe-decrypt test
 * (mppe_capture_gen.c, pptp_capture_gen.c): a seeded PRNG, the ICMP echo
 * requests they send through libuppp sessions, and the line they write to
 * the expected file for each packet a session delivers: the fields tshark
 * prints for it (ip.src, ip.dst, icmp.type, data); and the sessions'
 * secret and log callbacks.
 */
#ifndef GEN_UTIL_H
#define GEN_UTIL_H

#include <uppp/session.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every generated session's password. */
#define PASSWORD "Gen-pw-1"

/* ICMP echo with a 24-octet text payload. */
#define GEN_ICMP_LEN (28 + 24)

static inline uint64_t gen_rnd(uint64_t *st)
{
    uint64_t x = *st ? *st : 0x9e3779b97f4a7c15ull;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *st = x;
    return x * 2685821657736338717ull;
}

/* RFC 791 header checksum over n octets (n even). */
static inline uint16_t gen_ip_checksum(const uint8_t *p, size_t n)
{
    uint32_t sum = 0;
    for (size_t i = 0; i < n; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* An ICMP echo request from src to dst (host order), sequence seq, its
 * payload naming the sender by tag. Returns its length. */
static inline size_t gen_icmp(uint8_t *p, uint32_t src, uint32_t dst, char tag, unsigned seq)
{
    size_t len = GEN_ICMP_LEN;
    memset(p, 0, len);
    p[0] = 0x45;
    p[3] = (uint8_t)len;
    p[5] = (uint8_t)seq;
    p[8] = 64;
    p[9] = 1;
    for (int i = 0; i < 4; i++) {
        p[12 + i] = (uint8_t)(src >> (24 - 8 * i));
        p[16 + i] = (uint8_t)(dst >> (24 - 8 * i));
    }
    uint16_t sum = gen_ip_checksum(p, 20);
    p[10] = (uint8_t)(sum >> 8);
    p[11] = (uint8_t)sum;
    p[20] = 8; /* echo request */
    p[26] = (uint8_t)(seq >> 8);
    /* The sequence number moves on by the payload per segment (seq / 5:
     * the generators send every fifth packet as TCP), so that tshark sees
     * new data, not retransmissions. */
    uint32_t tseq = 1000u + 24u * (seq / 5);
    for (int i = 0; i < 4; i++)
        p[24 + i] = (uint8_t)(tseq >> (24 - 8 * i));
    char txt[32];
    snprintf(txt, sizeof(txt), "mppe-gen %c seq %05u....", tag, seq % 100000u);
    memcpy(p + 28, txt, 24);
    return len;
}

/* A TCP segment (RFC 793 section 3.1) from src to dst, port 40123 to
 * 40124 (no dissector claims them: tshark shows the payload as data), a
 * 24-octet text payload naming the sender by tag. Returns its length. */
#define GEN_TCP_LEN (20 + 20 + 24)
static inline size_t gen_tcp(uint8_t *p, uint32_t src, uint32_t dst, char tag, unsigned seq)
{
    size_t len = gen_icmp(p, src, dst, tag, seq); /* the IPv4 header and text */
    memmove(p + 40, p + 28, 24);
    memset(p + 20, 0, 20);
    p[3] = GEN_TCP_LEN;
    p[9] = 6;
    p[10] = p[11] = 0;
    uint16_t sum = gen_ip_checksum(p, 20);
    p[10] = (uint8_t)(sum >> 8);
    p[11] = (uint8_t)sum;
    p[20] = 0x9c, p[21] = 0xbb; /* 40123 */
    p[22] = 0x9c, p[23] = 0xbc; /* 40124 */
    /* The sequence number moves on by the payload per segment (seq / 5:
     * the generators send every fifth packet as TCP), so that tshark sees
     * new data, not retransmissions. */
    uint32_t tseq = 1000u + 24u * (seq / 5);
    for (int i = 0; i < 4; i++)
        p[24 + i] = (uint8_t)(tseq >> (24 - 8 * i));
    p[32] = 5 << 4;
    p[33] = 0x18; /* PSH ACK */
    p[34] = 0xff;
    return len + 12;
}

/* The expected line for a delivered IPv4 packet (others are not written):
 * ICMP with its type, TCP without (icmp.type empty), the payload as data. */
static inline void gen_expect(FILE *f, uint16_t proto, const uint8_t *p, size_t len)
{
    if (proto != 0x0021 || len < 28)
        return;
    int tcp = p[9] == 6 && len >= 40;
    fprintf(f, "%u.%u.%u.%u\t%u.%u.%u.%u\t", p[12], p[13], p[14], p[15], p[16], p[17], p[18],
            p[19]);
    if (!tcp)
        fprintf(f, "%u", p[20]);
    fputc('\t', f);
    for (size_t i = tcp ? 40 : 28; i < len; i++)
        fprintf(f, "%02x", p[i]);
    fputc('\n', f);
}

/* uppp get_secret: PASSWORD for everyone. */
static inline int gen_secret_cb(void *user, const struct uppp_secret_query *q,
                                struct uppp_secret *out)
{
    (void)user;
    (void)q;
    memset(out, 0, sizeof(*out));
    out->kind = UPPP_SECRET_PASSWORD;
    snprintf(out->password, sizeof(out->password), "%s", PASSWORD);
    return 0;
}

/* uppp log: to stderr when GEN_DEBUG is set. */
static inline void gen_log_cb(void *user, int level, const char *line)
{
    (void)user;
    (void)level;
    if (getenv("GEN_DEBUG"))
        fprintf(stderr, "%s\n", line);
}

#endif
