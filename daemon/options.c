/*
 * The option table and what each option does, with pppd 2.4.9's semantics
 * (pppd(8); ppp-project/ppp pppd/options.c, auth.c, ccp.c, ipcp.c,
 * ipv6cp.c, lcp.c, tty.c; facts only). Also upppd_opts_finish(), which
 * turns the options into a uppp_config.
 *
 * Semantics worth knowing, each as pppd 2.4.9 has it unless marked "ours":
 *
 * Authentication (auth.c auth_options[], auth_check_options()):
 *   "auth" requires the peer to authenticate; require-pap/-chap/-mschap/
 *   -mschap-v2 turn "auth" on and restrict the methods we ask for to those
 *   named; "auth" alone asks for any method (pppd offers CHAP with every
 *   digest, then PAP). "noauth" turns it off again (the last one wins: pppd
 *   keeps auth, noauth and require-* in one priority group). refuse-* say
 *   which methods we will not use to authenticate ourselves.
 *   pppd also requires authentication by default when the system has a
 *   default route, but only for unprivileged users; we run as root, so
 *   that rule never applies (as for root in pppd).
 *
 * MPPE (ccp.c ccp_option_list[]; README.MPPE):
 *   pppd keeps one set of required strengths (ccp_wantoptions.mppe):
 *   require-mppe sets it to {40, 128}; require-mppe-40 / -128 add one
 *   strength (so require-mppe-128 alone means 128 only, and implies
 *   require-mppe); nomppe-40 / -128 remove one; nomppe empties it. MPPE is
 *   required when the set is not empty. Ours: require-mppe also allows 56
 *   bits (RFC 3078's third strength, which Linux and pppd do not do; a pppd
 *   peer just Naks it away) unless nomppe-56 removes it; require-mppe-56
 *   adds it. Ours: removing every strength while MPPE is required is an
 *   error, where pppd would silently run without MPPE.
 *   Ours: mppe-optional asks for MPPE but lets the link run in the clear,
 *   with a warning, if the peer refuses (as the mppe-optional patch of
 *   ppp-project/ppp issue 57 does with require-mppe); alone it asks for
 *   every strength not removed by nomppe-N.
 *   Without any MPPE option pppd never negotiates MPPE; upppd keeps the
 *   session's default (uppp_config_init: accept MPPE if the peer asks).
 *   Stateful mode: pppd always asks for stateless; mppe-stateful lets it
 *   accept stateful if the peer insists; nomppe-stateful (the default)
 *   refuses. Ours: request-mppe-stateful asks for stateful and implies
 *   mppe-stateful.
 *
 * The 1999 MPPE patch (Tim Hockin, Cobalt Networks; still in Apple's pppd,
 * mppe.c setmppe_40() etc.) and the MS-CHAP options of that time:
 *   mppe-40 / mppe-128 turned MPPE on (wanted and allowed) with that
 *   strength. We map them to require-mppe-40 / require-mppe-128, which is
 *   also what pppd 2.4's "+mppe-40" / "+mppe-128" aliases mean. The 1999
 *   patch ran in the clear if the peer refused; we do not (add
 *   mppe-optional for that).
 *   mppe-stateless asked for stateless mode (that patch's default was
 *   stateful): we map it to nomppe-stateful, which also cancels
 *   request-mppe-stateful.
 *   +chapms / +chapms-v2 required the peer to authenticate with MS-CHAP /
 *   MS-CHAPv2: require-mschap / require-mschap-v2. -chapms / -chapms-v2
 *   refused them: refuse-mschap / refuse-mschap-v2.
 *
 * The MPPE/MPPC patch's "mppe" option (ppp-2.4.x-mppe-mppc, still written
 * by OpenWrt's pptpd scripts, immortalwrt#1733): one word of
 * comma-separated items: "required" (MPPE must come up), "stateless"
 * (refuse stateful mode), "no40", "no56", "no128" (remove a strength).
 * Without "required" MPPE is asked for but optional.
 *
 * Security-relevant options that we accept but cannot honour are errors,
 * not no-ops: require-eap (we have no EAP), MPPE required together with
 * noccp. refuse-eap is accepted: we never authenticate with EAP anyway.
 * Compression options (nobsdcomp, nodeflate, novj, ...) are accepted and
 * ignored: we never compress.
 */
#include "options_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const upppd_opt_group_title[G_COUNT] = {
    [G_FILES] = "Options files",
    [G_LINK] = "Link",
    [G_AUTH] = "Identity and authentication",
    [G_MPPE] = "Encryption (MPPE) and compression",
    [G_IP] = "IP",
    [G_IPV6] = "IPv6",
    [G_LCP] = "LCP",
    [G_IFLOG] = "Interface and logging",
    [G_PPTP] = "PPTP client",
};

/* Entries whose help is NULL are aliases of the entry above with the same
 * id. The first three link/IP entries are matched by shape, not by name. */
const struct opt_def upppd_opt_table[] = {
    {"file", O_FILE, G_FILES, "F", "Read options from the file F."},
    {"call", O_CALL, G_FILES, "NAME",
     "Read options from $UPPPD_ETC/peers/NAME (default /etc/ppp/peers/NAME); NAME may not "
     "start with / or contain .. as a path component."},
    {"--help", O_HELP, G_FILES, NULL, "Print this help and exit."},
    {"-h", O_HELP, G_FILES, NULL, NULL},
    {"--version", O_VERSION, G_FILES, NULL, "Print the version and exit."},

    {"<device>", O_DEVICE, G_LINK, NULL,
     "Use this serial device; /dev/ is prepended to a name without a slash. Without a "
     "device, pty or notty, the terminal on standard input is used."},
    {"<speed>", O_SPEED, G_LINK, NULL, "A decimal number sets the baud rate of the device."},
    {"crtscts", O_CRTSCTS, G_LINK, NULL, "Use hardware (RTS/CTS) flow control."},
    {"nocrtscts", O_NOCRTSCTS, G_LINK, NULL,
     "Turn hardware flow control off (default: leave the port's setting alone)."},
    {"-crtscts", O_NOCRTSCTS, G_LINK, NULL, NULL},
    {"local", O_LOCAL, G_LINK, NULL, "Ignore the modem control lines (CD, DTR)."},
    {"modem", O_MODEM, G_LINK, NULL, "Use the modem control lines (the default)."},
    {"lock", O_LOCK, G_LINK, NULL, "Create a UUCP lock file for the device in /var/lock."},
    {"nolock", O_NOLOCK, G_LINK, NULL, "Do not create a lock file (the default)."},
    {"pty", O_PTY, G_LINK, "COMMAND",
     "Run COMMAND (with /bin/sh -c) on a pseudo-terminal we allocate and talk PPP to it; "
     "no device may be given."},
    {"notty", O_NOTTY, G_LINK, NULL,
     "Talk PPP on standard input and output, which need not be terminals."},
    {"nodetach", O_NODETACH, G_LINK, NULL, "Stay in the foreground."},
    {"-detach", O_NODETACH, G_LINK, NULL, NULL},
    {"updetach", O_UPDETACH, G_LINK, NULL,
     "Detach once the link is up (the first network protocol is running)."},
    {"persist", O_PERSIST, G_LINK, NULL, "Reopen the link after it goes down."},
    {"nopersist", O_NOPERSIST, G_LINK, NULL, "Exit when the link goes down (the default)."},
    {"maxfail", O_MAXFAIL, G_LINK, "N",
     "Give up after N failed connection attempts; 0 means never (default 10)."},
    {"holdoff", O_HOLDOFF, G_LINK, "N",
     "Wait N seconds before reopening the link under persist (default 30)."},
    {"connect", O_CONNECT, G_LINK, "COMMAND",
     "Run COMMAND (with /bin/sh -c, on the device) to set up the link, e.g. chat."},
    {"disconnect", O_DISCONNECT, G_LINK, "COMMAND",
     "Run COMMAND (with /bin/sh -c, on the device) after the link is terminated."},

    {"name", O_NAME, G_AUTH, "NAME",
     "Our name for authentication (default: the host name): the server field when we "
     "check the peer, and the name we send unless user is given."},
    {"user", O_USER, G_AUTH, "NAME", "The name we authenticate ourselves to the peer with."},
    {"remotename", O_REMOTENAME, G_AUTH, "NAME",
     "The peer's name, for choosing our secret (needed with PAP)."},
    {"password", O_PASSWORD, G_AUTH, "SECRET",
     "Our secret for authenticating to the peer, instead of the secrets files (it is "
     "visible to ps(1); prefer the secrets files)."},
    {"auth", O_AUTH, G_AUTH, NULL,
     "Require the peer to authenticate itself, with any method we have secrets for."},
    {"noauth", O_NOAUTH, G_AUTH, NULL,
     "Do not require the peer to authenticate itself (the default)."},
    {"require-pap", O_REQ_PAP, G_AUTH, NULL,
     "Require the peer to authenticate with PAP (implies auth)."},
    {"+pap", O_REQ_PAP, G_AUTH, NULL, NULL},
    {"require-chap", O_REQ_CHAP, G_AUTH, NULL,
     "Require the peer to authenticate with CHAP-MD5 (implies auth)."},
    {"+chap", O_REQ_CHAP, G_AUTH, NULL, NULL},
    {"require-mschap", O_REQ_MSCHAP, G_AUTH, NULL,
     "Require the peer to authenticate with MS-CHAP (implies auth)."},
    {"+mschap", O_REQ_MSCHAP, G_AUTH, NULL, NULL},
    {"+chapms", O_REQ_MSCHAP, G_AUTH, NULL, "1999 spelling of require-mschap."},
    {"require-mschap-v2", O_REQ_MSCHAP_V2, G_AUTH, NULL,
     "Require the peer to authenticate with MS-CHAPv2 (implies auth)."},
    {"+mschap-v2", O_REQ_MSCHAP_V2, G_AUTH, NULL, NULL},
    {"+chapms-v2", O_REQ_MSCHAP_V2, G_AUTH, NULL, "1999 spelling of require-mschap-v2."},
    {"require-eap", O_REQ_EAP, G_AUTH, NULL, "An error: upppd has no EAP (use require-mschap-v2)."},
    {"refuse-pap", O_REF_PAP, G_AUTH, NULL, "Do not authenticate ourselves with PAP."},
    {"-pap", O_REF_PAP, G_AUTH, NULL, NULL},
    {"refuse-chap", O_REF_CHAP, G_AUTH, NULL, "Do not authenticate ourselves with CHAP-MD5."},
    {"-chap", O_REF_CHAP, G_AUTH, NULL, NULL},
    {"refuse-mschap", O_REF_MSCHAP, G_AUTH, NULL, "Do not authenticate ourselves with MS-CHAP."},
    {"-mschap", O_REF_MSCHAP, G_AUTH, NULL, NULL},
    {"-chapms", O_REF_MSCHAP, G_AUTH, NULL, "1999 spelling of refuse-mschap."},
    {"refuse-mschap-v2", O_REF_MSCHAP_V2, G_AUTH, NULL,
     "Do not authenticate ourselves with MS-CHAPv2."},
    {"-mschap-v2", O_REF_MSCHAP_V2, G_AUTH, NULL, NULL},
    {"-chapms-v2", O_REF_MSCHAP_V2, G_AUTH, NULL, "1999 spelling of refuse-mschap-v2."},
    {"refuse-eap", O_REF_EAP, G_AUTH, NULL,
     "Do not authenticate ourselves with EAP (accepted; upppd never does EAP)."},
    {"chapms-strip-domain", O_STRIP_DOMAIN, G_AUTH, NULL,
     "Strip a DOMAIN\\ prefix from the name an MS-CHAP peer sends before looking it up."},
    {"show-password", O_SHOW_PASSWORD, G_AUTH, NULL,
     "Show PAP passwords when logging packets under debug."},
    {"hide-password", O_HIDE_PASSWORD, G_AUTH, NULL,
     "Hide PAP passwords in the packet log (the default)."},

    {"require-mppe", O_REQ_MPPE, G_MPPE, NULL,
     "Require MPPE with any strength not removed by nomppe-N: 40, 56 or 128 bits. Network "
     "traffic never flows in the clear; needs MS-CHAP or MS-CHAPv2."},
    {"+mppe", O_REQ_MPPE, G_MPPE, NULL, NULL},
    {"require-mppe-40", O_REQ_MPPE_40, G_MPPE, NULL,
     "Require MPPE and allow 40-bit keys (alone: 40 bits only)."},
    {"+mppe-40", O_REQ_MPPE_40, G_MPPE, NULL, NULL},
    {"mppe-40", O_REQ_MPPE_40, G_MPPE, NULL,
     "1999 spelling of require-mppe-40 (the 1999 patch fell back to no encryption)."},
    {"require-mppe-56", O_REQ_MPPE_56, G_MPPE, NULL,
     "Require MPPE and allow 56-bit keys (alone: 56 bits only). Not in pppd."},
    {"require-mppe-128", O_REQ_MPPE_128, G_MPPE, NULL,
     "Require MPPE and allow 128-bit keys (alone: 128 bits only)."},
    {"+mppe-128", O_REQ_MPPE_128, G_MPPE, NULL, NULL},
    {"mppe-128", O_REQ_MPPE_128, G_MPPE, NULL,
     "1999 spelling of require-mppe-128 (the 1999 patch fell back to no encryption)."},
    {"nomppe", O_NOMPPE, G_MPPE, NULL, "Never negotiate MPPE."},
    {"-mppe", O_NOMPPE, G_MPPE, NULL, NULL},
    {"nomppe-40", O_NOMPPE_40, G_MPPE, NULL, "Do not allow 40-bit MPPE."},
    {"-mppe-40", O_NOMPPE_40, G_MPPE, NULL, NULL},
    {"nomppe-56", O_NOMPPE_56, G_MPPE, NULL, "Do not allow 56-bit MPPE. Not in pppd."},
    {"nomppe-128", O_NOMPPE_128, G_MPPE, NULL, "Do not allow 128-bit MPPE."},
    {"-mppe-128", O_NOMPPE_128, G_MPPE, NULL, NULL},
    {"mppe-stateful", O_MPPE_STATEFUL, G_MPPE, NULL,
     "Accept stateful MPPE if the peer insists; stateless is still asked for first."},
    {"nomppe-stateful", O_NOMPPE_STATEFUL, G_MPPE, NULL, "Refuse stateful MPPE (the default)."},
    {"request-mppe-stateful", O_REQ_MPPE_STATEFUL, G_MPPE, NULL,
     "Ask the peer for stateful MPPE instead of stateless; implies mppe-stateful. Not in "
     "pppd."},
    {"mppe-stateless", O_MPPE_STATELESS, G_MPPE, NULL,
     "1999 spelling: stateless MPPE only (as nomppe-stateful)."},
    {"mppe-optional", O_MPPE_OPTIONAL, G_MPPE, NULL,
     "Ask for MPPE, but if the peer refuses run without encryption and log a warning. Not "
     "in pppd."},
    {"mppe", O_MPPE_WORDS, G_MPPE, "ITEM,...",
     "The MPPE/MPPC patch's form: items required (else MPPE is optional), stateless, "
     "no40, no56, no128, e.g. mppe required,no40,no56,stateless."},
    {"noccp", O_NOCCP, G_MPPE, NULL,
     "Do not negotiate CCP (and so no MPPE; an error together with required MPPE)."},
    {"-ccp", O_NOCCP, G_MPPE, NULL, NULL},
    {"nobsdcomp", O_NOCOMP, G_MPPE, NULL, "Accepted and ignored: upppd never compresses."},
    {"-bsdcomp", O_NOCOMP, G_MPPE, NULL, NULL},
    {"nodeflate", O_NOCOMP, G_MPPE, NULL, NULL},
    {"-deflate", O_NOCOMP, G_MPPE, NULL, NULL},
    {"nopredictor1", O_NOCOMP, G_MPPE, NULL, NULL},
    {"-predictor1", O_NOCOMP, G_MPPE, NULL, NULL},
    {"novjccomp", O_NOCOMP, G_MPPE, NULL, NULL},
    {"-vjccomp", O_NOCOMP, G_MPPE, NULL, NULL},

    {"<local>:<remote>", O_ADDRS, G_IP, NULL,
     "Our and the peer's IPv4 addresses, in dotted-quad form; either may be left out "
     "(10.0.0.1: or :10.0.0.2)."},
    {"noipdefault", O_NOIPDEFAULT, G_IP, NULL,
     "Let the peer choose our address. upppd never guesses it from the host name, so this "
     "is what happens anyway when no local address is given."},
    {"ipcp-accept-local", O_ACCEPT_LOCAL, G_IP, NULL,
     "Accept the peer's idea of our address even if we gave one."},
    {"ipcp-accept-remote", O_ACCEPT_REMOTE, G_IP, NULL,
     "Accept the peer's idea of its address even if we gave one."},
    {"ms-dns", O_MS_DNS, G_IP, "ADDR",
     "Give the peer this DNS server (RFC 1877). The first two uses give the primary and "
     "secondary; one use gives both."},
    {"usepeerdns", O_USEPEERDNS, G_IP, NULL,
     "Ask the peer for DNS servers and write them to $UPPPD_ETC/resolv.conf."},
    {"defaultroute", O_DEFAULTROUTE, G_IP, NULL,
     "Add a default route through the link when IPCP comes up (if there is none)."},
    {"nodefaultroute", O_NODEFAULTROUTE, G_IP, NULL, "Do not add a default route (the default)."},
    {"replacedefaultroute", O_REPLACEDEFAULTROUTE, G_IP, NULL,
     "With defaultroute, replace an existing default route (restored afterwards)."},
    {"noreplacedefaultroute", O_NOREPLACEDEFAULTROUTE, G_IP, NULL, "Cancel replacedefaultroute."},
    {"noip", O_NOIP, G_IP, NULL, "Do not negotiate IPCP or carry IPv4."},
    {"-ip", O_NOIP, G_IP, NULL, NULL},

    {"+ipv6", O_IPV6_ON, G_IPV6, NULL, "Negotiate IPV6CP and carry IPv6."},
    {"noipv6", O_NOIPV6, G_IPV6, NULL, "Do not negotiate IPV6CP (the default)."},
    {"-ipv6", O_NOIPV6, G_IPV6, NULL, NULL},
    {"ipv6", O_IPV6_IDS, G_IPV6, "LOCAL,REMOTE",
     "Our and the peer's 64-bit interface identifiers, written as IPv6 addresses with the "
     "upper 64 bits zero (::1,::2); either may be left out. Default: random."},

    {"mtu", O_MTU, G_LCP, "N",
     "Send packets of at most N bytes (128 to 16384) unless the peer asks for less."},
    {"mru", O_MRU, G_LCP, "N", "Ask the peer to send at most N bytes (128 to 16384; 1500)."},
    {"asyncmap", O_ASYNCMAP, G_LCP, "MAP",
     "Control characters (hex bit map, bit 0 = 0x00) the peer must escape; several are "
     "ORed together (default 0)."},
    {"default-asyncmap", O_DEFAULT_ASYNCMAP, G_LCP, NULL,
     "Have every control character escaped (as asyncmap ffffffff)."},
    {"nopcomp", O_NOPCOMP, G_LCP, NULL, "Do not negotiate protocol field compression."},
    {"-pc", O_NOPCOMP, G_LCP, NULL, NULL},
    {"noaccomp", O_NOACCOMP, G_LCP, NULL, "Do not negotiate address/control field compression."},
    {"-ac", O_NOACCOMP, G_LCP, NULL, NULL},
    {"nomagic", O_NOMAGIC, G_LCP, NULL,
     "Do not negotiate a magic number (and so cannot detect a looped-back line)."},
    {"novj", O_NOVJ, G_LCP, NULL,
     "Accepted and ignored: upppd never does Van Jacobson header compression."},
    {"-vj", O_NOVJ, G_LCP, NULL, NULL},
    {"noipx", O_NOVJ, G_LCP, NULL,
     "Accepted and ignored: upppd has no IPX (Debian's /etc/ppp/options says noipx)."},
    {"-ipx", O_NOVJ, G_LCP, NULL, NULL},
    {"noendpoint", O_NOVJ, G_LCP, NULL,
     "Accepted and ignored: upppd never sends the multilink Endpoint Discriminator."},
    {"nomp", O_NOVJ, G_LCP, NULL, "Accepted and ignored: upppd does not do multilink."},
    {"noktune", O_NOVJ, G_LCP, NULL, "Accepted and ignored: upppd changes no kernel settings."},
    {"lcp-echo-interval", O_ECHO_INTERVAL, G_LCP, "N",
     "Send an LCP Echo-Request every N seconds (0, the default: never)."},
    {"lcp-echo-failure", O_ECHO_FAILURE, G_LCP, "N",
     "Consider the peer dead after N unanswered Echo-Requests (exit status 15)."},
    {"lcp-max-configure", O_MAX_CONFIGURE, G_LCP, "N",
     "Send at most N Configure-Requests (default 10)."},
    {"lcp-max-terminate", O_MAX_TERMINATE, G_LCP, "N",
     "Send at most N Terminate-Requests (default 2)."},
    {"lcp-max-failure", O_MAX_FAILURE, G_LCP, "N",
     "Send at most N Configure-Naks before rejecting (default 5)."},
    {"lcp-restart", O_LCP_RESTART, G_LCP, "N",
     "Retransmit LCP requests after N seconds (default 3)."},
    {"idle", O_IDLE, G_LCP, "N",
     "End the link after N seconds without data packets (exit status 12)."},
    {"maxconnect", O_MAXCONNECT, G_LCP, "N",
     "End the link N seconds after the network came up (exit status 13)."},

    {"ifname", O_IFNAME, G_IFLOG, "NAME", "Name the TUN interface NAME (default ppp<unit>)."},
    {"unit", O_UNIT, G_IFLOG, "N", "Use ppp<N> as the interface name if it is free."},
    {"linkname", O_LINKNAME, G_IFLOG, "NAME",
     "Name the link: the pid file is /run/NAME.pid and scripts see LINKNAME."},
    {"ipparam", O_IPPARAM, G_IFLOG, "STRING",
     "Pass STRING to the ip-up, ip-down and auth-up/-down scripts as their last argument."},
    {"debug", O_DEBUG, G_IFLOG, NULL,
     "Log every control packet (once more for each debug; SIGUSR1 toggles it)."},
    {"-d", O_DEBUG, G_IFLOG, NULL, NULL},
    {"kdebug", O_KDEBUG, G_IFLOG, "N", "Accepted and ignored: there is no kernel PPP driver."},
    {"logfile", O_LOGFILE, G_IFLOG, "FILE", "Append log messages to FILE (as well as syslog)."},
    {"logfd", O_LOGFD, G_IFLOG, "N",
     "Send log messages to file descriptor N (default 1, standard output)."},
    {"nolog", O_NOLOG, G_IFLOG, NULL, "Log only to syslog."},
    {"nologfd", O_NOLOG, G_IFLOG, NULL, NULL},
    {"dump", O_DUMP, G_IFLOG, NULL, "Print the options in effect, then go on."},
    {"dryrun", O_DRYRUN, G_IFLOG, NULL, "Print the options in effect and exit."},

    {"pptp", O_PPTP, G_PPTP, "HOST",
     "Be a PPTP client: connect to HOST (a name or address) on TCP port 1723, place one "
     "call and run PPP over its GRE data channel; replaces pty \"pptp HOST --nolaunchpppd\". "
     "No device, pty or notty may be given."},
    {"pptp-port", O_PPTP_PORT, G_PPTP, "N", "Connect to TCP port N instead of 1723."},
    {"pptp-reorder-timeout", O_PPTP_REORDER, G_PPTP, "MS",
     "Wait up to MS milliseconds (0 to 10000, default 300) for a missing GRE packet before "
     "giving it up; pptp-linux's --timeout in seconds times 1000."},
    {"pptp-localbind", O_PPTP_LOCALBIND, G_PPTP, "ADDR",
     "Send TCP and GRE from the local IPv4 address ADDR (pptp-linux's --localbind)."},
    {"pptp-echo-interval", O_PPTP_ECHO, G_PPTP, "N",
     "Send a PPTP Echo-Request after N seconds without a control message (default 60, "
     "as pptp-linux; 0: never)."},
    {"pptp-nohostroute", O_PPTP_NOHOSTROUTE, G_PPTP, NULL,
     "With defaultroute, do not add a host route to the PPTP server through the old "
     "gateway (pptp-linux's --nohostroute)."},
};

const size_t upppd_opt_table_len = sizeof(upppd_opt_table) / sizeof(upppd_opt_table[0]);

_Static_assert(O_COUNT <= UPPPD_OPTS_SLOTS, "grow UPPPD_OPTS_SLOTS");

const struct opt_def *upppd_opt_find(const char *name)
{
    for (size_t i = 0; i < upppd_opt_table_len; i++) {
        const struct opt_def *d = &upppd_opt_table[i];
        if (d->name[0] == '<')
            continue; /* matched by shape in upppd_opt_wild() */
        if (strcmp(d->name, name) == 0)
            return d;
    }
    return NULL;
}

int upppd_opt_errorf(struct upppd_opts *o, const struct upppd_pctx *pc, const char *fmt, ...)
{
    char msg[UPPPD_ERROR_LEN / 2];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (pc != NULL && pc->is_file)
        snprintf(o->error, sizeof(o->error), "In file %.400s:%u: %s", pc->source, pc->line, msg);
    else
        snprintf(o->error, sizeof(o->error), "%s", msg);
    return UPPP_ERR_PARSE;
}

void upppd_opt_warnf(const struct upppd_opts *o, const char *fmt, ...)
{
    if (o->warn == NULL)
        return;
    char msg[UPPPD_ERROR_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    o->warn(o->warn_ctx, msg);
}

/* ---- Argument parsers. Messages follow pppd's where pppd has one. ---- */

/* An integer as pppd reads it (strtoul base 0: 10, 0x10, 010), but the
 * whole word must be a number (pppd ignores trailing junk). */
static int int_arg(struct upppd_opts *o, const struct upppd_pctx *pc, const char *opt,
                   const char *arg, long lo, long hi, int *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(arg, &end, 0);
    if (end == arg || *end != 0 || errno == ERANGE)
        return upppd_opt_errorf(o, pc, "invalid numeric parameter '%s' for %s option", arg, opt);
    if (v < lo || v > hi) {
        if (hi == INT_MAX && v < lo)
            return upppd_opt_errorf(o, pc, "%s value must be >= %ld", opt, lo);
        return upppd_opt_errorf(o, pc, "%s value must be between %ld and %ld", opt, lo, hi);
    }
    *out = (int)v;
    return 0;
}

static int str_arg(struct upppd_opts *o, const struct upppd_pctx *pc, const char *opt,
                   const char *arg, char *dst, size_t cap)
{
    size_t n = strlen(arg);
    if (n >= cap)
        return upppd_opt_errorf(o, pc, "%s value is too long (at most %zu bytes)", opt, cap - 1);
    memcpy(dst, arg, n + 1);
    return 0;
}

/* Dotted quad, host order. pppd also takes host names (gethostbyname);
 * we do not look names up while parsing options. */
static int ipv4(const char *s, uint32_t *out)
{
    struct in_addr a;
    if (inet_pton(AF_INET, s, &a) != 1)
        return -1;
    *out = ntohl(a.s_addr);
    return 0;
}

/* pppd's bad_ip_adrs(): loopback, multicast and class E. */
static int bad_ip(uint32_t a)
{
    return (a >> 24) == 127 || (a >> 28) == 0xe || (a >> 28) == 0xf;
}

/* pppd's setipaddr(): "local:remote", either part may be empty. */
static int addrs_arg(struct upppd_opts *o, const char *word, const struct upppd_pctx *pc)
{
    const char *colon = strchr(word, ':');
    char local[64];
    size_t ll = (size_t)(colon - word);
    uint32_t a;

    if (ll > 0) {
        if (ll >= sizeof(local))
            return upppd_opt_errorf(o, pc, "invalid local IP address '%.*s'", (int)ll, word);
        memcpy(local, word, ll);
        local[ll] = 0;
        if (ipv4(local, &a) < 0)
            return upppd_opt_errorf(o, pc,
                                    "invalid local IP address '%s' (give a dotted quad; upppd "
                                    "does not look up host names)",
                                    local);
        if (bad_ip(a))
            return upppd_opt_errorf(o, pc, "bad local IP address %s", local);
        if (a != 0) {
            o->cfg.ip_local = a;
            o->priv.ip_local_set = 1;
        }
    }
    const char *remote = colon + 1;
    if (*remote != 0) {
        if (ipv4(remote, &a) < 0)
            return upppd_opt_errorf(o, pc,
                                    "invalid remote IP address '%s' (give a dotted quad; upppd "
                                    "does not look up host names)",
                                    remote);
        if (bad_ip(a))
            return upppd_opt_errorf(o, pc, "bad remote IP address %s", remote);
        if (a != 0) {
            o->cfg.ip_remote = a;
            o->priv.ip_remote_set = 1;
        }
    }
    return 0;
}

/* One half of "ipv6 local,remote": an IPv6 address whose upper 64 bits are
 * zero and lower 64 bits are not (pppd ipv6cp.c VALIDID). */
static int ifaceid(const char *s, uint64_t *out)
{
    struct in6_addr a;
    if (inet_pton(AF_INET6, s, &a) != 1)
        return -1;
    uint64_t hi = 0, lo = 0;
    for (int i = 0; i < 8; i++) {
        hi = hi << 8 | a.s6_addr[i];
        lo = lo << 8 | a.s6_addr[8 + i];
    }
    if (hi != 0 || lo == 0)
        return -1;
    *out = lo;
    return 0;
}

static int ipv6_arg(struct upppd_opts *o, const struct upppd_pctx *pc, const char *arg)
{
    char buf[128];
    if (strlen(arg) >= sizeof(buf))
        return upppd_opt_errorf(o, pc, "Illegal interface identifier: %s", arg);
    strcpy(buf, arg);
    char *comma = strchr(buf, ',');
    char *remote = NULL;
    if (comma != NULL) {
        *comma = 0;
        remote = comma + 1;
    }
    uint64_t id;
    if (buf[0] != 0) {
        if (ifaceid(buf, &id) < 0)
            return upppd_opt_errorf(o, pc, "Illegal interface identifier (local): %s", buf);
        o->cfg.ipv6_local = id;
    }
    if (remote != NULL && remote[0] != 0) {
        if (ifaceid(remote, &id) < 0)
            return upppd_opt_errorf(o, pc, "Illegal interface identifier (remote): %s", remote);
        o->cfg.ipv6_remote = id;
    }
    return 0;
}

/* pppd ipcp.c setdnsaddr(): the last two values given are the primary and
 * the secondary; a single value is both. */
static int ms_dns_arg(struct upppd_opts *o, const struct upppd_pctx *pc, const char *arg)
{
    uint32_t a;
    if (ipv4(arg, &a) < 0)
        return upppd_opt_errorf(o, pc, "invalid address parameter '%s' for ms-dns option", arg);
    if (o->priv.ms_dns_count == 0)
        o->cfg.dns[0] = a;
    else
        o->cfg.dns[0] = o->cfg.dns[1];
    o->cfg.dns[1] = a;
    o->priv.ms_dns_count++;
    return 0;
}

static void mppe_require(struct upppd_opts *o, unsigned bits)
{
    o->priv.mppe_want |= bits;
    o->priv.mppe_required = 1;
    o->priv.mppe_off = 0;
}

static void mppe_remove(struct upppd_opts *o, unsigned bits)
{
    o->priv.mppe_want &= ~bits;
    o->priv.mppe_deny |= bits;
}

static void mppe_stateless_only(struct upppd_opts *o)
{
    o->cfg.mppe_stateful_ok = 0;
    o->cfg.mppe_want_stateful = 0;
}

/* The MPPE/MPPC patch's "mppe required,no40,no56,stateless". */
static int mppe_words_arg(struct upppd_opts *o, const struct upppd_pctx *pc, const char *arg)
{
    char buf[256];
    if (strlen(arg) >= sizeof(buf))
        return upppd_opt_errorf(o, pc, "mppe value is too long");
    strcpy(buf, arg);
    int required = 0, stateless = 0;
    unsigned no = 0;
    char *save = NULL;
    for (char *w = strtok_r(buf, ",", &save); w != NULL; w = strtok_r(NULL, ",", &save)) {
        if (strcmp(w, "required") == 0)
            required = 1;
        else if (strcmp(w, "stateless") == 0)
            stateless = 1;
        else if (strcmp(w, "no40") == 0)
            no |= MPPE_BIT_40;
        else if (strcmp(w, "no56") == 0)
            no |= MPPE_BIT_56;
        else if (strcmp(w, "no128") == 0)
            no |= MPPE_BIT_128;
        else
            return upppd_opt_errorf(o, pc,
                                    "unknown item '%s' in mppe option '%s' (expected required, "
                                    "stateless, no40, no56, no128)",
                                    w, arg);
    }
    o->priv.mppe_want = MPPE_BITS_ALL & ~no;
    o->priv.mppe_deny |= no;
    o->priv.mppe_required = 1;
    o->priv.mppe_optional = !required;
    o->priv.mppe_off = 0;
    if (stateless)
        mppe_stateless_only(o);
    return 0;
}

/* ---- Words matched by shape: device, speed, local:remote ---- */

int upppd_opt_wild(struct upppd_opts *o, const char *word, const struct upppd_pctx *pc)
{
    /* pppd tty.c setdevname(): a name without a slash gets /dev/; the word
     * is a device only if it names an existing character device. */
    char path[UPPPD_PATH_LEN];
    int n = snprintf(path, sizeof(path), "%s%s", word[0] == '/' ? "" : "/dev/", word);
    if (word[0] != 0 && n > 0 && (size_t)n < sizeof(path)) {
        struct stat st;
        if (stat(path, &st) == 0) {
            if (S_ISCHR(st.st_mode)) {
                if (pc->tty_file)
                    return upppd_opt_errorf(o, pc, "the device name may not be changed in %s",
                                            pc->source);
                strcpy(o->device, path);
                o->default_device = 0;
                upppd_opt_stamp(o, O_DEVICE, pc);
                return 1;
            }
        } else if (errno != ENOENT) {
            return upppd_opt_errorf(o, pc, "Couldn't stat %s: %s", path, strerror(errno));
        }
    }

    /* tty.c setspeed(): a decimal number. Zero is not a speed. */
    size_t len = strlen(word);
    if (len > 0 && strspn(word, "0123456789") == len) {
        errno = 0;
        unsigned long v = strtoul(word, NULL, 10);
        if (v > 0 && errno == 0 && v <= 0xffffffffUL) {
            o->speed = v;
            upppd_opt_stamp(o, O_SPEED, pc);
            return 1;
        }
    }

    /* ipcp.c setipaddr(): any word with a colon. */
    if (strchr(word, ':') != NULL) {
        int rc = addrs_arg(o, word, pc);
        if (rc < 0)
            return rc;
        upppd_opt_stamp(o, O_ADDRS, pc);
        return 1;
    }
    return 0;
}

/* ---- One named option ---- */

static int fixed_in_tty_file(struct upppd_opts *o, const struct upppd_pctx *pc, const char *name)
{
    /* tty.c: the per-device file may not change the device (OPT_DEVEQUIV). */
    return upppd_opt_errorf(o, pc, "the %s option may not be changed in %s", name, pc->source);
}

int upppd_opt_apply(struct upppd_opts *o, const struct opt_def *d, const char *arg,
                    const struct upppd_pctx *pc)
{
    struct uppp_config *c = &o->cfg;
    int v = 0, rc = 0;

    switch (d->id) {
    case O_FILE:
        if (o->no_files)
            return upppd_opt_errorf(o, pc, "the file option is disabled here");
        /* A file read from the per-device file may not change the device either. */
        return upppd_opt_read_file(o, arg, 1, pc->tty_file, pc);
    case O_CALL: {
        /* options.c callfile(): no leading /, no ".." path component. */
        int ok = arg[0] != '/' && arg[0] != 0;
        for (const char *p = arg; ok && *p != 0;) {
            if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || p[2] == 0))
                ok = 0;
            while (*p != '/' && *p != 0)
                p++;
            if (*p == '/')
                p++;
        }
        if (!ok)
            return upppd_opt_errorf(o, pc, "call option value may not contain .. or start with /");
        if (o->no_files)
            return upppd_opt_errorf(o, pc, "the call option is disabled here");
        char path[UPPPD_PATH_LEN];
        if ((size_t)snprintf(path, sizeof(path), "%s/peers/%s", o->etc, arg) >= sizeof(path))
            return upppd_opt_errorf(o, pc, "call option value is too long");
        if ((rc = str_arg(o, pc, d->name, arg, o->call_name, sizeof(o->call_name))) < 0)
            return rc;
        return upppd_opt_read_file(o, path, 1, pc->tty_file, pc);
    }
    case O_HELP:
        return UPPPD_OPTS_HELP;
    case O_VERSION:
        return UPPPD_OPTS_VERSION;

    case O_DEVICE:
    case O_SPEED:
    case O_ADDRS:
        break; /* matched by shape, never by name */
    case O_CRTSCTS:
        o->flow = UPPPD_FLOW_CRTSCTS;
        break;
    case O_NOCRTSCTS:
        o->flow = UPPPD_FLOW_NONE;
        break;
    case O_LOCAL:
        o->modem = 0;
        break;
    case O_MODEM:
        o->modem = 1;
        break;
    case O_LOCK:
        o->lock = 1;
        break;
    case O_NOLOCK:
        o->lock = 0;
        break;
    case O_PTY:
        if (pc->tty_file)
            return fixed_in_tty_file(o, pc, d->name);
        if (arg[0] == 0)
            return upppd_opt_errorf(o, pc, "the pty option needs a command");
        if ((rc = str_arg(o, pc, d->name, arg, o->pty_cmd, sizeof(o->pty_cmd))) < 0)
            return rc;
        break;
    case O_PPTP:
        if (pc->tty_file)
            return fixed_in_tty_file(o, pc, d->name);
        if (arg[0] == 0)
            return upppd_opt_errorf(o, pc, "the pptp option needs a host");
        rc = str_arg(o, pc, d->name, arg, o->pptp_host, sizeof(o->pptp_host));
        break;
    case O_PPTP_PORT:
        rc = int_arg(o, pc, d->name, arg, 1, 65535, &o->pptp_port);
        break;
    case O_PPTP_REORDER:
        rc = int_arg(o, pc, d->name, arg, 0, 10000, &o->pptp_reorder_ms);
        break;
    case O_PPTP_LOCALBIND: {
        uint32_t a;
        if (ipv4(arg, &a) < 0)
            return upppd_opt_errorf(o, pc, "invalid IPv4 address '%s' for pptp-localbind", arg);
        rc = str_arg(o, pc, d->name, arg, o->pptp_localbind, sizeof(o->pptp_localbind));
        break;
    }
    case O_PPTP_ECHO:
        rc = int_arg(o, pc, d->name, arg, 0, 3600, &o->pptp_echo_s);
        break;
    case O_PPTP_NOHOSTROUTE:
        o->pptp_nohostroute = 1;
        break;
    case O_NOTTY:
        if (pc->tty_file)
            return fixed_in_tty_file(o, pc, d->name);
        o->notty = 1;
        break;
    case O_NODETACH:
        o->nodetach = 1;
        o->updetach = 0;
        break;
    case O_UPDETACH: /* options.c: updetach clears nodetach */
        o->updetach = 1;
        o->nodetach = 0;
        break;
    case O_PERSIST:
        o->persist = 1;
        break;
    case O_NOPERSIST:
        o->persist = 0;
        break;
    case O_MAXFAIL:
        rc = int_arg(o, pc, d->name, arg, 0, INT_MAX, &o->maxfail);
        break;
    case O_HOLDOFF:
        rc = int_arg(o, pc, d->name, arg, 0, INT_MAX, &o->holdoff);
        break;
    case O_CONNECT:
        rc = str_arg(o, pc, d->name, arg, o->connect_cmd, sizeof(o->connect_cmd));
        break;
    case O_DISCONNECT:
        rc = str_arg(o, pc, d->name, arg, o->disconnect_cmd, sizeof(o->disconnect_cmd));
        break;

    case O_NAME:
        rc = str_arg(o, pc, d->name, arg, o->name, sizeof(o->name));
        break;
    case O_USER:
        rc = str_arg(o, pc, d->name, arg, o->user, sizeof(o->user));
        break;
    case O_REMOTENAME:
        rc = str_arg(o, pc, d->name, arg, o->remotename, sizeof(o->remotename));
        break;
    case O_PASSWORD:
        rc = str_arg(o, pc, d->name, arg, o->password, sizeof(o->password));
        if (rc == 0)
            o->password_set = 1;
        break;
    case O_AUTH:
        o->priv.auth_required = 1;
        break;
    case O_NOAUTH:
        o->priv.auth_required = 0;
        break;
    case O_REQ_PAP:
        o->priv.auth_required = 1;
        o->priv.auth_bits |= UPPP_AUTH_PAP;
        break;
    case O_REQ_CHAP:
        o->priv.auth_required = 1;
        o->priv.auth_bits |= UPPP_AUTH_CHAP_MD5;
        break;
    case O_REQ_MSCHAP:
        o->priv.auth_required = 1;
        o->priv.auth_bits |= UPPP_AUTH_MSCHAP_V1;
        break;
    case O_REQ_MSCHAP_V2:
        o->priv.auth_required = 1;
        o->priv.auth_bits |= UPPP_AUTH_MSCHAP_V2;
        break;
    case O_REQ_EAP:
        return upppd_opt_errorf(o, pc,
                                "require-eap: upppd does not support EAP (use "
                                "require-mschap-v2)");
    case O_REF_PAP:
        o->priv.refuse_bits |= UPPP_AUTH_PAP;
        break;
    case O_REF_CHAP:
        o->priv.refuse_bits |= UPPP_AUTH_CHAP_MD5;
        break;
    case O_REF_MSCHAP:
        o->priv.refuse_bits |= UPPP_AUTH_MSCHAP_V1;
        break;
    case O_REF_MSCHAP_V2:
        o->priv.refuse_bits |= UPPP_AUTH_MSCHAP_V2;
        break;
    case O_REF_EAP:
        break; /* we never authenticate with EAP */
    case O_STRIP_DOMAIN:
        c->strip_domain = 1;
        break;
    case O_SHOW_PASSWORD:
        c->show_password = 1;
        break;
    case O_HIDE_PASSWORD:
        c->show_password = 0;
        break;

    case O_REQ_MPPE: /* pppd: want = {40, 128}; ours adds 56 */
        o->priv.mppe_want = MPPE_BITS_ALL;
        o->priv.mppe_required = 1;
        o->priv.mppe_off = 0;
        break;
    case O_REQ_MPPE_40:
        mppe_require(o, MPPE_BIT_40);
        break;
    case O_REQ_MPPE_56:
        mppe_require(o, MPPE_BIT_56);
        break;
    case O_REQ_MPPE_128:
        mppe_require(o, MPPE_BIT_128);
        break;
    case O_NOMPPE:
        o->priv.mppe_want = 0;
        o->priv.mppe_required = 0;
        o->priv.mppe_optional = 0;
        o->priv.mppe_off = 1;
        break;
    case O_NOMPPE_40:
        mppe_remove(o, MPPE_BIT_40);
        break;
    case O_NOMPPE_56:
        mppe_remove(o, MPPE_BIT_56);
        break;
    case O_NOMPPE_128:
        mppe_remove(o, MPPE_BIT_128);
        break;
    case O_MPPE_STATEFUL:
        c->mppe_stateful_ok = 1;
        break;
    case O_NOMPPE_STATEFUL:
    case O_MPPE_STATELESS:
        mppe_stateless_only(o);
        break;
    case O_REQ_MPPE_STATEFUL:
        c->mppe_want_stateful = 1;
        c->mppe_stateful_ok = 1;
        break;
    case O_MPPE_OPTIONAL:
        o->priv.mppe_optional = 1;
        o->priv.mppe_off = 0;
        break;
    case O_MPPE_WORDS:
        rc = mppe_words_arg(o, pc, arg);
        break;
    case O_NOCCP:
        c->no_ccp = 1;
        break;
    case O_NOCOMP:
        break;

    case O_NOIPDEFAULT:
        o->noipdefault = 1;
        break;
    case O_ACCEPT_LOCAL:
        c->accept_local = 1;
        break;
    case O_ACCEPT_REMOTE:
        c->accept_remote = 1;
        break;
    case O_MS_DNS:
        rc = ms_dns_arg(o, pc, arg);
        break;
    case O_USEPEERDNS:
        o->usepeerdns = 1;
        c->use_peer_dns = 1;
        break;
    case O_DEFAULTROUTE:
        o->defaultroute = 1;
        break;
    case O_NODEFAULTROUTE:
        o->defaultroute = 0;
        break;
    case O_REPLACEDEFAULTROUTE:
        o->replacedefaultroute = 1;
        break;
    case O_NOREPLACEDEFAULTROUTE:
        o->replacedefaultroute = 0;
        break;
    case O_NOIP:
        c->no_ip = 1;
        break;

    case O_IPV6_ON:
        c->ipv6 = 1;
        break;
    case O_NOIPV6:
        c->ipv6 = 0;
        break;
    case O_IPV6_IDS:
        rc = ipv6_arg(o, pc, arg);
        break;

    case O_MTU: /* lcp.c: MINMRU .. MAXMRU */
        if ((rc = int_arg(o, pc, d->name, arg, 128, 16384, &v)) == 0)
            c->mtu = (uint16_t)v;
        break;
    case O_MRU:
        if ((rc = int_arg(o, pc, d->name, arg, 128, 16384, &v)) == 0)
            c->mru = (uint16_t)v;
        break;
    case O_ASYNCMAP: { /* o_uint32, base 16, OPT_OR */
        char *end;
        errno = 0;
        unsigned long long m = strtoull(arg, &end, 16);
        if (end == arg || *end != 0 || errno == ERANGE || m > 0xffffffffULL || arg[0] == '-')
            return upppd_opt_errorf(o, pc, "invalid numeric parameter '%s' for asyncmap option",
                                    arg);
        c->asyncmap |= (uint32_t)m;
        break;
    }
    case O_DEFAULT_ASYNCMAP:
        c->asyncmap = 0xffffffffu;
        break;
    case O_NOPCOMP:
        c->no_pcomp = 1;
        break;
    case O_NOACCOMP:
        c->no_accomp = 1;
        break;
    case O_NOMAGIC:
        c->no_magic = 1;
        break;
    case O_NOVJ:
        break;
    case O_ECHO_INTERVAL:
        if ((rc = int_arg(o, pc, d->name, arg, 0, 2147483, &v)) == 0)
            c->echo_interval_ms = (uint32_t)v * 1000u;
        break;
    case O_ECHO_FAILURE:
        rc = int_arg(o, pc, d->name, arg, 0, 1000000, &c->echo_failure);
        break;
    case O_MAX_CONFIGURE:
        rc = int_arg(o, pc, d->name, arg, 1, 1000, &c->max_configure);
        break;
    case O_MAX_TERMINATE:
        rc = int_arg(o, pc, d->name, arg, 1, 1000, &c->max_terminate);
        break;
    case O_MAX_FAILURE:
        rc = int_arg(o, pc, d->name, arg, 1, 1000, &c->max_failure);
        break;
    case O_LCP_RESTART:
        if ((rc = int_arg(o, pc, d->name, arg, 1, 3600, &v)) == 0)
            c->restart_ms = (uint32_t)v * 1000u;
        break;
    case O_IDLE:
        rc = int_arg(o, pc, d->name, arg, 0, INT_MAX, &o->idle);
        break;
    case O_MAXCONNECT:
        rc = int_arg(o, pc, d->name, arg, 0, INT_MAX, &o->maxconnect);
        break;

    case O_IFNAME:
        /* Linux's dev_valid_name(): not "." or "..", no '/', ':' or white space. */
        if (arg[0] == 0 || strcmp(arg, ".") == 0 || strcmp(arg, "..") == 0 ||
            strpbrk(arg, "/: \t\n\r\v\f") != NULL)
            return upppd_opt_errorf(o, pc, "invalid interface name '%s' for ifname option", arg);
        rc = str_arg(o, pc, d->name, arg, o->ifname, sizeof(o->ifname));
        break;
    case O_UNIT:
        rc = int_arg(o, pc, d->name, arg, 0, 99999999, &o->unit);
        break;
    case O_LINKNAME:
        if (strchr(arg, '/') != NULL)
            return upppd_opt_errorf(o, pc, "linkname value may not contain /");
        rc = str_arg(o, pc, d->name, arg, o->linkname, sizeof(o->linkname));
        break;
    case O_IPPARAM:
        rc = str_arg(o, pc, d->name, arg, o->ipparam, sizeof(o->ipparam));
        break;
    case O_DEBUG:
        o->debug++;
        c->debug = o->debug;
        break;
    case O_KDEBUG:
        rc = int_arg(o, pc, d->name, arg, 0, INT_MAX, &o->kdebug);
        break;
    case O_LOGFILE:
        rc = str_arg(o, pc, d->name, arg, o->logfile, sizeof(o->logfile));
        if (rc == 0)
            o->logfd = -1; /* pppd: logfile replaces logfd */
        break;
    case O_LOGFD:
        if ((rc = int_arg(o, pc, d->name, arg, 0, INT_MAX, &o->logfd)) == 0)
            o->logfile[0] = 0;
        break;
    case O_NOLOG:
        o->logfd = -1;
        o->logfile[0] = 0;
        break;
    case O_DUMP:
        o->dump = 1;
        break;
    case O_DRYRUN:
        o->dryrun = 1;
        break;
    case O_COUNT:
        break;
    }
    if (rc == 0)
        upppd_opt_stamp(o, d->id, pc);
    return rc;
}

/* ---- The options as a whole ---- */

int upppd_opts_finish(struct upppd_opts *o)
{
    struct uppp_config *c = &o->cfg;
    const struct upppd_pctx none = {"", 0, 0, 0};

    /* tty.c tty_check_options() */
    if (o->pty_cmd[0] != 0 && o->notty)
        return upppd_opt_errorf(o, &none, "pty option is incompatible with notty option");
    if ((o->pty_cmd[0] != 0 || o->notty) && o->device[0] != 0)
        return upppd_opt_errorf(o, &none, "%s option precludes specifying device name",
                                o->notty ? "notty" : "pty");
    if (o->pptp_host[0] != 0 && (o->pty_cmd[0] != 0 || o->notty || o->device[0] != 0))
        return upppd_opt_errorf(o, &none, "pptp option is incompatible with the %s option",
                                o->pty_cmd[0] ? "pty"
                                : o->notty    ? "notty"
                                              : "device name");
    o->default_device =
        o->device[0] == 0 && o->pty_cmd[0] == 0 && !o->notty && o->pptp_host[0] == 0;

    /* Authentication (auth.c auth_check_options()). */
    o->auth_required = o->priv.auth_required;
    if (o->auth_required)
        c->require_auth = o->priv.auth_bits != 0 ? o->priv.auth_bits : UPPP_AUTH_ALL;
    else
        c->require_auth = 0;
    c->refuse_auth = o->priv.refuse_bits;

    /* Our name: "name", else the host name; the name we authenticate with
     * is "user" if given. The session has one name for both directions, so
     * "user" wins when both are given. */
    if (o->name[0] == 0) {
        char host[UPPPD_NAME_LEN];
        if (gethostname(host, sizeof(host)) == 0) {
            host[sizeof(host) - 1] = 0;
            strcpy(o->name, host);
        }
    }
    const char *us = o->user[0] != 0 ? o->user : o->name;
    snprintf(c->our_name, sizeof(c->our_name), "%s", us);
    snprintf(c->remote_name, sizeof(c->remote_name), "%s", o->remotename);

    /* MPPE (see the comment at the top of this file). */
    if (o->priv.mppe_off) {
        c->mppe = UPPP_MPPE_OFF;
    } else if (o->priv.mppe_required) {
        c->mppe = o->priv.mppe_optional ? UPPP_MPPE_OPTIONAL : UPPP_MPPE_REQUIRED;
        c->mppe_bits = o->priv.mppe_want;
        if (c->mppe_bits == 0)
            return upppd_opt_errorf(o, &none,
                                    "MPPE is required but nomppe-40, nomppe-56 and nomppe-128 "
                                    "leave no key length to use");
    } else {
        c->mppe = o->priv.mppe_optional ? UPPP_MPPE_OPTIONAL : UPPP_MPPE_ALLOWED;
        c->mppe_bits = MPPE_BITS_ALL & ~o->priv.mppe_deny;
        if (c->mppe_bits == 0) {
            if (o->priv.mppe_optional)
                return upppd_opt_errorf(o, &none,
                                        "mppe-optional: nomppe-40, nomppe-56 and nomppe-128 "
                                        "leave no key length to use");
            c->mppe = UPPP_MPPE_OFF;
        }
    }
    if (c->no_ccp && (c->mppe == UPPP_MPPE_REQUIRED || c->mppe == UPPP_MPPE_OPTIONAL))
        return upppd_opt_errorf(o, &none, "noccp conflicts with %s: MPPE is negotiated by CCP",
                                c->mppe == UPPP_MPPE_REQUIRED ? "required MPPE" : "mppe-optional");

    if (o->priv.ip_local_set && o->priv.ip_remote_set && c->ip_local == c->ip_remote) {
        struct in_addr a = {htonl(c->ip_local)};
        char s[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &a, s, sizeof(s));
        return upppd_opt_errorf(o, &none, "local and remote IP addresses are both %s", s);
    }
    return 0;
}

int upppd_opts_exit_status(int rc)
{
    if (rc == UPPPD_OPTS_HELP || rc == UPPPD_OPTS_VERSION || rc == 0)
        return 0;
    if (rc == UPPP_ERR_PARSE || rc == UPPP_ERR_INVALID)
        return UPPPD_EXIT_OPTION_ERROR;
    return 1;
}
