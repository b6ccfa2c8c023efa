/*  test_obligation: a State's treaty dates (common/domain/obligation.h): entry
    into force under art. 28(1) and 28(2), the NPM deadline of art. 17
    moved by art. 24 Part IV declarations from their own dates on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "date.h"
#include "obligation.h"

static int32_t D(const char *text)
{
    int32_t day;
    assert_true(date_parse(text, &day));
    return day;
}

#define CHECK_DAY(day, text)                                                   \
    do {                                                                       \
        char got_[DATE_TEXT_LEN];                                              \
        date_format((day), got_);                                              \
        assert_string_equal(got_, (text));                                     \
    } while (0)

static oblig_facts_t s_party(const char *deposited)
{
    oblig_facts_t f;
    oblig_facts_init(&f);
    oblig_note_deposit(&f, D(deposited));
    return f;
}

/*  art. 28(1): the first 20 instruments (up to 23 May 2006) took effect
    with the Protocol on 22 June 2006. */
static void test_entry_art28_1(void **state)
{
    (void)state;
    CHECK_DAY(oblig_protocol_in_force(), "2006-06-22");
    CHECK_DAY(oblig_entry_into_force(D("2003-12-10")), "2006-06-22"); /* GBR */
    CHECK_DAY(oblig_entry_into_force(D("2004-12-22")), "2006-06-22"); /* LBR */
    /* the 20th instrument, 23 May 2006: its own 30th day is 22 June */
    CHECK_DAY(oblig_entry_into_force(D("2006-05-23")), "2006-06-22");
    CHECK_DAY(oblig_entry_into_force(D("2006-05-22")), "2006-06-22");
}

/*  art. 28(2): later instruments take effect on their 30th day. */
static void test_entry_art28_2(void **state)
{
    (void)state;
    CHECK_DAY(oblig_entry_into_force(D("2006-05-24")), "2006-06-23");
    CHECK_DAY(oblig_entry_into_force(D("2025-01-01")), "2025-01-31");
    CHECK_DAY(oblig_entry_into_force(D("2024-02-01")), "2024-03-02");
    assert_int_equal(oblig_entry_into_force(OBLIG_NEVER), OBLIG_NEVER);
}

static void test_npm_due_plain(void **state)
{
    (void)state;
    oblig_facts_t gbr = s_party("2003-12-10");
    CHECK_DAY(oblig_npm_due(&gbr, D("2025-12-31")), "2007-06-22");
    oblig_facts_t deu = s_party("2008-12-04");
    CHECK_DAY(oblig_npm_due(&deu, D("2025-12-31")), "2010-01-03");
    /* in force on 29 February: one year later is 28 February */
    oblig_facts_t leap = s_party("2024-01-30");
    CHECK_DAY(oblig_npm_due(&leap, D("2025-12-31")), "2025-02-28");
    oblig_facts_t none;
    oblig_facts_init(&none);
    assert_int_equal(oblig_npm_due(&none, D("2025-12-31")), OBLIG_NEVER);
    assert_false(oblig_is_party(&none, D("2025-12-31")));
}

/*  art. 24: each declaration counts from its own date; Australia's
    extension (3 June 2022) does not move the deadline before then. */
static void test_npm_due_art24_dated(void **state)
{
    (void)state;
    oblig_facts_t aus = s_party("2017-12-21");
    oblig_note_art24(&aus, "IV", 3, false, D("2017-12-21"));
    oblig_note_art24(&aus, "IV", 1, true, D("2022-06-03"));
    CHECK_DAY(oblig_npm_due(&aus, D("2017-12-20")), "2019-01-20");
    CHECK_DAY(oblig_npm_due(&aus, D("2017-12-21")), "2022-01-20");
    CHECK_DAY(oblig_npm_due(&aus, D("2022-03-01")), "2022-01-20");
    assert_true(oblig_npm_overdue(&aus, D("2022-03-01")));
    CHECK_DAY(oblig_npm_due(&aus, D("2022-06-02")), "2022-01-20");
    CHECK_DAY(oblig_npm_due(&aus, D("2022-06-03")), "2023-01-20");
    assert_false(oblig_npm_overdue(&aus, D("2022-06-03")));
    assert_int_equal(oblig_art24_years(&aus, D("2022-06-02")), 3);
    assert_int_equal(oblig_art24_years(&aus, D("2022-06-03")), 4);
}

/*  Part III moves nothing; of two initial declarations the earlier
    counts whatever order they are noted in. */
static void test_art24_part3_and_order(void **state)
{
    (void)state;
    oblig_facts_t f = s_party("2009-07-02");
    oblig_note_art24(&f, "III", 3, false, D("2009-07-02"));
    CHECK_DAY(oblig_npm_due(&f, D("2025-12-31")), "2010-08-01");
    oblig_facts_t a = f, b = f;
    oblig_note_art24(&a, "IV", 2, false, D("2010-01-01"));
    oblig_note_art24(&a, "IV", 3, false, D("2009-07-02"));
    oblig_note_art24(&b, "IV", 3, false, D("2009-07-02"));
    oblig_note_art24(&b, "IV", 2, false, D("2010-01-01"));
    assert_memory_equal(&a, &b, sizeof a);
    CHECK_DAY(oblig_npm_due(&a, D("2025-12-31")), "2013-08-01");
    oblig_note_art24(&a, "IV", 2, true, D("2012-06-01"));
    CHECK_DAY(oblig_npm_due(&a, D("2025-12-31")), "2015-08-01");
}

/*  Overdue: from the day after the due day until the designation. */
static void test_npm_overdue_boundaries(void **state)
{
    (void)state;
    oblig_facts_t f = s_party("2003-12-10");
    assert_false(oblig_npm_overdue(&f, D("2006-12-31")));
    assert_false(oblig_npm_overdue(&f, D("2007-06-21")));
    assert_false(oblig_npm_overdue(&f, D("2007-06-22")));
    assert_true(oblig_npm_overdue(&f, D("2007-06-23")));
    oblig_note_designation(&f, D("2008-03-01"));
    assert_true(oblig_npm_overdue(&f, D("2008-02-29")));
    assert_false(oblig_npm_overdue(&f, D("2008-03-01")));
    /* designated on the due day: never overdue */
    oblig_facts_t g = s_party("2003-12-10");
    oblig_note_designation(&g, D("2007-06-22"));
    assert_false(oblig_npm_overdue(&g, D("2007-06-23")));
    /* not a party yet: never overdue */
    oblig_facts_t h = s_party("2020-01-01");
    assert_false(oblig_npm_overdue(&h, D("2019-12-31")));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entry_art28_1),
        cmocka_unit_test(test_entry_art28_2),
        cmocka_unit_test(test_npm_due_plain),
        cmocka_unit_test(test_npm_due_art24_dated),
        cmocka_unit_test(test_art24_part3_and_order),
        cmocka_unit_test(test_npm_overdue_boundaries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
