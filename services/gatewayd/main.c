/*  opcat-gatewayd: the HTTP gateway daemon.  CLI, signals, start, stop.

    The HTTP server runs in libmicrohttpd's threads (gw.h says why); this
    thread only waits for SIGTERM or SIGINT, then stops the server. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "gw.h"
#include "log.h"
#include "share.h"

static void s_usage(FILE *out)
{
    fprintf(
        out,
        "usage: opcat-gatewayd [-hnvV] [-H HOST:PORT] [-w DIR] [-S DIR] "
        "[-t MS] [-c N]\n"
        "                      [-r EP] [-p EP] [-s EP] [-q EP]\n"
        "The OPCAT HTTP gateway: a read-only JSON API, a live stream of the\n"
        "public events (Server-Sent Events) and the dashboard.\n"
        "\n"
        "  -H, --http HOST:PORT  listen address [$OPCAT_HTTP, " GW_HTTP_DEFAULT
        "]\n"
        "  -w, --www DIR         the dashboard's files [$OPCAT_WWW, "
        "else www/ of the\n"
        "                        share directory, or the checkout's]\n"
        "  -S, --share DIR       directory of state-names-zh.tsv "
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
        "  -c, --max-connections N  connections at once, streams included "
        "[64]\n"
        "  -n, --check           check the settings, then exit\n"
        "  -v, --verbose         log every request\n"
        "  -h, --help            this help\n"
        "  -V, --version         print the version\n"
        "Runs in the foreground and logs to stderr; SIGTERM or SIGINT stop "
        "it.\n");
}

static void s_option(gw_options_t *o, daemon_flags_t *flags, int c)
{
    if (daemon_option(c, optarg, &o->cfg, flags))
        return;
    switch (c) {
    case 'H':
        o->http = optarg;
        break;
    case 'w':
        o->www = optarg;
        break;
    case 'S':
        o->share = optarg;
        break;
    case 's':
        o->cfg.stats = optarg;
        break;
    case 'q':
        o->cfg.reminders = optarg;
        break;
    case 't':
        o->timeout_ms = (int)daemon_number("--timeout", optarg, 10, 600000);
        break;
    case 'c':
        o->max_connections =
            (unsigned)daemon_number("--max-connections", optarg, 2, 10000);
        break;
    case 'h':
    default:
        daemon_usage_exit(c, s_usage);
    }
}

static void s_parse(int argc, char **argv, gw_options_t *o,
                    daemon_flags_t *flags)
{
    static const struct option longopts[] = {
        {"http", required_argument, NULL, 'H'},
        {"www", required_argument, NULL, 'w'},
        {"share", required_argument, NULL, 'S'},
        {"replay", required_argument, NULL, 'r'},
        {"publish", required_argument, NULL, 'p'},
        {"stats", required_argument, NULL, 's'},
        {"reminders", required_argument, NULL, 'q'},
        {"timeout", required_argument, NULL, 't'},
        {"max-connections", required_argument, NULL, 'c'},
        {"check", no_argument, NULL, 'n'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        DAEMON_VERSION_OPTION,
        {NULL, 0, NULL, 0}};
    int c;
    *o = (gw_options_t){.timeout_ms = GW_TIMEOUT_DEFAULT,
                        .max_connections = GW_CONNECTIONS_DEFAULT};
    while ((c = getopt_long(argc, argv, "H:w:S:r:p:s:q:t:c:nvVh", longopts,
                            NULL)) != -1)
        s_option(o, flags, c);
    daemon_no_operands("opcat-gatewayd", argc, argv, s_usage);
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
