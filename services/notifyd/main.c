/*  opcat-notifyd: CLI, settings and the consumer that runs it all. */
#include <curl/curl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codes.h"
#include "daemon.h"
#include "date.h"
#include "log.h"
#include "ntf.h"
#include "ntf_queue.h"

static void s_usage(FILE *out)
{
    fprintf(
        out,
        "usage: opcat-notifyd [-hnvV] [-p EP] [-r EP] [-q EP] [-D DIR] "
        "[-f FILE] [-g FILE]\n"
        "                     [--now YYYY-MM-DD] [--retry-base-ms MS] "
        "[--retry-max-ms MS]\n"
        "                     [--max-attempts N] [--timeout-ms MS] "
        "[--max-age-days N] [--rebuild]\n"
        "The OPCAT notifier: follows the store and delivers each "
        "reminder.issued\n"
        "by e-mail (SMTP) and webhook (HTTP POST, JSON) to the "
        "destinations its\n"
        "config routes it to, with retries; at least once, the reminder id "
        "as the\n"
        "idempotency key (docs/NOTIFY.md).\n\n"
        "  -p, --publish EP    store PUBLISH    "
        "[$OPCAT_PUBLISH, " CFG_PUBLISH_DEFAULT "]\n"
        "  -r, --replay EP     store REPLAY     "
        "[$OPCAT_REPLAY, " CFG_REPLAY_DEFAULT "]\n"
        "  -q, --notify EP     queries (ROUTER) "
        "[$OPCAT_NOTIFY, " CFG_NOTIFY_DEFAULT "]\n"
        "  -D, --data DIR      data directory; state in DIR/notify "
        "[$OPCAT_DATA, " CFG_DATA_DEFAULT "]\n"
        "  -f, --config FILE   routes and SMTP settings (JSON) "
        "[$OPCAT_NOTIFY_CONFIG];\n"
        "                      without one nothing is sent\n"
        "  -g, --regions FILE  regional groups, for routes by region "
        "[$OPCAT_REGIONS,\n"
        "                      else regions.tsv in $OPCAT_SHARE, "
        "/usr/share/opcat\n"
        "                      or the checkout's data/]\n"
        "      --now DATE      a fixed today, for max_age_days [$OPCAT_NOW, "
        "else UTC]\n"
        "      --retry-base-ms MS  first back-off delay (doubles each "
        "attempt) [30000]\n"
        "      --retry-max-ms MS   longest back-off delay [21600000]\n"
        "      --max-attempts N    then a delivery is failed [8]\n"
        "      --timeout-ms MS     one attempt's time limit [5000]\n"
        "      --max-age-days N    older reminders are not sent; 0: any "
        "[7]\n"
        "  -R, --rebuild       empty the state and follow from sequence 1\n"
        "  -n, --check         check the settings and the state, then exit\n"
        "  -v, --verbose       log debug lines\n"
        "  -h, --help          this help\n"
        "  -V, --version       print the version\n"
        "The SMTP password may also come from $OPCAT_SMTP_PASSWORD, or from "
        "the file\n"
        "$OPCAT_SMTP_PASSWORD_FILE names (over the config's).\n"
        "Flags override the config file.  Runs in the foreground and logs "
        "to stderr;\n"
        "SIGTERM or SIGINT stop it cleanly.\n");
}

/*  What the command line asked for beyond the endpoints. */
typedef struct {
    const char *config, *regions;
    const char *retry_base, *retry_max, *attempts, *timeout, *max_age;
    daemon_flags_t flags; /* --now and --rebuild too */
} opts_t;

/*  Where the daemon's own options go. */
typedef struct {
    ntf_t *self;
    opts_t *o;
} parse_t;

/*  The values of the long options without a short form. */
enum {
    OPT_RETRY_BASE = 256,
    OPT_RETRY_MAX,
    OPT_ATTEMPTS,
    OPT_TIMEOUT,
    OPT_MAX_AGE
};

static void s_option(void *arg, int c, const char *value)
{
    parse_t *p = arg;
    opts_t *o = p->o;
    switch (c) {
    case 'q':
        p->self->cfg.notify = value;
        break;
    case 'f':
        o->config = value;
        break;
    case 'g':
        o->regions = value;
        break;
    case OPT_RETRY_BASE:
        o->retry_base = value;
        break;
    case OPT_RETRY_MAX:
        o->retry_max = value;
        break;
    case OPT_ATTEMPTS:
        o->attempts = value;
        break;
    case OPT_TIMEOUT:
        o->timeout = value;
        break;
    case OPT_MAX_AGE:
        o->max_age = value;
        break;
    }
}

static void s_parse(int argc, char **argv, ntf_t *self, opts_t *o)
{
    static const struct option own[] = {
        {"notify", required_argument, NULL, 'q'},
        {"config", required_argument, NULL, 'f'},
        {"regions", required_argument, NULL, 'g'},
        {"retry-base-ms", required_argument, NULL, OPT_RETRY_BASE},
        {"retry-max-ms", required_argument, NULL, OPT_RETRY_MAX},
        {"max-attempts", required_argument, NULL, OPT_ATTEMPTS},
        {"timeout-ms", required_argument, NULL, OPT_TIMEOUT},
        {"max-age-days", required_argument, NULL, OPT_MAX_AGE},
        {NULL, 0, NULL, 0}};
    parse_t p = {self, o};
    const daemon_cli_t cli = {.name = "opcat-notifyd",
                              .shared = DAEMON_OPT_PUBLISH | DAEMON_OPT_REPLAY |
                                        DAEMON_OPT_DATA | DAEMON_OPT_REBUILD |
                                        DAEMON_OPT_NOW,
                              .own_short = "q:f:g:",
                              .own_long = own,
                              .option = s_option,
                              .arg = &p,
                              .usage = s_usage};
    daemon_parse(&cli, argc, argv, &self->cfg, &o->flags);
    cfg_fill(&self->cfg);
    o->config = cfg_pick(o->config, "OPCAT_NOTIFY_CONFIG", NULL);
}

static bool s_is_state(void *arg, const char *code)
{
    return codes_is_state(arg, code);
}

/*  Reads --config (State codes checked against iso-codes). */
static ntf_config_t *s_load_config(const char *path)
{
    err_t err;
    if (!path)
        return ntf_config_new();
    codes_t *codes = codes_new(NULL, &err);
    if (!codes)
        fatalx("%s", err.message);
    ntf_config_t *config = ntf_config_load(path, s_is_state, codes, &err);
    codes_destroy(&codes);
    if (!config)
        fatalx("%s", err.message);
    return config;
}

/*  The SMTP password from OPCAT_SMTP_PASSWORD or the file that
    OPCAT_SMTP_PASSWORD_FILE names (a compose secret), over the config's. */
static void s_smtp_password(ntf_config_t *config)
{
    err_t err;
    char *password = NULL;
    if (cfg_secret("OPCAT_SMTP_PASSWORD", &password, &err))
        fatalx("%s", err.message);
    if (password && ntf_config_set_smtp_password(config, password))
        fatalx("out of memory");
    free(password);
}

/*  Applies --config, then the flags that override it. */
static void s_settings(ntf_t *self, const opts_t *o)
{
    if (!(self->config = s_load_config(o->config)))
        fatalx("out of memory");
    s_smtp_password(self->config);
    ntf_settings_t *s = ntf_config_settings(self->config);
    if (o->retry_base)
        s->retry_base_ms =
            daemon_number("--retry-base-ms", o->retry_base, 1, 86400000);
    if (o->retry_max)
        s->retry_max_ms =
            daemon_number("--retry-max-ms", o->retry_max, 1, 7LL * 86400000);
    if (o->attempts)
        s->max_attempts =
            (int)daemon_number("--max-attempts", o->attempts, 1, 1000);
    if (o->timeout)
        s->timeout_ms =
            (int)daemon_number("--timeout-ms", o->timeout, 100, 600000);
    if (o->max_age)
        s->max_age_days =
            (int)daemon_number("--max-age-days", o->max_age, 0, 36500);
    err_t err;
    if (dayclock_init(&self->clock, o->flags.now, &err))
        fatalx("%s", err.message);
}

static agg_regions_t *s_load_regions(const opts_t *o)
{
    err_t err;
    agg_regions_t *regions = agg_regions_find(o->regions, &err);
    if (!regions)
        fatalx("%s (routes by region need it)", err.message);
    return regions;
}

/*  One line on what will be sent where. */
static void s_log_settings(const ntf_t *self, const char *path)
{
    const ntf_settings_t *s = ntf_config_settings_const(self->config);
    size_t n = ntf_config_destinations(self->config);
    if (!n) {
        log_info("no destinations configured%s: reminders are followed "
                 "and nothing is sent",
                 path ? " in the config" : " (no --config)");
        return;
    }
    log_info("%zu destinations from %s; smtp %s; retries: %lld ms doubling "
             "up to %lld ms, %d attempts; timeout %d ms; max age %d days",
             n, path, s->smtp_url ? s->smtp_url : "none",
             (long long)s->retry_base_ms, (long long)s->retry_max_ms,
             s->max_attempts, s->timeout_ms, s->max_age_days);
}

static int s_read_counts(void *arg, MDB_txn *txn)
{
    void **a = arg;
    return ntf_queue_counts(a[0], txn, a[1]);
}

/*  -n: opens the state, prints what it holds, exits. */
static int s_check(const ntf_t *self)
{
    err_t err;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/notify", self->cfg.data);
    kv_t *kv = kv_open(dir, ntf_queue_dbs(), NULL, NTF_DB_COUNT, &err);
    uint64_t checkpoint = 0;
    size_t counts[3] = {0};
    if (!kv || kv_load_checkpoint(kv, &checkpoint, &err) ||
        kv_read(kv, s_read_counts, (void *[]){kv, counts}, &err))
        fatalx("state in %s: %s", dir, err.message);
    log_info("settings and state are fine: %s, checkpoint %llu; deliveries "
             "pending %zu, failed %zu, delivered %zu",
             dir, (unsigned long long)checkpoint, counts[NTF_PENDING],
             counts[NTF_FAILED], counts[NTF_DELIVERED]);
    kv_destroy(&kv);
    return 0;
}

static int s_run(ntf_t *self, bool rebuild, volatile sig_atomic_t *stop)
{
    err_t err;
    if (!(self->sender =
              ntf_sender_new(ntf_config_settings_const(self->config), &err)))
        fatalx("%s", err.message);
    consumer_spec_t spec = {.name = "notify",
                            .subdir = "notify",
                            .dbs = ntf_queue_dbs(),
                            .db_count = NTF_DB_COUNT,
                            .query_endpoint = self->cfg.notify,
                            .apply = ntf_apply,
                            .query = ntf_query,
                            .metrics = ntf_metrics,
                            .tick = ntf_tick,
                            .start = ntf_start,
                            .stop = ntf_stop,
                            .arg = self};
    int rc = consumer_run(&spec, &self->cfg, rebuild, stop);
    ntf_sender_destroy(&self->sender); /* if the run never started */
    log_info(
        "this run: %llu deliveries queued, %llu delivered, %llu failed "
        "attempts, %llu given up, %llu reminders too old to send, %llu "
        "not written by the reminder service (not sent)",
        (unsigned long long)self->enqueued, (unsigned long long)self->delivered,
        (unsigned long long)self->failed, (unsigned long long)self->given_up,
        (unsigned long long)self->too_old, (unsigned long long)self->untrusted);
    return rc;
}

int main(int argc, char **argv)
{
    ntf_t self = {0};
    opts_t o = {0};
    s_parse(argc, argv, &self, &o);
    log_init("opcat-notifyd", o.flags.verbose);
    s_settings(&self, &o);
    daemon_log_start("opcat-notifyd", curl_version());
    s_log_settings(&self, o.config);
    if (ntf_config_uses_regions(self.config))
        self.regions = s_load_regions(&o);
    int rc = 0;
    if (o.flags.check) {
        rc = s_check(&self);
    } else {
        volatile sig_atomic_t *stop = daemon_signals();
        if (curl_global_init(CURL_GLOBAL_DEFAULT))
            fatalx("curl_global_init failed");
        rc = s_run(&self, o.flags.rebuild, stop);
        curl_global_cleanup();
    }
    agg_regions_destroy(&self.regions);
    ntf_config_destroy(&self.config);
    log_info("terminated");
    return rc ? 1 : 0;
}
