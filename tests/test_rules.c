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

static void test_publication_and_visit(void **state)
{
    (void)state;
    rem_config_t cfg = s_cfg();
    CHECK_DAY(rem_publication_due(&cfg, D("2024-02-29"), 0), "2025-02-28");
    CHECK_DAY(rem_publication_due(&cfg, D("2024-02-29"), 1), "2026-02-28");
    CHECK_DAY(rem_publication_due(&cfg, D("2024-02-29"), 4), "2029-02-28");
    CHECK_DAY(rem_publication_due(&cfg, D("2024-02-29"), 3), "2028-02-29");
    /* a visit notice is due on the visit's first day */
    CHECK_DAY(rem_visit_due(&cfg, D("2026-03-10")), "2026-03-10");
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

/*  Every stage boundary of every obligation: the day before and the day
    of each stage (upcoming 30 days before the due day, due, overdue the
    day after, repeated 90 days later).  Encouragements and notices have
    stages of their own (below). */
static void test_stage_boundaries_every_rule(void **state)
{
    (void)state;
    const char *o = "2024-07-15", *u = "2025-07-15";
    for (rem_rule_t r = 0; r < REM_RULE_COUNT; r++) {
        if (rem_rule_kind(r) != REM_KIND_OBLIGATION)
            continue;
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

/*  art16.publication is an encouragement: one stage, "reminder", on the
    first anniversary and every year after; never overdue. */
static void test_encouragement_stages(void **state)
{
    (void)state;
    rem_rule_t r = REM_RULE_PUBLICATION;
    const char *o = "2024-01-10", *u = "2025-01-10";
    assert_int_equal(rem_rule_kind(r), REM_KIND_ENCOURAGEMENT);
    s_expect(r, o, u, "2024-12-11", REM_STAGE_PENDING, NULL, "2025-01-10");
    s_expect(r, o, u, "2025-01-09", REM_STAGE_PENDING, NULL, "2025-01-10");
    s_expect(r, o, u, "2025-01-10", REM_STAGE_REMINDER, "2025-01-10",
             "2026-01-10");
    s_expect(r, o, u, "2025-01-11", REM_STAGE_REMINDER, "2025-01-10",
             "2026-01-10");
    s_expect(r, o, u, "2026-01-09", REM_STAGE_REMINDER, "2025-01-10",
             "2026-01-10");
    s_expect(r, o, u, "2026-01-10", REM_STAGE_REMINDER, "2026-01-10",
             "2027-01-10");
    rem_config_t cfg = s_cfg();
    for (int32_t day = D("2024-01-10"); day < D("2034-01-10"); day++) {
        rem_occurrence_t occ = rem_stage_at(&cfg, r, D(o), D(u), day);
        assert_int_not_equal(occ.stage, REM_STAGE_OVERDUE);
        assert_int_not_equal(occ.stage, REM_STAGE_DUE);
        assert_int_not_equal(occ.stage, REM_STAGE_UPCOMING);
    }
    /* transmitted on 29 February: the reminders fall on 28 February,
       and on the 29th in a leap year */
    s_expect(r, "2024-02-29", "2025-02-28", "2028-03-01", REM_STAGE_REMINDER,
             "2028-02-29", "2029-02-28");
}

/*  visit.upcoming is a notice: upcoming 30 days before the start,
    starting on it, never overdue, even during the visit or after it. */
static void test_notice_stages(void **state)
{
    (void)state;
    rem_rule_t r = REM_RULE_VISIT;
    const char *o = "2025-11-01", *u = "2026-03-10";
    assert_int_equal(rem_rule_kind(r), REM_KIND_NOTICE);
    s_expect(r, o, u, "2026-02-07", REM_STAGE_PENDING, NULL, "2026-02-08");
    s_expect(r, o, u, "2026-02-08", REM_STAGE_UPCOMING, "2026-02-08",
             "2026-03-10");
    s_expect(r, o, u, "2026-02-09", REM_STAGE_UPCOMING, "2026-02-08",
             "2026-03-10");
    s_expect(r, o, u, "2026-03-09", REM_STAGE_UPCOMING, "2026-02-08",
             "2026-03-10");
    rem_config_t cfg = s_cfg();
    for (const char *const *d =
             (const char *const[]){"2026-03-10", "2026-03-11", "2026-06-30",
                                   NULL};
         *d; d++) {
        rem_occurrence_t occ = rem_stage_at(&cfg, r, D(o), D(u), D(*d));
        assert_int_equal(occ.stage, REM_STAGE_STARTING);
        CHECK_DAY(occ.day, "2026-03-10");
        assert_int_equal(rem_next_after(&cfg, r, D(o), D(u), D(*d)), REM_NEVER);
    }
}

/*  art17.npm_designation is an obligation: the stages around its due
    day, the due day itself included. */
static void test_designation_stages(void **state)
{
    (void)state;
    rem_rule_t r = REM_RULE_NPM_DESIGNATION;
    const char *o = "2003-12-10", *u = "2007-06-22"; /* GBR */
    assert_int_equal(rem_rule_kind(r), REM_KIND_OBLIGATION);
    s_expect(r, o, u, "2007-05-22", REM_STAGE_PENDING, NULL, "2007-05-23");
    s_expect(r, o, u, "2007-05-23", REM_STAGE_UPCOMING, "2007-05-23",
             "2007-06-22");
    s_expect(r, o, u, "2007-06-21", REM_STAGE_UPCOMING, "2007-05-23",
             "2007-06-22");
    s_expect(r, o, u, "2007-06-22", REM_STAGE_DUE, "2007-06-22", "2007-06-23");
    s_expect(r, o, u, "2007-06-23", REM_STAGE_OVERDUE, "2007-06-23",
             "2007-09-21");
    s_expect(r, o, u, "2007-09-21", REM_STAGE_OVERDUE, "2007-09-21",
             "2007-12-20");
}

static void test_occurrence_day(void **state)
{
    (void)state;
    rem_config_t cfg = s_cfg();
    int32_t u = D("2025-07-15");
    rem_rule_t r = REM_RULE_STATE_REPLY;
    CHECK_DAY(
        rem_occurrence_day(&cfg, r, REM_STAGE_UPCOMING, u, D("2025-06-20")),
        "2025-06-15");
    CHECK_DAY(rem_occurrence_day(&cfg, r, REM_STAGE_DUE, u, u), "2025-07-15");
    CHECK_DAY(
        rem_occurrence_day(&cfg, r, REM_STAGE_OVERDUE, u, D("2025-10-20")),
        "2025-10-14");
    CHECK_DAY(
        rem_occurrence_day(&cfg, r, REM_STAGE_OVERDUE, u, D("2025-07-16")),
        "2025-07-16");
    CHECK_DAY(rem_occurrence_day(&cfg, REM_RULE_PUBLICATION, REM_STAGE_REMINDER,
                                 u, D("2025-08-01")),
              "2025-07-15");
    CHECK_DAY(rem_occurrence_day(&cfg, REM_RULE_VISIT, REM_STAGE_UPCOMING, u,
                                 D("2025-06-20")),
              "2025-06-15");
    CHECK_DAY(rem_occurrence_day(&cfg, REM_RULE_VISIT, REM_STAGE_STARTING, u,
                                 D("2025-07-20")),
              "2025-07-15");
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
                        "visit_notice_days=7\n";
    assert_int_equal(write(fd, text, sizeof text - 1), (int)sizeof text - 1);
    close(fd);
    assert_int_equal(rem_config_load(&cfg, path, &err), 0);
    assert_int_equal(cfg.overdue_every_days, 30);
    assert_int_equal(cfg.visit_notice_days, 7);
    unlink(path);
    /* the treaty's dates are not offsets: refused, naming the article */
    assert_int_equal(rem_config_set(&cfg, "entry_into_force_days=0", &err),
                     OPCAT_EINVAL);
    assert_string_equal(err.field, "entry_into_force_days");
    assert_non_null(strstr(err.message, "art. 28"));
    assert_int_equal(rem_config_set(&cfg, "designation_months=6", &err),
                     OPCAT_EINVAL);
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

typedef struct {
    fixture_t *f;
    int32_t as_of, due;
} npm_due_arg_t;

static int s_npm_due_txn(void *arg, MDB_txn *txn)
{
    npm_due_arg_t *a = arg;
    a->due = rem_proj_npm_due(a->f->kv, txn, "ROU", REM_NEVER, a->as_of);
    return 0;
}

static int32_t s_npm_due(fixture_t *f, const char *as_of)
{
    err_t err;
    npm_due_arg_t a = {f, D(as_of), 0};
    assert_int_equal(kv_read(f->kv, s_npm_due_txn, &a, &err), 0);
    return a.due;
}

/*  The deadline as known on a past day counts only the declarations made
    by then: the extension of 2013-01-09 moves it from that day on. */
static void test_art24_as_of(void **state)
{
    fixture_t *f = *state;
    const char *const lines[] = {ART24_EXT, RATIFIED, ART24};
    s_apply(f, lines, 3);
    CHECK_DAY(s_npm_due(f, "2009-07-01"), "2010-08-01");
    CHECK_DAY(s_npm_due(f, "2009-07-02"), "2013-08-01");
    CHECK_DAY(s_npm_due(f, "2013-01-08"), "2013-08-01");
    CHECK_DAY(s_npm_due(f, "2013-01-09"), "2015-08-01");
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

/*  Lists "rule subject [unknown] [upper-bound];" for every deadline. */
typedef struct {
    fixture_t *f;
    listing_t l;
    coverage_t *cover;
    int32_t as_of; /* the day asked about */
} known_t;

static int s_known_one(void *arg, MDB_txn *txn, const rem_deadline_t *d)
{
    (void)txn;
    known_t *k = arg;
    size_t len = strlen(k->l.text);
    snprintf(k->l.text + len, sizeof k->l.text - len, "%s %s%s%s;",
             rem_rule_name(d->rule), d->subject,
             rem_proj_unknown(k->cover, d, k->as_of) ? " unknown" : "",
             d->opened_from != d->opened ? " upper-bound" : "");
    return 0;
}

static int s_known_txn(void *arg, MDB_txn *txn)
{
    known_t *k = arg;
    int rc = rem_proj_coverage(k->f->kv, txn, &k->cover);
    if (!rc)
        rc = rem_proj_each_deadline(k->f->kv, txn, s_known_one, k);
    coverage_destroy(&k->cover);
    return rc;
}

/*  The listing as known on 'as_of'. */
static const char *s_known_on(fixture_t *f, known_t *k, const char *as_of)
{
    err_t err;
    k->f = f;
    k->l.text[0] = '\0';
    k->as_of = D(as_of);
    assert_int_equal(kv_read(f->kv, s_known_txn, k, &err), 0);
    return k->l.text;
}

/*  The listing as known on a day after every fact of these tests. */
static const char *s_known(fixture_t *f, known_t *k)
{
    return s_known_on(f, k, "2026-06-30");
}

#define KAZ_NOT_AFTER                                                          \
    "{\"type\":\"report.transmitted\",\"occurred_on\":\"2024-12-31\","         \
    "\"precision\":\"not_after\",\"state\":\"KAZ\",\"report_id\":\"KAZ-1\","   \
    "\"recipient\":\"state\"}"
#define GEO_2025                                                               \
    "{\"type\":\"report.transmitted\",\"occurred_on\":\"2025-02-10\","         \
    "\"state\":\"GEO\",\"report_id\":\"GEO-1\",\"recipient\":\"state\"}"
#define REPLIES_FROM_2025                                                      \
    "{\"type\":\"dataset.coverage\",\"occurred_on\":\"2025-12-31\","           \
    "\"types\":[\"reply.\"],\"from\":\"2025-01-01\"}"

/*  A reply deadline opened by a report whose transmission day is not known
    is an upper bound; with replies recorded only from 2025 it is unknown
    (the reply could have come before), whatever order the events came in.
    A report transmitted inside coverage stays an obligation. */
static void test_unknown_deadlines(void **state)
{
    fixture_t *f = *state;
    const char *const lines[] = {KAZ_NOT_AFTER, GEO_2025, REPLIES_FROM_2025};
    known_t k;
    s_apply(f, lines, 2);
    assert_string_equal(s_known(f, &k), "art12.state_reply GEO-1;"
                                        "art12.state_reply KAZ-1 upper-bound;"
                                        "art16.publication GEO-1;"
                                        "art16.publication KAZ-1 upper-bound;");
    s_apply(f, lines + 2, 1);
    const char *want = "art12.state_reply GEO-1;"
                       "art12.state_reply KAZ-1 unknown upper-bound;"
                       "art16.publication GEO-1;"
                       "art16.publication KAZ-1 upper-bound;";
    assert_string_equal(s_known(f, &k), want);
    kv_clear(f->kv, NULL);
    const char *const backward[] = {REPLIES_FROM_2025, GEO_2025, KAZ_NOT_AFTER};
    s_apply(f, backward, 3);
    assert_string_equal(s_known(f, &k), want);
}

#define REPLIES_H1_2025                                                        \
    "{\"type\":\"dataset.coverage\",\"occurred_on\":\"2025-12-31\","           \
    "\"types\":[\"reply.\"],\"from\":\"2024-01-01\",\"until\":\"2025-06-30\"}"
#define REPLIES_H2_2025                                                        \
    "{\"type\":\"dataset.coverage\",\"occurred_on\":\"2025-12-31\","           \
    "\"types\":[\"reply.received\"],\"from\":\"2025-07-01\"}"

/*  With replies recorded only up to 30 June 2025, a reply deadline still
    open is known on that day and unknown after it (the reply could have
    come unrecorded since); a second interval from 1 July on joins the
    first, and it is known again. */
static void test_unknown_closed_coverage(void **state)
{
    fixture_t *f = *state;
    const char *const lines[] = {GEO_2025, REPLIES_H1_2025, REPLIES_H2_2025};
    known_t k;
    s_apply(f, lines, 2);
    assert_string_equal(s_known_on(f, &k, "2025-06-30"),
                        "art12.state_reply GEO-1;art16.publication GEO-1;");
    assert_string_equal(s_known_on(f, &k, "2025-07-01"),
                        "art12.state_reply GEO-1 unknown;"
                        "art16.publication GEO-1;");
    s_apply(f, lines + 2, 1);
    assert_string_equal(s_known_on(f, &k, "2026-06-30"),
                        "art12.state_reply GEO-1;art16.publication GEO-1;");
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
    /* due by 2026-03-01: the eight open replies due by 2026-03-31
       (upcoming 30 days before the due day) and the publication
       reminders of the four reports sent by 2025-03-01 (an
       encouragement has no upcoming stage: first on its day) */
    assert_int_equal(s_due_on(f, "2026-03-01"), 12);
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
        cmocka_unit_test(test_publication_and_visit),
        cmocka_unit_test(test_stages),
        cmocka_unit_test(test_encouragement_stages),
        cmocka_unit_test(test_notice_stages),
        cmocka_unit_test(test_designation_stages),
        cmocka_unit_test(test_stage_boundaries_every_rule),
        cmocka_unit_test(test_occurrence_day),
        cmocka_unit_test(test_config),
        cmocka_unit_test(test_names),
        cmocka_unit_test_setup_teardown(test_art24_as_of, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_closed_coverage, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_deadlines, s_setup,
                                        s_teardown),
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
