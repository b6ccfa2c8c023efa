/*  report_fixture: what the unit tests of the annual report renderer
    (common/report) share: the table of State names, a renderer and the
    stats fixture tests/fixtures/stats-2025.json (the stats contract filled
    with the seed report's 2025 figures), loaded once per test program;
    rendering, edits of a copy of the stats, and checks of the text.
    Needs OPCAT_SOURCE_DIR (set by CTest) and the iso-codes package. */
#ifndef OPCAT_REPORT_FIXTURE_H
#define OPCAT_REPORT_FIXTURE_H

#include <jansson.h>

#include "names.h"
#include "report.h"

/*  What every test gets: the names, a renderer and the fixture. */
typedef struct {
    names_t *names;
    report_t *report;
    json_t *stats; /* tests/fixtures/stats-2025.json; tests edit copies */
} fixture_t;

/*  cmocka group setup and teardown: a fixture_t in '*state'. */
int fixture_setup(void **state);
int fixture_teardown(void **state);

/*  Renders 'stats' in 'lang' and fails the test if that fails; the
    caller frees the text. */
char *fixture_render(const fixture_t *f, const json_t *stats, const char *lang);

/*  Fails, showing the output, unless 'text' holds each of the NULL-ended
    sentences. */
void fixture_expect(const char *text, ...) __attribute__((sentinel));

/*  Sets the member at 'parent'.'key' of 'stats' ('parent' NULL: of
    'stats' itself) to 'value' (stolen). */
void fixture_set(json_t *stats, const char *parent, const char *key,
                 json_t *value);

/*  A copy of the fixture for the calendar year 'year': as_of its last
    day, the period the whole year.  The caller frees it. */
json_t *fixture_stats_year(const fixture_t *f, int year);

#endif
