/*  opcat-stored: the event store daemon.  CLI, sockets and the loop. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "auth.h"
#include "bus.h"
#include "cfg.h"
#include "log.h"
#include "monotime.h"
#include "stored.h"

#define HEARTBEAT_MS 1000
#define PUB_HWM 100000 /* messages queued per subscriber before dropping */
/*  Replies queued per APPEND client.  A reply that finds the queue full
    is dropped (and logged): PROTOCOL.md bounds a client's requests in
    flight below this. */
#define REPLY_HWM 100000

static void s_usage(FILE *out)
{
    fprintf(out,
            "usage: opcat-stored [-hnv] [-a ENDPOINT] [-p ENDPOINT] "
            "[-r ENDPOINT] [-D DIR]\n"
            "The OPCAT event store: appends events durably to an LMDB log,\n"
            "publishes each committed event and replays the log on request.\n"
            "\n"
            "  -a, --append EP    APPEND endpoint (ROUTER)   "
            "[$OPCAT_APPEND, " CFG_APPEND_DEFAULT "]\n"
            "  -p, --publish EP   PUBLISH endpoint (PUB)     "
            "[$OPCAT_PUBLISH, " CFG_PUBLISH_DEFAULT "]\n"
            "  -r, --replay EP    REPLAY endpoint (ROUTER)   "
            "[$OPCAT_REPLAY, " CFG_REPLAY_DEFAULT "]\n"
            "  The public pair carries every event without confidential "
            "fields (art. 16):\n"
            "      --public EP    public PUBLISH (PUB)       "
            "[$OPCAT_PUBLIC, " CFG_PUBLIC_DEFAULT "]\n"
            "      --public-replay EP  public REPLAY (ROUTER) "
            "[$OPCAT_PUBLIC_REPLAY, " CFG_PUBLIC_REPLAY_DEFAULT "]\n"
            "  -D, --data DIR     data directory; the log is DIR/store  "
            "[$OPCAT_DATA, " CFG_DATA_DEFAULT "]\n"
            "  -m, --max-message BYTES  largest request accepted; a bigger "
            "one drops\n"
            "                     the sender's connection [$OPCAT_MAX_MESSAGE, "
            "67108864]\n"
            "  -n, --check        check the settings and the store, then "
            "exit\n"
            "  -v, --verbose      log debug lines\n"
            "  -h, --help         this help\n"
            "Runs in the foreground and logs to stderr; SIGTERM or SIGINT "
            "stop it cleanly.\n");
}

typedef struct {
    cfg_t cfg;
    daemon_flags_t flags;
    int64_t max_message;
} options_t;

static int64_t s_bytes(const char *text)
{
    char *end;
    long long n = strtoll(text, &end, 10);
    if (!*text || *end || n < 1024)
        fatalx("--max-message: \"%s\" must be a number of bytes >= 1024", text);
    return n;
}

/*  The store's own options (the shared ones are daemon_option's). */
static void s_option(options_t *o, int c)
{
    switch (c) {
    case 'm':
        o->max_message = s_bytes(optarg);
        break;
    case 'P':
        o->cfg.public_publish = optarg;
        break;
    case 'R':
        o->cfg.public_replay = optarg;
        break;
    case 'h':
    default:
        daemon_usage_exit(c, s_usage);
    }
}

static void s_parse(int argc, char **argv, options_t *o)
{
    static const struct option longopts[] = {
        {"append", required_argument, NULL, 'a'},
        {"publish", required_argument, NULL, 'p'},
        {"replay", required_argument, NULL, 'r'},
        {"data", required_argument, NULL, 'D'},
        {"max-message", required_argument, NULL, 'm'},
        {"public", required_argument, NULL, 'P'},
        {"public-replay", required_argument, NULL, 'R'},
        {"check", no_argument, NULL, 'n'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "a:p:r:D:m:nvh", longopts, NULL)) != -1)
        if (!daemon_option(c, optarg, &o->cfg, &o->flags))
            s_option(o, c);
    daemon_no_operands("opcat-stored", argc, argv, s_usage);
    cfg_fill(&o->cfg);
    if (!o->max_message) {
        const char *env = getenv("OPCAT_MAX_MESSAGE");
        o->max_message = env && *env ? s_bytes(env) : BUS_MAX_MESSAGE_DEFAULT;
    }
}

static void s_open_store(evs_t *self, const cfg_t *cfg)
{
    err_t err;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/store", cfg->data);
    if (!(self->codes = codes_new(NULL, &err)))
        fatalx("ISO code lists: %s", err.message);
    if (cfg_mkdirs(dir, &err))
        fatalx("%s", err.message);
    if (!(self->store = store_open(dir, self->codes, NULL, &err)))
        fatalx("cannot open the store in %s: %s", dir, err.message);
    self->published = store_head(self->store);
    log_info("store %s: head %llu, map %zu MiB", dir,
             (unsigned long long)self->published,
             store_map_size(self->store) >> 20);
}

/*  Binds one server socket with the options of its role. */
static void *s_bind(evs_t *self, int type, const char *endpoint,
                    const char *role, bus_server_options_t options)
{
    err_t err;
    void *socket = NULL;
    if (auth_server_options(self->auth, role, endpoint, &options, &err) ||
        !(socket = bus_server(self->ctx, type, endpoint, &options, &err)))
        fatalx("%s", err.message);
    return socket;
}

static void s_open_sockets(evs_t *self, const cfg_t *cfg, int64_t max_message)
{
    /* Replies that cannot be routed become errors we log, not silence.  A
       peer that sends more than max_message is disconnected by libzmq
       before the message reaches us: memory stays bounded whatever it
       sends.  PUB drops past its high-water mark instead of blocking. */
    bus_server_options_t append = {.max_message = max_message,
                                   .router_mandatory = true,
                                   .send_hwm = REPLY_HWM};
    bus_server_options_t replay = {.max_message = 4096,
                                   .router_mandatory = true};
    bus_server_options_t publish = {.send_hwm = PUB_HWM};
    err_t err;
    self->ctx = zmq_ctx_new();
    /* the ZAP handler must be bound before any CURVE socket accepts */
    if (!(self->auth = auth_new(self->ctx, &err)))
        fatalx("%s", err.message);
    self->append = s_bind(self, ZMQ_ROUTER, cfg->append, "writer", append);
    self->replay = s_bind(self, ZMQ_ROUTER, cfg->replay, "reader", replay);
    self->publish = s_bind(self, ZMQ_PUB, cfg->publish, "reader", publish);
    self->public_replay =
        s_bind(self, ZMQ_ROUTER, cfg->public_replay, "public", replay);
    self->public_publish =
        s_bind(self, ZMQ_PUB, cfg->public_publish, "public", publish);
    log_info("APPEND %s, PUBLISH %s, REPLAY %s; requests up to %lld bytes",
             cfg->append, cfg->publish, cfg->replay, (long long)max_message);
    log_info("public (no confidential fields): PUBLISH %s, REPLAY %s",
             cfg->public_publish, cfg->public_replay);
}

static void s_loop(evs_t *self, volatile sig_atomic_t *stop)
{
    zmq_pollitem_t items[] = {{self->append, 0, ZMQ_POLLIN, 0},
                              {self->replay, 0, ZMQ_POLLIN, 0},
                              {self->public_replay, 0, ZMQ_POLLIN, 0},
                              {auth_socket(self->auth), 0, ZMQ_POLLIN, 0}};
    int nitems = auth_socket(self->auth) ? 4 : 3;
    int64_t heartbeat_at = monotime_ms() + HEARTBEAT_MS;
    while (!*stop) {
        int64_t wait = heartbeat_at - monotime_ms();
        int rc = zmq_poll(items, nitems, wait > 0 ? wait : 0);
        if (rc < 0) {
            if (zmq_errno() == EINTR)
                continue; /* a signal: the loop condition checks the flag */
            fatalx("zmq_poll: %s", zmq_strerror(zmq_errno()));
        }
        if (nitems == 4 && (items[3].revents & ZMQ_POLLIN))
            auth_handle(self->auth);
        if (items[0].revents & ZMQ_POLLIN)
            evs_append_handle(self);
        if (items[1].revents & ZMQ_POLLIN)
            evs_replay_handle(self, self->replay, false);
        if (items[2].revents & ZMQ_POLLIN)
            evs_replay_handle(self, self->public_replay, true);
        /* at least once a second, busy or not: a subscriber that missed
           the last events learns the head from it, and queries arriving
           more often than the poll's timeout must not starve it */
        if (monotime_ms() >= heartbeat_at) {
            evs_publish_heartbeat(self);
            heartbeat_at = monotime_ms() + HEARTBEAT_MS;
        }
    }
}

static void s_shutdown(evs_t *self)
{
    log_info("stopping: head %llu; this run stored %llu, duplicates %llu, "
             "refused %llu, failed commits %llu, malformed frames %llu",
             (unsigned long long)store_head(self->store),
             (unsigned long long)self->stored,
             (unsigned long long)self->duplicates,
             (unsigned long long)self->refused,
             (unsigned long long)self->failed_commits,
             (unsigned long long)self->bad_frames);
    bus_close(&self->append);
    bus_close(&self->replay);
    bus_close(&self->public_replay);
    bus_close(&self->public_publish);
    auth_destroy(&self->auth);
    bus_close(&self->publish);
    zmq_ctx_term(self->ctx);
    evs_append_fini(self);
    evs_replay_fini(self);
    store_destroy(&self->store);
    codes_destroy(&self->codes);
    log_info("terminated");
}

int main(int argc, char **argv)
{
    options_t o = {0};
    s_parse(argc, argv, &o);
    log_init("opcat-stored", o.flags.verbose);

    volatile sig_atomic_t *stop = daemon_signals();

    evs_t self = {0};
    daemon_log_start("opcat-stored", NULL);
    s_open_store(&self, &o.cfg);
    if (o.flags.check) {
        log_info("settings and store are fine");
        store_destroy(&self.store);
        codes_destroy(&self.codes);
        return 0;
    }
    if (evs_append_init(&self) || evs_replay_init(&self))
        fatalx("out of memory");
    s_open_sockets(&self, &o.cfg, o.max_message);
    s_loop(&self, stop);
    s_shutdown(&self);
    return 0;
}
