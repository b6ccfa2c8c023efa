/*  fire: issue today's reminders through the store's APPEND.

    Once the consumer has caught up with the store's head, each tick
    reads the by_day index up to today (and nothing beyond), works out
    each deadline's current stage occurrence, and appends one
    reminder.issued event per occurrence not yet fired.  Only after the
    store acknowledges (stored or duplicate) is the occurrence recorded
    as fired and the deadline moved to its next day, in one write
    transaction.

    Why no reminder fires twice: the event has no id, so the store
    derives it from the content (rule, subject, due_on, stage, state,
    occurred_on = today).  A crash after the append but before the record
    leaves the event in the store; on restart the consumer applies it on
    catch-up (proj.c marks it fired) before any firing, since firing
    waits until caught up.  Retrying the same day gets "duplicate".

    Why history does not flood: only the CURRENT occurrence of a deadline
    fires, so a deadline first seen past several stages issues one
    reminder, for the stage it is in today. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "date.h"
#include "failpoint.h"
#include "log.h"
#include "monotime.h"
#include "proj.h"
#include "rem.h"

/*  What one scan found: reminders to fire and deadlines to move on. */
typedef struct scan {
    const rem_t *self;
    const kv_t *kv;
    int32_t today;
    rem_fired_t items[REM_FIRE_BATCH];
    bool to_fire[REM_FIRE_BATCH];
    bool done[REM_FIRE_BATCH]; /* acknowledged, or to move on without */
    size_t count, nfire;
    size_t map[REM_FIRE_BATCH]; /* request's i-th event: items[map[i]] */
    size_t nsent;               /* events in the request in flight */
    consumer_t *consumer;
    uint64_t position; /* the consumer's when the scan ran */
    coverage_t *cover; /* the dataset.coverage intervals, during a scan */
} scan_t;

int rem_apply(void *arg, consumer_t *consumer, MDB_txn *txn,
              const event_t *event)
{
    rem_t *self = arg;
    return rem_proj_apply(consumer_kv(consumer), &self->rules, txn, event);
}

static int s_on_due(void *arg, MDB_txn *txn, const rem_deadline_t *d)
{
    scan_t *s = arg;
    rem_occurrence_t occ =
        rem_stage_at(&s->self->rules, d->rule, d->opened, d->due, s->today);
    rem_fired_t *f = &s->items[s->count];
    *f = (rem_fired_t){.rule = d->rule,
                       .stage = occ.stage,
                       .day = occ.day,
                       .due = occ.due,
                       .issued_on = s->today};
    memcpy(f->subject, d->subject, sizeof f->subject);
    memcpy(f->state, d->state, sizeof f->state);
    /* an unknown deadline (its closing fact could be unrecorded) never
       fires: it moves on past each occurrence silently */
    bool fire =
        occ.stage != REM_STAGE_PENDING &&
        !rem_proj_has_fired(s->kv, txn, d->rule, d->subject, occ.stage,
                            occ.day) &&
        !(coverage_any(s->cover) && rem_proj_unknown(s->cover, d, s->today));
    s->to_fire[s->count] = fire;
    s->done[s->count] = !fire;
    s->nfire += fire;
    s->count++;
    return 0;
}

static int s_scan(void *arg, MDB_txn *txn)
{
    scan_t *s = arg;
    int rc = rem_proj_coverage(s->kv, txn, &s->cover);
    if (!rc)
        rc = rem_proj_due(s->kv, txn, s->today, REM_FIRE_BATCH, s_on_due, s,
                          NULL);
    coverage_destroy(&s->cover);
    return rc;
}

/*  The reminder.issued event of 'f' (NULL on out of memory). */
static event_t *s_event(const rem_fired_t *f)
{
    char due[DATE_TEXT_LEN], today[DATE_TEXT_LEN];
    date_format(f->due, due);
    date_format(f->issued_on, today);
    json_t *obj = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "type",
                            "reminder.issued", "occurred_on", today, "rule",
                            rem_rule_name(f->rule), "subject", f->subject,
                            "due_on", due, "stage", rem_stage_name(f->stage));
    if (obj && *f->state)
        json_object_set_new(obj, "state", json_string(f->state));
    err_t err;
    event_t *e = obj ? event_from_json(obj, &err) : NULL;
    json_decref(obj);
    return e;
}

static void s_log_result(rem_t *self, const rem_fired_t *f,
                         const Opcat__V1__AppendResult *r)
{
    char due[DATE_TEXT_LEN];
    date_format(f->due, due);
    const char *how = "issued";
    if (r->status == OPCAT__V1__APPEND_RESULT__STATUS__DUPLICATE)
        how = "already in the store", self->duplicates++;
    else if (r->status == OPCAT__V1__APPEND_RESULT__STATUS__STORED)
        self->fired++;
    log_info("reminder %s: %s %s (%s) stage %s, due %s, seq %llu", how,
             rem_rule_name(f->rule), f->subject, *f->state ? f->state : "-",
             rem_stage_name(f->stage), due, (unsigned long long)r->sequence);
}

/*  Reads the store's answer to the request in flight (the APPEND socket
    is readable) and notes each result. */
static int s_ack(rem_t *self, scan_t *s, const size_t *map, size_t n)
{
    Opcat__V1__AppendReply *reply = NULL;
    err_t err;
    int rc = client_append_recv(self->client, 0, &reply, &err);
    if (!rc && (reply->code || reply->n_results != n))
        rc = err_set(&err, OPCAT_EPROTO, "", "store: %s",
                     reply->code ? reply->message : "wrong result count");
    for (size_t i = 0; !rc && i < n; i++) {
        const Opcat__V1__AppendResult *r = reply->results[i];
        rem_fired_t *f = &s->items[map[i]];
        if (r->status == OPCAT__V1__APPEND_RESULT__STATUS__STORED ||
            r->status == OPCAT__V1__APPEND_RESULT__STATUS__DUPLICATE) {
            s_log_result(self, f, r);
            s->done[map[i]] = true;
        } else if (r->status == OPCAT__V1__APPEND_RESULT__STATUS__REFUSED) {
            self->refused++;
            log_warnx("reminder refused by the store: %s %s: %s",
                      rem_rule_name(f->rule), f->subject, r->message);
            s->to_fire[map[i]] = false; /* move on: retrying cannot help */
            s->done[map[i]] = true;
        } else {
            rc = err_set(&err, OPCAT_EIO, "", "store: %s", r->message);
        }
    }
    if (reply)
        opcat__v1__append_reply__free_unpacked(reply, NULL);
    if (rc)
        log_warnx("firing: %s; will retry", err.message);
    return rc;
}

static void s_on_reply(loop_t *loop, void *socket, int fd, short revents,
                       void *arg);

/*  The APPEND client, connected on first use and polled by the loop. */
static int s_client(rem_t *self, consumer_t *consumer, err_t *err)
{
    if (self->client)
        return OPCAT_OK;
    self->client = client_new(consumer_bus(consumer),
                              self->cfg.append_reminders, NULL, err);
    if (!self->client)
        return err->code;
    client_set_nowait(self->client, true); /* the loop must never block */
    if (loop_add_socket(consumer_loop(consumer),
                        client_append_socket(self->client), ZMQ_POLLIN,
                        s_on_reply, self)) {
        client_destroy(&self->client);
        return err_set(err, OPCAT_ENOMEM, "", "out of memory");
    }
    return OPCAT_OK;
}

/*  Closes the APPEND client: after a failure, so that a late answer to
    a request given up cannot be taken for the next one's. */
static void s_drop_client(rem_t *self, consumer_t *consumer)
{
    if (!self->client)
        return;
    loop_remove_socket(consumer_loop(consumer),
                       client_append_socket(self->client));
    client_destroy(&self->client);
}

/*  Sends the reminders of 's' in one request; the answer comes to
    s_on_reply.  '*sent' gets how many were sent (0: none to send). */
static int s_append(rem_t *self, consumer_t *consumer, scan_t *s, size_t *sent)
{
    event_t *events[REM_FIRE_BATCH];
    size_t n = 0;
    err_t err;
    int rc = s_client(self, consumer, &err);
    if (rc) {
        log_warnx("firing: %s", err.message);
        return rc;
    }
    for (size_t i = 0; i < s->count && !rc; i++) {
        if (!s->to_fire[i])
            continue;
        if (!(events[n] = s_event(&s->items[i])))
            rc = OPCAT_ENOMEM;
        else
            s->map[n++] = i;
    }
    if (!rc && n &&
        (rc = client_append_send(self->client, events, n, false, NULL, &err)))
        log_warnx("firing: %s", err.message);
    for (size_t i = 0; i < n; i++)
        event_free(&events[i]);
    *sent = rc ? 0 : n;
    return rc;
}

/*  Records what was acknowledged and moves every handled deadline on. */
static int s_record(void *arg, MDB_txn *txn)
{
    scan_t *s = arg;
    int rc = 0;
    for (size_t i = 0; i < s->count && !rc; i++) {
        const rem_fired_t *f = &s->items[i];
        if (!s->done[i])
            continue;
        if (s->to_fire[i])
            rc = rem_proj_mark_fired(s->kv, &s->self->rules, txn, f);
        else
            rc = rem_proj_advance(s->kv, &s->self->rules, txn, f->rule,
                                  f->subject, s->today);
    }
    return rc;
}

static int s_count_staged(void *arg, MDB_txn *txn)
{
    void **a = arg;
    *(size_t *)a[1] = rem_proj_staged(a[0], txn);
    return 0;
}

typedef struct {
    kv_t *kv;
    rem_chunk_t *chunk;
    size_t from;
} merge_t;

static int s_chunk_read(void *arg, MDB_txn *txn)
{
    merge_t *m = arg;
    rem_chunk_destroy(&m->chunk); /* kv_read may call again */
    return rem_proj_chunk_read(m->kv, txn, REM_MERGE_CHUNK, &m->chunk);
}

static int s_chunk_apply(void *arg, MDB_txn *txn)
{
    merge_t *m = arg;
    return rem_proj_chunk_apply(m->kv, txn, m->chunk, m->from, REM_MERGE_SLICE);
}

static int s_chunk_done(void *arg, MDB_txn *txn)
{
    merge_t *m = arg;
    return rem_proj_chunk_done(m->kv, txn, m->chunk);
}

/*  Merges one chunk of staged changes, a slice per transaction (proj.h
    says why).  '*taken' gets the staged entries it took (0: none). */
static int s_merge_chunk(kv_t *kv, size_t *taken, err_t *err)
{
    merge_t m = {kv, NULL, 0};
    int rc = kv_read(kv, s_chunk_read, &m, err);
    size_t count = rem_chunk_count(m.chunk);
    for (; !rc && m.from < count; m.from += REM_MERGE_SLICE)
        if (!(rc = kv_write(kv, s_chunk_apply, &m, err)) &&
            /* position: the staged changes merged so far in this chunk */
            (rc = FAILPOINT("reminders.mid_merge", m.from + REM_MERGE_SLICE)))
            err_set(err, rc, "", "failpoint reminders.mid_merge");
    if (!rc && m.chunk)
        rc = kv_write(kv, s_chunk_done, &m, err);
    *taken = rc ? 0 : rem_chunk_staged(m.chunk);
    rem_chunk_destroy(&m.chunk);
    return rc;
}

/*  Merges the staged index changes if there are at least 'min' (and
    some).  Returns 0 or a negative code (logged). */
static int s_merge_staged(kv_t *kv, size_t min)
{
    size_t n = 0;
    void *a[] = {kv, &n};
    err_t err;
    int rc = kv_read(kv, s_count_staged, a, &err);
    if (rc || !n || n < min)
        return rc;
    double t0 = monotime_s();
    for (size_t taken = REM_MERGE_CHUNK; !rc && taken == REM_MERGE_CHUNK;)
        if ((rc = s_merge_chunk(kv, &taken, &err)))
            log_warnx("firing: merging the index: %s", err.message);
    double ms = (monotime_s() - t0) * 1e3;
    /* a long merge delays the firing: say so where operators look */
    if (!rc && n >= REM_MERGE_CHUNK)
        log_info("index: %zu staged changes merged in %.0f ms", n, ms);
    else if (!rc)
        log_debug("index: %zu staged changes merged in %.1f ms", n, ms);
    /* the chunks' copies were freed; give their pages back, or the heap
       keeps the high-water mark of the largest merge */
    if (n >= REM_MERGE_SLICE)
        malloc_trim(0);
    return rc;
}

/*  Records what the round 's' handled and ends it: 'rc' is how the
    append went (0, or a negative code).  Returns 0 if there may be more
    today (run again), 1 if all of today is done, or a negative code. */
static int s_round_end(rem_t *self, scan_t *s, int rc)
{
    err_t err;
    int recorded =
        s->count ? kv_write(consumer_kv(s->consumer), s_record, s, &err) : 0;
    /* what the store acknowledged is recorded even if the rest failed */
    if (recorded)
        log_warnx("firing: recording: %s", err.message);
    if (!rc)
        rc = recorded ? recorded : s->count == REM_FIRE_BATCH ? 0 : 1;
    if (rc < 0)
        self->failures++;
    else if (rc == 1)
        self->done_day = s->today, self->done_at = s->position;
    return rc;
}

/*  Ends the round in flight: frees it and lets the tick run again (now,
    or after a pause when the round failed). */
static void s_round_done(rem_t *self, consumer_t *consumer, int rc)
{
    loop_remove_timer(consumer_loop(consumer), self->ack_timer);
    self->ack_timer = 0;
    free(self->pending);
    self->pending = NULL;
    if (rc < 0) {
        s_drop_client(self, consumer);
        self->retry_at = monotime_ms() + REM_RETRY_MS;
    }
    consumer_tick_soon(consumer);
}

static void s_on_reply(loop_t *loop, void *socket, int fd, short revents,
                       void *arg)
{
    (void)loop, (void)socket, (void)fd, (void)revents;
    rem_t *self = arg;
    scan_t *s = self->pending;
    if (!s) {
        /* an answer with no request in flight: one given up on */
        Opcat__V1__AppendReply *late = NULL;
        err_t err;
        if (!client_append_recv(self->client, 0, &late, &err))
            opcat__v1__append_reply__free_unpacked(late, NULL);
        return;
    }
    int rc = s_ack(self, s, s->map, s->nsent);
    /* appended, not yet recorded as fired (position: how many fired) */
    if (!rc)
        rc = FAILPOINT("reminders.after_append", s->nfire);
    s_round_done(self, s->consumer, s_round_end(self, s, rc));
}

static int64_t s_on_ack_timeout(loop_t *loop, uint64_t id, void *arg)
{
    (void)loop, (void)id;
    rem_t *self = arg;
    scan_t *s = self->pending;
    log_warnx("firing: no answer from the store's APPEND endpoint in %d ms; "
              "will retry",
              REM_APPEND_TIMEOUT_MS);
    s_round_done(self, s->consumer, s_round_end(self, s, OPCAT_ETIMEDOUT));
    return LOOP_TIMER_DONE;
}

/*  Starts a round: merge, scan, and either send what fires (the round
    stays in flight until the answer) or record at once.  Returns 0 if
    there may be more today, 1 if all of today is done, 2 if a request is
    in flight, or a negative code. */
static int s_round(rem_t *self, consumer_t *consumer, int32_t today)
{
    kv_t *kv = consumer_kv(consumer);
    scan_t *s = calloc(1, sizeof *s);
    if (!s)
        return OPCAT_ENOMEM;
    *s = (scan_t){.self = self,
                  .kv = kv,
                  .today = today,
                  .consumer = consumer,
                  .position = consumer_position(consumer)};
    err_t err;
    int rc = s_merge_staged(kv, 1);
    if (!rc)
        rc = kv_read(kv, s_scan, s, &err);
    if (!rc && s->nfire && !(rc = s_append(self, consumer, s, &s->nsent)) &&
        s->nsent) {
        self->pending = s;
        self->ack_timer =
            loop_add_timer(consumer_loop(consumer), REM_APPEND_TIMEOUT_MS,
                           s_on_ack_timeout, self);
        return 2;
    }
    rc = rc ? s_round_end(self, s, rc) : s_round_end(self, s, 0);
    free(s);
    return rc;
}

int rem_fire_tick(void *arg, consumer_t *consumer)
{
    rem_t *self = arg;
    if (!consumer_caught_up(consumer)) {
        s_merge_staged(consumer_kv(consumer), REM_MERGE_AT);
        return 1000;
    }
    if (self->pending)
        return 1000; /* the answer or its timeout calls the tick again */
    int64_t wait = self->retry_at - monotime_ms();
    if (wait > 0)
        return (int)wait;
    int32_t today = dayclock_today(&self->clock);
    if (today == self->done_day && consumer_position(consumer) == self->done_at)
        return 1000;
    int rc = s_round(self, consumer, today);
    if (rc < 0) {
        s_drop_client(self, consumer);
        self->retry_at = monotime_ms() + REM_RETRY_MS;
        return REM_RETRY_MS;
    }
    return rc == 0 ? 0 : 1000;
}

void rem_fire_stop(void *arg, consumer_t *consumer, loop_t *loop)
{
    (void)loop;
    rem_t *self = arg;
    free(self->pending); /* unanswered: fired again after the restart */
    self->pending = NULL;
    s_drop_client(self, consumer);
}
