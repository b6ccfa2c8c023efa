/*  Unit tests of common/event: JSON -> protobuf -> bytes -> protobuf ->
    JSON is the identity for every event type; ids; topics; shape errors. */
#include "test_common.h"

#include <string.h>

#include "date.h"
#include "datefmt.h"
#include "event.h"

static void test_round_trip_every_type(void **state)
{
    (void)state;
    char path[4096];
    FILE *f = fopen(
        test_source_path("tests/fixtures/every-type.jsonl", path, sizeof path),
        "r");
    assert_non_null(f);
    char line[4096];
    int types_seen[64] = {0};
    while (fgets(line, sizeof line, f)) {
        err_t err;
        json_t *original = json_loads(line, 0, NULL);
        assert_non_null(original);
        event_t *e = event_from_json(original, &err);
        if (!e)
            fail_msg("%s: %s", line, err.message);
        size_t len;
        uint8_t *bytes = event_pack(e, &len);
        event_t *back = event_unpack(bytes, len);
        assert_non_null(back);
        json_t *again = event_to_json(back, 0);
        if (!json_equal(original, again))
            fail_msg("round trip changed %s into %s", line,
                     json_dumps(again, JSON_SORT_KEYS));
        types_seen[back->body_case - OPCAT__V1__ENVELOPE__BODY_STATE_SIGNED]++;
        json_decref(again);
        json_decref(original);
        event_free(&back);
        event_free(&e);
        free(bytes);
    }
    fclose(f);
    for (int c = OPCAT__V1__ENVELOPE__BODY_STATE_SIGNED;
         event_type_name((Opcat__V1__Envelope__BodyCase)c); c++)
        if (!types_seen[c - OPCAT__V1__ENVELOPE__BODY_STATE_SIGNED])
            fail_msg("no fixture line for %s",
                     event_type_name((Opcat__V1__Envelope__BodyCase)c));
}

static event_t *s_parse(const char *text, err_t *err)
{
    return event_from_text(text, strlen(text), err);
}

static void test_shape_errors_name_the_field(void **state)
{
    (void)state;
    struct {
        const char *json, *field, *words;
    } cases[] = {
        {"[1,2]", "", "JSON object"},
        {"{\"occurred_on\":\"2025-01-01\"}", "type", "required"},
        {"{\"type\":\"nope.nope\"}", "type", "unknown event type"},
        {"{\"type\":42}", "type", "string"},
        {"{\"type\":\"state.ratified\",\"instrument\":7}", "instrument",
         "must be a string"},
        {"{\"type\":\"session.held\",\"number\":-1}", "number", ">= 0"},
        {"{\"type\":\"session.held\",\"number\":1.5}", "number",
         "whole number"},
        {"{\"type\":\"state.signed\",\"colour\":\"red\"}", "colour",
         "unknown field"},
        {"{\"type\":\"visit.completed\",\"places\":{\"castle\":1}}",
         "places.castle", "unknown field"},
        {"{\"type\":\"state.declared_art24\",\"extension\":\"yes\"}",
         "extension", "true or false"},
        {"{\"type\":\"state.signed\",\"note\":\"a\\u0000b\"}", "",
         "not valid JSON"},
        {"{\"type\":\"state.signed\"", "", "not valid JSON"},
        {"{\"type\":\"state.signed\",\"precision\":\"week\"}", "precision",
         "\"week\" is not allowed; must be day, month, year or not_after"},
        {"{\"type\":\"state.signed\",\"precision\":\"MONTH\"}", "precision",
         "must be day, month, year or not_after"},
        {"{\"type\":\"state.signed\",\"precision\":1}", "precision",
         "must be day, month"},
        {"{\"type\":\"period.summary\",\"reports_transmitted\":-1}",
         "reports_transmitted", "whole number >= 0"},
        {"{\"type\":\"period.summary\",\"reports_transmitted\":\"17\"}",
         "reports_transmitted", "whole number >= 0"},
        {"{\"type\":\"period.summary\",\"reports_transmitted\":4294967296}",
         "reports_transmitted", "at most"},
        {"{\"type\":\"dataset.coverage\",\"types\":\"visit.\"}", "types",
         "array of strings"},
        {"{\"type\":\"dataset.coverage\",\"types\":[\"visit.\",3]}", "types",
         "array of strings"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        err_t err;
        err_clear(&err);
        event_t *e = s_parse(cases[i].json, &err);
        if (e)
            fail_msg("accepted %s", cases[i].json);
        assert_string_equal(err.field, cases[i].field);
        if (!strstr(err.message, cases[i].words))
            fail_msg("%s: message \"%s\" lacks \"%s\"", cases[i].json,
                     err.message, cases[i].words);
    }
}

static void test_derived_id_depends_on_content_only(void **state)
{
    (void)state;
    err_t err;
    event_t *a = s_parse("{\"type\":\"state.signed\",\"state\":\"ZAF\","
                         "\"occurred_on\":\"2006-09-20\"}",
                         &err);
    event_t *b = s_parse("{ \"occurred_on\": \"2006-09-20\", \"state\": "
                         "\"ZAF\", \"type\": \"state.signed\" }",
                         &err);
    event_t *c = s_parse("{\"type\":\"state.signed\",\"state\":\"ZAF\","
                         "\"occurred_on\":\"2006-09-21\"}",
                         &err);
    assert_non_null(a), assert_non_null(b), assert_non_null(c);
    char ida[EVENT_ID_MAX + 1], idb[EVENT_ID_MAX + 1], idc[EVENT_ID_MAX + 1];
    CHECK(event_derive_id(a, ida), &err);
    CHECK(event_derive_id(b, idb), &err);
    CHECK(event_derive_id(c, idc), &err);
    assert_string_equal(ida, idb);
    assert_string_not_equal(ida, idc);
    assert_int_equal(strlen(ida), 34);
    /* sequence and recorded_at are the store's, not content */
    a->sequence = 99, a->recorded_at = 12345;
    CHECK(event_derive_id(a, idc), &err);
    assert_string_equal(ida, idc);
    event_free(&a), event_free(&b), event_free(&c);
}

/*  precision is written only when it is not the default (day), so an event
    without it keeps its JSON form and derived id; with it, the id changes. */
static void test_precision_default_and_id(void **state)
{
    (void)state;
    err_t err;
    event_t *a = s_parse("{\"type\":\"state.signed\",\"state\":\"TCD\","
                         "\"occurred_on\":\"2026-12-31\"}",
                         &err);
    event_t *b =
        s_parse("{\"type\":\"state.signed\",\"state\":\"TCD\","
                "\"occurred_on\":\"2026-12-31\",\"precision\":\"day\"}",
                &err);
    event_t *c = s_parse("{\"type\":\"state.signed\",\"state\":\"TCD\","
                         "\"occurred_on\":\"2026-12-31\","
                         "\"precision\":\"not_after\"}",
                         &err);
    assert_non_null(a), assert_non_null(b), assert_non_null(c);
    assert_int_equal(b->precision, OPCAT__V1__PRECISION__PRECISION_DAY);
    assert_int_equal(c->precision, OPCAT__V1__PRECISION__PRECISION_NOT_AFTER);
    char ida[EVENT_ID_MAX + 1], idb[EVENT_ID_MAX + 1], idc[EVENT_ID_MAX + 1];
    CHECK(event_derive_id(a, ida), &err);
    CHECK(event_derive_id(b, idb), &err);
    CHECK(event_derive_id(c, idc), &err);
    assert_string_equal(ida, idb);
    assert_string_not_equal(ida, idc);
    json_t *out = event_to_json(b, 0);
    assert_null(json_object_get(out, "precision"));
    json_decref(out);
    out = event_to_json(c, 0);
    assert_string_equal(json_string_value(json_object_get(out, "precision")),
                        "not_after");
    json_decref(out);
    /* a protobuf peer may send a number this build does not know: it shows
       as a number, never as a guessed name */
    c->precision = (Opcat__V1__Precision)9;
    out = event_to_json(c, 0);
    assert_int_equal(json_integer_value(json_object_get(out, "precision")), 9);
    json_decref(out);
    event_free(&a), event_free(&b), event_free(&c);
}

/*  not_before travels in the JSON form beside precision and raises the
    earliest day of a not_after date; on any other precision it is not a
    bound (validate_event() refuses it there). */
static void test_not_before(void **state)
{
    (void)state;
    err_t err;
    event_t *a = s_parse("{\"type\":\"npm.designated\",\"state\":\"BEN\","
                         "\"occurred_on\":\"2025-02-07\",\"precision\":"
                         "\"not_after\",\"not_before\":\"2025-01-01\","
                         "\"body\":\"CBDH\",\"model\":\"nhri\"}",
                         &err);
    event_t *b = s_parse("{\"type\":\"npm.designated\",\"state\":\"BEN\","
                         "\"occurred_on\":\"2025-02-07\",\"precision\":"
                         "\"not_after\",\"body\":\"CBDH\",\"model\":"
                         "\"nhri\"}",
                         &err);
    assert_non_null(a), assert_non_null(b);
    assert_string_equal(a->not_before, "2025-01-01");
    json_t *out = event_to_json(a, 0);
    assert_string_equal(json_string_value(json_object_get(out, "not_before")),
                        "2025-01-01");
    json_decref(out);
    out = event_to_json(b, 0);
    assert_null(json_object_get(out, "not_before"));
    json_decref(out);
    char ida[EVENT_ID_MAX + 1], idb[EVENT_ID_MAX + 1];
    CHECK(event_derive_id(a, ida), &err);
    CHECK(event_derive_id(b, idb), &err);
    assert_string_not_equal(ida, idb);
    int32_t latest, bound;
    assert_true(date_parse("2025-02-07", &latest));
    assert_true(date_parse("2025-01-01", &bound));
    assert_int_equal(event_earliest(a, latest), bound);
    assert_int_equal(event_earliest(b, latest), DATEFMT_UNBOUNDED);
    a->precision = OPCAT__V1__PRECISION__PRECISION_DAY;
    assert_int_equal(event_earliest(a, latest), latest);
    event_free(&a), event_free(&b);
}

static void test_topic_and_public_form(void **state)
{
    (void)state;
    err_t err;
    event_t *e = s_parse(
        "{\"type\":\"report.transmitted\",\"state\":\"PER\",\"occurred_on\":"
        "\"2025-08-31\",\"report_id\":\"R\",\"recipient\":\"state\","
        "\"content\":\"secret\"}",
        &err);
    assert_non_null(e);
    char topic[EVENT_TOPIC_MAX];
    event_topic(e, topic);
    assert_string_equal(topic, "report.transmitted/PER");
    json_t *full = event_to_json(e, 0),
           *pub = event_to_json(e, EVENT_JSON_PUBLIC);
    assert_string_equal(json_string_value(json_object_get(full, "content")),
                        "secret");
    assert_null(json_object_get(pub, "content"));
    assert_non_null(json_object_get(pub, "report_id"));
    json_decref(full), json_decref(pub);
    event_free(&e);
}

static void test_redact_keeps_existence_only(void **state)
{
    (void)state;
    err_t err;
    event_t *state_report = s_parse(
        "{\"type\":\"report.transmitted\",\"state\":\"PER\",\"occurred_on\":"
        "\"2025-08-31\",\"report_id\":\"R\",\"recipient\":\"state\","
        "\"visit_id\":\"V\",\"content\":\"secret\",\"note\":\"n\"}",
        &err);
    assert_true(event_redact(state_report, false));
    assert_string_equal(state_report->report_transmitted->content, "");
    assert_string_equal(state_report->report_transmitted->visit_id, "V");
    assert_string_equal(state_report->note, "n");
    assert_false(event_redact(state_report, false)); /* nothing left */

    event_t *npm_report = s_parse(
        "{\"type\":\"report.transmitted\",\"state\":\"PER\",\"occurred_on\":"
        "\"2025-08-31\",\"report_id\":\"N\",\"recipient\":\"npm\","
        "\"visit_id\":\"V\",\"source\":\"s\",\"note\":\"n\"}",
        &err);
    assert_true(event_redact(npm_report, false));
    assert_string_equal(npm_report->report_transmitted->visit_id, "");
    assert_string_equal(npm_report->source, "");
    assert_string_equal(npm_report->note, "");
    assert_string_equal(npm_report->report_transmitted->report_id, "N");

    event_t *npm_reply = s_parse(
        "{\"type\":\"reply.published\",\"state\":\"PER\",\"occurred_on\":"
        "\"2025-08-31\",\"report_id\":\"N\",\"symbol\":\"X\"}",
        &err);
    assert_false(event_redact(npm_reply, false));
    assert_true(event_redact(npm_reply, true));
    assert_string_equal(npm_reply->reply_published->symbol, "");
    event_free(&state_report), event_free(&npm_report), event_free(&npm_reply);
}

static void test_garbage_bytes_do_not_unpack(void **state)
{
    (void)state;
    const uint8_t garbage[] = {0xff, 0xff, 0xff, 0xff, 0x0f, 0x12};
    assert_null(event_unpack(garbage, sizeof garbage));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_every_type),
        cmocka_unit_test(test_shape_errors_name_the_field),
        cmocka_unit_test(test_derived_id_depends_on_content_only),
        cmocka_unit_test(test_precision_default_and_id),
        cmocka_unit_test(test_not_before),
        cmocka_unit_test(test_topic_and_public_form),
        cmocka_unit_test(test_redact_keeps_existence_only),
        cmocka_unit_test(test_garbage_bytes_do_not_unpack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
