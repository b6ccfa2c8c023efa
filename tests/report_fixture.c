/*  report_fixture: the report tests' shared fixture.  See
    report_fixture.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report_fixture.h"

/*  Fails the test unless 'cond', naming the error: the calls checked here
    return a pointer, where test_common.h's CHECK takes a return code. */
#define CHECK(cond, err)                                                       \
    do {                                                                       \
        if (!(cond))                                                           \
            fail_msg("%s:%d: %s: %s", __FILE__, __LINE__, #cond,               \
                     (err)->message);                                          \
    } while (0)

static const char *s_source_dir(void)
{
    const char *dir = getenv("OPCAT_SOURCE_DIR");
    return dir && *dir ? dir : ".";
}

int fixture_setup(void **state)
{
    char path[4096];
    err_t err;
    fixture_t *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(path, sizeof path, "%s/data/" NAMES_FILE, s_source_dir());
    f->names = names_new(path, &err);
    CHECK(f->names, &err);
    f->report = report_new(f->names, &err);
    CHECK(f->report, &err);
    snprintf(path, sizeof path, "%s/tests/fixtures/stats-2025.json",
             s_source_dir());
    json_error_t jerr;
    f->stats = json_load_file(path, 0, &jerr);
    if (!f->stats)
        fail_msg("%s: %s", path, jerr.text);
    *state = f;
    return 0;
}

int fixture_teardown(void **state)
{
    fixture_t *f = *state;
    report_destroy(&f->report);
    assert_null(f->report);
    names_destroy(&f->names);
    json_decref(f->stats);
    free(f);
    return 0;
}

char *fixture_render(const fixture_t *f, const json_t *stats, const char *lang)
{
    err_t err;
    char *text = report_render(f->report, stats, lang, &err);
    CHECK(text, &err);
    return text;
}

void fixture_expect(const char *text, ...)
{
    va_list ap;
    va_start(ap, text);
    const char *needle;
    while ((needle = va_arg(ap, const char *)))
        if (!strstr(text, needle)) {
            fprintf(stderr, "---- output ----\n%s\n---- end ----\n", text);
            fail_msg("missing: %s", needle);
        }
    va_end(ap);
}

void fixture_set(json_t *stats, const char *parent, const char *key,
                 json_t *value)
{
    json_t *obj = parent ? json_object_get(stats, parent) : stats;
    assert_non_null(obj);
    assert_int_equal(json_object_set_new(obj, key, value), 0);
}

json_t *fixture_stats_year(const fixture_t *f, int year)
{
    char as_of[16], from[16];
    snprintf(as_of, sizeof as_of, "%d-12-31", year);
    snprintf(from, sizeof from, "%d-01-01", year);
    json_t *stats = json_deep_copy(f->stats);
    fixture_set(stats, NULL, "as_of", json_string(as_of));
    fixture_set(stats, NULL, "period",
                json_pack("{s:s,s:s}", "from", from, "to", as_of));
    return stats;
}
