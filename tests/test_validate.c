/*  Unit tests of common/validate: every single-event rule of DOMAIN.md
    refuses a bad event with a message naming the field and the rule, and
    every event of the fixture passes. */
#include "test_common.h"

#include <string.h>

#include "validate.h"

static codes_t *s_codes;

static int s_setup(void **state)
{
    (void)state;
    err_t err;
    s_codes = codes_new(NULL, &err);
    if (!s_codes)
        fail_msg("%s", err.message);
    return 0;
}

static int s_teardown(void **state)
{
    (void)state;
    codes_destroy(&s_codes);
    return 0;
}

static void test_fixture_events_are_valid(void **state)
{
    (void)state;
    char path[4096], line[4096];
    FILE *f = fopen(
        test_source_path("tests/fixtures/every-type.jsonl", path, sizeof path),
        "r");
    assert_non_null(f);
    while (fgets(line, sizeof line, f)) {
        err_t err;
        event_t *e = event_from_text(line, strlen(line), &err);
        assert_non_null(e);
        if (validate_event(s_codes, e, &err))
            fail_msg("%s refused: %s", line, err.message);
        event_free(&e);
    }
    fclose(f);
}

#define EV(type, rest)                                                         \
    "{\"type\":\"" type "\",\"occurred_on\":\"2025-06-01\"," rest "}"

static void test_each_rule_refuses(void **state)
{
    (void)state;
    struct {
        const char *json, *field, *words;
    } cases[] = {
        {"{\"type\":\"state.signed\",\"state\":\"PER\"}", "occurred_on",
         "required"},
        {"{\"type\":\"state.signed\",\"state\":\"PER\","
         "\"occurred_on\":\"2025-02-30\"}",
         "occurred_on", "real date"},
        {EV("state.signed", "\"state\":\"XYZ\""), "state", "ISO 3166-1"},
        {EV("state.signed", "\"state\":\"per\""), "state", "ISO 3166-1"},
        {EV("state.signed", "\"source\":\"x\""), "state", "required"},
        {EV("state.signed", "\"state\":\"PER\",\"id\":\"caf\\u00e9\""), "id",
         "printable ASCII"},
        {EV("state.signed",
            "\"state\":\"PER\",\"id\":\"01234567890123456789012345678901"
            "234567890123456789012345678901234\""),
         "id", "at most 64"},
        {EV("state.ratified", "\"state\":\"PER\""), "instrument", "required"},
        {EV("state.ratified", "\"state\":\"PER\",\"instrument\":\"treaty\""),
         "instrument", "ratification, accession or succession"},
        {EV("state.declared_art24", "\"state\":\"AUS\",\"part\":\"II\","
                                    "\"years\":1"),
         "part", "III or IV"},
        {EV("state.declared_art24", "\"state\":\"AUS\",\"part\":\"IV\","
                                    "\"years\":4"),
         "years", "1-3"},
        {EV("state.declared_art24", "\"state\":\"AUS\",\"part\":\"IV\","
                                    "\"years\":3,\"extension\":true"),
         "years", "1-2 for an extension"},
        {EV("session.held", "\"number\":55,\"start\":\"2025-02-07\","
                            "\"end\":\"2025-01-27\",\"place\":\"Geneva\""),
         "end", "before start"},
        {EV("session.held", "\"start\":\"2025-02-07\",\"end\":\"2025-02-08\","
                            "\"place\":\"Geneva\""),
         "number", "required"},
        {EV("session.held", "\"number\":34,\"end\":\"2025-06-05\","
                            "\"place\":\"Geneva\""),
         "start", "required (YYYY-MM-DD) for a session dated to the day"},
        {EV("session.held", "\"number\":34,\"start\":\"2025-06-01\","
                            "\"place\":\"Geneva\""),
         "end", "required (YYYY-MM-DD) for a session dated to the day"},
        {EV("session.held", "\"number\":34,\"precision\":\"month\","
                            "\"end\":\"2025-07-01\",\"place\":\"Geneva\""),
         "end", "must lie within the month occurred_on stands for"},
        {EV("session.held", "\"number\":34,\"precision\":\"month\","
                            "\"start\":\"2025-05-30\",\"place\":\"Geneva\""),
         "start", "must lie within the month occurred_on stands for"},
        {EV("session.held", "\"number\":34,\"precision\":\"month\","
                            "\"start\":\"2025-06-31\",\"place\":\"Geneva\""),
         "start", "not a real date"},
        {EV("session.held", "\"number\":34,\"precision\":\"month\","
                            "\"start\":\"2025-06-12\",\"end\":\"2025-06-08\","
                            "\"place\":\"Geneva\""),
         "end", "before start"},
        {EV("session.held", "\"number\":34,\"precision\":\"month\""), "place",
         "required"},
        {EV("visit.planned", "\"state\":\"FRA\",\"visit_id\":\"v\","
                             "\"kind\":\"surprise\""),
         "kind", "regular, follow_up"},
        {EV("visit.planned", "\"state\":\"FRA\",\"kind\":\"regular\""),
         "visit_id", "required"},
        {EV("visit.completed", "\"state\":\"PER\",\"visit_id\":\"v\","
                               "\"start\":\"2025-06-02\""),
         "start", "after occurred_on"},
        {EV("report.transmitted", "\"state\":\"PER\",\"report_id\":\"r\","
                                  "\"recipient\":\"press\""),
         "recipient", "state or npm"},
        {EV("report.published", "\"state\":\"PER\",\"report_id\":\"r\""),
         "symbol", "required"},
        {EV("reply.received", "\"state\":\"PER\""), "report_id", "required"},
        {EV("followup.dialogue", "\"state\":\"PER\",\"with\":\"ngo\""), "with",
         "state or npm"},
        {EV("npm.designated", "\"state\":\"NGA\",\"model\":\"nhri\""), "body",
         "required"},
        {EV("npm.designated", "\"state\":\"NGA\",\"body\":\"x\","
                              "\"model\":\"council\""),
         "model", "nhri, ombudsman"},
        {EV("fund.contribution", "\"amount\":\"10.005\",\"currency\":\"USD\""),
         "amount", "2 decimal places"},
        {EV("fund.contribution", "\"amount\":\"-5\",\"currency\":\"USD\""),
         "amount", "positive decimal"},
        {EV("fund.contribution", "\"amount\":\"1e5\",\"currency\":\"USD\""),
         "amount", "decimal string"},
        {EV("fund.contribution", "\"amount\":\"0\",\"currency\":\"USD\""),
         "amount", "positive"},
        {EV("fund.contribution", "\"amount\":\"10\",\"currency\":\"XQQ\""),
         "currency", "ISO 4217"},
        {EV("fund.grant", "\"state\":\"NGA\",\"amount\":\"10\","
                          "\"currency\":\"USD\""),
         "project_id", "required"},
        {EV("fund.grant", "\"state\":\"NGA\",\"project_id\":\"p\","
                          "\"amount\":\"10\",\"currency\":\"USD\","
                          "\"implementation_year\":26"),
         "implementation_year", "2000-2999"},
        {EV("reminder.issued", "\"rule\":\"r\",\"subject\":\"s\","
                               "\"due_on\":\"2025-06-01\",\"stage\":\"late\""),
         "stage", "upcoming, due, overdue, reminder or starting"},
        {EV("reminder.issued", "\"rule\":\"r\",\"subject\":\"s\","
                               "\"stage\":\"due\""),
         "due_on", "required"},
        {EV("period.summary", "\"from\":\"2025-12-31\",\"to\":\"2025-01-01\""),
         "to", "before from"},
        {EV("period.summary", "\"from\":\"2025-01-01\",\"to\":\"2025-12-31\","
                              "\"grants\":2,\"grant_states\":3,"
                              "\"grant_amount\":\"1\",\"grant_currency\":"
                              "\"USD\""),
         "grants", ">= grant_states"},
        {EV("period.summary", "\"from\":\"2025-01-01\",\"to\":\"2025-12-31\","
                              "\"grants\":2,\"grant_states\":2,"
                              "\"grant_amount\":\"1\",\"grant_currency\":"
                              "\"USD\",\"grant_states_named\":\"ARG,BEN\""),
         "grant_states_named", "separated by single spaces"},
        {EV("period.summary", "\"from\":\"2025-01-01\",\"to\":\"2025-12-31\","
                              "\"grants\":2,\"grant_states\":1,"
                              "\"grant_amount\":\"1\",\"grant_currency\":"
                              "\"USD\",\"grant_states_named\":\"ARG BEN\""),
         "grant_states_named", "more States than grant_states"},
        {EV("period.summary", "\"from\":\"2025-01-01\",\"to\":\"2025-12-31\","
                              "\"grant_states_named\":\"XXX\""),
         "grant_states_named", "alpha-3"},
        {EV("state.signed", "\"state\":\"PER\",\"note\":\"\\udc00\""), "",
         "not valid JSON"},
        {EV("state.signed", "\"state\":\"PER\",\"precision\":\"decade\""),
         "precision", "must be day, month, year or not_after"},
        {EV("state.signed", "\"state\":\"PER\",\"precision\":\"year\","
                            "\"not_before\":\"2025-01-01\""),
         "not_before", "only with precision not_after"},
        {EV("state.signed", "\"state\":\"PER\",\"not_before\":\"2025-01-01\""),
         "not_before", "only with precision not_after"},
        {EV("state.signed", "\"state\":\"PER\",\"precision\":\"not_after\","
                            "\"not_before\":\"2025-06-02\""),
         "not_before", "must not be after occurred_on"},
        {EV("state.signed", "\"state\":\"PER\",\"precision\":\"not_after\","
                            "\"not_before\":\"2025-02-30\""),
         "not_before", "not a real date"},
        {EV("dataset.coverage", "\"from\":\"2020-01-01\""), "types",
         "required"},
        {EV("dataset.coverage", "\"types\":[],\"from\":\"2020-01-01\""),
         "types", "required"},
        {EV("dataset.coverage",
            "\"types\":[\"visit\"],\"from\":\"2020-01-01\""),
         "types", "neither an event type nor a prefix"},
        {EV("dataset.coverage",
            "\"types\":[\"nope.\"],\"from\":\"2020-01-01\""),
         "types", "neither an event type nor a prefix"},
        {EV("dataset.coverage", "\"types\":[\"visit.\"]"), "from", "required"},
        {EV("dataset.coverage",
            "\"types\":[\"visit.\"],\"from\":\"2020-02-30\""),
         "from", "not a real date"},
        {EV("dataset.coverage",
            "\"types\":[\"visit.\"],\"from\":\"2020-01-01\","
            "\"state\":\"PER\""),
         "state", "must be empty"},
        {EV("dataset.coverage",
            "\"types\":[\"visit.\"],\"from\":\"2020-01-01\","
            "\"until\":\"2019-12-31\""),
         "until", "must not be before from"},
        {EV("dataset.coverage",
            "\"types\":[\"visit.\"],\"from\":\"2020-01-01\","
            "\"until\":\"2020-02-30\""),
         "until", "not a real date"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        err_t err;
        err_clear(&err);
        event_t *e =
            event_from_text(cases[i].json, strlen(cases[i].json), &err);
        if (e && validate_event(s_codes, e, &err) == 0)
            fail_msg("accepted: %s", cases[i].json);
        if (strcmp(err.field, cases[i].field) != 0 ||
            !strstr(err.message, cases[i].words))
            fail_msg("%s: got field \"%s\", message \"%s\"; wanted \"%s\" "
                     "and \"%s\"",
                     cases[i].json, err.field, err.message, cases[i].field,
                     cases[i].words);
        event_free(&e);
    }
}

static void test_note_limit_and_utf8(void **state)
{
    (void)state;
    err_t err;
    char json[4096];
    char note[2100];
    memset(note, 'a', 2001);
    note[2001] = '\0';
    snprintf(json, sizeof json,
             EV("state.signed", "\"state\":\"PER\","
                                "\"note\":\"%s\""),
             note);
    event_t *e = event_from_text(json, strlen(json), &err);
    assert_non_null(e);
    assert_int_equal(validate_event(s_codes, e, &err), OPCAT_EINVAL);
    assert_string_equal(err.field, "note");
    /* a protobuf peer can send bytes that are not UTF-8 */
    event_set_string(&e->note, "\xc3\x28");
    assert_int_equal(validate_event(s_codes, e, &err), OPCAT_EINVAL);
    assert_non_null(strstr(err.message, "UTF-8"));
    event_free(&e);
    assert_true(validate_utf8("\xe7\xa7\x98\xe9\xb2\x81", 6));
    assert_false(validate_utf8("\xe7\xa7", 2));
    assert_false(validate_utf8("\xc0\x80", 2));     /* overlong NUL */
    assert_false(validate_utf8("\xed\xa0\x80", 3)); /* surrogate */
}

/*  Fails the test unless each of the 'n' events 'ok' parses and passes. */
static void s_all_valid(const char *const *ok, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        err_t err;
        event_t *e = event_from_text(ok[i], strlen(ok[i]), &err);
        if (!e)
            fail_msg("%s not parsed: %s", ok[i], err.message);
        if (validate_event(s_codes, e, &err))
            fail_msg("%s refused: %s", ok[i], err.message);
        event_free(&e);
    }
}

/*  A not_after date bounded from below is valid up to a one-day range. */
static void test_not_before_accepted(void **state)
{
    (void)state;
    static const char *const ok[] = {
        EV("state.signed", "\"state\":\"PER\",\"precision\":\"not_after\","
                           "\"not_before\":\"2025-01-01\""),
        EV("state.signed", "\"state\":\"PER\",\"precision\":\"not_after\","
                           "\"not_before\":\"2025-06-01\"")};
    s_all_valid(ok, sizeof ok / sizeof ok[0]);
}

/*  A session known only to its month (or year) may leave out its days,
    or give the one a source states. */
static void test_session_month_accepted(void **state)
{
    (void)state;
    static const char *const ok[] = {
        EV("session.held", "\"number\":34,\"precision\":\"month\","
                           "\"place\":\"Geneva\""),
        EV("session.held", "\"number\":18,\"precision\":\"month\","
                           "\"end\":\"2025-06-30\",\"place\":\"Geneva\""),
        EV("session.held", "\"number\":18,\"precision\":\"year\","
                           "\"start\":\"2025-01-01\",\"place\":\"Geneva\"")};
    s_all_valid(ok, sizeof ok / sizeof ok[0]);
}

/*  A coverage event with or without a last day, one day long or more. */
static void test_coverage_until_accepted(void **state)
{
    (void)state;
    static const char *const ok[] = {
        EV("dataset.coverage", "\"types\":[\"visit.\"],"
                               "\"from\":\"2017-01-01\""),
        EV("dataset.coverage", "\"types\":[\"visit.\"],"
                               "\"from\":\"2017-01-01\","
                               "\"until\":\"2017-01-01\""),
        EV("dataset.coverage", "\"types\":[\"visit.completed\"],"
                               "\"from\":\"2017-01-01\","
                               "\"until\":\"2018-12-31\"")};
    s_all_valid(ok, sizeof ok / sizeof ok[0]);
}

/*  A protobuf peer can send a precision number that has no name. */
static void test_unknown_precision_number(void **state)
{
    (void)state;
    err_t err;
    const char *json = EV("state.signed", "\"state\":\"PER\","
                                          "\"precision\":\"year\"");
    event_t *e = event_from_text(json, strlen(json), &err);
    assert_non_null(e);
    CHECK(validate_event(s_codes, e, &err), &err);
    e->precision = (Opcat__V1__Precision)4;
    assert_int_equal(validate_event(s_codes, e, &err), OPCAT_EINVAL);
    assert_string_equal(err.field, "precision");
    assert_non_null(strstr(err.message, "day, month, year or not_after"));
    event_free(&e);
}

/*  A field number unknown to this build, kept aside by protobuf-c, is
    refused wherever it is: in the envelope, in a body, in `places`. */
static void test_unknown_fields_refused(void **state)
{
    (void)state;
    const char *json =
        "{\"type\":\"visit.completed\",\"occurred_on\":\"2025-03-01\","
        "\"state\":\"PER\",\"visit_id\":\"V1\",\"start\":\"2025-02-20\","
        "\"places\":{\"prison\":2}}";
    uint8_t one = 1;
    ProtobufCMessageUnknownField unknown = {.tag = 99,
                                            .wire_type =
                                                PROTOBUF_C_WIRE_TYPE_VARINT,
                                            .len = 1,
                                            .data = &one};
    err_t err;
    event_t *e = event_from_text(json, strlen(json), &err);
    assert_non_null(e);
    assert_int_equal(validate_event(s_codes, e, &err), OPCAT_OK);
    ProtobufCMessage *where[] = {&e->base, &e->visit_completed->base,
                                 &e->visit_completed->places->base};
    const char *field[] = {"type", "visit_completed", "places"};
    for (size_t i = 0; i < 3; i++) {
        where[i]->n_unknown_fields = 1;
        where[i]->unknown_fields = &unknown;
        err_clear(&err);
        assert_int_equal(validate_event(s_codes, e, &err), OPCAT_EINVAL);
        assert_string_equal(err.field, field[i]);
        assert_non_null(strstr(err.message, "field number 99 is unknown"));
        where[i]->n_unknown_fields = 0; /* not ours to free */
        where[i]->unknown_fields = NULL;
    }
    event_free(&e);
}

static void test_parse_amount(void **state)
{
    (void)state;
    int64_t cents;
    assert_true(validate_parse_amount("423926.00", &cents));
    assert_int_equal(cents, 42392600);
    assert_true(validate_parse_amount("5.5", &cents));
    assert_int_equal(cents, 550);
    assert_true(validate_parse_amount("7", &cents));
    assert_int_equal(cents, 700);
    assert_false(validate_parse_amount("7.", &cents));
    assert_false(validate_parse_amount(".5", &cents));
    assert_false(validate_parse_amount("1,000", &cents));
    assert_false(validate_parse_amount("9999999999999999", &cents));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_events_are_valid),
        cmocka_unit_test(test_each_rule_refuses),
        cmocka_unit_test(test_note_limit_and_utf8),
        cmocka_unit_test(test_unknown_precision_number),
        cmocka_unit_test(test_not_before_accepted),
        cmocka_unit_test(test_session_month_accepted),
        cmocka_unit_test(test_coverage_until_accepted),
        cmocka_unit_test(test_parse_amount),
        cmocka_unit_test(test_unknown_fields_refused),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
