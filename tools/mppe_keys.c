/*
 * mppe-keys: print the MS-CHAP (RFC 2433, RFC 2759) values and the initial
 * MPPE session keys (RFC 3079) that a set of credentials and challenges
 * produce, one "name: value" line each, so that an administrator can compare
 * them with what pppd, a RADIUS server or Windows computed.
 *
 * Exit status: 0 success, 1 a runtime failure (crypto unavailable), 2 bad
 * arguments (with a usage message on stderr).
 */
#include <uppp/err.h>
#include <uppp/hex.h>
#include <uppp/mppe_keys.h>
#include <uppp/mschap.h>

#include "crypto.h"
#include "utf16.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "mppe-keys"

static const char usage_text[] =
    "usage: " PROG " v2 --user NAME (--password UTF8 | --nt-hash HEX32)\n"
    "                 --auth-challenge HEX32 --peer-challenge HEX32 [--bits 40|56|128]\n"
    "       " PROG " v1 (--password UTF8 | --nt-hash HEX32) --challenge HEX16\n"
    "                 [--bits 40|56|128]\n"
    "       " PROG " --help\n";

static const char help_text[] =
    "NAME\n"
    "    " PROG " - show MS-CHAP responses and MPPE session keys for given credentials\n"
    "\n"
    "SYNOPSIS\n"
    "    " PROG " v2 --user NAME (--password UTF8 | --nt-hash HEX32)\n"
    "              --auth-challenge HEX32 --peer-challenge HEX32 [--bits 40|56|128]\n"
    "    " PROG " v1 (--password UTF8 | --nt-hash HEX32) --challenge HEX16\n"
    "              [--bits 40|56|128]\n"
    "    " PROG " --help\n"
    "\n"
    "DESCRIPTION\n"
    "    Computes, from a password (or its NT hash) and the challenges seen in a\n"
    "    PPP session, every value MS-CHAP exchanges and the MPPE keys both ends\n"
    "    derive from it, and prints them one per line as \"name: value\". Binary\n"
    "    values are lowercase hex. Use it to find which step disagrees when a\n"
    "    peer, pppd, a RADIUS server or Windows reports that keys do not match:\n"
    "    feed it the challenges from a packet capture or a pppd debug log.\n"
    "\n"
    "    v2   MS-CHAPv2 (RFC 2759) with MPPE keys per RFC 3079 section 3.\n"
    "    v1   MS-CHAPv1 (RFC 2433) with MPPE keys per RFC 3079 section 2.\n"
    "\n"
    "OPTIONS\n"
    "    --user NAME\n"
    "        (v2, required) The user name exactly as the peer sends it in the\n"
    "        Response packet's Name field. A \"DOMAIN\\\" prefix is allowed; as\n"
    "        RFC 2759 section 8.2 requires, only the part after the last\n"
    "        backslash enters the challenge hash. Case matters.\n"
    "\n"
    "    --password UTF8\n"
    "        The password, as UTF-8 text. It is hashed as UTF-16LE, as Windows\n"
    "        does (RFC 2759 section 8.3); at most 256 UTF-16 code units. pppd\n"
    "        2.4.9 instead zero-extends each byte, so for a non-ASCII password\n"
    "        pppd and this tool (and Windows) disagree. The password is visible\n"
    "        to other local users in the process list: prefer --nt-hash for real\n"
    "        accounts.\n"
    "\n"
    "    --nt-hash HEX32\n"
    "        Instead of --password: the 16-octet NT password hash (MD4 of the\n"
    "        UTF-16LE password) as 32 hex digits, as stored by RADIUS servers and\n"
    "        by upppd's \"nthash:\" secrets. Exactly one of --password and\n"
    "        --nt-hash must be given. v1 with --bits 40 or 56 needs --password.\n"
    "\n"
    "    --auth-challenge HEX32\n"
    "        (v2, required) The 16-octet challenge from the authenticator's\n"
    "        Challenge packet, as 32 hex digits.\n"
    "\n"
    "    --peer-challenge HEX32\n"
    "        (v2, required) The 16-octet Peer-Challenge, the first 16 octets of\n"
    "        the Value field of the peer's Response packet, as 32 hex digits.\n"
    "\n"
    "    --challenge HEX16\n"
    "        (v1, required) The 8-octet challenge from the authenticator's\n"
    "        Challenge packet, as 16 hex digits.\n"
    "\n"
    "    --bits 40|56|128\n"
    "        The MPPE key strength negotiated in CCP (pppd's \"<mppe +H>\" is\n"
    "        128, \"+M\" 56, \"+L\" 40). Default 128. Keys of 40 and 56 bits are\n"
    "        8 octets whose first 3 octets (40) or first octet (56) are replaced\n"
    "        by the salt D1 26 9E / D1 (RFC 3079 sections 2.1, 2.2, 3.1, 3.2).\n"
    "\n"
    "    -h, --help\n"
    "        Print this help and exit.\n"
    "\n"
    "    Hex arguments accept either case. Options may also be written\n"
    "    --name=value.\n"
    "\n"
    "OUTPUT\n"
    "  v2, in this order:\n"
    "    password-hash           NtPasswordHash (RFC 2759 8.3), 16 octets\n"
    "    password-hash-hash      HashNtPasswordHash (8.4), 16 octets\n"
    "    challenge               ChallengeHash (8.2), 8 octets\n"
    "    nt-response             GenerateNTResponse (8.1), 24 octets: what the\n"
    "                            peer sends in its Response\n"
    "    authenticator-response  GenerateAuthenticatorResponse (8.7) exactly as\n"
    "                            the authenticator sends it in its Success\n"
    "                            message: \"S=\" and 40 uppercase hex digits\n"
    "    master-key              GetMasterKey (RFC 3079 3.4), 16 octets\n"
    "    server-send-key         initial session key for the authenticator's\n"
    "                            sending direction (the peer's receiving one)\n"
    "    client-send-key         initial session key for the peer's sending\n"
    "                            direction (the authenticator's receiving one)\n"
    "    The two session keys are what the MPPE engine encrypts the first\n"
    "    packet with: GetNewKeyFromSHA(start key, start key), then the\n"
    "    40/56-bit salt; 16 octets for 128 bits, 8 octets otherwise. This is\n"
    "    what Linux ppp_mppe computes and what RFC 3079 section 3.5 shows.\n"
    "\n"
    "  v1, in this order:\n"
    "    password-hash           NtPasswordHash (RFC 2433 A.6), 16 octets\n"
    "    nt-response             NtChallengeResponse (A.5), 24 octets\n"
    "    lm-response             LmChallengeResponse (A.1), 24 octets. Printed\n"
    "                            only when --password is given and the password\n"
    "                            has a LAN Manager form (at most 14 ASCII\n"
    "                            characters); otherwise a note goes to stderr.\n"
    "                            pppd sends zeros in this field.\n"
    "    session-key             initial MPPE session key, the same in both\n"
    "                            directions: for 128 bits from the NT hash and\n"
    "                            the challenge (RFC 3079 2.3); for 40 and 56\n"
    "                            bits from the LAN Manager hash (2.1, 2.2),\n"
    "                            which pppd does not offer.\n"
    "\n"
    "EXIT STATUS\n"
    "    0  success\n"
    "    1  the computation failed, e.g. OpenSSL's \"legacy\" provider (MD4,\n"
    "       DES, RC4) could not be loaded; the message says why\n"
    "    2  bad arguments: unknown subcommand or option, missing or repeated\n"
    "       option, malformed hex, bad --bits, a password that is not UTF-8 or\n"
    "       is too long, or v1 --bits 40/56 without a usable LAN Manager\n"
    "       password\n"
    "\n"
    "ENVIRONMENT\n"
    "    OPENSSL_MODULES  where OpenSSL looks for legacy.so.\n"
    "\n"
    "EXAMPLES\n"
    "    The example of RFC 2759 section 9.2 and RFC 3079 section 3.5:\n"
    "        " PROG " v2 --user User --password clientPass \\\n"
    "            --auth-challenge 5B5D7C7D7B3F2F3E3C2C602132262628 \\\n"
    "            --peer-challenge 21402324255E262A28295F2B3A337C7E\n"
    "    The example of RFC 3079 section 2.5.3:\n"
    "        " PROG " v1 --password clientPass --challenge 102DB5DF085D3041\n"
    "\n"
    "SEE ALSO\n"
    "    RFC 2433 (MS-CHAPv1), RFC 2759 (MS-CHAPv2), RFC 3078 (MPPE),\n"
    "    RFC 3079 (MPPE key derivation), pppd(8).\n";

__attribute__((noreturn, format(printf, 1, 2))) static void usage_error(const char *fmt, ...)
{
    va_list ap;
    fputs(PROG ": ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n", stderr);
    fputs(usage_text, stderr);
    fputs("Try '" PROG " --help' for more information.\n", stderr);
    exit(2);
}

/* A library call failed at run time: say why and exit 1. */
__attribute__((noreturn)) static void runtime_error(const char *what, int rc)
{
    if (rc == UPPP_ERR_CRYPTO_UNAVAILABLE)
        fprintf(stderr, PROG ": %s: %s\n", what, uppp_crypto_status());
    else
        fprintf(stderr, PROG ": %s: %s\n", what, uppp_strerror(rc));
    exit(1);
}

/* Exactly 2 * len hex digits into out[len], or a usage error naming opt. */
static void parse_hex(const char *opt, const char *text, uint8_t *out, size_t len)
{
    if (uppp_hex_decode(out, len, text, strlen(text)) != (int)len)
        usage_error("%s: expected %zu hex digits (%zu octets)", opt, 2 * len, len);
}

static void print_hex(const char *name, const uint8_t *v, size_t len)
{
    printf("%s: ", name);
    for (size_t i = 0; i < len; i++)
        printf("%02x", v[i]);
    putchar('\n');
}

enum { OPT_USER = 1, OPT_PASSWORD, OPT_NT_HASH, OPT_AUTH_CH, OPT_PEER_CH, OPT_CHALLENGE, OPT_BITS };

struct args {
    int v2;
    const char *user, *password, *nt_hash, *auth_ch, *peer_ch, *challenge, *bits;
};

static void parse_args(int argc, char **argv, struct args *a)
{
    static const struct option opts[] = {
        {"user", required_argument, NULL, OPT_USER},
        {"password", required_argument, NULL, OPT_PASSWORD},
        {"nt-hash", required_argument, NULL, OPT_NT_HASH},
        {"auth-challenge", required_argument, NULL, OPT_AUTH_CH},
        {"peer-challenge", required_argument, NULL, OPT_PEER_CH},
        {"challenge", required_argument, NULL, OPT_CHALLENGE},
        {"bits", required_argument, NULL, OPT_BITS},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(a, 0, sizeof(*a));
    if (argc < 2)
        usage_error("missing subcommand (v1 or v2)");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(help_text, stdout);
        exit(0);
    }
    if (strcmp(argv[1], "v2") == 0)
        a->v2 = 1;
    else if (strcmp(argv[1], "v1") != 0)
        usage_error("unknown subcommand '%s' (expected v1 or v2)", argv[1]);

    opterr = 0; /* our own messages */
    optind = 2;
    int c;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        const char **slot = NULL;
        const char *name = NULL;
        switch (c) {
        case 'h':
            fputs(help_text, stdout);
            exit(0);
        case OPT_USER:
            slot = &a->user, name = "--user";
            break;
        case OPT_PASSWORD:
            slot = &a->password, name = "--password";
            break;
        case OPT_NT_HASH:
            slot = &a->nt_hash, name = "--nt-hash";
            break;
        case OPT_AUTH_CH:
            slot = &a->auth_ch, name = "--auth-challenge";
            break;
        case OPT_PEER_CH:
            slot = &a->peer_ch, name = "--peer-challenge";
            break;
        case OPT_CHALLENGE:
            slot = &a->challenge, name = "--challenge";
            break;
        case OPT_BITS:
            slot = &a->bits, name = "--bits";
            break;
        case ':':
            usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
            usage_error("unknown option '%s'", argv[optind - 1]);
        }
        if (*slot != NULL)
            usage_error("%s given twice", name);
        *slot = optarg;
    }
    if (optind < argc)
        usage_error("unexpected argument '%s'", argv[optind]);

    if (a->password != NULL && a->nt_hash != NULL)
        usage_error("give either --password or --nt-hash, not both");
    if (a->password == NULL && a->nt_hash == NULL)
        usage_error("missing --password or --nt-hash");
    if (a->v2) {
        if (a->challenge != NULL)
            usage_error("--challenge is for v1; v2 takes --auth-challenge and --peer-challenge");
        if (a->user == NULL)
            usage_error("v2 needs --user");
        if (a->auth_ch == NULL)
            usage_error("v2 needs --auth-challenge");
        if (a->peer_ch == NULL)
            usage_error("v2 needs --peer-challenge");
    } else {
        if (a->user != NULL)
            usage_error("--user is for v2 (MS-CHAPv1 responses do not depend on the user name)");
        if (a->auth_ch != NULL || a->peer_ch != NULL)
            usage_error("--auth-challenge and --peer-challenge are for v2; v1 takes --challenge");
        if (a->challenge == NULL)
            usage_error("v1 needs --challenge");
    }
}

static int parse_bits(const char *text)
{
    if (text == NULL)
        return 128;
    if (strcmp(text, "40") == 0)
        return 40;
    if (strcmp(text, "56") == 0)
        return 56;
    if (strcmp(text, "128") == 0)
        return 128;
    usage_error("--bits: expected 40, 56 or 128");
}

/* Reject a password that is not UTF-8 or is too long before any crypto
 * runs, so that it is reported as the usage error it is. */
static void check_password(const char *pw)
{
    uint8_t u16[2 * UPPP_MSCHAP_MAX_PASSWORD_UNITS];
    size_t units;
    int rc = uppp_utf8_to_utf16le(pw, strlen(pw), u16, UPPP_MSCHAP_MAX_PASSWORD_UNITS, &units);
    uppp_memzero(u16, sizeof(u16));
    if (rc == UPPP_ERR_UTF8)
        usage_error("--password: not valid UTF-8");
    if (rc == UPPP_ERR_PASSWORD_TOO_LONG)
        usage_error("--password: longer than %d UTF-16 characters (RFC 2759)",
                    UPPP_MSCHAP_MAX_PASSWORD_UNITS);
    if (rc != 0)
        runtime_error("--password", rc);
}

/* Why a password has no LAN Manager hash, or NULL if it has one. */
static const char *lm_problem(int rc)
{
    if (rc == UPPP_ERR_LM_PASSWORD)
        return "the password is not ASCII, and the LAN Manager hash is only defined for the "
               "peer's OEM code page";
    if (rc == UPPP_ERR_PASSWORD_TOO_LONG)
        return "the password is longer than 14 characters";
    return NULL;
}

struct secrets {
    uint8_t pw_hash[16], pw_hash_hash[16], nt_response[24], lm_hash[16], lm_response[24];
    uint8_t master[16], send_start[16], recv_start[16], key1[16], key2[16];
};

static int run_v2(const struct args *a, int bits, struct secrets *s)
{
    uint8_t auth_ch[16], peer_ch[16], challenge[8];
    char auth_resp[UPPP_MSCHAP_AUTH_RESPONSE_SIZE];
    parse_hex("--auth-challenge", a->auth_ch, auth_ch, 16);
    parse_hex("--peer-challenge", a->peer_ch, peer_ch, 16);
    size_t user_len = strlen(a->user);
    int rc;

    if (a->password != NULL) {
        rc = uppp_nt_password_hash(a->password, strlen(a->password), s->pw_hash);
        if (rc != 0)
            runtime_error("NtPasswordHash", rc);
    }
    if ((rc = uppp_hash_nt_password_hash(s->pw_hash, s->pw_hash_hash)) != 0)
        runtime_error("HashNtPasswordHash", rc);
    if ((rc = uppp_challenge_hash(peer_ch, auth_ch, a->user, user_len, challenge)) != 0)
        runtime_error("ChallengeHash", rc);
    if ((rc = uppp_generate_nt_response_pwhash(auth_ch, peer_ch, a->user, user_len, s->pw_hash,
                                               s->nt_response)) != 0)
        runtime_error("GenerateNTResponse", rc);
    if ((rc = uppp_generate_authenticator_response_pwhash(
             s->pw_hash, s->nt_response, peer_ch, auth_ch, a->user, user_len, auth_resp)) != 0)
        runtime_error("GenerateAuthenticatorResponse", rc);
    if ((rc = uppp_get_master_key(s->pw_hash_hash, s->nt_response, s->master)) != 0)
        runtime_error("GetMasterKey", rc);
    /* From the authenticator's side: its send key is the client's receive
     * key and the other way round (RFC 3079 section 3.4). */
    if ((rc = uppp_mppe_v2_start_keys(s->pw_hash_hash, s->nt_response, 1, s->send_start,
                                      s->recv_start)) != 0)
        runtime_error("GetAsymmetricStartKey", rc);
    if ((rc = uppp_mppe_initial_session_key(s->send_start, bits, s->key1)) != 0 ||
        (rc = uppp_mppe_initial_session_key(s->recv_start, bits, s->key2)) != 0)
        runtime_error("initial session key", rc);

    size_t klen = (size_t)uppp_mppe_key_len(bits);
    print_hex("password-hash", s->pw_hash, 16);
    print_hex("password-hash-hash", s->pw_hash_hash, 16);
    print_hex("challenge", challenge, 8);
    print_hex("nt-response", s->nt_response, 24);
    printf("authenticator-response: %s\n", auth_resp);
    print_hex("master-key", s->master, 16);
    print_hex("server-send-key", s->key1, klen);
    print_hex("client-send-key", s->key2, klen);
    return 0;
}

static int run_v1(const struct args *a, int bits, struct secrets *s)
{
    uint8_t challenge[8];
    parse_hex("--challenge", a->challenge, challenge, 8);
    int rc;

    /* The LAN Manager hash, when there is a password that has one. */
    const char *no_lm = "--nt-hash gives no LAN Manager hash; it needs --password";
    if (a->password != NULL) {
        rc = uppp_lm_password_hash(a->password, strlen(a->password), s->lm_hash);
        no_lm = lm_problem(rc);
        if (rc != 0 && no_lm == NULL)
            runtime_error("LmPasswordHash", rc);
    }
    if (bits != 128 && no_lm != NULL)
        usage_error("--bits %d derives the key from the LAN Manager hash, but %s", bits, no_lm);

    if (a->password != NULL) {
        rc = uppp_nt_password_hash(a->password, strlen(a->password), s->pw_hash);
        if (rc != 0)
            runtime_error("NtPasswordHash", rc);
    }
    if ((rc = uppp_challenge_response(challenge, s->pw_hash, s->nt_response)) != 0)
        runtime_error("NtChallengeResponse", rc);
    if (no_lm == NULL && (rc = uppp_challenge_response(challenge, s->lm_hash, s->lm_response)) != 0)
        runtime_error("LmChallengeResponse", rc);
    if (bits == 128) {
        if ((rc = uppp_hash_nt_password_hash(s->pw_hash, s->pw_hash_hash)) != 0)
            runtime_error("HashNtPasswordHash", rc);
        if ((rc = uppp_mppe_v1_nt_start_key(challenge, s->pw_hash_hash, s->send_start)) != 0)
            runtime_error("GetStartKey", rc);
    } else {
        if ((rc = uppp_mppe_v1_lm_start_key(s->lm_hash, s->send_start)) != 0)
            runtime_error("LAN Manager start key", rc);
    }
    if ((rc = uppp_mppe_initial_session_key(s->send_start, bits, s->key1)) != 0)
        runtime_error("initial session key", rc);

    print_hex("password-hash", s->pw_hash, 16);
    print_hex("nt-response", s->nt_response, 24);
    if (no_lm == NULL)
        print_hex("lm-response", s->lm_response, 24);
    else
        fprintf(stderr, PROG ": note: no lm-response line: %s\n", no_lm);
    print_hex("session-key", s->key1, (size_t)uppp_mppe_key_len(bits));
    return 0;
}

int main(int argc, char **argv)
{
    struct args a;
    parse_args(argc, argv, &a);
    int bits = parse_bits(a.bits);

    static struct secrets s;
    if (a.nt_hash != NULL)
        parse_hex("--nt-hash", a.nt_hash, s.pw_hash, 16);
    else
        check_password(a.password);

    /* Fail early, with OpenSSL's reason, if MD4/DES/RC4 are missing. */
    int rc = uppp_crypto_init();
    if (rc != 0)
        runtime_error("cannot compute MS-CHAP values", rc);

    rc = a.v2 ? run_v2(&a, bits, &s) : run_v1(&a, bits, &s);
    uppp_memzero(&s, sizeof(s));
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror(PROG ": stdout");
        return 1;
    }
    return rc;
}
