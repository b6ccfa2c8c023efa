/*  opcat-bridged: a copy of the event log on NATS JetStream.

    A consumer like the others (common/runtime/consumer.h): it follows the
    store from its checkpoint, REPLAY then PUBLISH, and for each batch
    publishes every event to the stream (brg_js.h) and waits for all the
    acknowledgments in batch_end; a batch with one missing fails, so its
    checkpoint does not move and the consumer offers it again.  A resend
    carries the same Nats-Msg-Id, which JetStream acknowledges as a
    duplicate inside its window.  The store never waits for the bridge. */
#include <getopt.h>
#include <nats/nats.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "brg_js.h"
#include "cfg.h"
#include "consumer.h"
#include "daemon.h"
#include "log.h"

#define BRIDGE_STATUS_DEFAULT "tcp://127.0.0.1:7709"
#define BRIDGE_NATS_DEFAULT "nats://127.0.0.1:4222"

typedef struct {
    cfg_t cfg;
    daemon_flags_t flags;
    const char *status;
    brg_js_options_t js;
} options_t;

typedef struct {
    brg_js_t *js;
    uint64_t rounds_failed;
} bridge_t;

static void s_usage(FILE *out)
{
    fprintf(out,
            "usage: opcat-bridged [-hnvVR] [-r EP] [-p EP] [-s EP] [-D DIR] "
            "[-N URLS] [-S NAME] [-k N] [-w MS] [-d S]\n"
            "Copies every event of the store to a NATS JetStream stream, "
            "in order,\nmoving its checkpoint only once JetStream has "
            "acknowledged each event.\n"
            "\n"
            "  -r, --replay EP     store REPLAY endpoint   "
            "[$OPCAT_REPLAY, " CFG_REPLAY_DEFAULT "]\n"
            "  -p, --publish EP    store PUBLISH endpoint  "
            "[$OPCAT_PUBLISH, " CFG_PUBLISH_DEFAULT "]\n"
            "  -s, --status EP     status queries (ROUTER) "
            "[$OPCAT_BRIDGE, " BRIDGE_STATUS_DEFAULT "]\n"
            "  -D, --data DIR      checkpoint in DIR/bridged  "
            "[$OPCAT_DATA, " CFG_DATA_DEFAULT "]\n"
            "  -N, --nats URLS     NATS servers, comma-separated "
            "[$OPCAT_NATS, " BRIDGE_NATS_DEFAULT "]\n"
            "  -S, --stream NAME   JetStream stream [$OPCAT_NATS_STREAM, "
            "OPCAT]\n"
            "  -k, --replicas N    replicas of a stream it creates (1-5) "
            "[1]\n"
            "  -w, --ack-wait MS   wait for a batch's acknowledgments "
            "[5000]\n"
            "  -d, --duplicate-window S  the stream's duplicate window "
            "[86400]\n"
            "  -R, --rebuild       forget the checkpoint; publish again "
            "from sequence 1\n"
            "                      (duplicates inside the window are "
            "not stored twice)\n"
            "  -n, --check         check the settings, then exit\n"
            "  -v, --verbose       log debug lines\n"
            "  -h, --help          this help\n"
            "  -V, --version       print the version\n");
}

static void s_option(void *arg, int c, const char *value)
{
    options_t *o = arg;
    switch (c) {
    case 's':
        o->status = value;
        break;
    case 'N':
        o->js.urls = value;
        break;
    case 'S':
        o->js.stream = value;
        break;
    case 'k':
        o->js.replicas = (int)daemon_number("--replicas", value, 1, 5);
        break;
    case 'w':
        o->js.ack_wait_ms = daemon_number("--ack-wait", value, 10, 600000);
        break;
    case 'd':
        o->js.duplicates_ms =
            daemon_number("--duplicate-window", value, 1, 31536000) * 1000;
        break;
    }
}

static void s_parse(int argc, char **argv, options_t *o)
{
    static const struct option own[] = {
        {"status", required_argument, NULL, 's'},
        {"nats", required_argument, NULL, 'N'},
        {"stream", required_argument, NULL, 'S'},
        {"replicas", required_argument, NULL, 'k'},
        {"ack-wait", required_argument, NULL, 'w'},
        {"duplicate-window", required_argument, NULL, 'd'},
        {NULL, 0, NULL, 0}};
    const daemon_cli_t cli = {.name = "opcat-bridged",
                              .shared = DAEMON_OPT_PUBLISH | DAEMON_OPT_REPLAY |
                                        DAEMON_OPT_DATA | DAEMON_OPT_REBUILD,
                              .own_short = "s:N:S:k:w:d:",
                              .own_long = own,
                              .option = s_option,
                              .arg = o,
                              .usage = s_usage};
    daemon_parse(&cli, argc, argv, &o->cfg, &o->flags);
    cfg_fill(&o->cfg);
    o->status = cfg_pick(o->status, "OPCAT_BRIDGE", BRIDGE_STATUS_DEFAULT);
    o->js.urls = cfg_pick(o->js.urls, "OPCAT_NATS", BRIDGE_NATS_DEFAULT);
    o->js.stream = cfg_pick(o->js.stream, "OPCAT_NATS_STREAM", "OPCAT");
}

static int s_batch_begin(void *arg, consumer_t *consumer, MDB_txn *txn)
{
    (void)consumer;
    (void)txn;
    bridge_t *b = arg;
    brg_js_begin(b->js);
    return 0;
}

/*  Sends one event as the store holds it (the envelope packed again is
    the same bytes: it was packed by the same code from the same fields). */
static int s_apply(void *arg, consumer_t *consumer, MDB_txn *txn,
                   const event_t *event)
{
    (void)consumer;
    (void)txn;
    bridge_t *b = arg;
    char topic[EVENT_TOPIC_MAX];
    event_topic(event, topic);
    size_t len;
    uint8_t *data = event_pack(event, &len);
    if (!data)
        return OPCAT_ENOMEM;
    err_t err;
    int rc = brg_js_publish(b->js, topic, event->id, event->sequence, data, len,
                            &err);
    free(data);
    if (rc)
        log_warnx("bridge: event %" PRIu64 ": %s", event->sequence,
                  err.message);
    return rc;
}

/*  The batch commits (and the checkpoint moves) only if JetStream has
    acknowledged every event of it. */
static int s_batch_end(void *arg, consumer_t *consumer, MDB_txn *txn)
{
    (void)consumer;
    (void)txn;
    bridge_t *b = arg;
    err_t err;
    int rc = brg_js_flush(b->js, &err);
    if (rc) {
        b->rounds_failed++;
        log_warnx("bridge: %s; the batch will be sent again", err.message);
    }
    return rc;
}

static json_t *s_query(void *arg, consumer_t *consumer, const json_t *request,
                       err_t *err)
{
    bridge_t *b = arg;
    const char *op = json_string_value(json_object_get(request, "op"));
    if (strcmp(op, "service") != 0) {
        err_set(err, OPCAT_EINVAL, "op", "op: unknown operation \"%.40s\"", op);
        return NULL;
    }
    json_t *reply = json_object();
    consumer_status(consumer, reply);
    json_object_set_new(reply, "stored", json_integer(brg_js_stored(b->js)));
    json_object_set_new(reply, "duplicates",
                        json_integer(brg_js_duplicates(b->js)));
    json_object_set_new(reply, "failed_rounds",
                        json_integer((json_int_t)b->rounds_failed));
    return reply;
}

/*  Connects and finds the stream, trying again every second while NATS
    (or its JetStream quorum) is not there yet: the bridge may start
    before the cluster.  NULL if stopped first. */
static brg_js_t *s_connect(const brg_js_options_t *options,
                           volatile sig_atomic_t *stop)
{
    err_t err;
    char last[ERR_MESSAGE_MAX] = "";
    while (!*stop) {
        brg_js_t *js = brg_js_new(options, &err);
        if (js)
            return js;
        if (strcmp(err.message, last) != 0)
            log_warnx("%s; trying again every second", err.message);
        snprintf(last, sizeof last, "%s", err.message);
        sleep(1);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    options_t o = {.js = {.replicas = 1,
                          .ack_wait_ms = 5000,
                          .duplicates_ms = 86400 * 1000LL}};
    s_parse(argc, argv, &o);
    log_init("opcat-bridged", o.flags.verbose);
    volatile sig_atomic_t *stop = daemon_signals();
    daemon_log_start("opcat-bridged", "libnats " NATS_VERSION_STRING);
    if (o.flags.check) {
        log_info("settings are fine");
        return 0;
    }
    bridge_t bridge = {s_connect(&o.js, stop), 0};
    if (!bridge.js)
        return 0; /* stopped before NATS answered */
    static const char *const dbs[] = {"meta"};
    consumer_spec_t spec = {.name = "bridged",
                            .subdir = "bridged",
                            .dbs = dbs,
                            .db_count = 1,
                            .query_endpoint = o.status,
                            .catch_up_batch = 0,
                            .apply = s_apply,
                            .batch_begin = s_batch_begin,
                            .batch_end = s_batch_end,
                            .query = s_query,
                            .arg = &bridge};
    int rc = consumer_run(&spec, &o.cfg, o.flags.rebuild, stop);
    brg_js_destroy(&bridge.js);
    nats_Close();
    log_info("terminated");
    return rc ? 1 : 0;
}
