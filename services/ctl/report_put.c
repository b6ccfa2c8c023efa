/*  report_put: the renderer's primitives (see report_int.h).

    Output and the first error, the stats object read by dotted path, and
    the pieces every section writes in the rendering's language: State
    names and lists, counts, sums of money, dates and the period. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "report_int.h"

#define NAME_MAX_LEN 160

/*  One State of a list, with the key UN documents sort it by. */
typedef struct {
    char key[NAME_MAX_LEN];
    const char *code;
} list_item_t;

/*  Names the UN writes with "the" in running English text. */
static const char *const s_with_article[] = {
    "ARE", "BHS", "CAF", "COD", "COG", "COM", "DOM", "GBR",
    "GMB", "KOR", "LAO", "MDA", "MDV", "MHL", "NER", "PHL",
    "PRK", "PSE", "RUS", "SDN", "SLB", "SYR", "TZA", "USA"};

static const char *const s_month_en[] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

static const char *const s_small_en[] = {"no",    "one",  "two", "three",
                                         "four",  "five", "six", "seven",
                                         "eight", "nine"};

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
/*  Output, errors and the stats object. */

void render_fail(render_t *r, int code, const char *field, const char *fmt, ...)
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

void render_put(render_t *r, const char *fmt, ...)
{
    if (r->failed)
        return;
    va_list ap;
    va_start(ap, fmt);
    textbuf_vprintf(&r->out, fmt, ap);
    va_end(ap);
    if (r->out.failed)
        render_fail(r, OPCAT_ENOMEM, NULL, "out of memory");
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

const json_t *render_get(render_t *r, const char *path, json_type type)
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
        render_fail(r, OPCAT_EINVAL, path, "stats: \"%s\" is missing or not %s",
                    path, s_type_name(type));
        return NULL;
    }
    return node;
}

long long render_count(render_t *r, const char *path)
{
    const json_t *node = render_get(r, path, JSON_INTEGER);
    long long n = node ? json_integer_value(node) : 0;
    if (n < 0) {
        render_fail(r, OPCAT_EINVAL, path, "stats: \"%s\" is negative", path);
        n = 0;
    }
    return n;
}

long long render_member_count(render_t *r, const json_t *obj, const char *path,
                              const char *key)
{
    const json_t *node = obj ? json_object_get(obj, key) : NULL;
    if (!node)
        return 0;
    if (!json_is_integer(node) || json_integer_value(node) < 0) {
        render_fail(r, OPCAT_EINVAL, path, "stats: \"%s.%s\" is not a count",
                    path, key);
        return 0;
    }
    return json_integer_value(node);
}

const json_t *render_states(render_t *r, const char *path)
{
    const json_t *list = render_get(r, path, JSON_ARRAY);
    size_t i;
    const json_t *item;
    json_array_foreach(list, i, item)
    {
        const char *code = json_string_value(item);
        if (!code || !report_is_code(code)) {
            render_fail(r, OPCAT_EINVAL, path,
                        "stats: \"%s\" item %zu is not a State code", path, i);
            return NULL;
        }
    }
    return list;
}

/* ------------------------------------------------------------------ */
/*  Names, lists, numbers, money and dates. */

static bool s_takes_article(const char *code)
{
    for (size_t i = 0; i < sizeof s_with_article / sizeof *s_with_article; i++)
        if (strcmp(s_with_article[i], code) == 0)
            return true;
    return false;
}

/*  Writes the name of 'code' in the rendering's language; fails if the
    table of names lacks it. */
static void s_put_name(render_t *r, const char *code)
{
    const char *name = report_state_name(r->report, code, r->zh ? "zh" : "en");
    if (!name)
        render_fail(r, OPCAT_EINVAL, "state",
                    "no %s name for %s in " NAMES_FILE,
                    r->zh ? "Chinese" : "English", code);
    else if (!r->zh && s_takes_article(code))
        render_put(r, "the %s", name);
    else
        render_put(r, "%s", name);
}

static int s_item_cmp(const void *a, const void *b)
{
    return strcmp(((const list_item_t *)a)->key, ((const list_item_t *)b)->key);
}

void render_put_states(render_t *r, const json_t *list, bool all_commas)
{
    size_t n = json_array_size(list);
    list_item_t *items = n ? calloc(n, sizeof *items) : NULL;
    if (n && !items) {
        render_fail(r, OPCAT_ENOMEM, NULL, "out of memory");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        items[i].code = json_string_value(json_array_get(list, i));
        snprintf(items[i].key, sizeof items[i].key, "%s",
                 report_name_en(r->report, items[i].code));
    }
    qsort(items, n, sizeof *items, s_item_cmp);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && r->zh)
            render_put(r, "%s", i + 1 == n && !all_commas ? "和" : "、");
        else if (i > 0)
            render_put(r, "%s", i + 1 == n ? " and " : ", ");
        s_put_name(r, items[i].code);
    }
    free(items);
}

/*  Writes 'digits' (a string of digits) with thousands separators. */
static void s_put_grouped(render_t *r, const char *digits, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            render_put(r, ",");
        render_put(r, "%c", digits[i]);
    }
}

num_t render_num(long long n)
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

void render_put_count(render_t *r, long long n, bool words)
{
    if (!r->zh && words && n >= 0 && n < 10) {
        render_put(r, "%s", s_small_en[n]);
        return;
    }
    render_put(r, "%s", render_num(n).text);
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
        render_fail(r, OPCAT_EINVAL, path,
                    "stats: \"%s\": \"%s\" is not an amount", path, amount);
        return;
    }
    s_put_grouped(r, amount, whole);
    if (ncents && strspn(cents + 1, "0") != ncents)
        render_put(r, ".%s%s", cents + 1, ncents == 1 ? "0" : "");
}

/*  Writes one sum of money: "$423,926", "CHF 10,000", "423,926美元". */
static void s_put_money(render_t *r, const char *path, const char *currency,
                        const json_t *amount)
{
    const char *text = json_string_value(amount);
    if (!text || !report_is_code(currency)) {
        render_fail(r, OPCAT_EINVAL, path,
                    "stats: \"%s\": %s is not a currency and amount string",
                    path, currency);
        return;
    }
    const char *en = NULL, *zh = NULL;
    for (size_t i = 0; i < sizeof s_currencies / sizeof *s_currencies; i++)
        if (strcmp(s_currencies[i].code, currency) == 0)
            en = s_currencies[i].en, zh = s_currencies[i].zh;
    if (!r->zh)
        render_put(r, en ? "%s" : "%s ", en ? en : currency);
    s_put_amount(r, path, text);
    if (r->zh)
        render_put(r, zh ? "%s" : " %s", zh ? zh : currency);
}

static int s_currency_cmp(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    int dx = strcmp(x, "USD") != 0, dy = strcmp(y, "USD") != 0;
    return dx != dy ? dx - dy : strcmp(x, y);
}

size_t render_put_sums(render_t *r, const char *path)
{
    const json_t *sums = render_get(r, path, JSON_OBJECT);
    size_t n = json_object_size(sums), i = 0;
    const char **keys = n ? calloc(n, sizeof *keys) : NULL;
    if (n && !keys) {
        render_fail(r, OPCAT_ENOMEM, NULL, "out of memory");
        return 0;
    }
    const char *key;
    const json_t *value;
    json_object_foreach((json_t *)sums, key, value) keys[i++] = key;
    qsort(keys, n, sizeof *keys, s_currency_cmp);
    for (i = 0; i < n; i++) {
        if (i > 0)
            render_put(r, "%s", r->zh ? "和" : " and ");
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
        render_put(r, "%d年%d月%d日", y, m, d);
    else
        render_put(r, "%d %s %d", d, s_month_en[m - 1], y);
}

void render_put_period(render_t *r)
{
    int y1, m1, d1, y2, m2, d2;
    date_to_ymd(r->from, &y1, &m1, &d1);
    date_to_ymd(r->to, &y2, &m2, &d2);
    if (y1 != y2) {
        s_put_date(r, r->from);
        render_put(r, "%s", r->zh ? "至" : " to ");
        s_put_date(r, r->to);
    } else if (r->zh) {
        render_put(r, "%d年%d月%d日至%d月%d日", y1, m1, d1, m2, d2);
    } else {
        render_put(r, "%d %s to %d %s %d", d1, s_month_en[m1 - 1], d2,
                   s_month_en[m2 - 1], y2);
    }
}

void render_put_when(render_t *r, bool lead)
{
    int y, m, d;
    date_to_ymd(r->to, &y, &m, &d);
    if (r->zh && r->full_year)
        render_put(r, "%s%d年", lead ? "" : "在", y);
    else if (r->zh)
        render_put(r, "在本报告所述期间");
    else if (r->full_year)
        render_put(r, "%s %d", lead ? "In" : "in", y);
    else
        render_put(r, "%s the reporting period", lead ? "During" : "during");
}

void render_put_as_at(render_t *r, bool lead)
{
    render_put(r, "%s", r->zh ? "截至" : lead ? "As at " : "as at ");
    s_put_date(r, r->as_of);
}

void render_put_things(render_t *r, long long n, bool words, const char *one,
                       const char *many)
{
    render_put_count(r, n, words);
    render_put(r, " %s", n == 1 ? one : many);
}
