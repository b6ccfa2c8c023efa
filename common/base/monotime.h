/*  monotime: the monotonic clock, for timeouts and durations (never for
    dates: see date.h).  One place instead of a static helper in every
    module that waits. */
#ifndef OPCAT_MONOTIME_H
#define OPCAT_MONOTIME_H

#include <stdint.h>

/*  Milliseconds of CLOCK_MONOTONIC. */
int64_t monotime_ms(void);

/*  Seconds of CLOCK_MONOTONIC, with the nanoseconds as a fraction. */
double monotime_s(void);

#endif
