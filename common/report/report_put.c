/*  report_put: the renderer's primitives (see report_put.h).

    Output and the first error, the stats object read by dotted path, the
    templates of a table language with the pieces put in their places,
    and the pieces every section writes in the rendering's language:
    State names and lists, counts, sums of money, dates and the period.
    The bottom of the renderer: it calls none of the other files. */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "datefmt.h"
#include "report_put.h"

#define NAME_MAX_LEN 160

/*  One State of a list, with the key UN documents sort it by. */
typedef struct {
    char key[NAME_MAX_LEN];
    const char *code;
} list_item_t;

/*  Names the UN writes with "the" in running English text. */
static const char *const s_with_article[] = {
    "ARE", "BHS", "CAF", "COD", "COG", "COM", "DOM", "GBR",
    "GMB", "KOR", "LAO", "MDA", "MHL", "NER", "PHL", "PRK",
    "PSE", "RUS", "SDN", "SYR", "TZA", "USA"};

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

bool render_stated(render_t *r, const char *path, long long *n)
{
    const char *dot = strrchr(path, '.');
    char parent[64];
    if (!dot || (size_t)(dot - path) >= sizeof parent || r->failed)
        return false;
    memcpy(parent, path, (size_t)(dot - path));
    parent[dot - path] = '\0';
    const json_t *obj = json_object_get(r->stats, parent);
    if (!json_object_get(obj, dot + 1) || render_incomplete(r, path))
        return false;
    *n = render_member_count(r, obj, parent, dot + 1);
    return !r->failed;
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
        if (!code || !render_is_code(code)) {
            render_fail(r, OPCAT_EINVAL, path,
                        "stats: \"%s\" item %zu is not a State code", path, i);
            return NULL;
        }
    }
    return list;
}

/* ------------------------------------------------------------------ */
/*  Templates and pieces. */

void render_sayv(render_t *r, const char *tpl, const char *const *args,
                 size_t n)
{
    const char *p = tpl;
    while (!r->failed && p && *p) {
        const char *brace = strchr(p, '{');
        if (!brace) {
            render_put(r, "%s", p);
            return;
        }
        bool slot = brace[1] >= '0' && brace[1] <= '9' && brace[2] == '}';
        render_put(r, "%.*s", (int)(brace - p) + !slot, p);
        if (slot) {
            size_t i = (size_t)(brace[1] - '0');
            render_put(r, "%s", i < n && args[i] ? args[i] : "");
        }
        p = brace + (slot ? 3 : 1);
    }
}

void render_begin(render_t *r, textbuf_t *saved)
{
    *saved = r->out;
    r->out = (textbuf_t){0};
}

const char *render_end(render_t *r, textbuf_t *saved, pieces_t *keep)
{
    char *text = textbuf_take(&r->out, NULL);
    r->out = *saved;
    if (!text)
        render_fail(r, OPCAT_ENOMEM, NULL, "out of memory");
    if (text && keep->n < PIECES_MAX) {
        keep->text[keep->n++] = text;
        return text;
    }
    free(text);
    if (text)
        render_fail(r, OPCAT_ENOMEM, NULL, "report: too many pieces");
    return "";
}

void render_pieces_free(pieces_t *keep)
{
    for (size_t i = 0; i < keep->n; i++)
        free(keep->text[i]);
    keep->n = 0;
}

/* ------------------------------------------------------------------ */
/*  Names, lists, numbers, money and dates. */

bool render_is_code(const char *text)
{
    return strlen(text) == 3 && isupper((unsigned char)text[0]) &&
           isupper((unsigned char)text[1]) && isupper((unsigned char)text[2]);
}

const char *render_name_en(const render_t *r, const char *code)
{
    const char *name = names_en(r->names, code);
    return name ? name : code;
}

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
    const char *lang = r->lang ? r->lang->code : r->zh ? "zh" : "en";
    const char *name = names_in(r->names, code, lang);
    if (!name)
        render_fail(r, OPCAT_EINVAL, "state",
                    "no name in language %s for %s in " NAMES_FILE, lang, code);
    else if (!r->zh && !r->lang && s_takes_article(code))
        render_put(r, "the %s", name);
    else
        render_put(r, "%s", name);
}

void render_put_and(render_t *r, const char *next)
{
    const char *and_ = r->lang ? r->lang->and_ : " and ";
    if (r->lang && r->lang->and_i && next &&
        ((next[0] == 'I' || next[0] == 'i') ||
         (strncmp(next, "Hi", 2) == 0 && next[2] && !strchr("aeou", next[2]))))
        and_ = r->lang->and_i;
    render_put(r, "%s", and_);
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
                 render_name_en(r, items[i].code));
    }
    if (n) /* qsort wants a pointer even for nothing to sort */
        qsort(items, n, sizeof *items, s_item_cmp);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && r->lang && i + 1 == n)
            render_put_and(r, names_in(r->names, items[i].code, r->lang->code));
        else if (i > 0 && r->lang)
            render_put(r, "%s", r->lang->sep);
        else if (i > 0 && r->zh)
            render_put(r, "%s", i + 1 == n && !all_commas ? "和" : "、");
        else if (i > 0)
            render_put(r, "%s", i + 1 == n ? " and " : ", ");
        s_put_name(r, items[i].code);
    }
    free(items);
}

/*  Writes 'digits' (a string of digits) with the language's thousands
    separators. */
static void s_put_grouped(render_t *r, const char *digits, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            render_put(r, "%s", r->lang ? r->lang->group : ",");
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
    if (!r->zh && !r->lang && words && n >= 0 && n < 10) {
        render_put(r, "%s", s_small_en[n]);
        return;
    }
    if (r->lang && n >= 0) {
        char digits[24];
        int len = snprintf(digits, sizeof digits, "%lld", n);
        s_put_grouped(r, digits, (size_t)len);
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
        render_put(r, "%s%s%s", r->lang ? r->lang->decimal : ".", cents + 1,
                   ncents == 1 ? "0" : "");
}

/*  One sum in a table language: "423 926 dollars des États-Unis". */
static void s_put_money_in(render_t *r, const char *path, const char *currency,
                           const char *amount)
{
    textbuf_t saved;
    pieces_t p = {0};
    render_begin(r, &saved);
    s_put_amount(r, path, amount);
    const char *figure = render_end(r, &saved, &p);
    const char *tpl = strcmp(currency, "USD") == 0   ? r->lang->usd
                      : strcmp(currency, "EUR") == 0 ? r->lang->eur
                                                     : r->lang->money;
    render_say(r, tpl, figure, currency);
    render_pieces_free(&p);
}

void render_put_money(render_t *r, const char *path, const char *currency,
                      const json_t *amount)
{
    const char *text = json_string_value(amount);
    if (!text || !render_is_code(currency)) {
        render_fail(r, OPCAT_EINVAL, path,
                    "stats: \"%s\": %s is not a currency and amount string",
                    path, currency);
        return;
    }
    if (r->lang) {
        s_put_money_in(r, path, currency, text);
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
    if (n)
        qsort(keys, n, sizeof *keys, s_currency_cmp);
    for (i = 0; i < n; i++) {
        if (i > 0)
            render_put(r, "%s",
                       r->lang ? r->lang->and_
                       : r->zh ? "和"
                               : " and ");
        render_put_money(r, path, keys[i], json_object_get(sums, keys[i]));
    }
    free(keys);
    return n;
}

void render_put_day(render_t *r, int32_t day)
{
    render_put_date(r, day, DATEFMT_DAY);
}

void render_put_date(render_t *r, int32_t day, int precision)
{
    char text[DATEFMT_MAX];
    datefmt_style_t style = r->lang ? (datefmt_style_t)r->lang->style
                            : r->zh ? DATEFMT_ZH
                                    : DATEFMT_EN;
    datefmt_format(day, precision, style, text);
    render_put(r, "%s", text);
}

void render_put_period(render_t *r)
{
    if (r->lang) {
        render_put_range(r, r->from, r->to, true);
        return;
    }
    int y1, m1, d1, y2, m2, d2;
    date_to_ymd(r->from, &y1, &m1, &d1);
    date_to_ymd(r->to, &y2, &m2, &d2);
    if (y1 != y2) {
        render_put_day(r, r->from);
        render_put(r, "%s", r->zh ? "至" : " to ");
        render_put_day(r, r->to);
    } else if (r->zh) {
        render_put(r, "%d年%d月%d日至%d月%d日", y1, m1, d1, m2, d2);
    } else {
        render_put(r, "%d %s to %d %s %d", d1, datefmt_month_en(m1), d2,
                   datefmt_month_en(m2), y2);
    }
}

void render_put_when(render_t *r, bool lead)
{
    int y, m, d;
    date_to_ymd(r->to, &y, &m, &d);
    if (r->lang) {
        char year[16];
        snprintf(year, sizeof year, "%d", y);
        if (r->full_year)
            render_say(r, lead ? r->lang->in_year : r->lang->in_year_mid, year);
        else
            render_put(r, "%s",
                       lead ? r->lang->in_period : r->lang->in_period_mid);
        return;
    }
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
    if (r->lang) {
        char day[DATEFMT_MAX];
        datefmt_format(r->as_of, DATEFMT_DAY, (datefmt_style_t)r->lang->style,
                       day);
        render_say(r, lead ? r->lang->as_at : r->lang->as_at_mid, day);
        return;
    }
    render_put(r, "%s", r->zh ? "截至" : lead ? "As at " : "as at ");
    render_put_day(r, r->as_of);
}

void render_put_things(render_t *r, long long n, bool words, const char *one,
                       const char *many)
{
    render_put_count(r, n, words);
    render_put(r, " %s", n == 1 ? one : many);
}

/* ------------------------------------------------------------------ */
/*  Ranges of days, ordinals, items and figures not recorded. */

void render_put_range(render_t *r, int32_t from, int32_t to, bool year)
{
    if (r->lang) { /* the two days in full: no agreement to get wrong */
        char first[DATEFMT_MAX], last[DATEFMT_MAX];
        datefmt_format(from, DATEFMT_DAY, (datefmt_style_t)r->lang->style,
                       first);
        datefmt_format(to, DATEFMT_DAY, (datefmt_style_t)r->lang->style, last);
        render_say(r, r->lang->range, first, last);
        return;
    }
    int y1, m1, d1, y2, m2, d2;
    date_to_ymd(from, &y1, &m1, &d1);
    date_to_ymd(to, &y2, &m2, &d2);
    if (y1 != y2) {
        render_put_day(r, from);
        render_put(r, "%s", r->zh ? "至" : "–");
        render_put_day(r, to);
        return;
    }
    if (r->zh) {
        if (year)
            render_put(r, "%d年", y1);
        render_put(r, "%d月%d日至", m1, d1);
        if (m2 != m1)
            render_put(r, "%d月", m2);
        render_put(r, "%d日", d2);
        return;
    }
    if (m1 == m2)
        render_put(r, "%d–%d %s", d1, d2, datefmt_month_en(m2));
    else
        render_put(r, "%d %s–%d %s", d1, datefmt_month_en(m1), d2,
                   datefmt_month_en(m2));
    if (year)
        render_put(r, " %d", y2);
}

void render_put_ordinal(render_t *r, long long n, bool capital)
{
    static const char *const units[] = {
        "",          "first",     "second",      "third",      "fourth",
        "fifth",     "sixth",     "seventh",     "eighth",     "ninth",
        "tenth",     "eleventh",  "twelfth",     "thirteenth", "fourteenth",
        "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth"};
    static const char *const tens[] = {"",      "",     "twent", "thirt",
                                       "fort",  "fift", "sixt",  "sevent",
                                       "eight", "ninet"};
    static const char *const digits_zh[] = {"",   "一", "二", "三", "四",
                                            "五", "六", "七", "八", "九"};
    char text[48];
    if (n < 1 || n > 99)
        snprintf(text, sizeof text, r->zh ? "第%lld" : "%lldth", n);
    else if (r->zh)
        snprintf(text, sizeof text, "第%s%s%s",
                 n >= 20 ? digits_zh[n / 10] : "", n >= 10 ? "十" : "",
                 digits_zh[n % 10]);
    else if (n < 20)
        snprintf(text, sizeof text, "%s", units[n]);
    else if (n % 10 == 0)
        snprintf(text, sizeof text, "%sieth", tens[n / 10]);
    else
        snprintf(text, sizeof text, "%sy-%s", tens[n / 10], units[n % 10]);
    if (capital && !r->zh)
        text[0] = (char)toupper((unsigned char)text[0]);
    render_put(r, "%s", text);
}

const json_t *render_items(render_t *r, const char *path)
{
    const json_t *list = render_get(r, path, JSON_ARRAY);
    size_t i;
    const json_t *item;
    json_array_foreach(list, i, item)
    {
        if (!json_is_object(item)) {
            render_fail(r, OPCAT_EINVAL, path,
                        "stats: \"%s\" item %zu is not an object", path, i);
            return NULL;
        }
    }
    return list;
}

int32_t render_item_date(render_t *r, const json_t *item, const char *path,
                         const char *key, bool optional)
{
    const json_t *node = json_object_get(item, key);
    int32_t day = 0;
    if (optional && (!node || json_is_null(node)))
        return INT32_MIN;
    if (!json_is_string(node) || !date_parse(json_string_value(node), &day))
        render_fail(r, OPCAT_EINVAL, path,
                    "stats: \"%s\": \"%s\" is not a YYYY-MM-DD date", path,
                    key);
    return day;
}

const char *render_item_code(render_t *r, const json_t *item, const char *path)
{
    const char *code = json_string_value(json_object_get(item, "state"));
    if (!code || !render_is_code(code)) {
        render_fail(r, OPCAT_EINVAL, path,
                    "stats: \"%s\": an item's \"state\" is not a State code",
                    path);
        return NULL;
    }
    return code;
}

void render_put_state(render_t *r, const char *code, bool lead)
{
    if (lead && !r->zh && s_takes_article(code)) {
        const char *name = names_in(r->names, code, "en");
        render_put(r, "The %s", name ? name : code);
        return;
    }
    s_put_name(r, code);
}

bool render_incomplete(render_t *r, const char *path)
{
    const json_t *list = json_object_get(r->stats, "incomplete");
    size_t i;
    const json_t *item;
    json_array_foreach(list, i, item)
    {
        const char *key = json_string_value(item);
        size_t n = key ? strlen(key) : 0;
        if (n && strncmp(path, key, n) == 0 && (!path[n] || path[n] == '.'))
            return true;
    }
    return false;
}

/*  The figures not recorded, as the English and Chinese sentences name
    them (the other languages' are in their tables). */
static const char *const s_what_en[WHAT_COUNT] = {
    "number of sessions held",
    "amount of the grants awarded by the Special Fund",
    "amount of the contributions received by the Special Fund",
    "number of visits conducted",
    "notification of national preventive mechanisms",
    ("list of States parties not in compliance with article 17 of the "
     "Optional Protocol"),
    "number of national preventive mechanisms designated",
    "announcement of visits",
    "number of States parties",
    "number of signatories",
    "list of States that became parties"};
static const char *const s_what_zh[WHAT_COUNT] = {"小组委员会举行的届会",
                                                  "特别基金发放的赠款",
                                                  "特别基金收到的捐款",
                                                  "小组委员会进行的查访",
                                                  "关于建立国家防范机制的通知",
                                                  "不遵守第17条的国家名单",
                                                  "国家防范机制的数目",
                                                  "宣布的查访",
                                                  "缔约国数目",
                                                  "签署国数目",
                                                  "成为缔约国的国家"};

/*  "Nombre de sessions tenues (en 2010) : information non consignée." */
static void s_not_recorded_in(render_t *r, what_t what, bool as_at)
{
    textbuf_t saved;
    pieces_t p = {0};
    render_begin(r, &saved);
    if (as_at)
        render_put_as_at(r, false);
    else
        render_put_when(r, false);
    const char *when = render_end(r, &saved, &p);
    render_say(r, r->lang->not_recorded, r->lang->what[what], when);
    render_put(r, "\n\n");
    render_pieces_free(&p);
}

bool render_not_recorded(render_t *r, const char *path, what_t what, bool as_at)
{
    if (!render_incomplete(r, path))
        return false;
    if (r->lang) {
        s_not_recorded_in(r, what, as_at);
        return true;
    }
    if (r->zh) {
        if (as_at)
            render_put_as_at(r, true);
        else
            render_put_when(r, true);
        render_put(r, "，%s未记录。\n\n", s_what_zh[what]);
        return true;
    }
    render_put(r, "The %s ", s_what_en[what]);
    if (as_at)
        render_put_as_at(r, false);
    else
        render_put_when(r, false);
    render_put(r, " is not recorded.\n\n");
    return true;
}
