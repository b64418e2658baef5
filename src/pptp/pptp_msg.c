/*
 * PPTP control message codec and TCP stream reassembly (RFC 2637 section
 * 1.4 header, sections 2.1-2.16 message layouts and code tables).
 *
 * Each message has one fixed length; rather than trust the Length field we
 * require it to equal the length of its type, which is what makes the
 * reassembler's buffer bounded and garbage detectable after 12 octets.
 */
#include <uppp/pptp_msg.h>
#include <uppp/err.h>

#include <string.h>

static const uint16_t msg_lens[UPPP_PPTP_CTRL_TYPE_MAX + 1] = {
    [UPPP_PPTP_SCCRQ] = UPPP_PPTP_SCCRQ_LEN,       [UPPP_PPTP_SCCRP] = UPPP_PPTP_SCCRP_LEN,
    [UPPP_PPTP_STOPCCRQ] = UPPP_PPTP_STOPCCRQ_LEN, [UPPP_PPTP_STOPCCRP] = UPPP_PPTP_STOPCCRP_LEN,
    [UPPP_PPTP_ECHORQ] = UPPP_PPTP_ECHORQ_LEN,     [UPPP_PPTP_ECHORP] = UPPP_PPTP_ECHORP_LEN,
    [UPPP_PPTP_OCRQ] = UPPP_PPTP_OCRQ_LEN,         [UPPP_PPTP_OCRP] = UPPP_PPTP_OCRP_LEN,
    [UPPP_PPTP_ICRQ] = UPPP_PPTP_ICRQ_LEN,         [UPPP_PPTP_ICRP] = UPPP_PPTP_ICRP_LEN,
    [UPPP_PPTP_ICCN] = UPPP_PPTP_ICCN_LEN,         [UPPP_PPTP_CCRQ] = UPPP_PPTP_CCRQ_LEN,
    [UPPP_PPTP_CDN] = UPPP_PPTP_CDN_LEN,           [UPPP_PPTP_WEN] = UPPP_PPTP_WEN_LEN,
    [UPPP_PPTP_SLI] = UPPP_PPTP_SLI_LEN,
};

static const char *const type_names[UPPP_PPTP_CTRL_TYPE_MAX + 1] = {
    [UPPP_PPTP_SCCRQ] = "Start-Control-Connection-Request",
    [UPPP_PPTP_SCCRP] = "Start-Control-Connection-Reply",
    [UPPP_PPTP_STOPCCRQ] = "Stop-Control-Connection-Request",
    [UPPP_PPTP_STOPCCRP] = "Stop-Control-Connection-Reply",
    [UPPP_PPTP_ECHORQ] = "Echo-Request",
    [UPPP_PPTP_ECHORP] = "Echo-Reply",
    [UPPP_PPTP_OCRQ] = "Outgoing-Call-Request",
    [UPPP_PPTP_OCRP] = "Outgoing-Call-Reply",
    [UPPP_PPTP_ICRQ] = "Incoming-Call-Request",
    [UPPP_PPTP_ICRP] = "Incoming-Call-Reply",
    [UPPP_PPTP_ICCN] = "Incoming-Call-Connected",
    [UPPP_PPTP_CCRQ] = "Call-Clear-Request",
    [UPPP_PPTP_CDN] = "Call-Disconnect-Notify",
    [UPPP_PPTP_WEN] = "WAN-Error-Notify",
    [UPPP_PPTP_SLI] = "Set-Link-Info",
};

size_t uppp_pptp_msg_len(unsigned type)
{
    return type <= UPPP_PPTP_CTRL_TYPE_MAX ? msg_lens[type] : 0;
}

const char *uppp_pptp_type_name(unsigned type)
{
    return type >= 1 && type <= UPPP_PPTP_CTRL_TYPE_MAX ? type_names[type] : "unknown";
}

static const char *pick(const char *const *tab, size_t n, unsigned i)
{
    return i < n && tab[i] ? tab[i] : "unknown";
}
#define PICK(tab, i) pick(tab, sizeof(tab) / sizeof(tab[0]), i)

const char *uppp_pptp_result_name(unsigned type, unsigned result)
{
    /* Section 2.2 */
    static const char *const sccrp[] = {NULL,
                                        "Successful channel establishment",
                                        "General error",
                                        "Command channel already exists",
                                        "Requester is not authorized",
                                        "Protocol version not supported"};
    /* Sections 2.4 and 2.6 */
    static const char *const simple[] = {NULL, "OK", "General error"};
    /* Section 2.8 */
    static const char *const ocrp[] = {NULL,   "Connected",    "General Error", "No Carrier",
                                       "Busy", "No Dial Tone", "Time-out",      "Do Not Accept"};
    /* Section 2.10 */
    static const char *const icrp[] = {NULL, "Connect", "General Error", "Do Not Accept"};
    /* Section 2.13 */
    static const char *const cdn[] = {NULL, "Lost Carrier", "General Error", "Admin Shutdown",
                                      "Request"};
    switch (type) {
    case UPPP_PPTP_SCCRP:
        return PICK(sccrp, result);
    case UPPP_PPTP_STOPCCRP:
    case UPPP_PPTP_ECHORP:
        return PICK(simple, result);
    case UPPP_PPTP_OCRP:
        return PICK(ocrp, result);
    case UPPP_PPTP_ICRP:
        return PICK(icrp, result);
    case UPPP_PPTP_CDN:
        return PICK(cdn, result);
    }
    return "unknown";
}

const char *uppp_pptp_error_name(unsigned error)
{
    static const char *const names[] = {"None",        "Not-Connected", "Bad-Format", "Bad-Value",
                                        "No-Resource", "Bad-Call ID",   "PAC-Error"};
    return PICK(names, error);
}

const char *uppp_pptp_stop_reason_name(unsigned reason)
{
    static const char *const names[] = {NULL, "None", "Stop-Protocol", "Stop-Local-Shutdown"};
    return PICK(names, reason);
}

void uppp_pptp_text_set(struct uppp_pptp_text64 *t, const char *s)
{
    size_t n = s ? strnlen(s, sizeof(t->s)) : 0;
    memset(t->s, 0, sizeof(t->s));
    memcpy(t->s, s, n);
    t->len = (uint8_t)n;
}

/* ---------------------------------------------------------------- build */

struct wr {
    uint8_t *p;
};

static void w8(struct wr *w, unsigned v)
{
    *w->p++ = (uint8_t)v;
}
static void w16(struct wr *w, unsigned v)
{
    w8(w, v >> 8);
    w8(w, v);
}
static void w32(struct wr *w, uint32_t v)
{
    w16(w, v >> 16);
    w16(w, v & 0xffff);
}
static void wtext(struct wr *w, const struct uppp_pptp_text64 *t)
{
    /* Only the len octets: the rest of the field is NUL padding. */
    size_t n = t->len <= 64 ? t->len : 64;
    memcpy(w->p, t->s, n);
    memset(w->p + n, 0, 64 - n);
    w->p += 64;
}

int uppp_pptp_msg_build(const struct uppp_pptp_msg *m, uint8_t *buf, size_t cap)
{
    if (!m || !buf)
        return UPPP_ERR_INVALID;
    size_t len = uppp_pptp_msg_len((unsigned)m->type);
    if (len == 0)
        return UPPP_ERR_INVALID;
    if (cap < len)
        return UPPP_ERR_NOBUF;
    memset(buf, 0, len);
    struct wr w = {buf};
    w16(&w, (unsigned)len);
    w16(&w, UPPP_PPTP_MSG_TYPE_CONTROL);
    w32(&w, UPPP_PPTP_MAGIC_COOKIE);
    w16(&w, (unsigned)m->type);
    w16(&w, 0); /* Reserved0 */
    switch (m->type) {
    case UPPP_PPTP_SCCRQ:
    case UPPP_PPTP_SCCRP: {
        const struct uppp_pptp_sccrq *s = &m->u.sccrq;
        w16(&w, s->version);
        if (m->type == UPPP_PPTP_SCCRP) {
            w8(&w, s->result);
            w8(&w, s->error);
        } else {
            w16(&w, 0); /* Reserved1 */
        }
        w32(&w, s->framing_caps);
        w32(&w, s->bearer_caps);
        w16(&w, s->max_channels);
        w16(&w, s->firmware);
        wtext(&w, &s->host);
        wtext(&w, &s->vendor);
        break;
    }
    case UPPP_PPTP_STOPCCRQ:
    case UPPP_PPTP_STOPCCRP:
        w8(&w, m->u.stop.reason_or_result);
        /* Request: Reserved1 (zero); reply: Error Code. */
        w8(&w, m->type == UPPP_PPTP_STOPCCRP ? m->u.stop.error : 0);
        break;
    case UPPP_PPTP_ECHORQ:
    case UPPP_PPTP_ECHORP:
        w32(&w, m->u.echo.id);
        if (m->type == UPPP_PPTP_ECHORP) {
            w8(&w, m->u.echo.result);
            w8(&w, m->u.echo.error);
        }
        break;
    case UPPP_PPTP_OCRQ: {
        const struct uppp_pptp_ocrq *o = &m->u.ocrq;
        w16(&w, o->call_id);
        w16(&w, o->serial);
        w32(&w, o->min_bps);
        w32(&w, o->max_bps);
        w32(&w, o->bearer_type);
        w32(&w, o->framing_type);
        w16(&w, o->recv_window);
        w16(&w, o->proc_delay);
        w16(&w, o->phone_len);
        w16(&w, 0);
        wtext(&w, &o->phone);
        wtext(&w, &o->subaddr);
        break;
    }
    case UPPP_PPTP_OCRP: {
        const struct uppp_pptp_ocrp *o = &m->u.ocrp;
        w16(&w, o->call_id);
        w16(&w, o->peer_call_id);
        w8(&w, o->result);
        w8(&w, o->error);
        w16(&w, o->cause);
        w32(&w, o->speed);
        w16(&w, o->recv_window);
        w16(&w, o->proc_delay);
        w32(&w, o->channel_id);
        break;
    }
    case UPPP_PPTP_ICRQ: {
        const struct uppp_pptp_icrq *i = &m->u.icrq;
        w16(&w, i->call_id);
        w16(&w, i->serial);
        w32(&w, i->bearer_type);
        w32(&w, i->channel_id);
        w16(&w, i->dialed_len);
        w16(&w, i->dialing_len);
        wtext(&w, &i->dialed);
        wtext(&w, &i->dialing);
        wtext(&w, &i->subaddr);
        break;
    }
    case UPPP_PPTP_ICRP: {
        const struct uppp_pptp_icrp *i = &m->u.icrp;
        w16(&w, i->call_id);
        w16(&w, i->peer_call_id);
        w8(&w, i->result);
        w8(&w, i->error);
        w16(&w, i->recv_window);
        w16(&w, i->tx_delay);
        break;
    }
    case UPPP_PPTP_ICCN: {
        const struct uppp_pptp_iccn *i = &m->u.iccn;
        w16(&w, i->peer_call_id);
        w16(&w, 0);
        w32(&w, i->speed);
        w16(&w, i->recv_window);
        w16(&w, i->tx_delay);
        w32(&w, i->framing_type);
        break;
    }
    case UPPP_PPTP_CCRQ:
        w16(&w, m->u.ccrq.call_id);
        break;
    case UPPP_PPTP_CDN: {
        const struct uppp_pptp_cdn *c = &m->u.cdn;
        w16(&w, c->call_id);
        w8(&w, c->result);
        w8(&w, c->error);
        w16(&w, c->cause);
        w16(&w, 0);
        memcpy(w.p, c->stats, sizeof(c->stats));
        break;
    }
    case UPPP_PPTP_WEN: {
        const struct uppp_pptp_wen *e = &m->u.wen;
        w16(&w, e->peer_call_id);
        w16(&w, 0);
        w32(&w, e->crc_errors);
        w32(&w, e->framing_errors);
        w32(&w, e->hw_overruns);
        w32(&w, e->buf_overruns);
        w32(&w, e->timeouts);
        w32(&w, e->alignment);
        break;
    }
    case UPPP_PPTP_SLI:
        w16(&w, m->u.sli.peer_call_id);
        w16(&w, 0);
        w32(&w, m->u.sli.send_accm);
        w32(&w, m->u.sli.recv_accm);
        break;
    }
    return (int)len;
}

/* ---------------------------------------------------------------- parse */

struct rd {
    const uint8_t *p;
};

static uint8_t r8(struct rd *r)
{
    return *r->p++;
}
static uint16_t r16(struct rd *r)
{
    uint16_t v = (uint16_t)(r->p[0] << 8 | r->p[1]);
    r->p += 2;
    return v;
}
static uint32_t r32(struct rd *r)
{
    uint32_t v = (uint32_t)r16(r) << 16;
    return v | r16(r);
}
static void rtext(struct rd *r, struct uppp_pptp_text64 *t)
{
    memcpy(t->s, r->p, 64);
    t->len = (uint8_t)strnlen((const char *)t->s, 64);
    r->p += 64;
}

/* The header checks shared by the parser and the reassembler: returns the
 * message length, or UPPP_ERR_PARSE. */
static int check_header(const uint8_t *h)
{
    unsigned len = (unsigned)(h[0] << 8 | h[1]);
    unsigned pptp_type = (unsigned)(h[2] << 8 | h[3]);
    uint32_t cookie = (uint32_t)h[4] << 24 | (uint32_t)h[5] << 16 | (uint32_t)h[6] << 8 | h[7];
    unsigned type = (unsigned)(h[8] << 8 | h[9]);
    if (pptp_type != UPPP_PPTP_MSG_TYPE_CONTROL || cookie != UPPP_PPTP_MAGIC_COOKIE)
        return UPPP_ERR_PARSE;
    size_t want = uppp_pptp_msg_len(type);
    if (want == 0 || len != want)
        return UPPP_ERR_PARSE;
    return (int)len;
}

int uppp_pptp_msg_parse(const uint8_t *buf, size_t len, struct uppp_pptp_msg *m)
{
    if (!buf || !m)
        return UPPP_ERR_INVALID;
    if (len < UPPP_PPTP_HEADER_LEN)
        return UPPP_ERR_PARSE;
    int hl = check_header(buf);
    if (hl < 0 || (size_t)hl != len)
        return UPPP_ERR_PARSE;
    memset(m, 0, sizeof(*m));
    m->type = (enum uppp_pptp_ctrl_type)(buf[8] << 8 | buf[9]);
    struct rd r = {buf + UPPP_PPTP_HEADER_LEN};
    switch (m->type) {
    case UPPP_PPTP_SCCRQ:
    case UPPP_PPTP_SCCRP: {
        struct uppp_pptp_sccrq *s = &m->u.sccrq;
        s->version = r16(&r);
        if (m->type == UPPP_PPTP_SCCRP) {
            s->result = r8(&r);
            s->error = r8(&r);
        } else {
            r.p += 2;
        }
        s->framing_caps = r32(&r);
        s->bearer_caps = r32(&r);
        s->max_channels = r16(&r);
        s->firmware = r16(&r);
        rtext(&r, &s->host);
        rtext(&r, &s->vendor);
        break;
    }
    case UPPP_PPTP_STOPCCRQ:
    case UPPP_PPTP_STOPCCRP:
        m->u.stop.reason_or_result = r8(&r);
        m->u.stop.error = m->type == UPPP_PPTP_STOPCCRP ? r8(&r) : 0;
        break;
    case UPPP_PPTP_ECHORQ:
    case UPPP_PPTP_ECHORP:
        m->u.echo.id = r32(&r);
        if (m->type == UPPP_PPTP_ECHORP) {
            m->u.echo.result = r8(&r);
            m->u.echo.error = r8(&r);
        }
        break;
    case UPPP_PPTP_OCRQ: {
        struct uppp_pptp_ocrq *o = &m->u.ocrq;
        o->call_id = r16(&r);
        o->serial = r16(&r);
        o->min_bps = r32(&r);
        o->max_bps = r32(&r);
        o->bearer_type = r32(&r);
        o->framing_type = r32(&r);
        o->recv_window = r16(&r);
        o->proc_delay = r16(&r);
        o->phone_len = r16(&r);
        r.p += 2;
        rtext(&r, &o->phone);
        rtext(&r, &o->subaddr);
        break;
    }
    case UPPP_PPTP_OCRP: {
        struct uppp_pptp_ocrp *o = &m->u.ocrp;
        o->call_id = r16(&r);
        o->peer_call_id = r16(&r);
        o->result = r8(&r);
        o->error = r8(&r);
        o->cause = r16(&r);
        o->speed = r32(&r);
        o->recv_window = r16(&r);
        o->proc_delay = r16(&r);
        o->channel_id = r32(&r);
        break;
    }
    case UPPP_PPTP_ICRQ: {
        struct uppp_pptp_icrq *i = &m->u.icrq;
        i->call_id = r16(&r);
        i->serial = r16(&r);
        i->bearer_type = r32(&r);
        i->channel_id = r32(&r);
        i->dialed_len = r16(&r);
        i->dialing_len = r16(&r);
        rtext(&r, &i->dialed);
        rtext(&r, &i->dialing);
        rtext(&r, &i->subaddr);
        break;
    }
    case UPPP_PPTP_ICRP: {
        struct uppp_pptp_icrp *i = &m->u.icrp;
        i->call_id = r16(&r);
        i->peer_call_id = r16(&r);
        i->result = r8(&r);
        i->error = r8(&r);
        i->recv_window = r16(&r);
        i->tx_delay = r16(&r);
        break;
    }
    case UPPP_PPTP_ICCN: {
        struct uppp_pptp_iccn *i = &m->u.iccn;
        i->peer_call_id = r16(&r);
        r.p += 2;
        i->speed = r32(&r);
        i->recv_window = r16(&r);
        i->tx_delay = r16(&r);
        i->framing_type = r32(&r);
        break;
    }
    case UPPP_PPTP_CCRQ:
        m->u.ccrq.call_id = r16(&r);
        break;
    case UPPP_PPTP_CDN: {
        struct uppp_pptp_cdn *c = &m->u.cdn;
        c->call_id = r16(&r);
        c->result = r8(&r);
        c->error = r8(&r);
        c->cause = r16(&r);
        r.p += 2;
        memcpy(c->stats, r.p, sizeof(c->stats));
        break;
    }
    case UPPP_PPTP_WEN: {
        struct uppp_pptp_wen *e = &m->u.wen;
        e->peer_call_id = r16(&r);
        r.p += 2;
        e->crc_errors = r32(&r);
        e->framing_errors = r32(&r);
        e->hw_overruns = r32(&r);
        e->buf_overruns = r32(&r);
        e->timeouts = r32(&r);
        e->alignment = r32(&r);
        break;
    }
    case UPPP_PPTP_SLI:
        m->u.sli.peer_call_id = r16(&r);
        r.p += 2;
        m->u.sli.send_accm = r32(&r);
        m->u.sli.recv_accm = r32(&r);
        break;
    default:
        return UPPP_ERR_PARSE; /* unreachable: check_header() knows the types */
    }
    return 0;
}

/* ------------------------------------------------------------- stream */

void uppp_pptp_stream_init(struct uppp_pptp_stream *s)
{
    memset(s, 0, sizeof(*s));
}

int uppp_pptp_stream_next(struct uppp_pptp_stream *s, const uint8_t *data, size_t len, size_t *used,
                          const uint8_t **msg, size_t *msg_len)
{
    if (!s || (!data && len) || !used || !msg || !msg_len)
        return UPPP_ERR_INVALID;
    *used = 0;
    if (s->error)
        return s->error;
    /* Fast path: a whole message at the start of data, nothing held. */
    if (s->have == 0 && len >= UPPP_PPTP_HEADER_LEN) {
        int ml = check_header(data);
        if (ml < 0)
            return s->error = ml;
        if (len >= (size_t)ml) {
            *used = (size_t)ml;
            *msg = data;
            *msg_len = (size_t)ml;
            return 1;
        }
    }
    while (*used < len) {
        size_t want = UPPP_PPTP_HEADER_LEN;
        if (s->have >= UPPP_PPTP_HEADER_LEN)
            want = (size_t)(s->buf[0] << 8 | s->buf[1]); /* checked below */
        size_t take = want - s->have;
        if (take > len - *used)
            take = len - *used;
        memcpy(s->buf + s->have, data + *used, take);
        s->have += take;
        *used += take;
        if (s->have == UPPP_PPTP_HEADER_LEN && want == UPPP_PPTP_HEADER_LEN) {
            int ml = check_header(s->buf);
            if (ml < 0)
                return s->error = ml;
            continue; /* now read the body; a 12-octet message has none, but none exists */
        }
        if (s->have == want) {
            *msg = s->buf;
            *msg_len = want;
            s->have = 0;
            return 1;
        }
    }
    return 0;
}
