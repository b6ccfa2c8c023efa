/*  test_rules: the reminder rules' arithmetic (services/reminderd/rules.h)
    and, through a real LMDB environment, the projection's handling of
    events that arrive out of date order (proj.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "date.h"
#include "event.h"
#include "kv.h"
#include "proj.h"
#include "rules.h"

/*  The day of "YYYY-MM-DD", failing the test if it is not a date. */
static int32_t D(const char *text)
{
    int32_t day;
    assert_true(date_parse(text, &day));
    return day;
}

/*  Asserts that 'day' is 'text', printing both on failure. */
#define CHECK_DAY(day, text)                                                   \
    do {                                                                       \
        char got_[DATE_TEXT_LEN];                                              \
        date_format((day), got_);                                              \
        assert_string_equal(got_, (text));                                     \
    } while (0)

static rem_config_t s_cfg(void)
{
    rem_config_t cfg;
    rem_config_defaults(&cfg);
    return cfg;
}

static void test_reply_month_end(void **state)
{
    (void)state;
    rem_config_t cfg = s_cfg();
    CHECK_DAY(rem_reply_due(&cfg, D("2025-08-31")), "2026-02-28");
    CHECK_DAY(rem_reply_due(&cfg, D("2023-08-31")), "2024-02-29");
    CHECK_DAY(rem_reply_due(&cfg, D("2025-01-15")), "2025-07-15");
    CHECK_DAY(rem_reply_due(&cfg, D("2025-12-31")), "2026-06-30");
    CHECK_DAY(rem_reply_due(&cfg, D("2024-03-31")), "2024-09-30");
    CHECK_DAY(rem_reply_due(&cfg, D("2099-08-31")), "2100-02-28");
    CHECK_DAY(rem_reply_due(&cfg, D("1999-08-31")), "2000-02-29");
}

static void test_entry_into_force(void **state)
{
    (void)state;
    rem_config_t cfg = s_cfg();
    CHECK_DAY(rem_entry_into_force(&cfg, D("2025-01-01")), "2025-01-31");
    CHECK_DAY(rem_entry_into_force(&cfg, D("2024-02-01")), "2024-03-02");
    CHECK_DAY(rem_entry_into_force(&cfg, D("2023-02-01")), "2023-03-03");
    CHECK_DAY(rem_entry_into_force(&cfg, D("2025-12-15")), "2026-01-14");
}

static void test_designation_art24(void **state)
{
    (void)state;
    rem_config_t cfg = s_cfg();
    /* Germany: ratified 2008-12-04, in force 2009-01-03 */
    CHECK_DAY(rem_designation_due(&cfg, D("2008-12-04"), 0), "2010-01-03");
    /* Romania: Part IV postponed 3 years, then extended by 2 */
    CHECK_DAY(rem_designation_due(&cfg, D("2009-07-02"), 0), "2010-08-01");
    CHECK_DAY(rem_designation_due(&cfg, D("2009-07-02"), 3), "2013-08-01");
    CHECK_DAY(rem_designation_due(&cfg, D("2009-07-02"), 5), "2015-08-01");
    /* in force on 29 February: one year later is 28 February */
    CHECK_DAY(rem_designation_due(&cfg, D("2024-01-30"), 0), "2025-02-28");
    CHECK_DAY(rem_designation_due(&cfg, D("2024-01-30"), 3), "2028-02-29");
}

static void test_publication_and_visit(void **state)
{
    (void)state;
    rem_config_t cfg = s_cfg();
    CHECK_DAY(rem_publication_due(&cfg, D("2024-02-29"), 0), "2025-02-28");
    CHECK_DAY(rem_publication_due(&cfg, D("2024-02-29"), 1), "2026-02-28");
    CHECK_DAY(rem_publication_due(&cfg, D("2024-02-29"), 4), "2029-02-28");
    CHECK_DAY(rem_publication_due(&cfg, D("2024-02-29"), 3), "2028-02-29");
    CHECK_DAY(rem_visit_due(&cfg, D("2026-03-10")), "2026-02-08");
}

/*  Asserts the occurrence of a deadline at 'day'. */
static void s_expect(rem_rule_t rule, const char *opened, const char *due,
                     const char *day, rem_stage_t stage, const char *occ_day,
                     const char *next)
{
    rem_config_t cfg = s_cfg();
    rem_occurrence_t occ = rem_stage_at(&cfg, rule, D(opened), D(due), D(day));
    assert_int_equal(occ.stage, stage);
    if (occ_day)
        CHECK_DAY(occ.day, occ_day);
    else
        assert_int_equal(occ.day, REM_NEVER);
    CHECK_DAY(rem_next_after(&cfg, rule, D(opened), D(due), D(day)), next);
}

static void test_stages(void **state)
{
    (void)state;
    rem_rule_t r = REM_RULE_STATE_REPLY;
    const char *o = "2025-01-15", *u = "2025-07-15";
    s_expect(r, o, u, "2025-01-15", REM_STAGE_PENDING, NULL, "2025-06-15");
    s_expect(r, o, u, "2025-06-14", REM_STAGE_PENDING, NULL, "2025-06-15");
    s_expect(r, o, u, "2025-06-15", REM_STAGE_UPCOMING, "2025-06-15",
             "2025-07-15");
    s_expect(r, o, u, "2025-07-14", REM_STAGE_UPCOMING, "2025-06-15",
             "2025-07-15");
    s_expect(r, o, u, "2025-07-15", REM_STAGE_DUE, "2025-07-15", "2025-07-16");
    s_expect(r, o, u, "2025-07-16", REM_STAGE_OVERDUE, "2025-07-16",
             "2025-10-14");
    s_expect(r, o, u, "2025-10-13", REM_STAGE_OVERDUE, "2025-07-16",
             "2025-10-14");
    s_expect(r, o, u, "2025-10-14", REM_STAGE_OVERDUE, "2025-10-14",
             "2026-01-12");
}

/*  Every stage boundary of every rule: the day before and the day of
    each stage (upcoming 30 days before the due day, due, overdue the day
    after, repeated 90 days later), for a deadline opened a year before
    (so art16.publication's cycle 0 is due on the same day and cycle 1's
    upcoming, 2026-06-15, comes after these). */
static void test_stage_boundaries_every_rule(void **state)
{
    (void)state;
    const char *o = "2024-07-15", *u = "2025-07-15";
    for (rem_rule_t r = 0; r < REM_RULE_COUNT; r++) {
        s_expect(r, o, u, "2025-06-14", REM_STAGE_PENDING, NULL, "2025-06-15");
        s_expect(r, o, u, "2025-06-15", REM_STAGE_UPCOMING, "2025-06-15",
                 "2025-07-15");
        s_expect(r, o, u, "2025-07-14", REM_STAGE_UPCOMING, "2025-06-15",
                 "2025-07-15");
        s_expect(r, o, u, "2025-07-15", REM_STAGE_DUE, "2025-07-15",
                 "2025-07-16");
        s_expect(r, o, u, "2025-07-16", REM_STAGE_OVERDUE, "2025-07-16",
                 "2025-10-14");
        s_expect(r, o, u, "2025-10-13", REM_STAGE_OVERDUE, "2025-07-16",
                 "2025-10-14");
        s_expect(r, o, u, "2025-10-14", REM_STAGE_OVERDUE, "2025-10-14",
                 "2026-01-12");
    }
}

static void test_publication_cycles(void **state)
{
    (void)state;
    rem_rule_t r = REM_RULE_PUBLICATION;
    const char *o = "2024-01-10", *u = "2025-01-10";
    /* cycle 0 overdue: 01-11, 04-11, 07-10, 10-08; cycle 1 upcoming on
       2025-12-11 (due 2026-01-10) cuts the next overdue (2026-01-06) */
    s_expect(r, o, u, "2025-10-08", REM_STAGE_OVERDUE, "2025-10-08",
             "2025-12-11");
    s_expect(r, o, u, "2025-12-11", REM_STAGE_UPCOMING, "2025-12-11",
             "2026-01-10");
    s_expect(r, o, u, "2026-01-10", REM_STAGE_DUE, "2026-01-10", "2026-01-11");
    rem_config_t cfg = s_cfg();
    rem_occurrence_t occ = rem_stage_at(&cfg, r, D(o), D(u), D("2027-03-01"));
    CHECK_DAY(occ.due, "2027-01-10");
    assert_int_equal(occ.stage, REM_STAGE_OVERDUE);
    CHECK_DAY(occ.day, "2027-01-11");
}

static void test_occurrence_day(void **state)
{
    (void)state;
    rem_config_t cfg = s_cfg();
    int32_t u = D("2025-07-15");
    CHECK_DAY(rem_occurrence_day(&cfg, REM_STAGE_UPCOMING, u, D("2025-06-20")),
              "2025-06-15");
    CHECK_DAY(rem_occurrence_day(&cfg, REM_STAGE_DUE, u, u), "2025-07-15");
    CHECK_DAY(rem_occurrence_day(&cfg, REM_STAGE_OVERDUE, u, D("2025-10-20")),
              "2025-10-14");
    CHECK_DAY(rem_occurrence_day(&cfg, REM_STAGE_OVERDUE, u, D("2025-07-16")),
              "2025-07-16");
}

static void test_config(void **state)
{
    (void)state;
    rem_config_t cfg = s_cfg();
    err_t err;
    assert_int_equal(cfg.reply_months, 6);
    assert_int_equal(cfg.overdue_every_days, 90);
    assert_int_equal(rem_config_set(&cfg, "reply_months = 3", &err), 0);
    CHECK_DAY(rem_reply_due(&cfg, D("2025-11-30")), "2026-02-28");
    assert_int_equal(rem_config_set(&cfg, "upcoming_days=0", &err),
                     OPCAT_EINVAL);
    assert_string_equal(err.field, "upcoming_days");
    assert_int_equal(rem_config_set(&cfg, "bogus=1", &err), OPCAT_EINVAL);
    assert_int_equal(rem_config_set(&cfg, "overdue_every_days", &err),
                     OPCAT_EINVAL);
    char path[] = "/tmp/test_rules_cfg.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char text[] = "# offsets\noverdue_every_days = 30  # monthly\n\n"
                        "entry_into_force_days=0\n";
    assert_int_equal(write(fd, text, sizeof text - 1), (int)sizeof text - 1);
    close(fd);
    assert_int_equal(rem_config_load(&cfg, path, &err), 0);
    assert_int_equal(cfg.overdue_every_days, 30);
    CHECK_DAY(rem_entry_into_force(&cfg, D("2025-01-01")), "2025-01-01");
    unlink(path);
}

static void test_names(void **state)
{
    (void)state;
    for (int i = 0; i < REM_RULE_COUNT; i++)
        assert_int_equal(rem_rule_parse(rem_rule_name((rem_rule_t)i)), i);
    assert_int_equal(rem_rule_parse("art12.state_reply"), REM_RULE_STATE_REPLY);
    assert_int_equal(rem_rule_parse("art12"), -1);
    assert_int_equal(rem_stage_parse("overdue"), REM_STAGE_OVERDUE);
    assert_int_equal(rem_stage_parse("pending"), -1);
}

/* ------------------------------------------------ projection, in LMDB */

typedef struct {
    kv_t *kv;
    rem_config_t cfg;
    char dir[64];
    const char *const *lines;
    size_t count;
} fixture_t;

static int s_apply_lines(void *arg, MDB_txn *txn)
{
    fixture_t *f = arg;
    for (size_t i = 0; i < f->count; i++) {
        err_t err;
        event_t *e = event_from_text(f->lines[i], strlen(f->lines[i]), &err);
        if (!e)
            fail_msg("%s: %s", f->lines[i], err.message);
        int rc = rem_proj_apply(f->kv, &f->cfg, txn, e);
        event_free(&e);
        if (rc)
            return rc;
    }
    return 0;
}

static void s_apply(fixture_t *f, const char *const *lines, size_t count)
{
    err_t err;
    f->lines = lines, f->count = count;
    assert_int_equal(kv_write(f->kv, s_apply_lines, f, &err), 0);
}

static int s_setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    err_t err;
    snprintf(f->dir, sizeof f->dir, "/tmp/test_rules.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    f->kv = kv_open(f->dir, rem_proj_dbs(), NULL, REM_DB_COUNT, &err);
    assert_non_null(f->kv);
    f->cfg = s_cfg();
    *state = f;
    return 0;
}

static int s_teardown(void **state)
{
    fixture_t *f = *state;
    char cmd[128];
    kv_destroy(&f->kv);
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

/*  Collects every deadline as "rule subject due closed". */
typedef struct {
    char text[2048];
} listing_t;

static int s_list_one(void *arg, MDB_txn *txn, const rem_deadline_t *d)
{
    (void)txn;
    listing_t *l = arg;
    char due[DATE_TEXT_LEN], closed[DATE_TEXT_LEN] = "open";
    date_format(d->due, due);
    if (d->closed != REM_NEVER)
        date_format(d->closed, closed);
    size_t len = strlen(l->text);
    snprintf(l->text + len, sizeof l->text - len, "%s %s %s %s;",
             rem_rule_name(d->rule), d->subject, due, closed);
    return 0;
}

static int s_list_txn(void *arg, MDB_txn *txn)
{
    listing_t *l = ((void **)arg)[1];
    return rem_proj_each_deadline(((void **)arg)[0], txn, s_list_one, l);
}

static void s_listing(fixture_t *f, listing_t *l)
{
    err_t err;
    l->text[0] = '\0';
    void *args[] = {f->kv, l};
    assert_int_equal(kv_read(f->kv, s_list_txn, args, &err), 0);
}

#define RATIFIED                                                               \
    "{\"type\":\"state.ratified\",\"occurred_on\":\"2009-07-02\","             \
    "\"state\":\"ROU\",\"instrument\":\"ratification\"}"
#define ART24                                                                  \
    "{\"type\":\"state.declared_art24\",\"occurred_on\":\"2009-07-02\","       \
    "\"state\":\"ROU\",\"part\":\"IV\",\"years\":3}"
#define ART24_EXT                                                              \
    "{\"type\":\"state.declared_art24\",\"occurred_on\":\"2013-01-09\","       \
    "\"state\":\"ROU\",\"part\":\"IV\",\"years\":2,\"extension\":true}"
#define DESIGNATED                                                             \
    "{\"type\":\"npm.designated\",\"occurred_on\":\"2014-06-30\","             \
    "\"state\":\"ROU\",\"body\":\"Ombudsman\",\"model\":\"ombudsman\"}"

static void test_art24_any_order(void **state)
{
    fixture_t *f = *state;
    const char *const forward[] = {RATIFIED, ART24, ART24_EXT};
    const char *const backward[] = {ART24_EXT, DESIGNATED, ART24, RATIFIED};
    listing_t l;
    s_apply(f, forward, 3);
    s_listing(f, &l);
    assert_string_equal(l.text, "art17.npm_designation ROU 2015-08-01 open;");
    kv_clear(f->kv, NULL);
    s_apply(f, backward, 4);
    s_listing(f, &l);
    assert_string_equal(l.text,
                        "art17.npm_designation ROU 2015-08-01 2014-06-30;");
}

#define TRANSMITTED                                                            \
    "{\"type\":\"report.transmitted\",\"occurred_on\":\"2025-08-31\","         \
    "\"state\":\"PER\",\"report_id\":\"PER-1\",\"recipient\":\"state\"}"
#define REPLY_LATE                                                             \
    "{\"type\":\"reply.received\",\"occurred_on\":\"2026-03-10\","             \
    "\"state\":\"PER\",\"report_id\":\"PER-1\"}"
#define REPLY_BACKDATED                                                        \
    "{\"type\":\"reply.received\",\"occurred_on\":\"2026-01-05\","             \
    "\"state\":\"PER\",\"report_id\":\"PER-1\"}"

static void test_backdated_reply(void **state)
{
    fixture_t *f = *state;
    const char *const lines[] = {TRANSMITTED, REPLY_LATE, REPLY_BACKDATED};
    listing_t l;
    s_apply(f, lines, 1);
    s_listing(f, &l);
    assert_string_equal(l.text, "art12.state_reply PER-1 2026-02-28 open;"
                                "art16.publication PER-1 2026-08-31 open;");
    s_apply(f, lines + 1, 2);
    s_listing(f, &l);
    /* the earliest reply closes it, whatever order they came in */
    assert_string_equal(l.text, "art12.state_reply PER-1 2026-02-28 "
                                "2026-01-05;"
                                "art16.publication PER-1 2026-08-31 open;");
}

static int s_count_due(void *arg, MDB_txn *txn, const rem_deadline_t *d)
{
    (void)txn;
    (void)d;
    (*(size_t *)arg)++;
    return 0;
}

typedef struct {
    fixture_t *f;
    int32_t day;
    size_t n;
} due_arg_t;

static int s_due_txn(void *arg, MDB_txn *txn)
{
    due_arg_t *a = arg;
    return rem_proj_due(a->f->kv, txn, a->day, 100, s_count_due, &a->n, NULL);
}

static int s_merge_txn(void *arg, MDB_txn *txn)
{
    fixture_t *f = arg;
    return rem_proj_merge(f->kv, txn, 1000, NULL);
}

static size_t s_due_on(fixture_t *f, const char *day)
{
    err_t err;
    due_arg_t a = {f, D(day), 0};
    assert_int_equal(kv_write(f->kv, s_merge_txn, f, &err), 0);
    assert_int_equal(kv_read(f->kv, s_due_txn, &a, &err), 0);
    return a.n;
}

#define ISSUED_UPCOMING                                                        \
    "{\"type\":\"reminder.issued\",\"occurred_on\":\"2026-01-29\","            \
    "\"state\":\"PER\",\"rule\":\"art12.state_reply\",\"subject\":"            \
    "\"PER-1\",\"due_on\":\"2026-02-28\",\"stage\":\"upcoming\"}"

static void test_index_moves(void **state)
{
    fixture_t *f = *state;
    const char *const lines[] = {TRANSMITTED, ISSUED_UPCOMING, REPLY_BACKDATED};
    s_apply(f, lines, 1);
    assert_int_equal(s_due_on(f, "2026-01-28"), 0);
    assert_int_equal(s_due_on(f, "2026-01-29"), 1); /* upcoming */
    s_apply(f, lines + 1, 1);                       /* it fired */
    assert_int_equal(s_due_on(f, "2026-02-27"), 0);
    assert_int_equal(s_due_on(f, "2026-02-28"), 1); /* due */
    s_apply(f, lines + 2, 1);                       /* closed */
    assert_int_equal(s_due_on(f, "2026-12-31"), 1); /* publication only */
}

typedef struct {
    fixture_t *f;
    size_t max, merged;
} merge_arg_t;

static int s_merge_some(void *arg, MDB_txn *txn)
{
    merge_arg_t *a = arg;
    return rem_proj_merge(a->f->kv, txn, a->max, &a->merged);
}

static int s_staged_txn(void *arg, MDB_txn *txn)
{
    void **a = arg;
    *(size_t *)a[1] = rem_proj_staged(((fixture_t *)a[0])->kv, txn);
    return 0;
}

static size_t s_staged(fixture_t *f)
{
    size_t n = 0;
    err_t err;
    assert_int_equal(kv_read(f->kv, s_staged_txn, (void *[]){f, &n}, &err), 0);
    return n;
}

/*  Twenty reports to States, ten of them answered in the same
    transaction: their index entry is staged, then staged for removal.
    Returns how many changes are staged. */
static size_t s_stage_twenty(fixture_t *f)
{
    char text[40][256];
    const char *lines[40];
    size_t n = 0;
    for (int i = 0; i < 20; i++) {
        snprintf(text[n], sizeof text[n],
                 "{\"type\":\"report.transmitted\",\"occurred_on\":"
                 "\"2025-%02d-%02d\",\"state\":\"PER\",\"report_id\":"
                 "\"R%d\",\"recipient\":\"state\"}",
                 1 + i % 12, 1 + (i * 7) % 28, i);
        lines[n] = text[n], n++;
        if (i % 2)
            continue;
        snprintf(text[n], sizeof text[n],
                 "{\"type\":\"reply.received\",\"occurred_on\":"
                 "\"2025-12-31\",\"state\":\"PER\",\"report_id\":\"R%d\"}",
                 i);
        lines[n] = text[n], n++;
    }
    s_apply(f, lines, n);
    size_t staged = s_staged(f);
    assert_true(staged >= 50); /* 40 puts, 10 removals */
    return staged;
}

/*  What the index of s_stage_twenty() holds once merged. */
static void s_assert_twenty_merged(fixture_t *f)
{
    assert_int_equal(s_staged(f), 0);
    /* ten open replies and twenty publications, each once */
    assert_int_equal(s_due_on(f, "2040-01-01"), 30);
    /* due by 2026-03-01 (upcoming 30 days before the due day): the ten
       open replies and the publications of reports sent before ~April */
    assert_int_equal(s_due_on(f, "2026-03-01"), 14);
}

/*  Merged in chunks of 7: chunks that split a put from its removal and
    the last, partial one leave the index one merge would. */
static void test_merge_in_chunks(void **state)
{
    fixture_t *f = *state;
    size_t staged = s_stage_twenty(f), total = 0;
    err_t err;
    merge_arg_t a = {f, 7, 7};
    while (a.merged == 7) {
        assert_int_equal(kv_write(f->kv, s_merge_some, &a, &err), 0);
        total += a.merged;
    }
    assert_int_equal(total, staged);
    s_assert_twenty_merged(f);
}

typedef struct {
    fixture_t *f;
    rem_chunk_t *chunk;
    size_t from;
} slice_arg_t;

static int s_read_chunk(void *arg, MDB_txn *txn)
{
    slice_arg_t *a = arg;
    return rem_proj_chunk_read(a->f->kv, txn, 1000, &a->chunk);
}

static int s_apply_slice(void *arg, MDB_txn *txn)
{
    slice_arg_t *a = arg;
    return rem_proj_chunk_apply(a->f->kv, txn, a->chunk, a->from, 3);
}

static int s_chunk_done(void *arg, MDB_txn *txn)
{
    slice_arg_t *a = arg;
    return rem_proj_chunk_done(a->f->kv, txn, a->chunk);
}

/*  One chunk applied in slices of 3, a transaction each, the first
    slices twice (as after a crash before the chunk was done). */
static void test_merge_in_slices(void **state)
{
    fixture_t *f = *state;
    size_t staged = s_stage_twenty(f);
    err_t err;
    slice_arg_t a = {f, NULL, 0};
    assert_int_equal(kv_read(f->kv, s_read_chunk, &a, &err), 0);
    assert_int_equal(rem_chunk_staged(a.chunk), staged);
    /* one change per key: the replied reports' puts are gone */
    assert_int_equal(rem_chunk_count(a.chunk), staged - 10);
    for (a.from = 0; a.from < 9; a.from += 3)
        assert_int_equal(kv_write(f->kv, s_apply_slice, &a, &err), 0);
    for (a.from = 0; a.from < rem_chunk_count(a.chunk); a.from += 3)
        assert_int_equal(kv_write(f->kv, s_apply_slice, &a, &err), 0);
    assert_int_equal(kv_write(f->kv, s_chunk_done, &a, &err), 0);
    rem_chunk_destroy(&a.chunk);
    assert_null(a.chunk);
    s_assert_twenty_merged(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reply_month_end),
        cmocka_unit_test(test_entry_into_force),
        cmocka_unit_test(test_designation_art24),
        cmocka_unit_test(test_publication_and_visit),
        cmocka_unit_test(test_stages),
        cmocka_unit_test(test_stage_boundaries_every_rule),
        cmocka_unit_test(test_publication_cycles),
        cmocka_unit_test(test_occurrence_day),
        cmocka_unit_test(test_config),
        cmocka_unit_test(test_names),
        cmocka_unit_test_setup_teardown(test_art24_any_order, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_backdated_reply, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_index_moves, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_merge_in_chunks, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_merge_in_slices, s_setup,
                                        s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
