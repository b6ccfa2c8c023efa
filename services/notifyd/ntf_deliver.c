/*  deliver: reminders in (apply), attempts out (tick).

    apply runs inside the consumer's batch transaction, the one that moves
    the checkpoint: a reminder.issued event and its pending deliveries are
    committed together, so a crash loses no delivery and enqueues none
    twice (delivery keys are the event's sequence and the route's rank).

    tick drives libcurl (ntf_send.h) and records each ended attempt in a
    write transaction of its own: delivered, pending again after the
    back-off, or failed after the last attempt.  An attempt is recorded
    only after it ended, so a crash in between leaves the delivery
    pending and it is sent again after the restart: at least once, never
    lost.  Receivers tell copies apart by the reminder id. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "log.h"
#include "ntf.h"
#include "ntf_queue.h"

/* ------------------------------------------------------------ apply */

typedef struct {
    const kv_t *kv;
    MDB_txn *txn;
    const ntf_reminder_t *reminder;
    unsigned index; /* the next route's rank */
    int64_t now_ms;
    size_t added;
} enqueue_t;

static int s_enqueue(void *arg, ntf_channel_t channel, const char *dest)
{
    enqueue_t *q = arg;
    ntf_delivery_t d;
    bool added = false;
    ntf_delivery_init(&d, q->reminder, q->index++, channel, dest, q->now_ms);
    int rc = ntf_queue_add(q->kv, q->txn, &d, &added);
    q->added += added;
    return rc;
}

/*  Reminders issued more than max_age_days before today are history
    (a first start on an old store, a --rebuild): sending them now would
    flood every inbox with news long past. */
static bool s_too_old(const ntf_t *self, const ntf_reminder_t *r)
{
    int max = ntf_config_settings_const(self->config)->max_age_days;
    int32_t day;
    if (max <= 0 || !date_parse(r->issued_on, &day))
        return false;
    return day < dayclock_today(&self->clock) - max;
}

static const char *s_region(const ntf_t *self, const char *state)
{
    if (!self->regions || !*state)
        return NULL;
    return agg_regions_name(agg_regions_of(self->regions, state));
}

int ntf_apply(void *arg, consumer_t *consumer, MDB_txn *txn,
              const event_t *event)
{
    ntf_t *self = arg;
    ntf_reminder_t r;
    if (event->body_case != OPCAT__V1__ENVELOPE__BODY_REMINDER_ISSUED ||
        !ntf_reminder_from_event(event, &r))
        return 0;
    /* only what the store says the reminder service wrote: a reminder
       from any other writer (or from before roles) is not sent */
    if (!ntf_reminder_trusted(event)) {
        self->untrusted++;
        log_warnx("reminder %s (seq %" PRIu64 "): written by \"%s\", not "
                  "by the reminder service; not sent",
                  r.id, r.sequence, event->written_by);
        return 0;
    }
    if (s_too_old(self, &r)) {
        self->too_old++;
        log_debug("reminder %s issued %s: older than max_age_days, not sent",
                  r.id, r.issued_on);
        return 0;
    }
    enqueue_t q = {consumer_kv(consumer), txn, &r, 0, ntf_now_ms(), 0};
    int rc = ntf_config_route(self->config, r.rule, r.state,
                              s_region(self, r.state), s_enqueue, &q);
    if (!rc && q.added) {
        self->enqueued += q.added;
        log_info("reminder %s (%s %s %s, stage %s, seq %" PRIu64
                 "): %zu deliveries queued",
                 r.id, r.rule, r.subject, *r.state ? r.state : "-", r.stage,
                 r.sequence, q.added);
    }
    return rc;
}

/* ------------------------------------------------------------ record */

typedef struct {
    ntf_t *self;
    const kv_t *kv;
    const ntf_result_t *results;
    ntf_delivery_t after[NTF_MAX_IN_FLIGHT]; /* the records as saved */
    bool saved[NTF_MAX_IN_FLIGHT];
    size_t n;
} record_t;

/*  May run twice (kv_write after the map grew): it reads each record
    afresh, so a second run gives the same result. */
static int s_record_txn(void *arg, MDB_txn *txn)
{
    record_t *w = arg;
    const ntf_settings_t *s = ntf_config_settings_const(w->self->config);
    for (size_t i = 0; i < w->n; i++) {
        const ntf_result_t *r = &w->results[i];
        ntf_delivery_t *d = &w->after[i];
        int rc = ntf_queue_get(w->kv, txn, r->delivery.sequence,
                               r->delivery.index, d);
        w->saved[i] = false;
        if (rc == MDB_NOTFOUND || rc == OPCAT_EPROTO)
            continue; /* emptied by --rebuild meanwhile: nothing to note */
        if (rc)
            return rc;
        if (d->status != NTF_PENDING)
            continue;
        ntf_delivery_attempted(d, s, r->outcome, r->error, r->ended_ms);
        if ((rc = ntf_queue_save(w->kv, txn, d)))
            return rc;
        w->saved[i] = true;
    }
    return 0;
}

/*  A destination for the log: a webhook URL without its query, which
    may hold a token. */
static void s_log_dest(const ntf_delivery_t *d, char *out, size_t cap)
{
    size_t n = strcspn(d->destination, "?");
    snprintf(out, cap, "%.*s%s", (int)n, d->destination,
             d->destination[n] ? "?..." : "");
}

/*  One log line per attempt. */
static void s_log_attempt(ntf_t *self, const ntf_delivery_t *d,
                          const ntf_result_t *r)
{
    const ntf_settings_t *s = ntf_config_settings_const(self->config);
    char id[NTF_ID_TEXT_MAX], dest[NTF_DEST_MAX + 8];
    ntf_delivery_id(d, id);
    s_log_dest(d, dest, sizeof dest);
    const char *channel = ntf_channel_name(d->channel);
    const ntf_reminder_t *m = &d->reminder;
    if (r->outcome == NTF_SENT) {
        self->delivered++;
        log_info("delivery %s delivered: %s to %s, reminder %s (%s %s), "
                 "attempt %d",
                 id, channel, dest, m->id, m->rule, m->subject, d->attempts);
    } else if (d->status == NTF_FAILED) {
        self->given_up++;
        log_warnx("delivery %s failed: %s to %s, attempt %d of %d: %s; %s "
                  "(opcatctl notifications --failed)",
                  id, channel, dest, d->attempts, s->max_attempts, r->error,
                  r->outcome == NTF_REFUSED ? "refused, not tried again"
                                            : "given up");
    } else {
        self->failed++;
        log_info("delivery %s attempt %d of %d failed: %s to %s: %s; next "
                 "in %lld ms",
                 id, d->attempts, s->max_attempts, channel, dest, r->error,
                 (long long)(d->next_ms - d->last_ms));
    }
}

/*  Polls the sender and records what ended. */
static void s_collect(ntf_t *self, kv_t *kv)
{
    ntf_result_t results[NTF_MAX_IN_FLIGHT];
    size_t n = ntf_sender_poll(self->sender, results, NTF_MAX_IN_FLIGHT);
    if (!n)
        return;
    record_t w = {.self = self, .kv = kv, .results = results, .n = n};
    err_t err;
    if (kv_write(kv, s_record_txn, &w, &err)) {
        log_warnx("recording %zu delivery attempts failed: %s; they stay "
                  "pending and will be sent again",
                  n, err.message);
        return;
    }
    for (size_t i = 0; i < n; i++)
        if (w.saved[i])
            s_log_attempt(self, &w.after[i], &results[i]);
}

/* ------------------------------------------------------------ start */

typedef struct {
    const ntf_t *self;
    const kv_t *kv;
    int64_t now_ms;
    ntf_delivery_t due[NTF_MAX_IN_FLIGHT];
    size_t n, room;
} due_t;

static int s_on_due(void *arg, MDB_txn *txn, const ntf_delivery_t *d)
{
    (void)txn;
    due_t *s = arg;
    if (ntf_sender_busy(s->self->sender, d->sequence, d->index))
        return 0;
    s->due[s->n++] = *d;
    return s->n == s->room ? 1 : 0; /* 1: enough, stop the scan */
}

static int s_read_due(void *arg, MDB_txn *txn)
{
    due_t *s = arg;
    int rc = ntf_queue_due(s->kv, txn, s->now_ms, NTF_MAX_IN_FLIGHT * 2,
                           s_on_due, s);
    return rc == 1 ? 0 : rc;
}

/*  Starts the attempts that are due, as many as free slots allow. */
static void s_start_due(ntf_t *self, kv_t *kv)
{
    size_t busy = ntf_sender_count(self->sender);
    if (busy >= NTF_MAX_IN_FLIGHT)
        return;
    due_t s = {.self = self, .kv = kv, .now_ms = ntf_now_ms()};
    s.room = NTF_MAX_IN_FLIGHT - busy;
    err_t err;
    if (kv_read(kv, s_read_due, &s, &err)) {
        log_warnx("reading due deliveries: %s", err.message);
        return;
    }
    for (size_t i = 0; i < s.n; i++)
        ntf_sender_start(self->sender, &s.due[i]);
}

typedef struct {
    const kv_t *kv;
    int64_t at;
} next_t;

static int s_read_next(void *arg, MDB_txn *txn)
{
    next_t *n = arg;
    n->at = ntf_queue_next_due(n->kv, txn);
    return 0;
}

/*  How long the tick may wait: until the next delivery is due (a
    transfer that ends calls it sooner: s_transfer_ended). */
static int s_wait_ms(ntf_t *self, kv_t *kv)
{
    next_t n = {kv, INT64_MAX};
    err_t err;
    if (kv_read(kv, s_read_next, &n, &err) || n.at == INT64_MAX)
        return 1000;
    int64_t wait = n.at - ntf_now_ms();
    /* due already: in flight (its end calls the tick), or, when nothing
       runs, it fell due since the scan or its record is unreadable; look
       again soon, but never spin */
    if (wait <= 0)
        return ntf_sender_count(self->sender) ? 1000 : 50;
    return wait > 1000 ? 1000 : (int)wait;
}

int ntf_tick(void *arg, consumer_t *consumer)
{
    ntf_t *self = arg;
    kv_t *kv = consumer_kv(consumer);
    s_collect(self, kv);
    s_start_due(self, kv);
    s_collect(self, kv);
    return s_wait_ms(self, kv);
}

static void s_transfer_ended(void *arg)
{
    consumer_tick_soon(arg);
}

int ntf_start(void *arg, consumer_t *consumer, loop_t *loop)
{
    ntf_t *self = arg;
    if (ntf_sender_attach(self->sender, loop, s_transfer_ended, consumer)) {
        log_warnx("libcurl refused its socket callbacks");
        return OPCAT_EIO;
    }
    return OPCAT_OK;
}

void ntf_stop(void *arg, consumer_t *consumer, loop_t *loop)
{
    (void)consumer, (void)loop;
    ntf_t *self = arg;
    size_t abandoned = ntf_sender_count(self->sender);
    if (abandoned)
        log_info("%zu attempts in flight abandoned: they stay pending",
                 abandoned);
    ntf_sender_destroy(&self->sender); /* its sockets leave the loop */
}
