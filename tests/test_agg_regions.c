/*  test_agg_regions: the dated regional grouping
    (services/aggregated/agg_regions.h).

    - on the embedded files (data/regions.tsv and data/region-changes.tsv),
      Türkiye counts with the Western European and other States up to
      31 December 2017 (CAT/C/63/4) and with Asia-Pacific afterwards (the
      2025 figures), while agg_regions_of() keeps the undated group;
    - a State without a change row has one group at every date;
    - agg_regions_find() picks the changes file up next to the regions
      file;
    - malformed change rows (unknown State or group, bad date, empty
      period, no source) are refused with the file and line named. */
#include "test_common.h"

#include <string.h>
#include <unistd.h>

#include "agg_regions.h"
#include "date.h"

static int32_t s_day(const char *text)
{
    int32_t day = 0;
    assert_true(date_parse(text, &day));
    return day;
}

static const char *s_at(const agg_regions_t *r, const char *code,
                        const char *day)
{
    return agg_regions_name(agg_regions_at(r, code, s_day(day)));
}

static agg_regions_t *s_embedded(void)
{
    char path[4096];
    err_t err;
    agg_regions_t *r = agg_regions_new(
        test_source_path("data/regions.tsv", path, sizeof path), &err);
    assert_non_null(r);
    CHECK(agg_regions_load_changes(
              r, test_source_path("data/region-changes.tsv", path, sizeof path),
              &err),
          &err);
    return r;
}

static void test_embedded_dates(void **state)
{
    (void)state;
    agg_regions_t *r = s_embedded();
    assert_string_equal(s_at(r, "TUR", "2011-09-27"), "weog");
    assert_string_equal(s_at(r, "TUR", "2017-12-31"), "weog");
    assert_string_equal(s_at(r, "TUR", "2018-01-01"), "asia_pacific");
    assert_string_equal(s_at(r, "TUR", "2025-12-31"), "asia_pacific");
    assert_string_equal(agg_regions_name(agg_regions_of(r, "TUR")),
                        "asia_pacific");
    assert_string_equal(s_at(r, "CYP", "2017-12-31"), "asia_pacific");
    assert_string_equal(s_at(r, "FRA", "2006-06-22"), "weog");
    assert_int_equal(agg_regions_at(r, "HKG", s_day("2017-12-31")), -1);
    agg_regions_destroy(&r);
}

/*  Writes 'regions' and 'changes' into a new temporary directory 'dir'. */
static void s_write_files(char dir[64], const char *regions,
                          const char *changes)
{
    char path[128];
    strcpy(dir, "/tmp/test_agg_regions.XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/regions.tsv", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(regions, f);
    fclose(f);
    snprintf(path, sizeof path, "%s/%s", dir, AGG_REGION_CHANGES_FILE);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(changes, f);
    fclose(f);
}

static void s_remove_files(const char *dir)
{
    char path[128];
    snprintf(path, sizeof path, "%s/regions.tsv", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/%s", dir, AGG_REGION_CHANGES_FILE);
    unlink(path);
    rmdir(dir);
}

#define REGIONS                                                                \
    "alpha3\tname\tregion\nCYP\tCyprus\tasia_pacific\nFRA\tFrance\tweog\n"

static void test_find_loads_the_changes_next_to_the_file(void **state)
{
    (void)state;
    char dir[64], path[128];
    s_write_files(dir, REGIONS,
                  "alpha3\tregion\tfrom\tuntil\tsource\n"
                  "CYP\teastern_europe\t2010-01-01\t2012-01-01\ta test\n");
    snprintf(path, sizeof path, "%s/regions.tsv", dir);
    err_t err;
    agg_regions_t *r = agg_regions_find(path, &err);
    assert_non_null(r);
    assert_string_equal(s_at(r, "CYP", "2009-12-31"), "asia_pacific");
    assert_string_equal(s_at(r, "CYP", "2010-01-01"), "eastern_europe");
    assert_string_equal(s_at(r, "CYP", "2011-12-31"), "eastern_europe");
    assert_string_equal(s_at(r, "CYP", "2012-01-01"), "asia_pacific");
    agg_regions_destroy(&r);
    s_remove_files(dir);
}

static void s_refused(const char *row, const char *what)
{
    char dir[64], path[128];
    char changes[256];
    snprintf(changes, sizeof changes, "alpha3\tregion\tfrom\tuntil\tsource\n%s",
             row);
    s_write_files(dir, REGIONS, changes);
    snprintf(path, sizeof path, "%s/regions.tsv", dir);
    err_t err;
    agg_regions_t *r = agg_regions_find(path, &err);
    if (r)
        fail_msg("%s: accepted", what);
    if (!strstr(err.message, ":2:"))
        fail_msg("%s: the error does not name line 2: %s", what, err.message);
    s_remove_files(dir);
}

static void test_malformed_rows_refused(void **state)
{
    (void)state;
    s_refused("XXX\tweog\t\t2018-01-01\tsrc\n", "unknown State");
    s_refused("CYP\teurope\t\t2018-01-01\tsrc\n", "unknown group");
    s_refused("CYP\tweog\t\t2018-02-30\tsrc\n", "bad date");
    s_refused("CYP\tweog\t2018-01-01\t2018-01-01\tsrc\n", "empty period");
    s_refused("CYP\tweog\t\t2018-01-01\t\n", "no source");
    s_refused("CYP\tweog\t\t2018-01-01\n", "missing column");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_embedded_dates),
        cmocka_unit_test(test_find_loads_the_changes_next_to_the_file),
        cmocka_unit_test(test_malformed_rows_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
