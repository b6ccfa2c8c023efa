/*  date: calendar dates as day numbers.

    A date is an int32_t counting days since 1970-01-01 (proleptic
    Gregorian), so comparisons and differences are integer arithmetic.
    Text form is strictly YYYY-MM-DD, years 1900-2999. */
#ifndef OPCAT_DATE_H
#define OPCAT_DATE_H

#include <stdbool.h>
#include <stdint.h>

#define DATE_TEXT_LEN 11 /* "YYYY-MM-DD" and its NUL */

/*  Parses 'text' (exactly YYYY-MM-DD, a real calendar date) into '*day'.
    Returns true on success; false leaves '*day' untouched. */
bool date_parse(const char *text, int32_t *day);

/*  Writes 'day' as YYYY-MM-DD into 'out' (DATE_TEXT_LEN bytes). */
void date_format(int32_t day, char out[DATE_TEXT_LEN]);

/*  Builds a day from its parts; 'month' 1-12, 'mday' 1-31 (not checked). */
int32_t date_from_ymd(int year, int month, int mday);

/*  Splits 'day' into year, month (1-12) and day of month. */
void date_to_ymd(int32_t day, int *year, int *month, int *mday);

/*  Adds 'months' calendar months; a day past the end of the target month
    is clamped to its last day (31 Aug + 6 months = 28 or 29 Feb). */
int32_t date_add_months(int32_t day, int months);

/*  The earlier of two days. */
static inline int32_t date_min(int32_t a, int32_t b)
{
    return a < b ? a : b;
}

/*  Whether 'year' is a Gregorian leap year. */
bool date_is_leap(int year);

/*  A day as a 4-byte key whose byte order is date order (the day number
    plus 2^31, big-endian), for LMDB keys that must sort by date. */
void date_key_put(uint8_t out[4], int32_t day);
int32_t date_key_get(const uint8_t in[4]);

#endif
