/*  failpoint: deterministic faults at named places, for tests only.

    A failpoint is a named place in the code where a crash or an error
    matters (after a consumer applied a batch but before it commits, after
    the store committed but before it answers, ...).  A test names the
    point and what should happen there in the environment:

        OPCAT_FAILPOINT=consumer.after_apply:crash
        OPCAT_FAILPOINT=store.after_commit:crash@5000
        OPCAT_FAILPOINT=consumer.after_apply:error,reminders.mid_merge:crash

    'crash' kills the process with SIGKILL on the spot (no handler, no
    flush: as kill -9 would); 'error' makes the place fail with OPCAT_EIO
    as a failing disk would.  '@N' fires only once the place's position
    (a sequence, a count: each place documents it) is at least N, so a
    kill lands mid-catch-up and not on the first batch.  Without '@N' the
    point fires on every pass.  Each process reads the variable anew at
    every pass: a point keeps no state.

    Compiled in only when the build sets OPCAT_FAILPOINTS (CMake option,
    on except in Release builds); otherwise FAILPOINT() is the constant 0
    and the variable is ignored. */
#ifndef OPCAT_FAILPOINT_H
#define OPCAT_FAILPOINT_H

#include <stdbool.h>
#include <stdint.h>

/*  Whether failpoints are compiled into this build. */
bool failpoint_enabled(void);

/*  Passes failpoint 'name' at 'position'.  Returns 0, or OPCAT_EIO when
    the point is set to 'error' there; does not return when it is set to
    'crash' there.  A malformed OPCAT_FAILPOINT is reported on stderr once
    per pass and ignored. */
int failpoint_pass(const char *name, uint64_t position);

#ifdef OPCAT_FAILPOINTS
#define FAILPOINT(name, position) failpoint_pass((name), (position))
#else
#define FAILPOINT(name, position) ((void)(position), 0)
#endif

#endif
