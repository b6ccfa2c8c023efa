/*  Unit tests of common/datefmt: a date's possible days at each precision
    and its text in the three styles; a deadline's upper bound. */
#include "test_common.h"

#include <string.h>

#include "date.h"
#include "datefmt.h"

static int32_t s_day(const char *text)
{
    int32_t day = 0;
    assert_true(date_parse(text, &day));
    return day;
}

static void test_names(void **state)
{
    (void)state;
    const char *names[] = {"day", "month", "year", "not_after"};
    for (int i = 0; i < 4; i++) {
        assert_string_equal(datefmt_precision_name(i), names[i]);
        assert_int_equal(datefmt_precision_parse(names[i]), i);
    }
    assert_null(datefmt_precision_name(4));
    assert_null(datefmt_precision_name(-1));
    assert_int_equal(datefmt_precision_parse("Month"), -1);
    assert_int_equal(datefmt_precision_parse(NULL), -1);
    assert_string_equal(datefmt_month_en(5), "May");
    assert_string_equal(datefmt_month_en(12), "December");
    assert_false(datefmt_is_imprecise(DATEFMT_DAY));
    assert_true(datefmt_is_imprecise(DATEFMT_NOT_AFTER));
}

static void test_bounds(void **state)
{
    (void)state;
    int32_t d = s_day("2024-02-10");
    assert_int_equal(datefmt_latest(d, DATEFMT_DAY), d);
    assert_int_equal(datefmt_earliest(d, DATEFMT_DAY), d);
    assert_int_equal(datefmt_latest(d, DATEFMT_MONTH), s_day("2024-02-29"));
    assert_int_equal(datefmt_earliest(d, DATEFMT_MONTH), s_day("2024-02-01"));
    assert_int_equal(datefmt_latest(s_day("2025-02-01"), DATEFMT_MONTH),
                     s_day("2025-02-28"));
    assert_int_equal(datefmt_latest(s_day("2025-12-05"), DATEFMT_MONTH),
                     s_day("2025-12-31"));
    assert_int_equal(datefmt_latest(d, DATEFMT_YEAR), s_day("2024-12-31"));
    assert_int_equal(datefmt_earliest(d, DATEFMT_YEAR), s_day("2024-01-01"));
    assert_int_equal(datefmt_latest(d, DATEFMT_NOT_AFTER), d);
    assert_int_equal(datefmt_earliest(d, DATEFMT_NOT_AFTER), DATEFMT_UNBOUNDED);
}

/*  The precision of two bounds: a whole month or year is that; a range
    that is neither (a not_after date bounded from below) prints as its
    upper bound, never as the year it falls in. */
static void test_precision_of(void **state)
{
    (void)state;
    int32_t d = s_day("2025-02-07");
    assert_int_equal(datefmt_precision_of(d, d), DATEFMT_DAY);
    assert_int_equal(datefmt_precision_of(DATEFMT_UNBOUNDED, d),
                     DATEFMT_NOT_AFTER);
    assert_int_equal(
        datefmt_precision_of(s_day("2025-02-01"), s_day("2025-02-28")),
        DATEFMT_MONTH);
    assert_int_equal(
        datefmt_precision_of(s_day("2025-01-01"), s_day("2025-12-31")),
        DATEFMT_YEAR);
    assert_int_equal(datefmt_precision_of(s_day("2025-01-01"), d),
                     DATEFMT_NOT_AFTER);
    assert_int_equal(datefmt_precision_of(s_day("2025-01-27"), d),
                     DATEFMT_NOT_AFTER);
}

static void test_format(void **state)
{
    (void)state;
    const struct {
        const char *date;
        int precision;
        const char *iso, *en, *zh;
    } cases[] = {
        {"2024-05-03", DATEFMT_DAY, "2024-05-03", "3 May 2024", "2024年5月3日"},
        {"2024-05-17", DATEFMT_MONTH, "2024-05", "May 2024", "2024年5月"},
        {"2024-12-31", DATEFMT_YEAR, "2024", "2024", "2024年"},
        {"2024-12-31", DATEFMT_NOT_AFTER, "by 2024-12-31",
         "by 31 December 2024", "不晚于2024年12月31日"},
        {"2024-12-31", 9, "2024-12-31", "31 December 2024", "2024年12月31日"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[DATEFMT_MAX];
        int32_t d = s_day(cases[i].date);
        datefmt_format(d, cases[i].precision, DATEFMT_ISO, out);
        assert_string_equal(out, cases[i].iso);
        datefmt_format(d, cases[i].precision, DATEFMT_EN, out);
        assert_string_equal(out, cases[i].en);
        datefmt_format(d, cases[i].precision, DATEFMT_ZH, out);
        assert_string_equal(out, cases[i].zh);
    }
}

/*  The four other UN languages, each precision, the first of a month
    (French "1er") and the longest month names. */
static void test_format_un_languages(void **state)
{
    (void)state;
    const struct {
        const char *date;
        int precision;
        const char *fr, *es, *ru, *ar;
    } cases[] = {
        {"2024-05-03", DATEFMT_DAY, "3 mai 2024", "3 de mayo de 2024",
         "3 мая 2024 года", "3 أيار/مايو 2024"},
        {"2025-01-01", DATEFMT_DAY, "1er janvier 2025", "1 de enero de 2025",
         "1 января 2025 года", "1 كانون الثاني/يناير 2025"},
        {"2024-05-17", DATEFMT_MONTH, "mai 2024", "mayo de 2024",
         "май 2024 года", "أيار/مايو 2024"},
        {"2024-12-31", DATEFMT_YEAR, "2024", "2024", "2024 год", "2024"},
        {"2024-12-31", DATEFMT_NOT_AFTER, "au plus tard le 31 décembre 2024",
         "a más tardar el 31 de diciembre de 2024",
         "не позднее 31 декабря 2024 года",
         "في موعد أقصاه 31 كانون الأول/ديسمبر 2024"},
        {"2999-11-30", DATEFMT_DAY, "30 novembre 2999",
         "30 de noviembre de 2999", "30 ноября 2999 года",
         "30 تشرين الثاني/نوفمبر 2999"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[DATEFMT_MAX];
        int32_t d = s_day(cases[i].date);
        datefmt_format(d, cases[i].precision, DATEFMT_FR, out);
        assert_string_equal(out, cases[i].fr);
        datefmt_format(d, cases[i].precision, DATEFMT_ES, out);
        assert_string_equal(out, cases[i].es);
        datefmt_format(d, cases[i].precision, DATEFMT_RU, out);
        assert_string_equal(out, cases[i].ru);
        datefmt_format(d, cases[i].precision, DATEFMT_AR, out);
        assert_string_equal(out, cases[i].ar);
    }
    assert_int_equal(datefmt_style_of("ar"), DATEFMT_AR);
    assert_int_equal(datefmt_style_of("en"), DATEFMT_EN);
    assert_int_equal(datefmt_style_of("de"), -1);
    assert_int_equal(datefmt_style_of(NULL), -1);
}

static void test_deadline(void **state)
{
    (void)state;
    char out[DATEFMT_MAX];
    int32_t d = s_day("2025-06-30");
    datefmt_deadline(d, false, DATEFMT_ISO, out);
    assert_string_equal(out, "2025-06-30");
    datefmt_deadline(d, true, DATEFMT_ISO, out);
    assert_string_equal(out, "2025-06-30 at the latest");
    datefmt_deadline(d, true, DATEFMT_EN, out);
    assert_string_equal(out, "30 June 2025 at the latest");
    datefmt_deadline(d, true, DATEFMT_ZH, out);
    assert_string_equal(out, "最迟2025年6月30日");
    datefmt_deadline(d, true, DATEFMT_FR, out);
    assert_string_equal(out, "le 30 juin 2025 au plus tard");
    datefmt_deadline(d, true, DATEFMT_ES, out);
    assert_string_equal(out, "el 30 de junio de 2025 a más tardar");
    datefmt_deadline(d, true, DATEFMT_RU, out);
    assert_string_equal(out, "не позднее 30 июня 2025 года");
    datefmt_deadline(d, true, DATEFMT_AR, out);
    assert_string_equal(out, "30 حزيران/يونيه 2025 كحد أقصى");
    datefmt_deadline(d, false, DATEFMT_FR, out);
    assert_string_equal(out, "30 juin 2025");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_precision_of),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_format_un_languages),
        cmocka_unit_test(test_deadline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
