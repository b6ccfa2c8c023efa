/*  proj: facts, deadlines, the by-day index and what fired, in LMDB. */
#include "proj.h"

#include <assert.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coverage.h"
#include "date.h"
#include "obligation.h"
#include "datefmt.h"

static const char *const s_dbs[REM_DB_COUNT] = {"facts", "deadlines", "by_day",
                                                "fired", "staged"};

/*  The longest key: fired's rule, subject, NUL, stage and day. */
#define KEY_MAX (1 + EVENT_ID_MAX + 1 + 1 + 4)

/*  What is known about one subject (report, visit or State). */
typedef struct {
    int32_t opened;    /* R transmitted, V planned, S ratified */
    int32_t start;     /* V: the visit's first day */
    int32_t closed;    /* R reply, V completed/postponed, S designated */
    int32_t published; /* R: report.published */
    int32_t art24_base, art24_ext; /* S: Part IV years, first and extension */
    char state[4];
    uint8_t recipient; /* R: 1 state, 2 npm */
    uint8_t unused[3];
    int32_t art24_base_on, art24_ext_on; /* S: their days (REM_NEVER: none) */
    int32_t opened_from; /* the earliest day 'opened' may stand for */
} fact_t;

/*  The size of a fact before the art. 24 days and the precision of
    'opened' were kept: such a record is read with its declarations dated
    on the ratification and 'opened' known to the day. */
#define FACT_V1_SIZE offsetof(fact_t, art24_base_on)

/*  A deadlines value. */
typedef struct {
    int32_t opened, due, closed, next;
    char state[4];
    int32_t opened_from; /* the earliest day 'opened' may stand for */
} deadline_rec_t;

/*  A fired value. */
typedef struct {
    int32_t issued_on, due;
    char state[4];
} fired_rec_t;

/*  What every helper needs.  'new_subject': the event being applied is
    the first fact of its subject, so no deadline of that subject can
    exist yet (deadlines are only made from facts) and looking one up can
    be skipped: the lookups of random keys are what catch-up spends its
    time on. */
typedef struct {
    const kv_t *kv;
    const rem_config_t *cfg;
    MDB_txn *txn;
    bool new_subject;
} ctx_t;

const char *const *rem_proj_dbs(void)
{
    return s_dbs;
}

static size_t s_deadline_key(uint8_t *key, rem_rule_t rule, const char *subject)
{
    size_t len = strnlen(subject, EVENT_ID_MAX);
    key[0] = (uint8_t)rule;
    memcpy(key + 1, subject, len);
    return 1 + len;
}

static size_t s_fired_key(uint8_t *key, rem_rule_t rule, const char *subject,
                          rem_stage_t stage, int32_t day)
{
    size_t len = s_deadline_key(key, rule, subject);
    key[len++] = 0;
    key[len++] = (uint8_t)stage;
    date_key_put(key + len, day);
    return len + 4;
}

static void s_copy_state(char out[4], const char *state)
{
    memset(out, 0, 4);
    if (state)
        memcpy(out, state, strnlen(state, 3));
}

/*  Stages adding ('put') or removing deadline (rule, subject) at 'day'
    in by_day: appends [op][by_day key] under the next number. */
static int s_index(const ctx_t *c, int32_t day, rem_rule_t rule,
                   const char *subject, bool put)
{
    uint8_t op[1 + KEY_MAX], num[8] = {0};
    op[0] = put;
    date_key_put(op + 1, day);
    size_t len = 1 + 4 + s_deadline_key(op + 5, rule, subject);
    MDB_dbi dbi = kv_dbi(c->kv, REM_DB_STAGED);
    MDB_cursor *cur;
    MDB_val k, v;
    int rc = mdb_cursor_open(c->txn, dbi, &cur);
    if (rc)
        return rc;
    rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
    if (rc == 0 && k.mv_size == 8)
        memcpy(num, k.mv_data, 8);
    for (int i = 7; i >= 0 && ++num[i] == 0; i--)
        ; /* big-endian increment */
    k = (MDB_val){8, num}, v = (MDB_val){len, op};
    rc =
        rc && rc != MDB_NOTFOUND ? rc : mdb_cursor_put(cur, &k, &v, MDB_APPEND);
    mdb_cursor_close(cur);
    return rc;
}

/*  One staged change read for a merge: where its by_day key lies in the
    chunk's byte buffer, whether it puts or removes, and its place in the
    staging order (the tie-break that keeps the sort stable). */
typedef struct {
    uint32_t at, order;
    uint16_t len;
    uint8_t put;
} change_t;

struct rem_chunk {
    change_t *changes; /* sorted by key, one per key */
    uint8_t *bytes;    /* the keys */
    size_t count;      /* changes */
    size_t staged;     /* the staged entries they were read from */
    size_t used;       /* bytes */
};

static int s_change_cmp(const void *a, const void *b, void *bytes)
{
    const change_t *x = a, *y = b;
    const uint8_t *base = bytes;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(base + x->at, base + y->at, n);
    if (c || x->len != y->len)
        return c ? c : x->len < y->len ? -1 : 1;
    return x->order < y->order ? -1 : 1;
}

/*  Copies the first 'n' staged changes into 'chunk' (allocated). */
static int s_chunk_copy(MDB_txn *txn, MDB_dbi staged, size_t n,
                        rem_chunk_t *chunk)
{
    chunk->changes = malloc(n * sizeof *chunk->changes);
    chunk->bytes = malloc(n * KEY_MAX);
    if (!chunk->changes || !chunk->bytes)
        return OPCAT_ENOMEM;
    MDB_cursor *cur = NULL;
    MDB_val k, v;
    int rc = mdb_cursor_open(txn, staged, &cur);
    for (int op = MDB_FIRST; !rc && chunk->count < n; op = MDB_NEXT) {
        if ((rc = mdb_cursor_get(cur, &k, &v, op)))
            break;
        size_t len = v.mv_size - 1;
        if (v.mv_size < 2 || len > KEY_MAX) {
            rc = MDB_CORRUPTED; /* not written by s_index() */
            break;
        }
        memcpy(chunk->bytes + chunk->used, (uint8_t *)v.mv_data + 1, len);
        chunk->changes[chunk->count] =
            (change_t){(uint32_t)chunk->used, (uint32_t)chunk->count,
                       (uint16_t)len, ((const uint8_t *)v.mv_data)[0]};
        chunk->used += len, chunk->count++;
    }
    if (cur)
        mdb_cursor_close(cur);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

/*  Sorts the chunk by key and keeps each key's last change only: a put
    and a removal each leave the same state whatever came before them. */
static void s_chunk_sort(rem_chunk_t *chunk)
{
    qsort_r(chunk->changes, chunk->count, sizeof *chunk->changes, s_change_cmp,
            chunk->bytes);
    size_t kept = 0;
    for (size_t i = 0; i < chunk->count; i++) {
        const change_t *c = &chunk->changes[i];
        if (i + 1 < chunk->count && c[1].len == c->len &&
            !memcmp(chunk->bytes + c[1].at, chunk->bytes + c->at, c->len))
            continue; /* a later change of the same key follows */
        chunk->changes[kept++] = *c;
    }
    chunk->count = kept;
}

int rem_proj_chunk_read(const kv_t *kv, MDB_txn *txn, size_t max,
                        rem_chunk_t **out)
{
    MDB_dbi staged = kv_dbi(kv, REM_DB_STAGED);
    MDB_stat st;
    *out = NULL;
    int rc = mdb_stat(txn, staged, &st);
    size_t n = rc ? 0 : st.ms_entries < max ? st.ms_entries : max;
    if (rc || !n)
        return rc;
    rem_chunk_t *chunk = calloc(1, sizeof *chunk);
    if (!chunk)
        return OPCAT_ENOMEM;
    if ((rc = s_chunk_copy(txn, staged, n, chunk))) {
        rem_chunk_destroy(&chunk);
        return rc;
    }
    chunk->staged = chunk->count;
    s_chunk_sort(chunk);
    *out = chunk;
    return 0;
}

size_t rem_chunk_count(const rem_chunk_t *chunk)
{
    return chunk ? chunk->count : 0;
}

size_t rem_chunk_staged(const rem_chunk_t *chunk)
{
    return chunk ? chunk->staged : 0;
}

int rem_proj_chunk_apply(const kv_t *kv, MDB_txn *txn, const rem_chunk_t *chunk,
                         size_t from, size_t count)
{
    MDB_cursor *cur;
    MDB_val empty = {0, ""};
    int rc = mdb_cursor_open(txn, kv_dbi(kv, REM_DB_BY_DAY), &cur);
    if (rc)
        return rc;
    size_t end = from + count < chunk->count ? from + count : chunk->count;
    for (size_t i = from; !rc && i < end; i++) {
        const change_t *c = &chunk->changes[i];
        MDB_val key = {c->len, chunk->bytes + c->at};
        if (c->put)
            rc = mdb_cursor_put(cur, &key, &empty, 0);
        else if (!(rc = mdb_cursor_get(cur, &key, NULL, MDB_SET)))
            rc = mdb_cursor_del(cur, 0);
        else if (rc == MDB_NOTFOUND)
            rc = 0;
    }
    mdb_cursor_close(cur);
    return rc;
}

int rem_proj_chunk_done(const kv_t *kv, MDB_txn *txn, const rem_chunk_t *chunk)
{
    MDB_dbi staged = kv_dbi(kv, REM_DB_STAGED);
    MDB_stat st;
    int rc = mdb_stat(txn, staged, &st);
    if (!rc && chunk->staged >= st.ms_entries)
        return mdb_drop(txn, staged, 0); /* all of it: one drop */
    MDB_cursor *cur;
    MDB_val k, v;
    if (rc || (rc = mdb_cursor_open(txn, staged, &cur)))
        return rc;
    for (size_t i = 0; !rc && i < chunk->staged; i++)
        if (!(rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST)))
            rc = mdb_cursor_del(cur, 0);
    mdb_cursor_close(cur);
    return rc;
}

void rem_chunk_destroy(rem_chunk_t **chunk)
{
    if (!chunk || !*chunk)
        return;
    free((*chunk)->changes);
    free((*chunk)->bytes);
    free(*chunk);
    *chunk = NULL;
}

int rem_proj_merge(const kv_t *kv, MDB_txn *txn, size_t max, size_t *merged)
{
    rem_chunk_t *chunk = NULL;
    int rc = rem_proj_chunk_read(kv, txn, max, &chunk);
    if (!rc && chunk)
        rc = rem_proj_chunk_apply(kv, txn, chunk, 0, chunk->count);
    if (!rc && chunk)
        rc = rem_proj_chunk_done(kv, txn, chunk);
    if (merged)
        *merged = rc ? 0 : rem_chunk_staged(chunk);
    rem_chunk_destroy(&chunk);
    return rc;
}

size_t rem_proj_staged(const kv_t *kv, MDB_txn *txn)
{
    MDB_stat st;
    return mdb_stat(txn, kv_dbi(kv, REM_DB_STAGED), &st) ? 0 : st.ms_entries;
}

static bool s_get_deadline(const ctx_t *c, rem_rule_t rule, const char *subject,
                           deadline_rec_t *rec)
{
    uint8_t key[KEY_MAX];
    MDB_val k = {s_deadline_key(key, rule, subject), key}, v;
    if (mdb_get(c->txn, kv_dbi(c->kv, REM_DB_DEADLINES), &k, &v) ||
        v.mv_size != sizeof *rec)
        return false;
    memcpy(rec, v.mv_data, sizeof *rec);
    return true;
}

static int s_set_deadline(const ctx_t *c, rem_rule_t rule, const char *subject,
                          const deadline_rec_t *rec)
{
    uint8_t key[KEY_MAX];
    MDB_val k = {s_deadline_key(key, rule, subject), key};
    MDB_val v = {sizeof *rec, (void *)rec};
    return mdb_put(c->txn, kv_dbi(c->kv, REM_DB_DEADLINES), &k, &v, 0);
}

/*  Writes deadline (rule, subject) as its facts now say, keeping by_day
    in step: a closed deadline leaves the index; a new due day puts it
    back at its first occurrence; an unchanged one stays where it is. */
static int s_put_deadline(const ctx_t *c, rem_rule_t rule, const char *subject,
                          const fact_t *f, int32_t due, int32_t closed)
{
    const char *state = f->state;
    deadline_rec_t old,
        rec = {f->opened, due, closed, REM_NEVER, {0}, f->opened_from};
    s_copy_state(rec.state, state);
    bool have = !c->new_subject && s_get_deadline(c, rule, subject, &old);
    bool open = closed == REM_NEVER;
    int rc = 0;
    if (have && old.next != REM_NEVER) {
        if (open && old.due == due)
            rec.next = old.next;
        else
            rc = s_index(c, old.next, rule, subject, false);
    }
    if (!rc && open && rec.next == REM_NEVER) {
        rec.next = rem_first_day(c->cfg, rule, due);
        rc = s_index(c, rec.next, rule, subject, true);
    }
    if (rc || (have && memcmp(&old, &rec, sizeof rec) == 0))
        return rc;
    return s_set_deadline(c, rule, subject, &rec);
}

/*  Reads the facts of (kind, id) into 'f' (all REM_NEVER if none).
    Returns whether the subject had any. */
static bool s_get_fact(const ctx_t *c, char kind, const char *id, fact_t *f)
{
    uint8_t key[KEY_MAX];
    size_t len = strnlen(id, EVENT_ID_MAX);
    key[0] = (uint8_t)kind;
    memcpy(key + 1, id, len);
    MDB_val k = {1 + len, key}, v;
    bool found = mdb_get(c->txn, kv_dbi(c->kv, REM_DB_FACTS), &k, &v) == 0 &&
                 (v.mv_size == sizeof *f || v.mv_size == FACT_V1_SIZE);
    memset(f, 0, sizeof *f);
    f->opened = f->start = f->closed = f->published = REM_NEVER;
    f->art24_base_on = f->art24_ext_on = REM_NEVER;
    f->opened_from = REM_NEVER;
    if (!found)
        return false;
    memcpy(f, v.mv_data, v.mv_size);
    if (v.mv_size == FACT_V1_SIZE) {
        /* written before the declarations' days and the precision of
           'opened' were kept: dated on the ratification, to the day */
        f->art24_base_on = f->art24_base ? f->opened : REM_NEVER;
        f->art24_ext_on = f->art24_ext ? f->opened : REM_NEVER;
        f->opened_from = f->opened;
    }
    return true;
}

static int s_set_fact(const ctx_t *c, char kind, const char *id,
                      const fact_t *f)
{
    uint8_t key[KEY_MAX];
    size_t len = strnlen(id, EVENT_ID_MAX);
    key[0] = (uint8_t)kind;
    memcpy(key + 1, id, len);
    MDB_val k = {1 + len, key}, v = {sizeof *f, (void *)f};
    return mdb_put(c->txn, kv_dbi(c->kv, REM_DB_FACTS), &k, &v, 0);
}

/*  A report opens a reply deadline and, sent to a State, a publication
    one. */
static int s_sync_report(const ctx_t *c, const char *id, const fact_t *f)
{
    if (f->opened == REM_NEVER)
        return 0; /* a closing fact seen first: wait for the opening */
    rem_rule_t rule =
        f->recipient == 2 ? REM_RULE_NPM_REPLY : REM_RULE_STATE_REPLY;
    int rc = s_put_deadline(c, rule, id, f, rem_reply_due(c->cfg, f->opened),
                            f->closed);
    if (!rc && f->recipient == 1)
        rc = s_put_deadline(c, REM_RULE_PUBLICATION, id, f,
                            rem_publication_due(c->cfg, f->opened, 0),
                            f->published);
    return rc;
}

/*  The State facts common/domain/obligation.h computes from. */
static oblig_facts_t s_oblig(const fact_t *f)
{
    oblig_facts_t o;
    oblig_facts_init(&o);
    o.deposited = f->opened;
    o.designated = f->closed;
    o.part4 = (oblig_decl_t){f->art24_base_on, f->art24_base};
    o.part4_ext = (oblig_decl_t){f->art24_ext_on, f->art24_ext};
    return o;
}

/*  The deadline kept (and indexed for firing) counts every declaration
    recorded: a declaration is recorded on or after its date, so at the
    firing day, today, every one recorded has been made.  Views of a past
    day recompute it with rem_proj_npm_due(). */
static int s_sync_state(const ctx_t *c, const char *id, const fact_t *f)
{
    if (f->opened == REM_NEVER)
        return 0;
    oblig_facts_t o = s_oblig(f);
    int32_t due = oblig_npm_due(&o, OBLIG_NEVER - 1);
    return s_put_deadline(c, REM_RULE_NPM_DESIGNATION, id, f, due, f->closed);
}

static int s_sync_visit(const ctx_t *c, const char *id, const fact_t *f)
{
    if (f->opened == REM_NEVER || f->start == REM_NEVER)
        return 0;
    return s_put_deadline(c, REM_RULE_VISIT, id, f,
                          rem_visit_due(c->cfg, f->start), f->closed);
}

/*  Updates the facts of a report from one of its events. */
static int s_on_report(ctx_t *c, const event_t *e, int32_t day)
{
    const char *id;
    fact_t f;
    switch (e->body_case) {
    case OPCAT__V1__ENVELOPE__BODY_REPORT_TRANSMITTED:
        id = e->report_transmitted->report_id;
        c->new_subject = !s_get_fact(c, 'R', id, &f);
        if (f.opened != REM_NEVER)
            return 0; /* the first transmission counts */
        f.opened = day;
        f.opened_from = event_earliest(e, day);
        f.recipient =
            strcmp(e->report_transmitted->recipient, "npm") == 0 ? 2 : 1;
        s_copy_state(f.state, e->state);
        break;
    case OPCAT__V1__ENVELOPE__BODY_REPLY_RECEIVED:
        id = e->reply_received->report_id;
        c->new_subject = !s_get_fact(c, 'R', id, &f);
        f.closed = date_min(f.closed, day);
        break;
    default: /* report.published */
        id = e->report_published->report_id;
        c->new_subject = !s_get_fact(c, 'R', id, &f);
        f.published = date_min(f.published, day);
    }
    int rc = s_set_fact(c, 'R', id, &f);
    return rc ? rc : s_sync_report(c, id, &f);
}

/*  Updates the facts of a State from one of its events. */
static int s_on_state(ctx_t *c, const event_t *e, int32_t day)
{
    fact_t f;
    c->new_subject = !s_get_fact(c, 'S', e->state, &f);
    s_copy_state(f.state, e->state);
    if (e->body_case == OPCAT__V1__ENVELOPE__BODY_STATE_RATIFIED) {
        int32_t from = event_earliest(e, day);
        if (day < f.opened || (day == f.opened && from > f.opened_from))
            f.opened_from = from;
        f.opened = date_min(f.opened, day);
    } else if (e->body_case == OPCAT__V1__ENVELOPE__BODY_NPM_DESIGNATED) {
        f.closed = date_min(f.closed, day);
    } else {
        const Opcat__V1__StateDeclaredArt24 *b = e->state_declared_art24;
        if (strcmp(b->part, "IV") != 0)
            return 0; /* Part III (visits) moves no deadline */
        oblig_facts_t o = s_oblig(&f);
        oblig_note_art24(&o, b->part, (int)b->years, b->extension, day);
        f.art24_base = o.part4.years, f.art24_base_on = o.part4.on;
        f.art24_ext = o.part4_ext.years, f.art24_ext_on = o.part4_ext.on;
    }
    int rc = s_set_fact(c, 'S', e->state, &f);
    return rc ? rc : s_sync_state(c, e->state, &f);
}

/*  Updates the facts of a visit from one of its events. */
static int s_on_visit(ctx_t *c, const event_t *e, int32_t day)
{
    const char *id;
    fact_t f;
    if (e->body_case == OPCAT__V1__ENVELOPE__BODY_VISIT_PLANNED) {
        id = e->visit_planned->visit_id;
        c->new_subject = !s_get_fact(c, 'V', id, &f);
        int32_t start;
        if (f.opened == REM_NEVER)
            f.opened = f.opened_from = day;
        if (date_parse(e->visit_planned->start, &start))
            f.start = start; /* a later plan moves the visit */
        s_copy_state(f.state, e->state);
    } else {
        id = e->body_case == OPCAT__V1__ENVELOPE__BODY_VISIT_COMPLETED
                 ? e->visit_completed->visit_id
                 : e->visit_postponed->visit_id;
        c->new_subject = !s_get_fact(c, 'V', id, &f);
        f.closed = date_min(f.closed, day);
    }
    int rc = s_set_fact(c, 'V', id, &f);
    return rc ? rc : s_sync_visit(c, id, &f);
}

/*  A reminder.issued in the stream: what this service (or an earlier
    run of it) fired. */
static int s_on_reminder(const ctx_t *c, const event_t *e, int32_t day)
{
    const Opcat__V1__ReminderIssued *b = e->reminder_issued;
    int rule = rem_rule_parse(b->rule), stage = rem_stage_parse(b->stage);
    rem_fired_t f = {.rule = (rem_rule_t)rule,
                     .stage = (rem_stage_t)stage,
                     .issued_on = day};
    if (rule < 0 || stage < 0 || !date_parse(b->due_on, &f.due))
        return 0; /* not one of ours */
    f.day = rem_occurrence_day(c->cfg, f.rule, f.stage, f.due, day);
    snprintf(f.subject, sizeof f.subject, "%s", b->subject);
    s_copy_state(f.state, e->state);
    return rem_proj_mark_fired(c->kv, c->cfg, c->txn, &f);
}

/*  A dataset.coverage event: per type prefix, its interval, as a fact
    of kind 'C' whose key coverage.h lays out (the union of all of them
    is the claim, so the order of events does not matter). */
static int s_on_coverage(const ctx_t *c, const event_t *e)
{
    const Opcat__V1__DatasetCoverage *b = e->dataset_coverage;
    int32_t from, until;
    if (!coverage_event_days(e, &from, &until))
        return 0;
    for (size_t i = 0; i < b->n_types; i++) {
        uint8_t key[1 + COVERAGE_KEY_MAX] = {'C'}, one = 1;
        size_t len = coverage_record_key(b->types[i], from, until, key + 1);
        MDB_val k = {1 + len, key}, v = {1, &one};
        int rc = mdb_put(c->txn, kv_dbi(c->kv, REM_DB_FACTS), &k, &v, 0);
        if (rc)
            return rc;
    }
    return 0;
}

/*  The event type whose fact closes a deadline of 'rule'. */
static const char *s_closing_type(rem_rule_t rule)
{
    switch (rule) {
    case REM_RULE_NPM_DESIGNATION:
        return "npm.designated";
    case REM_RULE_PUBLICATION:
        return "report.published";
    case REM_RULE_VISIT:
        return "visit.completed";
    default:
        return "reply.received";
    }
}

bool rem_proj_unknown(const coverage_t *cover, const rem_deadline_t *d,
                      int32_t as_of)
{
    /* the closing fact could lie on any day from the earliest the
       deadline may have opened on up to 'as_of' */
    return !coverage_covers(cover, s_closing_type(d->rule), d->opened_from,
                            as_of);
}

/*  One 'C' fact into the coverage_t 'arg'. */
static int s_cover_record(void *arg, const MDB_val *key, const MDB_val *val)
{
    if (key->mv_size < 2)
        return KV_STOP;
    return coverage_add_record(arg, (const uint8_t *)key->mv_data + 1,
                               key->mv_size - 1, val->mv_data, val->mv_size);
}

int rem_proj_coverage(const kv_t *kv, MDB_txn *txn, coverage_t **cover)
{
    *cover = coverage_new();
    if (!*cover)
        return OPCAT_ENOMEM;
    int rc = kv_each(txn, kv_dbi(kv, REM_DB_FACTS), NULL, "C", 1,
                     s_cover_record, *cover);
    if (rc)
        coverage_destroy(cover);
    return rc;
}

int rem_proj_apply(const kv_t *kv, const rem_config_t *cfg, MDB_txn *txn,
                   const event_t *e)
{
    ctx_t c = {kv, cfg, txn, false};
    int32_t day;
    if (!date_parse(e->occurred_on, &day))
        return 0; /* the store validated it; nothing to do if not */
    /* where a computation needs one day, it takes the latest possible */
    day = datefmt_latest(day, (int)e->precision);
    switch (e->body_case) {
    case OPCAT__V1__ENVELOPE__BODY_DATASET_COVERAGE:
        return s_on_coverage(&c, e);
    case OPCAT__V1__ENVELOPE__BODY_REPORT_TRANSMITTED:
    case OPCAT__V1__ENVELOPE__BODY_REPLY_RECEIVED:
    case OPCAT__V1__ENVELOPE__BODY_REPORT_PUBLISHED:
        return s_on_report(&c, e, day);
    case OPCAT__V1__ENVELOPE__BODY_STATE_RATIFIED:
    case OPCAT__V1__ENVELOPE__BODY_STATE_DECLARED_ART24:
    case OPCAT__V1__ENVELOPE__BODY_NPM_DESIGNATED:
        return *e->state ? s_on_state(&c, e, day) : 0;
    case OPCAT__V1__ENVELOPE__BODY_VISIT_PLANNED:
    case OPCAT__V1__ENVELOPE__BODY_VISIT_COMPLETED:
    case OPCAT__V1__ENVELOPE__BODY_VISIT_POSTPONED:
        return s_on_visit(&c, e, day);
    case OPCAT__V1__ENVELOPE__BODY_REMINDER_ISSUED:
        return s_on_reminder(&c, e, day);
    default:
        return 0;
    }
}

int32_t rem_proj_npm_due(const kv_t *kv, MDB_txn *txn, const char *state,
                         int32_t due, int32_t as_of)
{
    ctx_t c = {kv, NULL, txn, false};
    fact_t f;
    if (!s_get_fact(&c, 'S', state, &f) || f.opened == REM_NEVER)
        return due;
    oblig_facts_t o = s_oblig(&f);
    return oblig_npm_due(&o, as_of);
}

int rem_proj_advance(const kv_t *kv, const rem_config_t *cfg, MDB_txn *txn,
                     rem_rule_t rule, const char *subject, int32_t day)
{
    ctx_t c = {kv, cfg, txn, false};
    deadline_rec_t rec;
    if (!s_get_deadline(&c, rule, subject, &rec) || rec.next == REM_NEVER)
        return 0; /* unknown or closed */
    int32_t next = rem_next_after(cfg, rule, rec.opened, rec.due, day);
    if (next <= rec.next)
        return 0;
    int rc = s_index(&c, rec.next, rule, subject, false);
    if (!rc && next != REM_NEVER)
        rc = s_index(&c, next, rule, subject, true);
    rec.next = next;
    return rc ? rc : s_set_deadline(&c, rule, subject, &rec);
}

int rem_proj_mark_fired(const kv_t *kv, const rem_config_t *cfg, MDB_txn *txn,
                        const rem_fired_t *f)
{
    uint8_t key[KEY_MAX];
    fired_rec_t rec = {f->issued_on, f->due, {0}};
    s_copy_state(rec.state, f->state);
    MDB_val k = {s_fired_key(key, f->rule, f->subject, f->stage, f->day), key};
    MDB_val v = {sizeof rec, &rec};
    int rc = mdb_put(txn, kv_dbi(kv, REM_DB_FIRED), &k, &v, MDB_NOOVERWRITE);
    if (rc && rc != MDB_KEYEXIST)
        return rc;
    return rem_proj_advance(kv, cfg, txn, f->rule, f->subject, f->issued_on);
}

bool rem_proj_has_fired(const kv_t *kv, MDB_txn *txn, rem_rule_t rule,
                        const char *subject, rem_stage_t stage, int32_t day)
{
    uint8_t key[KEY_MAX];
    MDB_val k = {s_fired_key(key, rule, subject, stage, day), key}, v;
    return mdb_get(txn, kv_dbi(kv, REM_DB_FIRED), &k, &v) == 0;
}

/*  Fills 'd' from a deadlines key and value. */
static void s_deadline_from(rem_deadline_t *d, const MDB_val *k,
                            const deadline_rec_t *rec)
{
    size_t len = k->mv_size - 1;
    d->rule = (rem_rule_t)((const uint8_t *)k->mv_data)[0];
    memcpy(d->subject, (const uint8_t *)k->mv_data + 1, len);
    d->subject[len] = '\0';
    memcpy(d->state, rec->state, 4);
    d->state[3] = '\0';
    d->opened = rec->opened, d->due = rec->due;
    d->closed = rec->closed, d->next = rec->next;
    d->opened_from = rec->opened_from;
}

/*  What a scan of the deadlines hands to each record. */
typedef struct {
    const kv_t *kv;
    MDB_txn *txn;
    int32_t day;   /* rem_proj_due: the last day wanted */
    size_t max, n; /* rem_proj_due: how many at most, how many so far */
    rem_deadline_fn fn;
    void *arg;
} deadline_scan_t;

/*  One by_day entry: the deadline it points to, if due by 'day'. */
static int s_due_record(void *arg, const MDB_val *k, const MDB_val *v)
{
    (void)v;
    deadline_scan_t *s = arg;
    if (s->n >= s->max || k->mv_size < 6 || k->mv_size > 5 + EVENT_ID_MAX ||
        date_key_get(k->mv_data) > s->day)
        return KV_STOP;
    deadline_rec_t rec;
    MDB_val dk = {k->mv_size - 4, (uint8_t *)k->mv_data + 4}, dv;
    int rc = mdb_get(s->txn, kv_dbi(s->kv, REM_DB_DEADLINES), &dk, &dv);
    /* the index and the deadlines move in one transaction: an entry
       without its deadline is a bug, passed over in a release build */
    assert(rc == 0 && dv.mv_size == sizeof rec);
    if (rc || dv.mv_size != sizeof rec)
        return 0;
    memcpy(&rec, dv.mv_data, sizeof rec);
    rem_deadline_t d;
    s_deadline_from(&d, &dk, &rec);
    s->n++;
    return s->fn(s->arg, s->txn, &d);
}

int rem_proj_due(const kv_t *kv, MDB_txn *txn, int32_t day, size_t max,
                 rem_deadline_fn fn, void *arg, size_t *count)
{
    deadline_scan_t s = {kv, txn, day, max, 0, fn, arg};
    int rc = kv_each(txn, kv_dbi(kv, REM_DB_BY_DAY), NULL, NULL, 0,
                     s_due_record, &s);
    if (count)
        *count = s.n;
    return rc;
}

static int s_deadline_record(void *arg, const MDB_val *k, const MDB_val *v)
{
    deadline_scan_t *s = arg;
    if (k->mv_size < 2 || k->mv_size > 1 + EVENT_ID_MAX ||
        v->mv_size != sizeof(deadline_rec_t))
        return 0;
    deadline_rec_t rec;
    rem_deadline_t d;
    memcpy(&rec, v->mv_data, sizeof rec);
    s_deadline_from(&d, k, &rec);
    return s->fn(s->arg, s->txn, &d);
}

int rem_proj_each_deadline(const kv_t *kv, MDB_txn *txn, rem_deadline_fn fn,
                           void *arg)
{
    deadline_scan_t s = {kv, txn, 0, 0, 0, fn, arg};
    return kv_each(txn, kv_dbi(kv, REM_DB_DEADLINES), NULL, NULL, 0,
                   s_deadline_record, &s);
}

/*  Fills 'f' from a fired key and value; false if malformed. */
static bool s_fired_from(rem_fired_t *f, const MDB_val *k, const MDB_val *v)
{
    const uint8_t *p = k->mv_data;
    fired_rec_t rec;
    if (k->mv_size < 8 || k->mv_size > KEY_MAX || v->mv_size != sizeof rec)
        return false;
    size_t len = k->mv_size - 7;
    memcpy(&rec, v->mv_data, sizeof rec);
    f->rule = (rem_rule_t)p[0];
    memcpy(f->subject, p + 1, len);
    f->subject[len] = '\0';
    f->stage = (rem_stage_t)p[len + 2];
    f->day = date_key_get(p + len + 3);
    f->issued_on = rec.issued_on, f->due = rec.due;
    memcpy(f->state, rec.state, 4);
    f->state[3] = '\0';
    return true;
}

typedef struct {
    rem_fired_fn fn;
    void *arg;
} fired_scan_t;

static int s_fired_record(void *arg, const MDB_val *k, const MDB_val *v)
{
    fired_scan_t *s = arg;
    rem_fired_t f;
    return s_fired_from(&f, k, v) ? s->fn(s->arg, &f) : 0;
}

int rem_proj_each_fired(const kv_t *kv, MDB_txn *txn, rem_fired_fn fn,
                        void *arg)
{
    fired_scan_t s = {fn, arg};
    return kv_each(txn, kv_dbi(kv, REM_DB_FIRED), NULL, NULL, 0, s_fired_record,
                   &s);
}

void rem_proj_counts(const kv_t *kv, MDB_txn *txn, size_t *deadlines,
                     size_t *open, size_t *fired)
{
    MDB_stat st;
    *deadlines =
        mdb_stat(txn, kv_dbi(kv, REM_DB_DEADLINES), &st) ? 0 : st.ms_entries;
    *open = mdb_stat(txn, kv_dbi(kv, REM_DB_BY_DAY), &st) ? 0 : st.ms_entries;
    *fired = mdb_stat(txn, kv_dbi(kv, REM_DB_FIRED), &st) ? 0 : st.ms_entries;
}
