/*  opcat-gatewayd: the HTTP gateway daemon.  CLI, signals, start, stop.

    The HTTP server runs in libmicrohttpd's threads (gw.h says why); this
    thread only waits for SIGTERM or SIGINT, then stops the server. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "daemon.h"
#include "gw.h"
#include "log.h"
#include "share.h"

static void s_usage(FILE *out)
{
    fprintf(
        out,
        "usage: opcat-gatewayd [-hnvV] [-H HOST:PORT] [-w DIR] [-S DIR] "
        "[-t MS] [-c N] [-C N]\n"
        "                      [--header-timeout S] [--stall-timeout S]\n"
        "                      [--cors ORIGINS]\n"
        "                      [-r EP] [-p EP] [-s EP] [-q EP]\n"
        "The OPCAT HTTP gateway: a read-only JSON API, a live stream of the\n"
        "public events (Server-Sent Events) and the dashboard.\n"
        "\n"
        "  -H, --http HOST:PORT  listen address [$OPCAT_HTTP, " GW_HTTP_DEFAULT
        "]\n"
        "  -w, --www DIR         the dashboard's files [$OPCAT_WWW, "
        "else www/ of the\n"
        "                        share directory, or the checkout's]\n"
        "  -S, --share DIR       directory of state-names.tsv "
        "[$OPCAT_SHARE,\n"
        "                        else /usr/share/opcat or the checkout's "
        "data/]\n"
        "  -r, --replay EP       store's public REPLAY   "
        "[$OPCAT_PUBLIC_REPLAY, " CFG_PUBLIC_REPLAY_DEFAULT "]\n"
        "  -p, --publish EP      store's public PUBLISH  [$OPCAT_PUBLIC, "
        "" CFG_PUBLIC_DEFAULT "]\n"
        "  -s, --stats EP        aggregation queries [$OPCAT_STATS, "
        "" CFG_STATS_DEFAULT "]\n"
        "  -q, --reminders EP    reminder queries [$OPCAT_REMINDERS, "
        "" CFG_REMINDERS_DEFAULT "]\n"
        "  -t, --timeout MS      how long a service may take to answer "
        "[5000]\n"
        "  -c, --max-connections N  requests answered at once, streams "
        "included\n"
        "                        [$OPCAT_HTTP_MAX_CONNECTIONS, 256]; beyond: "
        "503\n"
        "  -C, --max-per-client N  of them from one client address\n"
        "                        [$OPCAT_HTTP_MAX_PER_CLIENT, 32]; beyond: "
        "503\n"
        "      --header-timeout S  seconds for a request's headers to arrive\n"
        "                        [$OPCAT_HTTP_HEADER_TIMEOUT, 10]\n"
        "      --stall-timeout S  seconds a stream waits for its client to "
        "read\n"
        "                        [$OPCAT_HTTP_STALL_TIMEOUT, 10]\n"
        "      --cors ORIGINS    origins answered cross-origin, "
        "comma-separated,\n"
        "                        or * [$OPCAT_HTTP_CORS; none]\n"
        "  /healthz and /metrics are answered even at the limits (16 "
        "connections\n"
        "  are kept for them).\n"
        "  -n, --check           check the settings, then exit\n"
        "  -v, --verbose         log every request\n"
        "  -h, --help            this help\n"
        "  -V, --version         print the version\n"
        "Runs in the foreground and logs to stderr; SIGTERM or SIGINT stop "
        "it.\n");
}

enum { OPT_HEADER_TIMEOUT = 256, OPT_STALL_TIMEOUT, OPT_CORS };

static void s_option(void *arg, int c, const char *value)
{
    gw_options_t *o = arg;
    switch (c) {
    case 'H':
        o->http = value;
        break;
    case 'w':
        o->www = value;
        break;
    case 'S':
        o->share = value;
        break;
    case 's':
        o->cfg.stats = value;
        break;
    case 'q':
        o->cfg.reminders = value;
        break;
    case 't':
        o->timeout_ms = (int)daemon_number("--timeout", value, 10, 600000);
        break;
    case 'c':
        o->max_connections =
            (unsigned)daemon_number("--max-connections", value, 1, 10000);
        break;
    case 'C':
        o->max_per_client =
            (unsigned)daemon_number("--max-per-client", value, 1, 10000);
        break;
    case OPT_HEADER_TIMEOUT:
        o->header_timeout_s =
            (unsigned)daemon_number("--header-timeout", value, 1, 3600);
        break;
    case OPT_STALL_TIMEOUT:
        o->stall_timeout_s =
            (unsigned)daemon_number("--stall-timeout", value, 1, 3600);
        break;
    case OPT_CORS:
        o->cors = value;
        break;
    }
}

/*  A limit from its flag (already in '*value'), else the variable
    'env', else 'dflt'. */
static void s_limit(unsigned *value, const char *env, long long max,
                    unsigned dflt)
{
    const char *text = getenv(env);
    if (*value)
        return;
    *value = text && *text ? (unsigned)daemon_number(env, text, 1, max) : dflt;
}

static void s_parse(int argc, char **argv, gw_options_t *o,
                    daemon_flags_t *flags)
{
    static const struct option own[] = {
        {"http", required_argument, NULL, 'H'},
        {"www", required_argument, NULL, 'w'},
        {"share", required_argument, NULL, 'S'},
        {"stats", required_argument, NULL, 's'},
        {"reminders", required_argument, NULL, 'q'},
        {"timeout", required_argument, NULL, 't'},
        {"max-connections", required_argument, NULL, 'c'},
        {"max-per-client", required_argument, NULL, 'C'},
        {"header-timeout", required_argument, NULL, OPT_HEADER_TIMEOUT},
        {"stall-timeout", required_argument, NULL, OPT_STALL_TIMEOUT},
        {"cors", required_argument, NULL, OPT_CORS},
        {NULL, 0, NULL, 0}};
    /* -r and -p are the store's public pair here (below) */
    const daemon_cli_t cli = {.name = "opcat-gatewayd",
                              .shared = DAEMON_OPT_PUBLISH | DAEMON_OPT_REPLAY,
                              .own_short = "H:w:S:s:q:t:c:C:",
                              .own_long = own,
                              .option = s_option,
                              .arg = o,
                              .usage = s_usage};
    *o = (gw_options_t){.timeout_ms = GW_TIMEOUT_DEFAULT};
    daemon_parse(&cli, argc, argv, &o->cfg, flags);
    o->verbose = flags->verbose;
    /* a public face reads the public stream: the store removes what
       OPCAT art. 16 keeps confidential before it gets here */
    o->cfg.replay = cfg_pick(o->cfg.replay, "OPCAT_PUBLIC_REPLAY",
                             CFG_PUBLIC_REPLAY_DEFAULT);
    o->cfg.publish =
        cfg_pick(o->cfg.publish, "OPCAT_PUBLIC", CFG_PUBLIC_DEFAULT);
    cfg_fill(&o->cfg);
    o->http = cfg_pick(o->http, "OPCAT_HTTP", GW_HTTP_DEFAULT);
    o->www = cfg_pick(o->www, "OPCAT_WWW", NULL);
    o->cors = cfg_pick(o->cors, "OPCAT_HTTP_CORS", "");
    s_limit(&o->max_connections, "OPCAT_HTTP_MAX_CONNECTIONS", 10000,
            GW_CONNECTIONS_DEFAULT);
    s_limit(&o->max_per_client, "OPCAT_HTTP_MAX_PER_CLIENT", 10000,
            GW_PER_CLIENT_DEFAULT);
    s_limit(&o->header_timeout_s, "OPCAT_HTTP_HEADER_TIMEOUT", 3600,
            GW_HEADER_TIMEOUT_DEFAULT);
    s_limit(&o->stall_timeout_s, "OPCAT_HTTP_STALL_TIMEOUT", 3600,
            GW_STALL_TIMEOUT_DEFAULT);
}

/*  Raises the soft limit of open files as far as needed for every
    connection (its socket, a stream's two ZeroMQ sockets and their
    pipes), within the hard limit; says so if it is still too low. */
static void s_files(const gw_options_t *o)
{
    struct rlimit rl;
    rlim_t need = (rlim_t)o->max_connections * 6 + GW_RESERVED * 2 + 256;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= need)
        return;
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= need
                      ? need
                      : rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur < need)
        log_warnx("open files limited to %llu: %u connections may need %llu "
                  "(ulimit -n)",
                  (unsigned long long)rl.rlim_cur, o->max_connections,
                  (unsigned long long)need);
}

/*  The share directory and the dashboard's files when no flag or
    variable names them (share.h); 'paths' keeps the strings to free. */
static void s_share_paths(gw_options_t *o, char *paths[2])
{
    if (!o->www)
        o->www = paths[0] = share_path("www", "services/gatewayd/www");
    if (!o->share)
        o->share = paths[1] = share_path("", "data");
    if (!o->www || !o->share)
        fatalx("out of memory");
}

/*  Installs the flag handler and blocks SIGTERM and SIGINT (the server's
    threads inherit the mask, so only this thread takes them).  Returns the
    stop flag. */
static volatile sig_atomic_t *s_signals(sigset_t *old)
{
    volatile sig_atomic_t *stop = daemon_signals();
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    pthread_sigmask(SIG_BLOCK, &block, old);
    return stop;
}

int main(int argc, char **argv)
{
    gw_options_t o;
    daemon_flags_t flags = {0};
    s_parse(argc, argv, &o, &flags);
    char *paths[2] = {NULL, NULL};
    s_share_paths(&o, paths);
    log_init("opcat-gatewayd", o.verbose);
    s_files(&o);
    char with[64];
    snprintf(with, sizeof with, "libmicrohttpd %s", MHD_get_version());
    daemon_log_start("opcat-gatewayd", with);
    sigset_t old;
    volatile sig_atomic_t *stop = s_signals(&old);
    json_object_seed(0); /* before any thread creates a JSON object */
    err_t err;
    gw_t *gw = gw_new(&o, &err);
    if (!gw)
        fatalx("%s", err.message);
    log_info("dashboard http://%s/ (port %u); files %s; store %s, stats %s, "
             "reminders %s",
             o.http, gw->port, o.www, o.cfg.replay, o.cfg.stats,
             o.cfg.reminders);
    log_info("limits: %u requests at once, %u per client address, headers "
             "within %u s, streams stalled %u s",
             o.max_connections, o.max_per_client, o.header_timeout_s,
             o.stall_timeout_s);
    log_info("report formats: md, html%s", gw->docx ? ", docx (pandoc)"
                                                    : "; no docx: pandoc "
                                                      "is not installed");
    if (flags.check) {
        log_info("settings are fine");
        gw_destroy(&gw);
        free(paths[0]);
        free(paths[1]);
        return 0;
    }
    daemon_ready();
    while (!*stop)
        sigsuspend(&old); /* returns after a handler ran */
    log_info("stopping: %llu streams open",
             (unsigned long long)atomic_load(&gw->counters.streams_open));
    gw_destroy(&gw);
    free(paths[0]);
    free(paths[1]);
    log_info("terminated");
    return 0;
}
