/*  datefmt: a date's possible days and its text at its precision. */
#include "datefmt.h"

#include <stdio.h>
#include <string.h>

#include "date.h"

static const char *const s_names[] = {"day", "month", "year", "not_after"};

#define PRECISIONS ((int)(sizeof s_names / sizeof s_names[0]))

const char *datefmt_precision_name(int precision)
{
    return precision >= 0 && precision < PRECISIONS ? s_names[precision] : NULL;
}

int datefmt_precision_parse(const char *name)
{
    for (int i = 0; name && i < PRECISIONS; i++)
        if (strcmp(name, s_names[i]) == 0)
            return i;
    return -1;
}

bool datefmt_is_imprecise(int precision)
{
    return precision != DATEFMT_DAY;
}

int32_t datefmt_latest(int32_t day, int precision)
{
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    if (precision == DATEFMT_MONTH)
        return date_add_months(date_from_ymd(y, m, 1), 1) - 1;
    if (precision == DATEFMT_YEAR)
        return date_from_ymd(y, 12, 31);
    return day;
}

int32_t datefmt_earliest(int32_t day, int precision)
{
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    if (precision == DATEFMT_MONTH)
        return date_from_ymd(y, m, 1);
    if (precision == DATEFMT_YEAR)
        return date_from_ymd(y, 1, 1);
    if (precision == DATEFMT_NOT_AFTER)
        return DATEFMT_UNBOUNDED;
    return day;
}

#define DAY_MAX 96 /* bytes of a day's text: "30 تشرين الثاني/نوفمبر 2999" */

int datefmt_precision_of(int32_t earliest, int32_t latest)
{
    if (earliest == DATEFMT_UNBOUNDED)
        return DATEFMT_NOT_AFTER;
    if (earliest == latest)
        return DATEFMT_DAY;
    if (earliest == datefmt_earliest(latest, DATEFMT_MONTH) &&
        latest == datefmt_latest(latest, DATEFMT_MONTH))
        return DATEFMT_MONTH;
    if (earliest == datefmt_earliest(latest, DATEFMT_YEAR) &&
        latest == datefmt_latest(latest, DATEFMT_YEAR))
        return DATEFMT_YEAR;
    /* any other range (a not_after date bounded from below): its upper
       bound is what can be printed truly */
    return DATEFMT_NOT_AFTER;
}

/*  How a style writes a date: the month names, the day ("%1$d" day,
    "%2$s" month, "%3$d" year, in the language's order), the month ("%1$s"
    month, "%2$d" year), the year and the two phrases of an upper bound
    ("%s" the day's text).  UN usage: French "1er" for the first of a
    month, Russian months in the genitive after a day, Arabic the
    Levantine and the Egyptian month names joined by a slash. */
typedef struct {
    const char *months[12];
    const char *day, *first_day, *month, *year, *not_after, *at_latest;
} style_t;

static const style_t s_styles[] = {
    [DATEFMT_ISO] =
        {{NULL}, NULL, NULL, NULL, "%d", "by %s", "%s at the latest"},
    [DATEFMT_EN] = {{"January", "February", "March", "April", "May", "June",
                     "July", "August", "September", "October", "November",
                     "December"},
                    "%1$d %2$s %3$d",
                    NULL,
                    "%1$s %2$d",
                    "%d",
                    "by %s",
                    "%s at the latest"},
    [DATEFMT_ZH] = {{NULL}, NULL, NULL, NULL, "%d年", "不晚于%s", "最迟%s"},
    [DATEFMT_FR] = {{"janvier", "février", "mars", "avril", "mai", "juin",
                     "juillet", "août", "septembre", "octobre", "novembre",
                     "décembre"},
                    "%1$d %2$s %3$d",
                    "%1$der %2$s %3$d",
                    "%1$s %2$d",
                    "%d",
                    "au plus tard le %s",
                    "le %s au plus tard"},
    [DATEFMT_ES] = {{"enero", "febrero", "marzo", "abril", "mayo", "junio",
                     "julio", "agosto", "septiembre", "octubre", "noviembre",
                     "diciembre"},
                    "%1$d de %2$s de %3$d",
                    NULL,
                    "%1$s de %2$d",
                    "%d",
                    "a más tardar el %s",
                    "el %s a más tardar"},
    [DATEFMT_RU] = {{"января", "февраля", "марта", "апреля", "мая", "июня",
                     "июля", "августа", "сентября", "октября", "ноября",
                     "декабря"},
                    "%1$d %2$s %3$d года",
                    NULL,
                    NULL, /* the nominative: s_month_ru */
                    "%d год",
                    "не позднее %s",
                    "не позднее %s"},
    [DATEFMT_AR] = {{"كانون الثاني/يناير", "شباط/فبراير", "آذار/مارس",
                     "نيسان/أبريل", "أيار/مايو", "حزيران/يونيه", "تموز/يوليه",
                     "آب/أغسطس", "أيلول/سبتمبر", "تشرين الأول/أكتوبر",
                     "تشرين الثاني/نوفمبر", "كانون الأول/ديسمبر"},
                    "%1$d %2$s %3$d",
                    NULL,
                    "%1$s %2$d",
                    "%d",
                    "في موعد أقصاه %s",
                    "%s كحد أقصى"}};

/*  Russian months standing alone (a month and its year). */
static const char *const s_month_ru[] = {
    "январь", "февраль", "март",     "апрель",  "май",    "июнь",
    "июль",   "август",  "сентябрь", "октябрь", "ноябрь", "декабрь"};

static const style_t *s_style(datefmt_style_t style)
{
    return (unsigned)style < sizeof s_styles / sizeof s_styles[0]
               ? &s_styles[style]
               : &s_styles[DATEFMT_ISO];
}

const char *datefmt_month_en(int month)
{
    return s_styles[DATEFMT_EN].months[(month - 1) % 12];
}

int datefmt_style_of(const char *lang)
{
    static const char *const langs[] = {"iso", "en", "zh", "fr",
                                        "es",  "ru", "ar"};
    for (int i = 0; lang && i < (int)(sizeof langs / sizeof *langs); i++)
        if (strcmp(lang, langs[i]) == 0)
            return i;
    return -1;
}

/*  The day itself, in 'style'. */
static void s_day(int y, int m, int d, datefmt_style_t style, char out[DAY_MAX])
{
    const style_t *st = s_style(style);
    if (style == DATEFMT_ZH)
        snprintf(out, DAY_MAX, "%d年%d月%d日", y, m, d);
    else if (!st->day)
        snprintf(out, DAY_MAX, "%04d-%02d-%02d", y, m, d);
    else
        snprintf(out, DAY_MAX,
                 d == 1 && st->first_day ? st->first_day : st->day, d,
                 st->months[m - 1], y);
}

/*  The month 'm' of year 'y', in 'style'. */
static void s_month(int y, int m, datefmt_style_t style, char out[DATEFMT_MAX])
{
    const style_t *st = s_style(style);
    if (style == DATEFMT_ZH)
        snprintf(out, DATEFMT_MAX, "%d年%d月", y, m);
    else if (style == DATEFMT_RU)
        snprintf(out, DATEFMT_MAX, "%s %d года", s_month_ru[m - 1], y);
    else if (!st->month)
        snprintf(out, DATEFMT_MAX, "%04d-%02d", y, m);
    else
        snprintf(out, DATEFMT_MAX, st->month, st->months[m - 1], y);
}

void datefmt_format(int32_t day, int precision, datefmt_style_t style,
                    char out[DATEFMT_MAX])
{
    int y, m, d;
    char text[DAY_MAX];
    date_to_ymd(day, &y, &m, &d);
    switch (precision) {
    case DATEFMT_MONTH:
        s_month(y, m, style, out);
        return;
    case DATEFMT_YEAR:
        snprintf(out, DATEFMT_MAX, s_style(style)->year, y);
        return;
    case DATEFMT_NOT_AFTER:
        s_day(y, m, d, style, text);
        snprintf(out, DATEFMT_MAX, s_style(style)->not_after, text);
        return;
    default:
        s_day(y, m, d, style, out);
        return;
    }
}

void datefmt_deadline(int32_t due, bool upper_bound, datefmt_style_t style,
                      char out[DATEFMT_MAX])
{
    int y, m, d;
    char text[DAY_MAX];
    date_to_ymd(due, &y, &m, &d);
    s_day(y, m, d, style, text);
    if (!upper_bound)
        snprintf(out, DATEFMT_MAX, "%s", text);
    else
        snprintf(out, DATEFMT_MAX, s_style(style)->at_latest, text);
}
