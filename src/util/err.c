/* uppp_strerror: one line of English per uppp_err. */
#include <uppp/err.h>

const char *uppp_strerror(int err)
{
    switch (err) {
    case UPPP_OK:
        return "success";
    case UPPP_ERR_INVALID:
        return "invalid argument";
    case UPPP_ERR_NOMEM:
        return "out of memory";
    case UPPP_ERR_CRYPTO_UNAVAILABLE:
        return "crypto unavailable: OpenSSL's legacy provider (MD4, DES, RC4) could not be loaded";
    case UPPP_ERR_CRYPTO:
        return "crypto operation failed";
    case UPPP_ERR_UTF8:
        return "password is not valid UTF-8";
    case UPPP_ERR_PASSWORD_TOO_LONG:
        return "password too long (over 256 UTF-16 characters, or over 14 for a LAN Manager "
               "hash)";
    case UPPP_ERR_AUTH:
        return "authentication failed";
    case UPPP_ERR_RANDOM:
        return "random source failed";
    case UPPP_ERR_NOBUF:
        return "buffer too small";
    case UPPP_ERR_PARSE:
        return "malformed input";
    case UPPP_ERR_LM_PASSWORD:
        return "password has no LAN Manager hash (only ASCII passwords have one here)";
    case UPPP_ERR_PROTO:
        return "message not allowed in this state";
    case UPPP_ERR_LIMIT:
        return "configured limit reached";
    case UPPP_ERR_CLOSED:
        return "closed";
    case UPPP_ERR_DROPPED:
        return "packet dropped: it cannot be sent now";
    case UPPP_ERR_NO_REQUEST:
        return "no authentication request is pending";
    case UPPP_ERR_TIMEOUT:
        return "no server answered";
    }
    return "unknown error";
}
