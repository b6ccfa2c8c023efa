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
#include "loop.h"
#include "stored.h"

#define HEARTBEAT_MS 1000
/*  Idle time after which what the commit log holds is applied to LMDB. */
#define APPLY_IDLE_MS 50
#define PUB_HWM 100000 /* messages queued per subscriber before dropping */
/*  Replies queued per APPEND client.  A reply that finds the queue full
    is dropped (and logged): PROTOCOL.md bounds a client's requests in
    flight below this. */
#define REPLY_HWM 100000

static void s_usage(FILE *out)
{
    fprintf(out,
            "usage: opcat-stored [-hnvV] [-a ENDPOINT] [-p ENDPOINT] "
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
            "      --append-reminders EP  the reminder service's APPEND "
            "(ROUTER):\n"
            "                     reminder.* events are written there only\n"
            "                     "
            "[$OPCAT_APPEND_REMINDERS, " CFG_APPEND_REMINDERS_DEFAULT "]\n"
            "  -D, --data DIR     data directory; the log is DIR/store  "
            "[$OPCAT_DATA, " CFG_DATA_DEFAULT "]\n"
            "  -m, --max-message BYTES  largest APPEND request processed; "
            "a bigger one\n"
            "                     is answered TOO_BIG (-11) up to twice this "
            "size, past\n"
            "                     which the sender's connection is dropped "
            "[$OPCAT_MAX_MESSAGE,\n"
            "                     67108864]\n"
            "      --no-commit-log  acknowledge on LMDB's own commit instead "
            "of the\n"
            "                     commit log's sync (slower; the same "
            "guarantee)\n"
            "  -n, --check        check the settings and the store, then "
            "exit\n"
            "  -v, --verbose      log debug lines\n"
            "  -h, --help         this help\n"
            "  -V, --version      print the version\n"
            "Runs in the foreground and logs to stderr; SIGTERM or SIGINT "
            "stop it cleanly.\n");
}

typedef struct {
    cfg_t cfg;
    daemon_flags_t flags;
    int64_t max_message;
    bool no_commit_log;
} options_t;

static int64_t s_bytes(const char *text)
{
    char *end;
    long long n = strtoll(text, &end, 10);
    if (!*text || *end || n < 1024)
        fatalx("--max-message: \"%s\" must be a number of bytes >= 1024", text);
    return n;
}

/*  The store's own options (the shared ones are daemon.h's). */
static void s_option(void *arg, int c, const char *value)
{
    options_t *o = arg;
    switch (c) {
    case 'm':
        o->max_message = s_bytes(value);
        break;
    case 'P':
        o->cfg.public_publish = value;
        break;
    case 'R':
        o->cfg.public_replay = value;
        break;
    case 'E':
        o->cfg.append_reminders = value;
        break;
    case 'L':
        o->no_commit_log = true;
        break;
    }
}

static void s_parse(int argc, char **argv, options_t *o)
{
    static const struct option own[] = {
        {"max-message", required_argument, NULL, 'm'},
        {"public", required_argument, NULL, 'P'},
        {"public-replay", required_argument, NULL, 'R'},
        {"append-reminders", required_argument, NULL, 'E'},
        {"no-commit-log", no_argument, NULL, 'L'},
        {NULL, 0, NULL, 0}};
    const daemon_cli_t cli = {.name = "opcat-stored",
                              .shared = DAEMON_OPT_APPEND | DAEMON_OPT_PUBLISH |
                                        DAEMON_OPT_REPLAY | DAEMON_OPT_DATA,
                              .own_short = "m:",
                              .own_long = own,
                              .option = s_option,
                              .arg = o,
                              .usage = s_usage};
    daemon_parse(&cli, argc, argv, &o->cfg, &o->flags);
    cfg_fill(&o->cfg);
    if (!o->max_message) {
        const char *env = getenv("OPCAT_MAX_MESSAGE");
        o->max_message = env && *env ? s_bytes(env) : BUS_MAX_MESSAGE_DEFAULT;
    }
}

static void s_open_store(evs_t *self, const cfg_t *cfg, bool commit_log)
{
    err_t err;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/store", cfg->data);
    if (!(self->codes = codes_new(NULL, &err)))
        fatalx("ISO code lists: %s", err.message);
    if (cfg_mkdirs(dir, &err))
        fatalx("%s", err.message);
    store_options_t options = {.commit_log = commit_log};
    if (!(self->store = store_open(dir, self->codes, &options, &err)))
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
        !(socket = bus_server(self->bus, type, endpoint, &options, &err)))
        fatalx("%s", err.message);
    return socket;
}

static void s_open_sockets(evs_t *self, const cfg_t *cfg, int64_t max_message)
{
    /* Replies that cannot be routed become errors we log, not silence.  A
       request over its limit is answered TOO_BIG; one over the hard limit
       (bus.h) is cut off by libzmq before it reaches us: memory stays
       bounded whatever a peer sends.  PUB drops past its high-water mark
       instead of blocking. */
    bus_server_options_t append = {.max_message = BUS_HARD_LIMIT(max_message),
                                   .router_mandatory = true,
                                   .send_hwm = REPLY_HWM};
    bus_server_options_t replay = {.max_message =
                                       BUS_HARD_LIMIT(EVS_REPLAY_MAX_REQUEST),
                                   .router_mandatory = true};
    bus_server_options_t publish = {.send_hwm = PUB_HWM};
    err_t err;
    self->max_request = max_message;
    /* the store connects to nobody: the client variables, if set, are
       for other processes */
    if (!(self->bus = bus_new_with(NULL, &err)))
        fatalx("%s", err.message);
    /* the ZAP handler must be bound before any CURVE socket accepts */
    if (!(self->auth = auth_new(self->bus, &err)))
        fatalx("%s", err.message);
    self->append = s_bind(self, ZMQ_ROUTER, cfg->append, "writer", append);
    self->append_reminders =
        s_bind(self, ZMQ_ROUTER, cfg->append_reminders, "reminder", append);
    self->replay = s_bind(self, ZMQ_ROUTER, cfg->replay, "reader", replay);
    self->publish = s_bind(self, ZMQ_PUB, cfg->publish, "reader", publish);
    self->public_replay =
        s_bind(self, ZMQ_ROUTER, cfg->public_replay, "public", replay);
    self->public_publish =
        s_bind(self, ZMQ_PUB, cfg->public_publish, "public", publish);
    log_info("APPEND %s, PUBLISH %s, REPLAY %s; requests up to %lld bytes",
             cfg->append, cfg->publish, cfg->replay, (long long)max_message);
    log_info("reminder service's APPEND %s", cfg->append_reminders);
    log_info("public (no confidential fields): PUBLISH %s, REPLAY %s",
             cfg->public_publish, cfg->public_replay);
}

/*  Applies the commit log's pending events to LMDB.  Returns true if
    that failed (it is logged; the events stay in the commit log). */
static bool s_apply(evs_t *self)
{
    err_t err;
    if (store_apply(self->store, &err) == 0)
        return false;
    log_warnx("apply: %s; the commit log keeps the events", err.message);
    return true;
}

/*  What the loop's handlers share: the daemon and the wake-up's news. */
typedef struct {
    evs_t *evs;
    bool append_ready; /* APPEND or the reminder endpoint is readable */
    uint64_t apply_timer;
} run_t;

static void s_on_zap(loop_t *loop, void *socket, int fd, short revents,
                     void *arg)
{
    (void)loop, (void)socket, (void)fd, (void)revents;
    run_t *r = arg;
    auth_handle(r->evs->auth);
}

/*  Either APPEND socket: both are read at once, after the wake-up's
    other handlers, so that one group takes what waits on both. */
static void s_on_append(loop_t *loop, void *socket, int fd, short revents,
                        void *arg)
{
    (void)loop, (void)socket, (void)fd, (void)revents;
    run_t *r = arg;
    r->append_ready = true;
}

static void s_on_replay(loop_t *loop, void *socket, int fd, short revents,
                        void *arg)
{
    (void)loop, (void)fd, (void)revents;
    run_t *r = arg;
    evs_replay_handle(r->evs, socket, socket == r->evs->public_replay);
}

/*  After each wake-up: the group commit, then the apply waits for
    APPLY_IDLE_MS without appends. */
static void s_after_wakeup(loop_t *loop, void *arg)
{
    run_t *r = arg;
    if (!r->append_ready)
        return;
    r->append_ready = false;
    evs_append_handle(r->evs);
    loop_timer_at(loop, r->apply_timer, APPLY_IDLE_MS);
}

/*  The store's heartbeat (the head on PUBLISH): every HEARTBEAT_MS
    whatever the traffic, so that a subscriber sees a hole at the end of
    the stream within a second. */
static int64_t s_on_heartbeat(loop_t *loop, uint64_t id, void *arg)
{
    (void)loop, (void)id;
    run_t *r = arg;
    evs_publish_heartbeat(r->evs);
    return HEARTBEAT_MS;
}

/*  Applies what only the commit log holds once appends paused; after a
    failed apply, tries again a heartbeat later. */
static int64_t s_on_apply(loop_t *loop, uint64_t id, void *arg)
{
    (void)loop, (void)id;
    run_t *r = arg;
    if (!store_pending(r->evs->store))
        return HEARTBEAT_MS;
    return s_apply(r->evs) ? HEARTBEAT_MS : APPLY_IDLE_MS;
}

static int s_register(loop_t *loop, run_t *r)
{
    evs_t *self = r->evs;
    int rc = OPCAT_OK;
    if (auth_socket(self->auth))
        rc = loop_add_socket(loop, auth_socket(self->auth), ZMQ_POLLIN,
                             s_on_zap, r);
    void *append[] = {self->append_reminders, self->append};
    for (size_t i = 0; i < 2 && !rc; i++)
        rc = loop_add_socket(loop, append[i], ZMQ_POLLIN, s_on_append, r);
    void *replay[] = {self->replay, self->public_replay};
    for (size_t i = 0; i < 2 && !rc; i++)
        rc = loop_add_socket(loop, replay[i], ZMQ_POLLIN, s_on_replay, r);
    if (!rc)
        rc = loop_add_after(loop, s_after_wakeup, r);
    if (!rc && (!loop_add_timer(loop, HEARTBEAT_MS, s_on_heartbeat, r) ||
                !(r->apply_timer =
                      loop_add_timer(loop, APPLY_IDLE_MS, s_on_apply, r))))
        rc = OPCAT_ENOMEM;
    return rc;
}

static void s_loop(evs_t *self, volatile sig_atomic_t *stop)
{
    run_t r = {.evs = self};
    loop_t *loop = loop_new();
    err_t err;
    if (!loop || s_register(loop, &r))
        fatalx("out of memory");
    if (loop_run(loop, stop, &err))
        fatalx("%s", err.message);
    loop_destroy(&loop);
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
    bus_close(&self->append_reminders);
    bus_close(&self->replay);
    bus_close(&self->public_replay);
    bus_close(&self->public_publish);
    auth_destroy(&self->auth);
    bus_close(&self->publish);
    bus_destroy(&self->bus);
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
    s_open_store(&self, &o.cfg, !o.no_commit_log);
    if (o.flags.check) {
        log_info("settings and store are fine");
        store_destroy(&self.store);
        codes_destroy(&self.codes);
        return 0;
    }
    if (evs_append_init(&self) || evs_replay_init(&self))
        fatalx("out of memory");
    s_open_sockets(&self, &o.cfg, o.max_message);
    daemon_ready();
    s_loop(&self, stop);
    s_shutdown(&self);
    return 0;
}
