/*  opcat-aggregated: the aggregation service.  CLI and signals; the loop
    is common/runtime/consumer.h's, the projection project.c's, the answers
    query.c's and stats.c's. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "cfg.h"
#include "consumer.h"
#include "log.h"
#include "agg_query.h"
#include "agg_regions.h"
#include "agg_tables.h"

typedef struct {
    cfg_t cfg;
    const char *regions;
    daemon_flags_t flags; /* --rebuild and --catch-up-batch too */
} options_t;

static void s_usage(FILE *out)
{
    fprintf(
        out,
        "usage: opcat-aggregated [-hnvVR] [-r EP] [-p EP] [-s EP] [-D DIR] "
        "[-g FILE] [-B N]\n"
        "The OPCAT aggregation service: follows the event store and keeps\n"
        "projections (in LMDB) that answer the annual report's figures for\n"
        "any as-of date on its query endpoint.\n"
        "\n"
        "  -r, --replay EP    store REPLAY endpoint   "
        "[$OPCAT_REPLAY, " CFG_REPLAY_DEFAULT "]\n"
        "  -p, --publish EP   store PUBLISH endpoint  "
        "[$OPCAT_PUBLISH, " CFG_PUBLISH_DEFAULT "]\n"
        "  -s, --stats EP     query endpoint (ROUTER) "
        "[$OPCAT_STATS, " CFG_STATS_DEFAULT "]\n"
        "  -D, --data DIR     data directory; state in DIR/aggregated  "
        "[$OPCAT_DATA, " CFG_DATA_DEFAULT "]\n"
        "  -g, --regions FILE regional groups (alpha3 TAB name TAB region)\n"
        "                     [$OPCAT_REGIONS, else regions.tsv in "
        "$OPCAT_SHARE,\n"
        "                     /usr/share/opcat or the checkout's data/]\n"
        "  States' names: state-names.tsv in $OPCAT_SHARE, "
        "/usr/share/opcat or the\n"
        "                     checkout's data/\n"
        "  -R, --rebuild      empty the projections and rebuild them from "
        "sequence 1\n"
        "  -B, --catch-up-batch N  events per transaction while catching "
        "up\n"
        "                     (0: one per replay page of at most 16384) "
        "[" CONSUMER_CATCH_UP_BATCH_TEXT "]\n"
        "  -n, --check        check the settings, the regions and names "
        "files, then exit\n"
        "  -v, --verbose      log debug lines\n"
        "  -h, --help         this help\n"
        "  -V, --version      print the version\n"
        "Runs in the foreground and logs to stderr; SIGTERM or SIGINT "
        "stop it cleanly.\n");
}

static void s_option(void *arg, int c, const char *value)
{
    options_t *o = arg;
    switch (c) {
    case 's':
        o->cfg.stats = value;
        break;
    case 'g':
        o->regions = value;
        break;
    }
}

static void s_parse(int argc, char **argv, options_t *o)
{
    static const struct option own[] = {
        {"stats", required_argument, NULL, 's'},
        {"regions", required_argument, NULL, 'g'},
        {NULL, 0, NULL, 0}};
    const daemon_cli_t cli = {.name = "opcat-aggregated",
                              .shared = DAEMON_OPT_PUBLISH | DAEMON_OPT_REPLAY |
                                        DAEMON_OPT_DATA | DAEMON_OPT_REBUILD |
                                        DAEMON_OPT_CATCH_UP_BATCH,
                              .catch_up_max = CONSUMER_CATCH_UP_BATCH_MAX,
                              .own_short = "s:g:",
                              .own_long = own,
                              .option = s_option,
                              .arg = o,
                              .usage = s_usage};
    daemon_parse(&cli, argc, argv, &o->cfg, &o->flags);
    cfg_fill(&o->cfg);
}

static agg_regions_t *s_load_regions(const options_t *o)
{
    err_t err;
    agg_regions_t *regions = agg_regions_find(o->regions, &err);
    if (!regions)
        fatalx("%s", err.message);
    return regions;
}

int main(int argc, char **argv)
{
    options_t o = {.flags.catch_up_batch = CONSUMER_CATCH_UP_BATCH};
    s_parse(argc, argv, &o);
    log_init("opcat-aggregated", o.flags.verbose);

    volatile sig_atomic_t *stop = daemon_signals();

    daemon_log_start("opcat-aggregated", NULL);
    agg_regions_t *regions = s_load_regions(&o);
    err_t err;
    names_t *names = names_find(NULL, &err);
    if (!names)
        fatalx("%s", err.message);
    if (o.flags.check) {
        log_info("settings, regions and names are fine");
        agg_regions_destroy(&regions);
        names_destroy(&names);
        return 0;
    }
    agg_service_t service = {regions, names, agg_delta_new(), {0}};
    if (dayclock_init(&service.clock, NULL, &err))
        fatalx("%s", err.message);
    if (!service.delta) {
        log_warnx("out of memory");
        agg_regions_destroy(&regions);
        names_destroy(&names);
        return 1;
    }
    consumer_spec_t spec = {.name = "aggregated",
                            .subdir = "aggregated",
                            .dbs = agg_tab_names(),
                            .db_count = AGG_DB_COUNT,
                            .query_endpoint = o.cfg.stats,
                            .apply = agg_query_apply,
                            .batch_begin = agg_query_batch_begin,
                            .batch_end = agg_query_batch_end,
                            .release = agg_query_release,
                            .query = agg_query_answer,
                            .catch_up_batch = (size_t)o.flags.catch_up_batch,
                            .arg = &service};
    int rc = consumer_run(&spec, &o.cfg, o.flags.rebuild, stop);
    agg_delta_destroy(&service.delta);
    agg_regions_destroy(&regions);
    names_destroy(&names);
    log_info("terminated");
    return rc ? 1 : 0;
}
