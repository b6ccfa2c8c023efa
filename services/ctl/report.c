/*  report: the annual report's figures as Markdown, from a stats answer.

    Design: one render_t carries the output buffer, the stats object and
    the first error.  Every helper checks 'failed' first and does nothing
    once a helper has failed, so each section is written as straight-line
    prose; report_render() looks at 'failed' once at the end.  Each
    section has an English and a Chinese function, because the two
    languages order a sentence differently; the shared helpers (names,
    lists, numbers, money, dates) take the language from render_t.

    The file is longer than our usual 1,000 lines on purpose: half of it is
    the prose of two languages for six sections, and keeping the helpers
    static beside it keeps the module's API to the four functions of
    report.h. */
#include "report.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"

#define NAME_MAX_LEN 160

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

/*  One rendering: the output so far, the input and the first error. */
typedef struct {
    const report_t *report;
    const json_t *stats;
    bool zh;          /* Chinese, else English */
    char *data;       /* the Markdown written so far, NUL-terminated */
    size_t len;       /* bytes in 'data' */
    size_t cap;       /* bytes allocated for 'data' */
    err_t *err;       /* where the first failure goes; may be NULL */
    bool failed;      /* a helper failed: everything else is skipped */
    bool full_year;   /* the period is 1 January to 31 December */
    int32_t as_of;    /* stats.as_of */
    int32_t from, to; /* stats.period */
} render_t;

/*  One State of a list, with the key UN documents sort it by. */
typedef struct {
    char key[NAME_MAX_LEN];
    const char *code;
} list_item_t;

/*  Names the UN writes with "the" in running English text. */
static const char *const s_with_article[] = {
    "ARE", "BHS", "CAF", "COD", "COG", "COM", "DOM", "GBR", "GMB",
    "KOR", "LAO", "MDA", "MDV", "MHL", "NER", "NLD", "PHL", "PRK",
    "PSE", "RUS", "SDN", "SLB", "SYR", "TZA", "USA"};

static const char *const s_month_en[] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

static const char *const s_small_en[] = {"no",    "one",  "two", "three",
                                         "four",  "five", "six", "seven",
                                         "eight", "nine"};

static const char *const s_small_zh[] = {"零", "一", "两", "三", "四", "五",
                                         "六", "七", "八", "九", "十"};

/*  The five regional groups, in the report's order. */
static const struct {
    const char *key, *en, *zh;
} s_regions[] = {
    {"africa", "African States", "非洲国家"},
    {"asia_pacific", "Asia-Pacific States", "亚太国家"},
    {"eastern_europe", "Eastern European States", "东欧国家"},
    {"latin_america_caribbean", "Latin American and Caribbean States",
     "拉丁美洲和加勒比国家"},
    {"weog", "Western European and other States", "西欧和其他国家"}};

/*  Places of deprivation of liberty, in the report's order (para 20). */
static const struct {
    const char *key, *en_one, *en_many, *zh;
} s_places[] = {
    {"prison", "prison", "prisons", "所监狱"},
    {"women_detention", "women's detention facility",
     "women's detention facilities", "个女子拘留设施"},
    {"police", "police station", "police stations", "个警察局"},
    {"child_detention", "child detention centre", "child detention centres",
     "个儿童拘留中心"},
    {"psychiatric", "psychiatric and health-care institution",
     "psychiatric and health-care institutions", "个精神病和医疗保健机构"},
    {"immigration", "detention centre for undocumented migrants",
     "detention centres for undocumented migrants", "个无证移民拘留中心"},
    {"drug_rehabilitation", "drug rehabilitation centre",
     "drug rehabilitation centres", "个戒毒所"},
    {"court_cells", "court holding cell", "court holding cells",
     "个法院拘留所"},
    {"elderly_care", "social care facility for older persons",
     "social care facilities for older persons", "个老年人社会护理设施"},
    {"other", "other place", "other places", "个其他场所"}};
#define PLACE_COUNT (sizeof s_places / sizeof s_places[0])

/*  Currencies: English symbol (or NULL: the code before the amount) and
    the Chinese name written after the amount. */
static const struct {
    const char *code, *en, *zh;
} s_currencies[] = {{"USD", "$", "美元"},        {"EUR", "€", "欧元"},
                    {"GBP", "£", "英镑"},        {"CHF", NULL, "瑞士法郎"},
                    {"JPY", NULL, "日元"},       {"CAD", NULL, "加拿大元"},
                    {"AUD", NULL, "澳大利亚元"}, {"NOK", NULL, "挪威克朗"},
                    {"DKK", NULL, "丹麦克朗"},   {"SEK", NULL, "瑞典克朗"}};

/* ------------------------------------------------------------------ */
/*  The Chinese names table. */

static bool s_is_code(const char *text)
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
    if (!tab || !s_is_code(line) || !tab[1])
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

/*  The English name as UN texts write it, without an article: ISO's
    "Palestine, State of" is "State of Palestine", "Congo, The Democratic
    Republic of the" "Democratic Republic of the Congo", "Bolivia,
    Plurinational State of" "Bolivia (Plurinational State of)". */
static void s_name_en(const report_t *self, const char *code, char *out,
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

static bool s_takes_article(const char *code)
{
    for (size_t i = 0; i < sizeof s_with_article / sizeof *s_with_article; i++)
        if (strcmp(s_with_article[i], code) == 0)
            return true;
    return false;
}

/* ------------------------------------------------------------------ */
/*  Output, errors and the stats object. */

static void s_fail(render_t *r, int code, const char *field, const char *fmt,
                   ...) __attribute__((format(printf, 4, 5)));

static void s_fail(render_t *r, int code, const char *field, const char *fmt,
                   ...)
{
    if (r->failed)
        return;
    char message[ERR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    err_set(r->err, code, field, "%s", message);
    r->failed = true;
}

static void s_put(render_t *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void s_put(render_t *r, const char *fmt, ...)
{
    if (r->failed)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    size_t need = r->len + (size_t)n + 1;
    if (n >= 0 && need > r->cap) {
        size_t cap = r->cap ? r->cap : 4096;
        while (cap < need)
            cap *= 2;
        char *bigger = realloc(r->data, cap);
        if (!bigger)
            n = -1;
        else
            r->data = bigger, r->cap = cap;
    }
    if (n < 0) {
        s_fail(r, OPCAT_ENOMEM, NULL, "out of memory");
        return;
    }
    va_start(ap, fmt);
    vsnprintf(r->data + r->len, r->cap - r->len, fmt, ap);
    va_end(ap);
    r->len += (size_t)n;
}

static const char *s_type_name(json_type type)
{
    switch (type) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "a list";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "a whole number";
    default:
        return "of the expected type";
    }
}

/*  The member at dotted 'path' (e.g. "fund.grants_in_period.count"), of
    type 'type'; NULL and a failure if it is missing or of another type. */
static const json_t *s_get(render_t *r, const char *path, json_type type)
{
    const json_t *node = r->stats;
    const char *p = path;
    char key[64];
    while (node && *p) {
        size_t n = strcspn(p, ".");
        if (n >= sizeof key || !json_is_object(node)) {
            node = NULL;
            break;
        }
        memcpy(key, p, n);
        key[n] = '\0';
        node = json_object_get(node, key);
        p += n + (p[n] == '.');
    }
    if (r->failed)
        return NULL;
    if (!node || json_typeof(node) != type) {
        s_fail(r, OPCAT_EINVAL, path, "stats: \"%s\" is missing or not %s",
               path, s_type_name(type));
        return NULL;
    }
    return node;
}

/*  A count (a whole number >= 0) at 'path'; 0 after a failure. */
static long long s_count(render_t *r, const char *path)
{
    const json_t *node = s_get(r, path, JSON_INTEGER);
    long long n = node ? json_integer_value(node) : 0;
    if (n < 0) {
        s_fail(r, OPCAT_EINVAL, path, "stats: \"%s\" is negative", path);
        n = 0;
    }
    return n;
}

/*  A count inside the object 'obj' (a missing key is 0). */
static long long s_member_count(render_t *r, const json_t *obj,
                                const char *path, const char *key)
{
    const json_t *node = obj ? json_object_get(obj, key) : NULL;
    if (!node)
        return 0;
    if (!json_is_integer(node) || json_integer_value(node) < 0) {
        s_fail(r, OPCAT_EINVAL, path, "stats: \"%s.%s\" is not a count", path,
               key);
        return 0;
    }
    return json_integer_value(node);
}

/*  The list of State codes at 'path'; NULL and a failure if it is not a
    list of alpha-3 codes. */
static const json_t *s_states(render_t *r, const char *path)
{
    const json_t *list = s_get(r, path, JSON_ARRAY);
    size_t i;
    const json_t *item;
    json_array_foreach(list, i, item)
    {
        const char *code = json_string_value(item);
        if (!code || !s_is_code(code)) {
            s_fail(r, OPCAT_EINVAL, path,
                   "stats: \"%s\" item %zu is not a State code", path, i);
            return NULL;
        }
    }
    return list;
}

/* ------------------------------------------------------------------ */
/*  Names, lists, numbers, money and dates. */

/*  Writes the name of 'code' in the rendering's language. */
static void s_put_name(render_t *r, const char *code)
{
    if (r->zh) {
        const char *name = report_state_name_zh(r->report, code);
        if (!name)
            s_fail(r, OPCAT_EINVAL, "state",
                   "no Chinese name for %s in " REPORT_NAMES_ZH, code);
        s_put(r, "%s", name ? name : code);
        return;
    }
    char name[NAME_MAX_LEN];
    s_name_en(r->report, code, name, sizeof name);
    s_put(r, "%s%s", s_takes_article(code) ? "the " : "", name);
}

static int s_item_cmp(const void *a, const void *b)
{
    return strcmp(((const list_item_t *)a)->key, ((const list_item_t *)b)->key);
}

/*  Writes the States of 'list' in the order of their English names,
    joined as the language joins a series: "A, B and C", "A、B和C", or
    with 'all_commas' "A、B、C" (as the seed writes some lists). */
static void s_put_states(render_t *r, const json_t *list, bool all_commas)
{
    size_t n = json_array_size(list);
    list_item_t *items = n ? calloc(n, sizeof *items) : NULL;
    if (n && !items) {
        s_fail(r, OPCAT_ENOMEM, NULL, "out of memory");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        items[i].code = json_string_value(json_array_get(list, i));
        s_name_en(r->report, items[i].code, items[i].key, sizeof items[i].key);
    }
    qsort(items, n, sizeof *items, s_item_cmp);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && r->zh)
            s_put(r, "%s", i + 1 == n && !all_commas ? "和" : "、");
        else if (i > 0)
            s_put(r, "%s", i + 1 == n ? " and " : ", ");
        s_put_name(r, items[i].code);
    }
    free(items);
}

/*  Writes 'digits' (a string of digits) with thousands separators. */
static void s_put_grouped(render_t *r, const char *digits, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            s_put(r, ",");
        s_put(r, "%c", digits[i]);
    }
}

/*  A count in figures with thousands separators ("1,234"); use it as
    s_num(n).text within one expression (the temporary lives that long). */
typedef struct {
    char text[32];
} num_t;

static num_t s_num(long long n)
{
    char digits[24];
    num_t out;
    int len = snprintf(digits, sizeof digits, "%lld", n), j = 0;
    for (int i = 0; i < len; i++) {
        if (i > 0 && digits[i - 1] != '-' && (len - i) % 3 == 0)
            out.text[j++] = ',';
        out.text[j++] = digits[i];
    }
    out.text[j] = '\0';
    return out;
}

/*  Writes a count: figures with separators ("1,234"); in English, one to
    nine in words when 'words' (UN style, "six visits"). */
static void s_put_count(render_t *r, long long n, bool words)
{
    if (!r->zh && words && n >= 0 && n < 10) {
        s_put(r, "%s", s_small_en[n]);
        return;
    }
    s_put(r, "%s", s_num(n).text);
}

/*  Writes 'amount' (a decimal string, "423926.00") as "423,926", or
    "423,926.50" when it has cents. */
static void s_put_amount(render_t *r, const char *path, const char *amount)
{
    size_t whole = strspn(amount, "0123456789");
    const char *cents = amount + whole;
    size_t ncents = *cents == '.' ? strspn(cents + 1, "0123456789") : 0;
    bool ok = whole > 0 && (!*cents || (*cents == '.' && ncents >= 1 &&
                                        ncents <= 2 && !cents[1 + ncents]));
    if (!ok) {
        s_fail(r, OPCAT_EINVAL, path, "stats: \"%s\": \"%s\" is not an amount",
               path, amount);
        return;
    }
    s_put_grouped(r, amount, whole);
    if (ncents && strspn(cents + 1, "0") != ncents)
        s_put(r, ".%s%s", cents + 1, ncents == 1 ? "0" : "");
}

/*  Writes one sum of money: "$423,926", "CHF 10,000", "423,926美元". */
static void s_put_money(render_t *r, const char *path, const char *currency,
                        const json_t *amount)
{
    const char *text = json_string_value(amount);
    if (!text || !s_is_code(currency)) {
        s_fail(r, OPCAT_EINVAL, path,
               "stats: \"%s\": %s is not a currency and amount string", path,
               currency);
        return;
    }
    const char *en = NULL, *zh = NULL;
    for (size_t i = 0; i < sizeof s_currencies / sizeof *s_currencies; i++)
        if (strcmp(s_currencies[i].code, currency) == 0)
            en = s_currencies[i].en, zh = s_currencies[i].zh;
    if (!r->zh)
        s_put(r, en ? "%s" : "%s ", en ? en : currency);
    s_put_amount(r, path, text);
    if (r->zh)
        s_put(r, zh ? "%s" : " %s", zh ? zh : currency);
}

static int s_currency_cmp(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    int dx = strcmp(x, "USD") != 0, dy = strcmp(y, "USD") != 0;
    return dx != dy ? dx - dy : strcmp(x, y);
}

/*  Writes the sums of the object 'path' {"USD": "...", ...}, US dollars
    first, then by currency code.  Returns the number of currencies. */
static size_t s_put_sums(render_t *r, const char *path)
{
    const json_t *sums = s_get(r, path, JSON_OBJECT);
    size_t n = json_object_size(sums), i = 0;
    const char **keys = n ? calloc(n, sizeof *keys) : NULL;
    if (n && !keys) {
        s_fail(r, OPCAT_ENOMEM, NULL, "out of memory");
        return 0;
    }
    const char *key;
    const json_t *value;
    json_object_foreach((json_t *)sums, key, value) keys[i++] = key;
    qsort(keys, n, sizeof *keys, s_currency_cmp);
    for (i = 0; i < n; i++) {
        if (i > 0)
            s_put(r, "%s", r->zh ? "和" : " and ");
        s_put_money(r, path, keys[i], json_object_get(sums, keys[i]));
    }
    free(keys);
    return n;
}

/*  Writes 'day': "31 December 2025" or "2025年12月31日". */
static void s_put_date(render_t *r, int32_t day)
{
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    if (r->zh)
        s_put(r, "%d年%d月%d日", y, m, d);
    else
        s_put(r, "%d %s %d", d, s_month_en[m - 1], y);
}

/*  Writes the period: "1 January to 31 December 2025",
    "2025年1月1日至12月31日". */
static void s_put_period(render_t *r)
{
    int y1, m1, d1, y2, m2, d2;
    date_to_ymd(r->from, &y1, &m1, &d1);
    date_to_ymd(r->to, &y2, &m2, &d2);
    if (y1 != y2) {
        s_put_date(r, r->from);
        s_put(r, "%s", r->zh ? "至" : " to ");
        s_put_date(r, r->to);
    } else if (r->zh) {
        s_put(r, "%d年%d月%d日至%d月%d日", y1, m1, d1, m2, d2);
    } else {
        s_put(r, "%d %s to %d %s %d", d1, s_month_en[m1 - 1], d2,
              s_month_en[m2 - 1], y2);
    }
}

/*  "In 2025"/"2025年" for a calendar-year period, else "During the
    reporting period"/"在本报告所述期间".  'lead': at a sentence's start. */
static void s_put_when(render_t *r, bool lead)
{
    int y, m, d;
    date_to_ymd(r->to, &y, &m, &d);
    if (r->zh && r->full_year)
        s_put(r, "%s%d年", lead ? "" : "在", y);
    else if (r->zh)
        s_put(r, "在本报告所述期间");
    else if (r->full_year)
        s_put(r, "%s %d", lead ? "In" : "in", y);
    else
        s_put(r, "%s the reporting period", lead ? "During" : "during");
}

/*  "As at 31 December 2025"/"截至2025年12月31日". */
static void s_put_as_at(render_t *r, bool lead)
{
    s_put(r, "%s", r->zh ? "截至" : lead ? "As at " : "as at ");
    s_put_date(r, r->as_of);
}

/*  Writes "N thing"/"N things" in English. */
static void s_put_things(render_t *r, long long n, bool words, const char *one,
                         const char *many)
{
    s_put_count(r, n, words);
    s_put(r, " %s", n == 1 ? one : many);
}

/* ------------------------------------------------------------------ */
/*  The title and section II.A: participation in the Optional Protocol. */

static void s_title(render_t *r)
{
    if (r->zh) {
        s_put(r, "# 防范酷刑小组委员会年度报告：数字\n\n本报告所述期间：");
        s_put_period(r);
        s_put(r, "。数字");
        s_put_as_at(r, true);
        s_put(r, "，全部根据事件存储中记录的事件计算得出。\n\n"
                 "## 二. 组织和其他事项\n\n"
                 "### A. 国家加入《任择议定书》制度的情况\n\n");
        return;
    }
    s_put(r, "# Annual report of the Subcommittee on Prevention of Torture: "
             "figures\n\nReporting period: ");
    s_put_period(r);
    s_put(r, ". Figures ");
    s_put_as_at(r, false);
    s_put(r, ", every one computed from the events in the event store.\n\n"
             "## II. Organizational and other matters\n\n"
             "### A. Participation in the Optional Protocol system\n\n");
}

/*  Writes a Markdown table of the regional distribution at 'path'. */
static void s_region_table(render_t *r, const char *path, const char *what)
{
    const json_t *by_region = s_get(r, path, JSON_OBJECT);
    s_put(r,
          r->zh ? "| 区域 | %s |\n|---|--:|\n"
                : "| Regional group | %s |\n|---|--:|\n",
          what);
    for (size_t i = 0; i < sizeof s_regions / sizeof *s_regions; i++) {
        long long n = s_member_count(r, by_region, path, s_regions[i].key);
        s_put(r, "| %s | %s%s |\n", r->zh ? s_regions[i].zh : s_regions[i].en,
              s_num(n).text, r->zh ? "个" : "");
    }
    s_put(r, "\n");
}

static void s_parties_zh(render_t *r, long long parties, long long signatories,
                         const json_t *joined, const json_t *signed_list)
{
    s_put_as_at(r, true);
    s_put(r, "，《任择议定书》有%s个缔约国，%s个签署国。", s_num(parties).text,
          s_num(signatories).text);
    if (signatories)
        s_put(r, "[^signatories]");
    s_put_when(r, true);
    s_put(r, "，");
    if (json_array_size(joined))
        s_put_states(r, joined, false);
    else
        s_put(r, "没有国家");
    s_put(r,
          "加入《任择议定书》。\n\n各区域加入《任择议定书》的情况如下：\n\n");
    s_region_table(r, "states_parties.by_region", "缔约国");
    if (signatories)
        s_put(r, "%s个", s_num(signatories).text);
    s_put(r, "签署国的区域分布情况如下：\n\n");
    s_region_table(r, "signatories.by_region", "签署国");
    if (!signatories)
        return;
    s_put(r, "[^signatories]: ");
    s_put_as_at(r, true);
    s_put(r, "，%s个签署国为：", s_num(signatories).text);
    s_put_states(r, signed_list, true);
    s_put(r, "。\n\n");
}

static void s_parties_en(render_t *r, long long parties, long long signatories,
                         const json_t *joined, const json_t *signed_list)
{
    s_put_as_at(r, true);
    s_put(r, ", there %s ", parties == 1 ? "was" : "were");
    s_put_things(r, parties, true, "State party", "States parties");
    s_put(r, " to the Optional Protocol and ");
    s_put_things(r, signatories, true, "signatory", "signatories");
    s_put(r, ".%s ", signatories ? "[^signatories]" : "");
    size_t n = json_array_size(joined);
    if (n) {
        s_put_when(r, true);
        s_put(r, ", ");
        s_put_states(r, joined, false);
        s_put(r, " became %s to the Optional Protocol.\n\n",
              n == 1 ? "a party" : "parties");
    } else {
        s_put(r, "No State became a party to the Optional Protocol ");
        s_put_when(r, false);
        s_put(r, ".\n\n");
    }
    s_put(r, "The regional distribution of States parties is as follows:\n\n");
    s_region_table(r, "states_parties.by_region", "States parties");
    s_put(r, "The regional distribution of ");
    if (signatories) {
        s_put(r, "the ");
        s_put_things(r, signatories, true, "signatory", "signatories");
    } else {
        s_put(r, "signatories");
    }
    s_put(r, " is as follows:\n\n");
    s_region_table(r, "signatories.by_region", "Signatories");
    if (!signatories)
        return;
    s_put(r, "[^signatories]: ");
    s_put_as_at(r, true);
    s_put(r, ", the signatories were: ");
    s_put_states(r, signed_list, false);
    s_put(r, ".\n\n");
}

static void s_parties(render_t *r)
{
    long long parties = s_count(r, "states_parties.total");
    long long signatories = s_count(r, "signatories.total");
    const json_t *joined = s_states(r, "states_parties.joined_in_period");
    const json_t *signed_list = s_states(r, "signatories.states");
    if (r->zh)
        s_parties_zh(r, parties, signatories, joined, signed_list);
    else
        s_parties_en(r, parties, signatories, joined, signed_list);
}

/* ------------------------------------------------------------------ */
/*  Section II.D: the Special Fund. */

static void s_fund_zh(render_t *r, long long grants, long long states)
{
    s_put(r, "### D. 《任择议定书》所设特别基金\n\n");
    s_put_when(r, true);
    if (grants) {
        s_put(r, "，共发放了总额为");
        s_put_sums(r, "fund.grants_in_period.total");
        s_put(r, "的赠款，以支持%s个国家的%s个防止酷刑项目。",
              s_num(states).text, s_num(grants).text);
    } else {
        s_put(r, "，未发放赠款。");
    }
    s_put(r, "\n\n");
    s_put_when(r, true);
    if (json_object_size(
            s_get(r, "fund.contributions_in_period", JSON_OBJECT))) {
        s_put(r, "，特别基金共收到捐款");
        s_put_sums(r, "fund.contributions_in_period");
        s_put(r, "。\n\n");
    } else {
        s_put(r, "，特别基金未收到捐款。\n\n");
    }
}

static void s_fund_en(render_t *r, long long grants, long long states)
{
    s_put(r, "### D. Special Fund of the Optional Protocol\n\n");
    if (grants) {
        s_put_when(r, true);
        s_put(r, ", grants totalling ");
        s_put_sums(r, "fund.grants_in_period.total");
        s_put(r, " were awarded to support ");
        s_put_things(r, grants, true, "torture prevention project",
                     "torture prevention projects");
        s_put(r, " in ");
        s_put_things(r, states, true, "State", "States");
        s_put(r, ".\n\n");
    } else {
        s_put(r, "No grants were awarded ");
        s_put_when(r, false);
        s_put(r, ".\n\n");
    }
    if (json_object_size(
            s_get(r, "fund.contributions_in_period", JSON_OBJECT))) {
        s_put_when(r, true);
        s_put(r, ", the Special Fund received voluntary contributions "
                 "totalling ");
        s_put_sums(r, "fund.contributions_in_period");
        s_put(r, ".\n\n");
    } else {
        s_put(r, "The Special Fund received no contributions ");
        s_put_when(r, false);
        s_put(r, ".\n\n");
    }
}

static void s_fund(render_t *r)
{
    long long grants = s_count(r, "fund.grants_in_period.count");
    long long states = s_count(r, "fund.grants_in_period.states");
    const json_t *total = s_get(r, "fund.grants_in_period.total", JSON_OBJECT);
    if (grants && total && !json_object_size(total))
        s_fail(r, OPCAT_EINVAL, "fund.grants_in_period.total",
               "stats: grants were awarded but their total is empty");
    if (r->zh)
        s_fund_zh(r, grants, states);
    else
        s_fund_en(r, grants, states);
}

/* ------------------------------------------------------------------ */
/*  Section III.A: visits, places and interviews. */

/*  The places of 'places' by category, in the report's order; a key the
    report does not name counts as "other".  Returns the total. */
static long long s_place_counts(render_t *r, const json_t *places,
                                long long counts[PLACE_COUNT])
{
    long long total = 0;
    const char *key;
    const json_t *value;
    memset(counts, 0, PLACE_COUNT * sizeof *counts);
    json_object_foreach((json_t *)places, key, value)
    {
        size_t i = 0;
        while (i + 1 < PLACE_COUNT && strcmp(s_places[i].key, key) != 0)
            i++;
        long long n = s_member_count(r, places, "visits.places_in_period", key);
        counts[i] += n;
        total += n;
    }
    return total;
}

static void s_places_sentence(render_t *r)
{
    const json_t *places = s_get(r, "visits.places_in_period", JSON_OBJECT);
    long long counts[PLACE_COUNT];
    long long total = s_place_counts(r, places, counts);
    if (!total)
        return;
    if (r->zh)
        s_put(r, "小组委员会查访了%s个剥夺自由场所：", s_num(total).text);
    else
        s_put(r,
              "The Subcommittee visited %s places of deprivation of "
              "liberty: ",
              s_num(total).text);
    size_t left = 0, done = 0;
    for (size_t i = 0; i < PLACE_COUNT; i++)
        left += counts[i] != 0;
    for (size_t i = 0; i < PLACE_COUNT; i++) {
        if (!counts[i])
            continue;
        if (done++)
            s_put(r, "%s", r->zh ? "、" : done == left ? " and " : ", ");
        if (r->zh)
            s_put(r, "%s%s", s_num(counts[i]).text, s_places[i].zh);
        else
            s_put_things(r, counts[i], false, s_places[i].en_one,
                         s_places[i].en_many);
    }
    s_put(r, "%s", r->zh ? "。" : ".");
}

static void s_visits_zh(render_t *r, const json_t *done, const json_t *later,
                        long long interviews)
{
    s_put(r, "## 三. 查访\n\n### A. 本报告所述期间进行的查访\n\n");
    if (json_array_size(later)) {
        s_put(r, "原计划对");
        s_put_states(r, later, false);
        s_put(r, "进行的查访被推迟。");
    }
    if (!json_array_size(done)) {
        s_put(r, "小组委员会");
        s_put_when(r, false);
        s_put(r, "未进行查访。\n\n");
        return;
    }
    s_put(r, "根据《任择议定书》第11条和第13条规定的任务，小组委员会");
    s_put_when(r, false);
    s_put(r, "对以下国家进行了查访：");
    s_put_states(r, done, true);
    s_put(r, "。\n\n");
    if (interviews)
        s_put(r, "在这些查访期间，小组委员会进行了%s次单独和集体访谈。",
              s_num(interviews).text);
    s_places_sentence(r);
    s_put(r, "\n\n");
}

static void s_visits_en(render_t *r, const json_t *done, const json_t *later,
                        long long interviews)
{
    s_put(r, "## III. Visits\n\n### A. Visits conducted during the reporting "
             "period\n\n");
    size_t n = json_array_size(later);
    if (n) {
        s_put(r, "The %s planned to ", n == 1 ? "visit" : "visits");
        s_put_states(r, later, false);
        s_put(r, " %s postponed. ", n == 1 ? "was" : "were");
    }
    if (!json_array_size(done)) {
        s_put(r, "The Subcommittee conducted no visits ");
        s_put_when(r, false);
        s_put(r, ".\n\n");
        return;
    }
    s_put(r, "In accordance with its mandate under articles 11 and 13 of the "
             "Optional Protocol, the Subcommittee conducted ");
    s_put_things(r, (long long)json_array_size(done), true, "visit", "visits");
    s_put(r, " ");
    s_put_when(r, false);
    s_put(r, ", to ");
    s_put_states(r, done, false);
    s_put(r, ".\n\n");
    if (interviews)
        s_put(r,
              "During those visits, the Subcommittee conducted %s "
              "individual and group interviews. ",
              s_num(interviews).text);
    s_places_sentence(r);
    s_put(r, "\n\n");
}

static void s_visits(render_t *r)
{
    const json_t *done = s_states(r, "visits.completed_in_period");
    const json_t *later = s_states(r, "visits.postponed_in_period");
    long long interviews = s_count(r, "visits.interviews_in_period");
    if (r->zh)
        s_visits_zh(r, done, later, interviews);
    else
        s_visits_en(r, done, later, interviews);
}

/* ------------------------------------------------------------------ */
/*  Section III.B: visit reports. */

static void s_reports_zh(render_t *r, long long sent, const json_t *sent_now,
                         long long published, const json_t *published_now)
{
    s_put(r, "### B. 查访报告\n\n");
    s_put_as_at(r, true);
    s_put(r, "，小组委员会向缔约国转交了%s份查访报告", s_num(sent).text);
    if (json_array_size(sent_now)) {
        s_put(r, "，其中包括在报告所述期间向");
        s_put_states(r, sent_now, false);
        s_put(r, "转交的%s份查访报告",
              s_num((long long)json_array_size(sent_now)).text);
    }
    s_put(r, "。\n\n");
    if (!sent)
        return;
    s_put(r, "在向缔约国转交的%s份查访报告中，应缔约国的请求，",
          s_num(sent).text);
    s_put_as_at(r, true);
    s_put(r, "，共公布了%s份查访报告", s_num(published).text);
    if (json_array_size(published_now)) {
        s_put(r, "，其中包括本报告所述期间对");
        s_put_states(r, published_now, false);
        s_put(r, "%s国的查访报告",
              s_num((long long)json_array_size(published_now)).text);
    }
    s_put(r, "。\n\n");
}

static void s_reports_en(render_t *r, long long sent, const json_t *sent_now,
                         long long published, const json_t *published_now)
{
    s_put(r, "### B. Visit reports\n\n");
    s_put_as_at(r, true);
    s_put(r, ", the Subcommittee had transmitted ");
    s_put_things(r, sent, true, "visit report", "visit reports");
    s_put(r, " to States parties");
    if (json_array_size(sent_now)) {
        s_put(r, ", including ");
        s_put_count(r, (long long)json_array_size(sent_now), true);
        s_put(r, " transmitted during the reporting period, to ");
        s_put_states(r, sent_now, false);
    }
    s_put(r, ".\n\n");
    if (!sent)
        return;
    s_put(r, "Of the ");
    s_put_things(r, sent, true, "visit report", "visit reports");
    s_put(r, " transmitted to States parties, ");
    if (published)
        s_put_count(r, published, true);
    else
        s_put(r, "none");
    s_put(r, " had been published at the request of the States parties "
             "concerned ");
    s_put_as_at(r, false);
    if (json_array_size(published_now)) {
        s_put(r, ", including the %s on ",
              json_array_size(published_now) == 1 ? "report" : "reports");
        s_put_states(r, published_now, false);
        s_put(r, " published during the reporting period");
    }
    s_put(r, ".\n\n");
}

static void s_reports(render_t *r)
{
    long long sent = s_count(r, "reports.transmitted_total");
    const json_t *sent_now = s_states(r, "reports.transmitted_in_period");
    long long published = s_count(r, "reports.published_total");
    const json_t *published_now = s_states(r, "reports.published_in_period");
    if (r->zh)
        s_reports_zh(r, sent, sent_now, published, published_now);
    else
        s_reports_en(r, sent, sent_now, published, published_now);
}

/* ------------------------------------------------------------------ */
/*  Section III.C: replies and follow-up dialogues. */

/*  "截至2025年底"/"By the end of 2025" when the answer is as at 31
    December, else "截至<date>"/"As at <date>". */
static void s_put_by_end(render_t *r)
{
    int y, m, d;
    date_to_ymd(r->as_of, &y, &m, &d);
    if (m != 12 || d != 31)
        s_put_as_at(r, true);
    else
        s_put(r, r->zh ? "截至%d年底" : "By the end of %d", y);
}

static void s_replies_zh(render_t *r, const json_t *in, const json_t *out,
                         const json_t *state, const json_t *npm)
{
    size_t n = json_array_size(in);
    s_put(r, "### C. 各国对查访报告的回应和后续对话\n\n在本报告所述期间，"
             "小组委员会");
    if (n) {
        s_put(r, "收到了");
        s_put_states(r, in, false);
        if (n <= 10)
            s_put(r, "的%s份答复。", s_small_zh[n]);
        else
            s_put(r, "的%s份答复。", s_num((long long)n).text);
    } else {
        s_put(r, "未收到答复。");
    }
    if (json_array_size(out)) {
        s_put(r, "经请求，对");
        s_put_states(r, out, false);
        s_put(r, "的答复予以公开。");
    }
    s_put(r, "\n\n");
    s_put_when(r, true);
    s_put(r, "，");
    if (json_array_size(state)) {
        s_put(r, "与");
        s_put_states(r, state, false);
        s_put(r, "举行了后续对话。\n\n");
    } else {
        s_put(r, "未与缔约国举行后续对话。\n\n");
    }
    if (!json_array_size(npm))
        return;
    s_put_by_end(r);
    s_put(r, "，小组委员会与");
    s_put_states(r, npm, false);
    s_put(r, "的国家防范机制举行了后续对话。\n\n");
}

static void s_replies_en(render_t *r, const json_t *in, const json_t *out,
                         const json_t *state, const json_t *npm)
{
    size_t n = json_array_size(in);
    s_put(r, "### C. Replies to visit reports and follow-up dialogue\n\n"
             "During the reporting period, the Subcommittee received ");
    s_put_things(r, (long long)n, true, "reply", "replies");
    if (n) {
        s_put(r, ", from ");
        s_put_states(r, in, false);
    }
    s_put(r, ".");
    if (json_array_size(out)) {
        s_put(r, " At the request of the States parties concerned, the "
                 "replies of ");
        s_put_states(r, out, false);
        s_put(r, " were made public.");
    }
    s_put(r, "\n\n");
    if (json_array_size(state)) {
        s_put_when(r, true);
        s_put(r, ", follow-up dialogues were held with ");
        s_put_states(r, state, false);
    } else {
        s_put(r, "No follow-up dialogue with a State party was held ");
        s_put_when(r, false);
    }
    s_put(r, ".\n\n");
    if (!json_array_size(npm))
        return;
    s_put_by_end(r);
    s_put(r, ", the Subcommittee had held follow-up dialogues with the "
             "national preventive mechanisms of ");
    s_put_states(r, npm, false);
    s_put(r, ".\n\n");
}

static void s_replies(render_t *r)
{
    const json_t *in = s_states(r, "replies.received_in_period");
    const json_t *out = s_states(r, "replies.published_in_period");
    const json_t *state = s_states(r, "followup_dialogues_in_period.state");
    const json_t *npm = s_states(r, "followup_dialogues_in_period.npm");
    if (r->zh)
        s_replies_zh(r, in, out, state, npm);
    else
        s_replies_en(r, in, out, state, npm);
}

/* ------------------------------------------------------------------ */
/*  Section IV.A: national preventive mechanisms and the art. 17 list. */

static void s_npm_zh(render_t *r, const json_t *designated, const json_t *list)
{
    s_put(r, "## 四. 国家防范机制\n\n### A. 国家在防范机制方面的义务\n\n");
    s_put_when(r, true);
    if (json_array_size(designated)) {
        s_put(r, "，小组委员会接受并感谢");
        s_put_states(r, designated, false);
        s_put(r, "关于建立国家防范机制的通知。\n\n");
    } else {
        s_put(r, "，小组委员会未收到关于建立国家防范机制的通知。\n\n");
    }
    s_put_as_at(r, true);
    if (json_array_size(list)) {
        s_put(r, "，以下%s个缔约国被列入不遵守第17条的国家名单：",
              s_num((long long)json_array_size(list)).text);
        s_put_states(r, list, true);
        s_put(r, "。\n");
    } else {
        s_put(r, "，没有缔约国被列入不遵守第17条的国家名单。\n");
    }
}

static void s_npm_en(render_t *r, const json_t *designated, const json_t *list)
{
    s_put(r, "## IV. National preventive mechanisms\n\n### A. Obligations of "
             "States parties regarding national preventive mechanisms\n\n");
    if (json_array_size(designated)) {
        s_put_when(r, true);
        s_put(r, ", the Subcommittee received, with thanks, notifications of "
                 "the establishment of national preventive mechanisms from ");
        s_put_states(r, designated, false);
    } else {
        s_put(r, "The Subcommittee received no notification of the "
                 "establishment of a national preventive mechanism ");
        s_put_when(r, false);
    }
    s_put(r, ".\n\n");
    s_put_as_at(r, true);
    size_t n = json_array_size(list);
    if (n) {
        s_put(r, ", the following ");
        s_put_things(r, (long long)n, true, "State party was",
                     "States parties were");
        s_put(r, " on the list of States parties not in compliance with "
                 "article 17 of the Optional Protocol: ");
        s_put_states(r, list, false);
    } else {
        s_put(r, ", no State party was on the list of States parties not in "
                 "compliance with article 17 of the Optional Protocol");
    }
    s_put(r, ".\n");
}

static void s_npm(render_t *r)
{
    const json_t *designated = s_states(r, "npm.designated_in_period");
    const json_t *list = s_states(r, "npm.art17_list");
    if (r->zh)
        s_npm_zh(r, designated, list);
    else
        s_npm_en(r, designated, list);
}

/* ------------------------------------------------------------------ */

/*  Reads the date at 'path' into '*day'. */
static void s_date(render_t *r, const char *path, int32_t *day)
{
    const json_t *node = s_get(r, path, JSON_STRING);
    if (node && !date_parse(json_string_value(node), day))
        s_fail(r, OPCAT_EINVAL, path, "stats: \"%s\" is not a YYYY-MM-DD date",
               path);
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
        s_fail(r, OPCAT_EINVAL, "period",
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
    s_title(&r);
    s_parties(&r);
    s_fund(&r);
    s_visits(&r);
    s_reports(&r);
    s_replies(&r);
    s_npm(&r);
    if (r.failed) {
        free(r.data);
        return NULL;
    }
    return r.data;
}
