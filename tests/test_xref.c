/*  Unit tests of common/domain/xref: the rules against the history,
    through a fake history of one report and one visit, and a lookup that
    fails. */
#include "test_common.h"

#include <string.h>

#include "event.h"
#include "xref.h"

/*  The history: report R1 to PER (recipient in 'recipient'), visit V1. */
typedef struct {
    char recipient;
    bool broken; /* every lookup fails */
} fake_t;

static int s_report(void *arg, const char *id, char state[4], char *recipient,
                    err_t *err)
{
    fake_t *f = arg;
    if (f->broken)
        return err_set(err, OPCAT_EIO, "", "reports: disk error");
    if (strcmp(id, "R1") != 0)
        return OPCAT_ENOTFOUND;
    memcpy(state, "PER", 4);
    *recipient = f->recipient;
    return OPCAT_OK;
}

static int s_visit(void *arg, const char *id, err_t *err)
{
    fake_t *f = arg;
    if (f->broken)
        return err_set(err, OPCAT_EIO, "", "visits: disk error");
    return strcmp(id, "V1") == 0 ? OPCAT_OK : OPCAT_ENOTFOUND;
}

/*  Checks the event in 'json' and returns the code; 'field' gets the
    field named. */
static int s_check(fake_t *f, const char *json, char *field)
{
    err_t err;
    err_clear(&err);
    event_t *e = event_from_text(json, strlen(json), &err);
    assert_non_null(e);
    xref_history_t h = {s_report, s_visit, f};
    int rc = xref_check(&h, e, &err);
    strcpy(field, err.field);
    event_free(&e);
    return rc;
}

#define EV(type, rest)                                                         \
    "{\"type\":\"" type "\",\"occurred_on\":\"2025-06-01\"," rest "}"

static void test_reports(void **state)
{
    (void)state;
    fake_t f = {.recipient = 's'};
    char field[ERR_FIELD_MAX];
    const char *again = EV("report.transmitted", "\"state\":\"PER\","
                                                 "\"report_id\":\"R1\","
                                                 "\"recipient\":\"state\"");
    assert_int_equal(s_check(&f, again, field), OPCAT_EREF);
    assert_string_equal(field, "report_id");
    const char *reply = EV("reply.received", "\"state\":\"PER\","
                                             "\"report_id\":\"R1\"");
    assert_int_equal(s_check(&f, reply, field), OPCAT_OK);
    const char *unknown = EV("reply.received", "\"state\":\"PER\","
                                               "\"report_id\":\"R9\"");
    assert_int_equal(s_check(&f, unknown, field), OPCAT_EREF);
    assert_string_equal(field, "report_id");
    const char *other = EV("reply.received", "\"state\":\"FRA\","
                                             "\"report_id\":\"R1\"");
    assert_int_equal(s_check(&f, other, field), OPCAT_EREF);
    assert_string_equal(field, "state");
    const char *published =
        EV("report.published", "\"state\":\"PER\",\"report_id\":\"R1\","
                               "\"symbol\":\"CAT/OP/PER/ROSP/1\"");
    assert_int_equal(s_check(&f, published, field), OPCAT_OK);
    f.recipient = 'n'; /* a report to the NPM: never published */
    assert_int_equal(s_check(&f, published, field), OPCAT_EREF);
    assert_int_equal(s_check(&f, reply, field), OPCAT_OK);
}

static void test_visits(void **state)
{
    (void)state;
    fake_t f = {0};
    char field[ERR_FIELD_MAX];
    assert_int_equal(
        s_check(&f,
                EV("visit.planned", "\"state\":\"PER\",\"visit_id\":\"V1\","
                                    "\"kind\":\"regular\""),
                field),
        OPCAT_EREF);
    assert_int_equal(
        s_check(&f,
                EV("visit.postponed", "\"state\":\"PER\",\"visit_id\":\"V2\""),
                field),
        OPCAT_EREF);
    assert_string_equal(field, "visit_id");
    assert_int_equal(s_check(&f,
                             EV("visit.completed", "\"state\":\"PER\","
                                                   "\"visit_id\":\"V1\","
                                                   "\"start\":\"2025-05-20\""),
                             field),
                     OPCAT_OK);
    assert_int_equal(
        s_check(&f,
                EV("visit.completed", "\"state\":\"PER\",\"visit_id\":\"V2\","
                                      "\"start\":\"2025-05-20\""),
                field),
        OPCAT_OK); /* stands alone */
}

static void test_a_failed_lookup_is_not_a_refusal(void **state)
{
    (void)state;
    fake_t f = {.broken = true};
    char field[ERR_FIELD_MAX];
    assert_int_equal(
        s_check(&f,
                EV("reply.received", "\"state\":\"PER\",\"report_id\":\"R1\""),
                field),
        OPCAT_EIO);
    assert_int_equal(
        s_check(&f,
                EV("visit.postponed", "\"state\":\"PER\",\"visit_id\":\"V1\""),
                field),
        OPCAT_EIO);
    /* an event no rule concerns asks nothing */
    assert_int_equal(
        s_check(&f, EV("state.signed", "\"state\":\"PER\""), field), OPCAT_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reports),
        cmocka_unit_test(test_visits),
        cmocka_unit_test(test_a_failed_lookup_is_not_a_refusal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
