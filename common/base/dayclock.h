/*  dayclock: the one "today" of a process.

    A daemon or opcatctl decides at start where today comes from, in this
    order: a --now flag, the OPCAT_NOW variable (demos and tests), or the
    system clock (the UTC date).  The clock is then passed down to every
    part that needs today, so no two parts of one process can disagree,
    and a bad --now or OPCAT_NOW is an error at start, not a silent
    fallback to the system clock. */
#ifndef OPCAT_DAYCLOCK_H
#define OPCAT_DAYCLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"

typedef struct {
    bool fixed;         /* 'day' is today; else the system clock says */
    int32_t day;        /* a date.h day number */
    const char *source; /* "--now", "OPCAT_NOW" or "the system clock" */
} dayclock_t;

/*  Sets '*clock' from 'flag' (the --now value, or NULL), else OPCAT_NOW,
    else the system clock.  Returns 0, or OPCAT_EINVAL with 'err' naming
    the flag or the variable when its value is not a real YYYY-MM-DD
    date. */
int dayclock_init(dayclock_t *clock, const char *flag, err_t *err);

/*  The clock of the system: today as the UTC date, always. */
dayclock_t dayclock_system(void);

/*  Today by 'clock' (a date.h day number). */
int32_t dayclock_today(const dayclock_t *clock);

#endif
