/*  loop: one daemon's event loop: ZeroMQ sockets, file descriptors and
    timers in a single zmq_poll, no threads.

    The model is Redis's ae: the owner registers what it waits for, each
    with a handler, and runs the loop until its stop flag is set.  zmq_poll
    sleeps until a registered socket or descriptor is ready or the nearest
    timer is due, whichever comes first.  One wake-up calls, in this order:
    the handlers of the ready sockets and descriptors (in the order they
    were added), the due timers, then the 'after' hooks.  A handler may add
    or remove sockets, descriptors and timers, its own included; what is
    added during a wake-up is first polled at the next.

    Timers are one-shot or periodic by their return value: a timer's
    handler returns the milliseconds until it wants to run again, or
    LOOP_TIMER_DONE to be removed.  A timer never runs early; under load it
    runs late, at the next wake-up after its time.

    Signals: a signal interrupts zmq_poll (EINTR); the loop then checks the
    stop flag, so a handler that only sets a volatile sig_atomic_t flag is
    enough to stop it. */
#ifndef OPCAT_LOOP_H
#define OPCAT_LOOP_H

#include <signal.h>
#include <stdint.h>

#include "err.h"

typedef struct loop loop_t;

/*  A timer handler's return value: do not run again. */
#define LOOP_TIMER_DONE (-1)

/*  Called when 'socket' (a ZeroMQ socket) or 'fd' (for a descriptor) is
    ready; 'revents' is zmq_poll's ZMQ_POLLIN/ZMQ_POLLOUT/ZMQ_POLLERR. */
typedef void (*loop_io_fn)(loop_t *loop, void *socket, int fd, short revents,
                           void *arg);
/*  Called when timer 'id' is due.  Returns the milliseconds until its next
    run (0: at the next wake-up), or LOOP_TIMER_DONE. */
typedef int64_t (*loop_timer_fn)(loop_t *loop, uint64_t id, void *arg);
/*  Called once per wake-up, after the handlers and the timers. */
typedef void (*loop_hook_fn)(loop_t *loop, void *arg);

/*  A new, empty loop, or NULL when out of memory. */
loop_t *loop_new(void);

/*  Frees the loop (not the sockets or descriptors it was given);
    '*self_p' becomes NULL.  NULL allowed. */
void loop_destroy(loop_t **self_p);

/*  Waits for 'events' (ZMQ_POLLIN and/or ZMQ_POLLOUT) on the ZeroMQ
    'socket' (borrowed: it must stay open until removed) and calls 'fn'.
    Returns 0, or OPCAT_ENOMEM.  A socket may be added once. */
int loop_add_socket(loop_t *self, void *socket, short events, loop_io_fn fn,
                    void *arg);

/*  The same for a file descriptor (a TCP connection of libcurl's, ...). */
int loop_add_fd(loop_t *self, int fd, short events, loop_io_fn fn, void *arg);

/*  Changes the events awaited on a descriptor already added.  Returns 0,
    or OPCAT_ENOTFOUND when 'fd' is not in the loop. */
int loop_set_fd_events(loop_t *self, int fd, short events);

/*  Stops waiting for 'socket' / 'fd'; nothing if it is not in the loop. */
void loop_remove_socket(loop_t *self, void *socket);
void loop_remove_fd(loop_t *self, int fd);

/*  Calls 'fn' in 'ms' milliseconds (>= 0).  Returns the timer's id (never
    0), or 0 when out of memory. */
uint64_t loop_add_timer(loop_t *self, int64_t ms, loop_timer_fn fn, void *arg);

/*  Moves timer 'id' to 'ms' milliseconds from now (0: the next wake-up
    runs it).  Returns 0, or OPCAT_ENOTFOUND when there is no such timer. */
int loop_timer_at(loop_t *self, uint64_t id, int64_t ms);

/*  Removes timer 'id'; nothing if there is none (0 allowed). */
void loop_remove_timer(loop_t *self, uint64_t id);

/*  Adds a hook called after every wake-up's handlers and timers.
    Returns 0, or OPCAT_ENOMEM. */
int loop_add_after(loop_t *self, loop_hook_fn fn, void *arg);

/*  Runs until '*stop' is set or loop_stop() is called.  Returns 0, or
    OPCAT_EIO when zmq_poll failed for another reason than a signal
    ('err' says which). */
int loop_run(loop_t *self, volatile sig_atomic_t *stop, err_t *err);

/*  Makes loop_run() return after the current wake-up. */
void loop_stop(loop_t *self);

/*  Wake-ups so far (for tests and status). */
uint64_t loop_wakeups(const loop_t *self);

#endif
