/*  report: the renderer, its State names and report_render().

    The API of report.h: report_new() loads the Chinese names table,
    report_render() reads the period's dates and calls the sections of
    report_sections.c in the report's order, which write through the
    primitives of report_put.c; report_int.h describes the design. */
#include "report.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "report_int.h"

/*  One line of the Chinese names table. */
typedef struct {
    char code[4]; /* ISO 3166-1 alpha-3 */
    char *name;   /* the Chinese short name, owned */
} name_zh_t;

struct report {
    const codes_t *codes; /* borrowed: English names */
    name_zh_t *zh;        /* the Chinese names, in file order */
    size_t zh_count;      /* entries in 'zh' */
};

/* ------------------------------------------------------------------ */
/*  State names: the Chinese table, and the English names. */

bool report_is_code(const char *text)
{
    return strlen(text) == 3 && isupper((unsigned char)text[0]) &&
           isupper((unsigned char)text[1]) && isupper((unsigned char)text[2]);
}

/*  Adds one "CODE TAB name" line (newline stripped) to 'self'. */
static int s_add_zh(report_t *self, char *line, const char *path, int lineno,
                    err_t *err)
{
    line[strcspn(line, "\r\n")] = '\0';
    if (!*line || *line == '#')
        return 0;
    char *tab = strchr(line, '\t');
    if (tab)
        *tab = '\0';
    if (!tab || !report_is_code(line) || !tab[1])
        return err_set(err, OPCAT_EINVAL, "state", "%s:%d: not ALPHA3 TAB name",
                       path, lineno);
    name_zh_t *bigger =
        realloc(self->zh, (self->zh_count + 1) * sizeof *self->zh);
    if (!bigger)
        return err_set(err, OPCAT_ENOMEM, NULL, "out of memory");
    self->zh = bigger;
    name_zh_t *e = &self->zh[self->zh_count];
    memcpy(e->code, line, 4);
    if (!(e->name = strdup(tab + 1)))
        return err_set(err, OPCAT_ENOMEM, NULL, "out of memory");
    self->zh_count++;
    return 0;
}

static int s_load_zh(report_t *self, const char *dir, err_t *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, REPORT_NAMES_ZH);
    FILE *f = fopen(path, "r");
    if (!f)
        return err_set(err, OPCAT_EIO, NULL,
                       "%s: cannot open (set OPCAT_SHARE)", path);
    char line[512];
    int lineno = 0, rc = 0;
    while (!rc && fgets(line, sizeof line, f))
        rc = s_add_zh(self, line, path, ++lineno, err);
    fclose(f);
    return rc;
}

report_t *report_new(const codes_t *codes, const char *share_dir, err_t *err)
{
    report_t *self = calloc(1, sizeof *self);
    if (!self) {
        err_set(err, OPCAT_ENOMEM, NULL, "out of memory");
        return NULL;
    }
    self->codes = codes;
    if (share_dir && s_load_zh(self, share_dir, err))
        report_destroy(&self);
    return self;
}

void report_destroy(report_t **self)
{
    if (!self || !*self)
        return;
    for (size_t i = 0; i < (*self)->zh_count; i++)
        free((*self)->zh[i].name);
    free((*self)->zh);
    free(*self);
    *self = NULL;
}

const char *report_state_name_zh(const report_t *self, const char *code)
{
    for (size_t i = 0; self && code && i < self->zh_count; i++)
        if (strcmp(self->zh[i].code, code) == 0)
            return self->zh[i].name;
    return NULL;
}

void report_name_en(const report_t *self, const char *code, char *out,
                    size_t size)
{
    const char *iso = codes_state_name(self->codes, code);
    const char *comma = iso ? strstr(iso, ", ") : NULL;
    if (!comma) {
        snprintf(out, size, "%s", iso ? iso : code);
        return;
    }
    int head = (int)(comma - iso);
    const char *tail = comma + 2;
    size_t n = strlen(tail);
    bool of = n > 3 && strcmp(tail + n - 3, " of") == 0;
    bool natural = !strncmp(tail, "State of", 8) ||
                   !strncmp(tail, "Republic of", 11) ||
                   !strncmp(tail, "United Republic of", 18) ||
                   !strncmp(tail, "Democratic People's", 19);
    if (!strncmp(tail, "The ", 4))
        snprintf(out, size, "%s %.*s", tail + 4, head, iso);
    else if (of && natural)
        snprintf(out, size, "%s %.*s", tail, head, iso);
    else if (of)
        snprintf(out, size, "%.*s (%s)", head, iso, tail);
    else
        snprintf(out, size, "%s", iso);
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
    render_t r = {.report = self, .stats = stats, .err = err};
    if (!self || !json_is_object(stats) || !lang ||
        (strcmp(lang, "en") != 0 && strcmp(lang, "zh") != 0)) {
        err_set(err, OPCAT_EINVAL, "lang",
                "report: a renderer, a stats object and lang en or zh are "
                "needed");
        return NULL;
    }
    r.zh = strcmp(lang, "zh") == 0;
    if (r.zh && !self->zh_count) {
        err_set(err, OPCAT_EINVAL, "lang",
                "report: no Chinese names loaded (" REPORT_NAMES_ZH ")");
        return NULL;
    }
    s_dates(&r);
    render_title(&r);
    render_parties(&r);
    render_fund(&r);
    render_visits(&r);
    render_reports(&r);
    render_replies(&r);
    render_npm(&r);
    if (r.failed) {
        textbuf_free(&r.out);
        return NULL;
    }
    return textbuf_take(&r.out, NULL);
}
