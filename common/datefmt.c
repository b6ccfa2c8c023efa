/*  datefmt: a date's possible days and its text at its precision. */
#include "datefmt.h"

#include <stdio.h>
#include <string.h>

#include "date.h"

static const char *const s_names[] = {"day", "month", "year", "not_after"};

#define PRECISIONS ((int)(sizeof s_names / sizeof s_names[0]))

static const char *const s_month_en[] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

const char *datefmt_month_en(int month)
{
    return s_month_en[(month - 1) % 12];
}

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

#define DAY_MAX 32 /* bytes of a day's text: "30 September 2999" */

int datefmt_precision_of(int32_t earliest, int32_t latest)
{
    if (earliest == DATEFMT_UNBOUNDED)
        return DATEFMT_NOT_AFTER;
    if (earliest == latest)
        return DATEFMT_DAY;
    if (earliest == datefmt_earliest(latest, DATEFMT_MONTH) &&
        latest == datefmt_latest(latest, DATEFMT_MONTH))
        return DATEFMT_MONTH;
    return DATEFMT_YEAR;
}

/*  The day itself, in 'style'. */
static void s_day(int y, int m, int d, datefmt_style_t style, char out[DAY_MAX])
{
    if (style == DATEFMT_EN)
        snprintf(out, DAY_MAX, "%d %s %d", d, s_month_en[m - 1], y);
    else if (style == DATEFMT_ZH)
        snprintf(out, DAY_MAX, "%d年%d月%d日", y, m, d);
    else
        snprintf(out, DAY_MAX, "%04d-%02d-%02d", y, m, d);
}

void datefmt_format(int32_t day, int precision, datefmt_style_t style,
                    char out[DATEFMT_MAX])
{
    int y, m, d;
    char text[DAY_MAX];
    date_to_ymd(day, &y, &m, &d);
    switch (precision) {
    case DATEFMT_MONTH:
        if (style == DATEFMT_EN)
            snprintf(out, DATEFMT_MAX, "%s %d", s_month_en[m - 1], y);
        else if (style == DATEFMT_ZH)
            snprintf(out, DATEFMT_MAX, "%d年%d月", y, m);
        else
            snprintf(out, DATEFMT_MAX, "%04d-%02d", y, m);
        return;
    case DATEFMT_YEAR:
        snprintf(out, DATEFMT_MAX, style == DATEFMT_ZH ? "%d年" : "%d", y);
        return;
    case DATEFMT_NOT_AFTER:
        s_day(y, m, d, style, text);
        snprintf(out, DATEFMT_MAX, "%s%s",
                 style == DATEFMT_ZH ? "不晚于" : "by ", text);
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
    else if (style == DATEFMT_ZH)
        snprintf(out, DATEFMT_MAX, "最迟%s", text);
    else
        snprintf(out, DATEFMT_MAX, "%s at the latest", text);
}
