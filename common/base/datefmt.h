/*  datefmt: dates at the precision they are known to (DOMAIN.md, "What is
    known, and how well"; the convention is in docs/DOMAIN.md).

    A date known only to the month or year stands for that period; one
    known as "not after" stands for every day up to it.  Computations take
    the latest possible day (datefmt_latest), so a deadline computed from
    an imprecise date is an upper bound; views print a date at its
    precision and such a deadline as one.  The precision numbers are the
    Precision enum of proto/opcat/v1/event.proto. */
#ifndef OPCAT_DATEFMT_H
#define OPCAT_DATEFMT_H

#include <stdbool.h>
#include <stdint.h>

enum {
    DATEFMT_DAY = 0, /* known to the day: the default */
    DATEFMT_MONTH = 1,
    DATEFMT_YEAR = 2,
    DATEFMT_NOT_AFTER = 3 /* on or before the date, the day unknown */
};

#define DATEFMT_MAX 128 /* bytes of any formatted date and its NUL */

/*  An earliest day that has no bound (a not_after date). */
#define DATEFMT_UNBOUNDED INT32_MIN

/*  The styles: ISO "2024-05-03" (CLI, JSON), and the report's six
    languages as UN documents write a date: English "3 May 2024", Chinese
    "2024年5月3日", French "3 mai 2024" ("1er mai 2024"), Spanish "3 de
    mayo de 2024", Russian "3 мая 2024 года", Arabic "3 أيار/مايو 2024"
    (Western digits, as UN Arabic documents write them). */
typedef enum {
    DATEFMT_ISO,
    DATEFMT_EN,
    DATEFMT_ZH,
    DATEFMT_FR,
    DATEFMT_ES,
    DATEFMT_RU,
    DATEFMT_AR
} datefmt_style_t;

/*  The style of language 'lang' ("en", "zh", "fr", "es", "ru", "ar"; "iso"
    for ISO), or -1 if there is none. */
int datefmt_style_of(const char *lang);

/*  The English name of month 'month' (1-12), e.g. "May". */
const char *datefmt_month_en(int month);

/*  "day", "month", "year" or "not_after"; NULL for any other number. */
const char *datefmt_precision_name(int precision);

/*  The precision named 'name', or -1 if it names none. */
int datefmt_precision_parse(const char *name);

/*  Whether 'precision' is anything but day. */
bool datefmt_is_imprecise(int precision);

/*  The latest day 'day' at 'precision' may stand for: the month's or
    year's last day, else 'day' itself. */
int32_t datefmt_latest(int32_t day, int precision);

/*  The earliest: the month's or year's first day, DATEFMT_UNBOUNDED for
    not_after, else 'day' itself. */
int32_t datefmt_earliest(int32_t day, int precision);

/*  The precision of a date whose possible days are 'earliest'..'latest'
    (as datefmt_earliest() and datefmt_latest() give them): the inverse of
    those two, for records that keep a date as its two bounds.  A range
    that is neither one day, nor a whole month or year (a not_after date
    with a lower bound) is not_after. */
int datefmt_precision_of(int32_t earliest, int32_t latest);

/*  Writes 'day' at 'precision' in 'style' into 'out':
        day        2024-05-03       3 May 2024           2024年5月3日
        month      2024-05          May 2024             2024年5月
        year       2024             2024                 2024年
        not_after  by 2024-12-31    by 31 December 2024  不晚于2024年12月31日
    and in French, Spanish, Russian and Arabic
        day        3 mai 2024, 3 de mayo de 2024, 3 мая 2024 года,
                   3 أيار/مايو 2024
        month      mai 2024, mayo de 2024, май 2024 года, أيار/مايو 2024
        year       2024, 2024, 2024 год, 2024
        not_after  au plus tard le 31 décembre 2024, a más tardar el 31 de
                   diciembre de 2024, не позднее 31 декабря 2024 года,
                   في موعد أقصاه 31 كانون الأول/ديسمبر 2024
    An unknown precision prints as a day. */
void datefmt_format(int32_t day, int precision, datefmt_style_t style,
                    char out[DATEFMT_MAX]);

/*  Writes a deadline 'due' into 'out'; with 'upper_bound' (it was computed
    from an imprecise date) it says so: "2025-06-30 at the latest",
    "30 June 2025 at the latest", "最迟2025年6月30日", "le 30 juin 2025 au
    plus tard", "el 30 de junio de 2025 a más tardar", "не позднее 30
    июня 2025 года", "30 حزيران/يونيه 2025 كحد أقصى". */
void datefmt_deadline(int32_t due, bool upper_bound, datefmt_style_t style,
                      char out[DATEFMT_MAX]);

#endif
