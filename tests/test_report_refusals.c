/*  test_report_refusals: what the annual report renderer refuses, naming
    the key (common/report/report.c; tests/report_fixture.h): broken stats,
    a language it does not write, a State the table of names lacks, no
    table at all; and the State names it takes from that table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report_fixture.h"

/*  A missing or mistyped key is refused, naming the key. */
static void test_broken_stats(void **state)
{
    fixture_t *f = *state;
    err_t err;
    json_t *stats = json_deep_copy(f->stats);
    json_object_del(json_object_get(stats, "reports"), "published_total");
    assert_null(report_render(f->report, stats, "en", &err));
    assert_int_equal(err.code, OPCAT_EINVAL);
    assert_string_equal(err.field, "reports.published_total");
    json_decref(stats);

    stats = json_deep_copy(f->stats);
    fixture_set(stats, "states_parties", "total", json_string("96"));
    assert_null(report_render(f->report, stats, "zh", &err));
    assert_string_equal(err.field, "states_parties.total");
    json_decref(stats);

    stats = json_deep_copy(f->stats);
    fixture_set(json_object_get(stats, "fund"), NULL, "contributions_in_period",
                json_pack("{s:s}", "USD", "12,000"));
    assert_null(report_render(f->report, stats, "en", &err));
    assert_string_equal(err.field, "fund.contributions_in_period");
    json_decref(stats);

    stats = json_deep_copy(f->stats);
    fixture_set(stats, "visits", "completed_in_period",
                json_pack("[s]", "peru"));
    assert_null(report_render(f->report, stats, "en", &err));
    assert_string_equal(err.field, "visits.completed_in_period");
    json_decref(stats);

    /* a signatory that is no State: refused, the list of signatories
       left empty on the way (sorting nothing is no null pointer for
       qsort: UBSan checks it in the sanitizer build) */
    stats = json_deep_copy(f->stats);
    fixture_set(stats, "signatories", "states", json_pack("[s]", "peru"));
    static const char *const langs[] = {"en", "zh", "fr", "es", "ru", "ar"};
    for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++) {
        assert_null(report_render(f->report, stats, langs[i], &err));
        if (strcmp(err.field, "signatories.states") != 0)
            fail_msg("%s: field %s: %s", langs[i], err.field, err.message);
    }
    json_decref(stats);

    assert_null(report_render(f->report, f->stats, "de", &err));
    assert_int_equal(err.code, OPCAT_EINVAL);
    assert_string_equal(err.field, "lang");
    assert_null(report_render(f->report, f->stats, NULL, &err));
    assert_int_equal(err.code, OPCAT_EINVAL);
}

/*  Names as the UN writes them, in both languages. */
static void test_names(void **state)
{
    fixture_t *f = *state;
    assert_string_equal(report_state_name(f->report, "PER", "zh"), "秘鲁");
    assert_string_equal(report_state_name(f->report, "SWZ", "zh"),
                        "埃斯瓦蒂尼");
    assert_string_equal(report_state_name(f->report, "GBR", "en"),
                        "United Kingdom of Great Britain and Northern Ireland");
    assert_null(report_state_name(f->report, "XXX", "en"));
    json_t *stats = json_deep_copy(f->stats);
    fixture_set(json_object_get(stats, "npm"), NULL, "designated_in_period",
                json_pack("[s,s]", "GBR", "SWZ"));
    char *en = fixture_render(f, stats, "en");
    fixture_expect(en,
                   "from Eswatini and the United Kingdom of Great Britain and "
                   "Northern Ireland.",
                   NULL);
    char *zh = fixture_render(f, stats, "zh");
    fixture_expect(zh, "接受并感谢埃斯瓦蒂尼和大不列颠及北爱尔兰联合王国",
                   NULL);
    free(en);
    free(zh);
    /* a State the table lacks is refused, naming the field */
    fixture_set(json_object_get(stats, "npm"), NULL, "designated_in_period",
                json_pack("[s]", "XKX"));
    err_t err;
    assert_null(report_render(f->report, stats, "zh", &err));
    assert_string_equal(err.field, "state");
    json_decref(stats);
}

/*  Without a table of names there is no renderer. */
static void test_no_names(void **state)
{
    (void)state;
    err_t err;
    assert_null(report_new(NULL, &err));
    assert_int_equal(err.code, OPCAT_EINVAL);
    assert_null(names_find("/nonexistent", &err));
    assert_int_equal(err.code, OPCAT_EIO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_broken_stats),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_no_names),
    };
    return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
