/*  date: day numbers <-> civil dates (Howard Hinnant's algorithms). */
#include "date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool date_is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int s_days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && date_is_leap(year))
        return 29;
    return days[month - 1];
}

int32_t date_from_ymd(int year, int month, int mday)
{
    int y = year - (month <= 2);
    int era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned mp = (unsigned)(month + (month > 2 ? -3 : 9));
    unsigned doy = (153 * mp + 2) / 5 + (unsigned)mday - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int32_t)doe - 719468;
}

void date_to_ymd(int32_t day, int *year, int *month, int *mday)
{
    int64_t z = (int64_t)day + 719468; /* no overflow at INT32_MAX */
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int y = (int)((int64_t)yoe + era * 400);
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    *year = y + (m <= 2);
    *month = (int)m;
    *mday = (int)d;
}

static bool s_digits(const char *p, int n)
{
    for (int i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9')
            return false;
    return true;
}

bool date_parse(const char *text, int32_t *day)
{
    if (!text || strlen(text) != 10 || text[4] != '-' || text[7] != '-')
        return false;
    if (!s_digits(text, 4) || !s_digits(text + 5, 2) || !s_digits(text + 8, 2))
        return false;
    int year = atoi(text);
    int month = atoi(text + 5);
    int mday = atoi(text + 8);
    if (year < 1900 || year > 2999 || month < 1 || month > 12 || mday < 1 ||
        mday > s_days_in_month(year, month))
        return false;
    *day = date_from_ymd(year, month, mday);
    return true;
}

void date_format(int32_t day, char out[DATE_TEXT_LEN])
{
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    /* y is 1900-2999 for any day date_parse accepts; m and d always fit */
    out[0] = (char)('0' + y / 1000 % 10);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + d / 10);
    out[9] = (char)('0' + d % 10);
    out[10] = '\0';
}

int32_t date_add_months(int32_t day, int months)
{
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    int total = y * 12 + (m - 1) + months;
    int ny = total / 12;
    int nm = total % 12 + 1;
    int last = s_days_in_month(ny, nm);
    return date_from_ymd(ny, nm, d > last ? last : d);
}

void date_key_put(uint8_t out[4], int32_t day)
{
    uint32_t v = (uint32_t)day ^ 0x80000000u;
    out[0] = (uint8_t)(v >> 24), out[1] = (uint8_t)(v >> 16);
    out[2] = (uint8_t)(v >> 8), out[3] = (uint8_t)v;
}

int32_t date_key_get(const uint8_t in[4])
{
    uint32_t v = (uint32_t)in[0] << 24 | (uint32_t)in[1] << 16 |
                 (uint32_t)in[2] << 8 | in[3];
    return (int32_t)(v ^ 0x80000000u);
}
