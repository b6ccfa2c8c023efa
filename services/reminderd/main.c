/*  opcat-reminderd: CLI, settings and the consumer that runs it all. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "daemon.h"
#include "date.h"
#include "log.h"
#include "proj.h"
#include "rem.h"

#define MAX_SETTINGS 32

static void s_usage(FILE *out)
{
    fprintf(
        out,
        "usage: opcat-reminderd [-hnvV] [-a EP] [-p EP] [-r EP] [-q EP] "
        "[-D DIR] [-f FILE]\n"
        "                       [-o KEY=VALUE]... [--now YYYY-MM-DD] "
        "[--rebuild] [-B N]\n"
        "The OPCAT reminder service: follows the store, keeps every treaty\n"
        "deadline in LMDB and issues reminder.issued events when they fall "
        "due.\n\n"
        "  -a, --append EP     the store's APPEND for this service "
        "(reminder.* are\n"
        "                      written there only) [$OPCAT_APPEND_REMINDERS, "
        "\n                      " CFG_APPEND_REMINDERS_DEFAULT "]\n"
        "  -p, --publish EP    store PUBLISH    "
        "[$OPCAT_PUBLISH, " CFG_PUBLISH_DEFAULT "]\n"
        "  -r, --replay EP     store REPLAY     "
        "[$OPCAT_REPLAY, " CFG_REPLAY_DEFAULT "]\n"
        "  -q, --reminders EP  queries (ROUTER) "
        "[$OPCAT_REMINDERS, " CFG_REMINDERS_DEFAULT "]\n"
        "  -D, --data DIR      data directory; state in DIR/reminders "
        "[$OPCAT_DATA, " CFG_DATA_DEFAULT "]\n"
        "  -f, --config FILE   offsets, one KEY = VALUE a line\n"
        "  -o, --set KEY=VALUE one offset (after --config); keys:\n"
        "        reply_months=6 publication_months=12 "
        "publication_every_months=12\n"
        "        visit_notice_days=30 upcoming_days=30 "
        "overdue_every_days=90\n"
        "        (entry into force and the NPM deadline are the treaty's:\n"
        "        art. 28, art. 17 and art. 24, not settings)\n"
        "      --now DATE      a fixed today [$OPCAT_NOW, else the UTC "
        "date]\n"
        "  -R, --rebuild       empty the state and rebuild it from "
        "sequence 1\n"
        "  -B, --catch-up-batch N  events per transaction while catching "
        "up\n"
        "                      (0: one per replay page of at most 16384) "
        "[" CONSUMER_CATCH_UP_BATCH_TEXT "]\n"
        "  -n, --check         check the settings and the state, then exit\n"
        "  -v, --verbose       log debug lines\n"
        "  -h, --help          this help\n"
        "  -V, --version       print the version\n"
        "Runs in the foreground and logs to stderr; SIGTERM or SIGINT stop "
        "it cleanly.\n");
}

/*  What the command line asked for beyond the endpoints. */
typedef struct {
    const char *config;
    const char *settings[MAX_SETTINGS];
    size_t nsettings;
    daemon_flags_t flags; /* --now, --rebuild and --catch-up-batch too */
} opts_t;

/*  Where the daemon's own options go. */
typedef struct {
    rem_t *self;
    opts_t *o;
} parse_t;

static void s_option(void *arg, int c, const char *value)
{
    parse_t *p = arg;
    switch (c) {
    case 'a': /* the store's endpoint for this service alone: not --append's
                 shared meaning */
        p->self->cfg.append_reminders = value;
        break;
    case 'q':
        p->self->cfg.reminders = value;
        break;
    case 'f':
        p->o->config = value;
        break;
    case 'o':
        if (p->o->nsettings == MAX_SETTINGS)
            fatalx("too many --set options");
        p->o->settings[p->o->nsettings++] = value;
        break;
    }
}

static void s_parse(int argc, char **argv, rem_t *self, opts_t *o)
{
    static const struct option own[] = {
        {"append", required_argument, NULL, 'a'},
        {"reminders", required_argument, NULL, 'q'},
        {"config", required_argument, NULL, 'f'},
        {"set", required_argument, NULL, 'o'},
        {NULL, 0, NULL, 0}};
    parse_t p = {self, o};
    const daemon_cli_t cli = {.name = "opcat-reminderd",
                              .shared = DAEMON_OPT_PUBLISH | DAEMON_OPT_REPLAY |
                                        DAEMON_OPT_DATA | DAEMON_OPT_REBUILD |
                                        DAEMON_OPT_CATCH_UP_BATCH |
                                        DAEMON_OPT_NOW,
                              .catch_up_max = CONSUMER_CATCH_UP_BATCH_MAX,
                              .own_short = "a:q:f:o:",
                              .own_long = own,
                              .option = s_option,
                              .arg = &p,
                              .usage = s_usage};
    daemon_parse(&cli, argc, argv, &self->cfg, &o->flags);
    cfg_fill(&self->cfg);
}

/*  Applies --config, then each --set, then --now. */
static void s_settings(rem_t *self, const opts_t *o)
{
    err_t err;
    rem_config_defaults(&self->rules);
    if (o->config && rem_config_load(&self->rules, o->config, &err))
        fatalx("%s", err.message);
    for (size_t i = 0; i < o->nsettings; i++)
        if (rem_config_set(&self->rules, o->settings[i], &err))
            fatalx("--set: %s", err.message);
    if (dayclock_init(&self->clock, o->flags.now, &err))
        fatalx("%s", err.message);
    const rem_config_t *r = &self->rules;
    log_debug("offsets: reply %d months, publication %d then every %d "
              "months, visit notice %d days, upcoming %d days, overdue "
              "every %d days",
              r->reply_months, r->publication_months,
              r->publication_every_months, r->visit_notice_days,
              r->upcoming_days, r->overdue_every_days);
}

/*  -n: opens the state, prints what it holds, exits. */
static int s_check(const rem_t *self)
{
    err_t err;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/reminders", self->cfg.data);
    kv_t *kv = kv_open(dir, rem_proj_dbs(), NULL, REM_DB_COUNT, &err);
    uint64_t checkpoint = 0;
    if (!kv || kv_load_checkpoint(kv, &checkpoint, &err))
        fatalx("state in %s: %s", dir, err.message);
    char today[DATE_TEXT_LEN];
    date_format(dayclock_today(&self->clock), today);
    log_info("settings and state are fine: %s, checkpoint %llu, today %s", dir,
             (unsigned long long)checkpoint, today);
    kv_destroy(&kv);
    return 0;
}

int main(int argc, char **argv)
{
    rem_t self = {0};
    opts_t o = {.flags.catch_up_batch = CONSUMER_CATCH_UP_BATCH};
    s_parse(argc, argv, &self, &o);
    log_init("opcat-reminderd", o.flags.verbose);
    s_settings(&self, &o);
    daemon_log_start("opcat-reminderd", NULL);
    if (o.flags.check)
        return s_check(&self);

    volatile sig_atomic_t *stop = daemon_signals();

    char today[DATE_TEXT_LEN];
    date_format(dayclock_today(&self.clock), today);
    log_info("today is %s (%s)", today, self.clock.source);
    consumer_spec_t spec = {.name = "reminders",
                            .subdir = "reminders",
                            .dbs = rem_proj_dbs(),
                            .db_count = REM_DB_COUNT,
                            .query_endpoint = self.cfg.reminders,
                            .apply = rem_apply,
                            .query = rem_query,
                            .metrics = rem_metrics,
                            .tick = rem_fire_tick,
                            .stop = rem_fire_stop,
                            .catch_up_batch = (size_t)o.flags.catch_up_batch,
                            .arg = &self};
    int rc = consumer_run(&spec, &self.cfg, o.flags.rebuild, stop);
    log_info(
        "reminders this run: %llu issued, %llu already in the store, "
        "%llu refused, %llu failed rounds",
        (unsigned long long)self.fired, (unsigned long long)self.duplicates,
        (unsigned long long)self.refused, (unsigned long long)self.failures);
    log_info("terminated");
    return rc ? 1 : 0;
}
