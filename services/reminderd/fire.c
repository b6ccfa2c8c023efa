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

#include "date.h"
#include "failpoint.h"
#include "log.h"
#include "monotime.h"
#include "proj.h"
#include "rem.h"

/*  What one scan found: reminders to fire and deadlines to move on. */
typedef struct {
    const rem_t *self;
    const kv_t *kv;
    int32_t today;
    rem_fired_t items[REM_FIRE_BATCH];
    bool to_fire[REM_FIRE_BATCH];
    bool done[REM_FIRE_BATCH]; /* acknowledged, or to move on without */
    size_t count, nfire;
} scan_t;

int32_t rem_today(const rem_t *self)
{
    return self->now ? self->now : date_today();
}

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
    bool fire = occ.stage != REM_STAGE_PENDING &&
                !rem_proj_has_fired(s->kv, txn, d->rule, d->subject, occ.stage,
                                    occ.day);
    s->to_fire[s->count] = fire;
    s->done[s->count] = !fire;
    s->nfire += fire;
    s->count++;
    return 0;
}

static int s_scan(void *arg, MDB_txn *txn)
{
    scan_t *s = arg;
    return rem_proj_due(s->kv, txn, s->today, REM_FIRE_BATCH, s_on_due, s,
                        NULL);
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

/*  Reads the store's answer to our request and notes each result. */
static int s_ack(rem_t *self, scan_t *s, size_t *map, size_t n)
{
    Opcat__V1__AppendReply *reply = NULL;
    err_t err;
    int rc =
        client_append_recv(self->client, REM_APPEND_TIMEOUT_MS, &reply, &err);
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

/*  Appends the reminders of 's' in one request and waits for the ack. */
static int s_append(rem_t *self, scan_t *s)
{
    event_t *events[REM_FIRE_BATCH];
    size_t map[REM_FIRE_BATCH], n = 0;
    err_t err;
    int rc = OPCAT_OK;
    if (!self->client &&
        !(self->client = client_new(self->zmq, self->cfg.append, NULL, &err)))
        return err.code;
    for (size_t i = 0; i < s->count && !rc; i++) {
        if (!s->to_fire[i])
            continue;
        if (!(events[n] = s_event(&s->items[i])))
            rc = OPCAT_ENOMEM;
        else
            map[n++] = i;
    }
    if (!rc && n &&
        (rc = client_append_send(self->client, events, n, false, NULL, &err)))
        log_warnx("firing: %s", err.message);
    if (!rc && n)
        rc = s_ack(self, s, map, n);
    for (size_t i = 0; i < n; i++)
        event_free(&events[i]);
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

/*  One round: scan, append, record.  Returns 0 if the round was whole
    and there may be more (call again), 1 if all of today is done, or a
    negative code (retry later). */
static int s_round(rem_t *self, consumer_t *consumer, int32_t today)
{
    kv_t *kv = consumer_kv(consumer);
    scan_t *s = calloc(1, sizeof *s);
    if (!s)
        return OPCAT_ENOMEM;
    s->self = self, s->kv = kv, s->today = today;
    err_t err;
    int rc = s_merge_staged(kv, 1);
    if (!rc)
        rc = kv_read(kv, s_scan, s, &err);
    int sent = !rc && s->nfire ? s_append(self, s) : 0;
    /* appended, not yet recorded as fired (position: how many fired) */
    if (!rc && s->nfire)
        rc = FAILPOINT("reminders.after_append", s->nfire);
    /* what the store acknowledged is recorded even if the rest failed */
    if (!rc && s->count && (rc = kv_write(kv, s_record, s, &err)))
        log_warnx("firing: recording: %s", err.message);
    if (!rc)
        rc = sent ? sent : s->count == REM_FIRE_BATCH ? 0 : 1;
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
    int32_t today = rem_today(self);
    uint64_t position = consumer_position(consumer);
    if (today == self->done_day && position == self->done_at)
        return 1000;
    int rc = s_round(self, consumer, today);
    if (rc < 0) {
        self->failures++;
        client_destroy(&self->client); /* a late ack must not confuse us */
        return 2000;
    }
    if (rc == 0)
        return 0;
    self->done_day = today;
    self->done_at = position;
    return 1000;
}

void rem_fire_fini(rem_t *self)
{
    client_destroy(&self->client);
}
