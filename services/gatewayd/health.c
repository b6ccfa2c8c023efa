/*  health: GET /healthz, answered from the last probe of the services.

    A thread of its own asks the store (REPLAY: its head) and the two
    query services ("status") every PROBE_EVERY_MS, each with --timeout,
    and keeps the answer.  /healthz answers from it at once: asking the
    services in the request itself made /healthz as slow as the busiest
    of them, and the store's REPLAY, which serves every stream's replay
    pages in turn, can take seconds under load, while an orchestrator
    waits a second or two.  The answer says how old it is (checked_ms_ago);
    a service that stops answering shows within --timeout plus
    PROBE_EVERY_MS.  Before the first probe is complete, a request waits
    for it. */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "client.h"
#include "date.h"
#include "gw.h"
#include "log.h"
#include "monotime.h"
#include "version.h"

#define PROBE_EVERY_MS 1000

struct gw_health {
    gw_t *gw;
    pthread_mutex_t lock;
    pthread_cond_t wake; /* a probe is complete, or stop */
    json_t *last;        /* the last probe's body; NULL before the first */
    bool ok;             /* every service answered it */
    int64_t at_ms;       /* when it completed */
    bool stop, started;
    pthread_t thread;
};

/*  Whether 'endpoint' answers a status query; its answer goes in 'out'. */
static bool s_ping(gw_t *gw, const char *endpoint, json_t *out,
                   const char *name)
{
    json_t *reply;
    err_t err;
    bool ok = gw_query(gw, endpoint, json_pack("{s:s}", "op", "status"), &reply,
                       &err) == 0;
    json_object_set_new(out, name,
                        ok ? reply : json_pack("{s:s}", "error", err.message));
    return ok;
}

/*  Asks every service; the body of /healthz, '*ok' if all answered. */
static json_t *s_probe(gw_t *gw, bool *ok)
{
    err_t err;
    uint64_t head = 0;
    client_t *client = client_new(gw->bus, NULL, gw->options.cfg.replay, &err);
    bool store =
        client && client_head(client, gw->options.timeout_ms, &head, &err) == 0;
    client_destroy(&client);
    json_t *body = json_pack("{s:s}", "version", OPCAT_VERSION_STRING);
    if (!body)
        return NULL;
    json_object_set_new(body, "store",
                        store ? json_pack("{s:I}", "head", (json_int_t)head)
                              : json_pack("{s:s}", "error", err.message));
    bool stats = s_ping(gw, gw->options.cfg.stats, body, "stats");
    bool reminders = s_ping(gw, gw->options.cfg.reminders, body, "reminders");
    *ok = store && stats && reminders;
    return body;
}

/*  Waits PROBE_EVERY_MS or until stopped (the lock held). */
static void s_pause(gw_health_t *self)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += PROBE_EVERY_MS / 1000;
    until.tv_nsec += (PROBE_EVERY_MS % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    if (!self->stop)
        pthread_cond_timedwait(&self->wake, &self->lock, &until);
}

static void *s_prober(void *arg)
{
    gw_health_t *self = arg;
    pthread_mutex_lock(&self->lock);
    while (!self->stop) {
        pthread_mutex_unlock(&self->lock);
        bool ok = false;
        json_t *body = s_probe(self->gw, &ok);
        pthread_mutex_lock(&self->lock);
        if (body) {
            json_decref(self->last);
            self->last = body;
            self->ok = ok;
            self->at_ms = monotime_ms();
            pthread_cond_broadcast(&self->wake);
        }
        s_pause(self);
    }
    pthread_mutex_unlock(&self->lock);
    return NULL;
}

gw_health_t *gw_health_new(gw_t *gw, err_t *err)
{
    gw_health_t *self = calloc(1, sizeof *self);
    if (!self) {
        err_set(err, OPCAT_ENOMEM, NULL, "out of memory");
        return NULL;
    }
    self->gw = gw;
    pthread_mutex_init(&self->lock, NULL);
    pthread_cond_init(&self->wake, NULL);
    if (pthread_create(&self->thread, NULL, s_prober, self) != 0) {
        err_set(err, OPCAT_ENOMEM, NULL, "cannot start the health thread");
        gw_health_destroy(&self);
        return NULL;
    }
    self->started = true;
    return self;
}

void gw_health_destroy(gw_health_t **self_p)
{
    /* the owner shuts the ZeroMQ context down first, so that a probe
       under way ends at once */
    gw_health_t *self = *self_p;
    if (!self)
        return;
    if (self->started) {
        pthread_mutex_lock(&self->lock);
        self->stop = true;
        pthread_cond_broadcast(&self->wake);
        pthread_mutex_unlock(&self->lock);
        pthread_join(self->thread, NULL);
    }
    json_decref(self->last);
    pthread_cond_destroy(&self->wake);
    pthread_mutex_destroy(&self->lock);
    free(self);
    *self_p = NULL;
}

/*  A copy of the last probe's body (the lock held); before the first
    probe has ended, a body saying so (never a wait: a service down makes
    the first probe last its timeouts).  NULL when stopping or out of
    memory. */
static json_t *s_last(gw_health_t *self, bool *ok, int64_t *age_ms)
{
    if (self->stop)
        return NULL;
    if (!self->last) {
        *ok = false;
        *age_ms = -1;
        return json_pack("{s:s,s:b}", "version", OPCAT_VERSION_STRING,
                         "starting", 1);
    }
    *ok = self->ok;
    *age_ms = monotime_ms() - self->at_ms;
    return json_deep_copy(self->last);
}

enum MHD_Result gw_api_health(const gw_request_t *req)
{
    gw_health_t *self = req->gw->health;
    bool ok = false;
    int64_t age = 0;
    pthread_mutex_lock(&self->lock);
    json_t *body = s_last(self, &ok, &age);
    pthread_mutex_unlock(&self->lock);
    if (!body)
        return gw_reply_error(req, 503, NULL, "stopping");
    char today[DATE_TEXT_LEN];
    date_format(dayclock_today(&req->gw->clock), today);
    json_object_set_new(body, "today", json_string(today));
    json_object_set_new(body, "checked_ms_ago", json_integer(age));
    json_object_set_new(body, "status", json_string(ok ? "ok" : "degraded"));
    return gw_reply_json(req, ok ? 200 : 503, body);
}
