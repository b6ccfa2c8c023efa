/*  report: the renderer, its State names and report_render().

    The API of report.h: report_new() takes the table of State names,
    report_render() reads the period's dates and calls the sections of
    report_sec_*.c in the report's order, which write through the
    primitives of report_put.c; report_put.h describes the design.  The
    renderer hands its table of names to the rendering (render_t), so
    that nothing below calls back up into this file. */
#include "report.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "report_lang.h"
#include "report_put.h"
#include "report_sec.h"

struct report {
    const names_t *names; /* borrowed: the States' names */
};

/* ------------------------------------------------------------------ */
/*  The renderer, its State names and languages. */

report_t *report_new(const names_t *names, err_t *err)
{
    if (!names) {
        err_set(err, OPCAT_EINVAL, "names",
                "report: the table of State names is needed (" NAMES_FILE ")");
        return NULL;
    }
    report_t *self = calloc(1, sizeof *self);
    if (!self) {
        err_set(err, OPCAT_ENOMEM, NULL, "out of memory");
        return NULL;
    }
    self->names = names;
    return self;
}

void report_destroy(report_t **self)
{
    if (!self || !*self)
        return;
    free(*self);
    *self = NULL;
}

const char *report_state_name(const report_t *self, const char *code,
                              const char *lang)
{
    return self ? names_in(self->names, code, lang) : NULL;
}

bool report_lang_known(const char *lang)
{
    return lang && (strcmp(lang, "en") == 0 || strcmp(lang, "zh") == 0 ||
                    report_lang(lang));
}

/* ------------------------------------------------------------------ */
/*  Rendering. */

/*  Reads the date at 'path' into '*day'. */
static void s_date(render_t *r, const char *path, int32_t *day)
{
    const json_t *node = render_get(r, path, JSON_STRING);
    if (node && !date_parse(json_string_value(node), day))
        render_fail(r, OPCAT_EINVAL, path,
                    "stats: \"%s\" is not a YYYY-MM-DD date", path);
}

static void s_dates(render_t *r)
{
    s_date(r, "as_of", &r->as_of);
    s_date(r, "period.from", &r->from);
    s_date(r, "period.to", &r->to);
    int y1, m1, d1, y2, m2, d2;
    date_to_ymd(r->from, &y1, &m1, &d1);
    date_to_ymd(r->to, &y2, &m2, &d2);
    r->full_year = y1 == y2 && m1 == 1 && d1 == 1 && m2 == 12 && d2 == 31;
    if (!r->failed && r->from > r->to)
        render_fail(r, OPCAT_EINVAL, "period",
                    "stats: the period ends before it begins");
}

char *report_render(const report_t *self, const json_t *stats, const char *lang,
                    err_t *err)
{
    err_clear(err);
    render_t r = {.stats = stats, .err = err};
    if (!self || !json_is_object(stats) || !report_lang_known(lang)) {
        err_set(err, OPCAT_EINVAL, "lang",
                "report: a renderer, a stats object and lang " REPORT_LANGS
                " are needed");
        return NULL;
    }
    r.names = self->names;
    r.zh = strcmp(lang, "zh") == 0;
    r.lang = report_lang(lang);
    s_dates(&r);
    render_title(&r);
    render_parties(&r);
    render_sessions(&r);
    render_fund(&r);
    render_visits(&r);
    render_reports(&r);
    render_replies(&r);
    render_npm(&r);
    render_plan(&r);
    if (r.failed) {
        textbuf_free(&r.out);
        return NULL;
    }
    return textbuf_take(&r.out, NULL);
}
