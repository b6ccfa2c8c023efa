/*  loop: zmq_poll over registered sockets and descriptors, with timers.

    The poll items live in one array, their handlers in a parallel one, so
    zmq_poll gets the array as it is.  Removal during a wake-up only marks
    an entry (its handler becomes NULL) and the array is compacted after
    the wake-up, so handlers may add and remove freely.  Timers are few (a
    handful per daemon): a flat array searched linearly. */
#include "loop.h"

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "monotime.h"

typedef struct {
    loop_io_fn fn; /* NULL: removed, dropped at the next compaction */
    void *arg;
} io_entry_t;

typedef struct {
    uint64_t id; /* 0: removed */
    int64_t due_ms;
    loop_timer_fn fn;
    void *arg;
    uint64_t ran_in; /* the wake-up that last ran it */
} timer_entry_t;

typedef struct {
    loop_hook_fn fn;
    void *arg;
} hook_entry_t;

struct loop {
    zmq_pollitem_t *items;
    io_entry_t *io;
    size_t nitems, cap_items;
    timer_entry_t *timers;
    size_t ntimers, cap_timers;
    uint64_t next_timer_id;
    hook_entry_t *hooks;
    size_t nhooks;
    bool stopping, dirty;
    uint64_t wakeups;
};

loop_t *loop_new(void)
{
    loop_t *self = calloc(1, sizeof *self);
    if (self)
        self->next_timer_id = 1;
    return self;
}

void loop_destroy(loop_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    loop_t *self = *self_p;
    free(self->items);
    free(self->io);
    free(self->timers);
    free(self->hooks);
    free(self);
    *self_p = NULL;
}

/*  Grows '*array' of 'size'-byte elements to hold one more. */
static int s_reserve(void **array, size_t *cap, size_t count, size_t size)
{
    if (count < *cap)
        return OPCAT_OK;
    size_t want = *cap ? *cap * 2 : 8;
    void *grown = realloc(*array, want * size);
    if (!grown)
        return OPCAT_ENOMEM;
    *array = grown;
    *cap = want;
    return OPCAT_OK;
}

static int s_add_item(loop_t *self, zmq_pollitem_t item, loop_io_fn fn,
                      void *arg)
{
    assert(fn);
    size_t cap = self->cap_items;
    if (s_reserve((void **)&self->items, &cap, self->nitems,
                  sizeof *self->items))
        return OPCAT_ENOMEM;
    size_t cap_io = self->cap_items;
    if (s_reserve((void **)&self->io, &cap_io, self->nitems, sizeof *self->io))
        return OPCAT_ENOMEM;
    assert(cap == cap_io);
    self->cap_items = cap;
    self->items[self->nitems] = item;
    self->io[self->nitems] = (io_entry_t){fn, arg};
    self->nitems++;
    return OPCAT_OK;
}

/*  The live entry for 'socket' (or 'fd' when socket is NULL), or -1. */
static long s_find(const loop_t *self, void *socket, int fd)
{
    for (size_t i = 0; i < self->nitems; i++)
        if (self->io[i].fn && self->items[i].socket == socket &&
            (socket || self->items[i].fd == fd))
            return (long)i;
    return -1;
}

int loop_add_socket(loop_t *self, void *socket, short events, loop_io_fn fn,
                    void *arg)
{
    assert(socket && s_find(self, socket, 0) < 0);
    return s_add_item(self, (zmq_pollitem_t){socket, 0, events, 0}, fn, arg);
}

int loop_add_fd(loop_t *self, int fd, short events, loop_io_fn fn, void *arg)
{
    assert(fd >= 0 && s_find(self, NULL, fd) < 0);
    return s_add_item(self, (zmq_pollitem_t){NULL, fd, events, 0}, fn, arg);
}

int loop_set_fd_events(loop_t *self, int fd, short events)
{
    long i = s_find(self, NULL, fd);
    if (i < 0)
        return OPCAT_ENOTFOUND;
    self->items[i].events = events;
    return OPCAT_OK;
}

static void s_remove(loop_t *self, void *socket, int fd)
{
    long i = s_find(self, socket, fd);
    if (i < 0)
        return;
    self->io[i].fn = NULL;
    self->items[i].events = 0; /* not polled until compacted */
    self->dirty = true;
}

void loop_remove_socket(loop_t *self, void *socket)
{
    if (socket)
        s_remove(self, socket, 0);
}

void loop_remove_fd(loop_t *self, int fd)
{
    s_remove(self, NULL, fd);
}

uint64_t loop_add_timer(loop_t *self, int64_t ms, loop_timer_fn fn, void *arg)
{
    assert(fn && ms >= 0);
    if (s_reserve((void **)&self->timers, &self->cap_timers, self->ntimers,
                  sizeof *self->timers))
        return 0;
    uint64_t id = self->next_timer_id++;
    self->timers[self->ntimers++] = (timer_entry_t){
        .id = id, .due_ms = monotime_ms() + ms, .fn = fn, .arg = arg};
    return id;
}

static timer_entry_t *s_timer(loop_t *self, uint64_t id)
{
    for (size_t i = 0; id && i < self->ntimers; i++)
        if (self->timers[i].id == id)
            return &self->timers[i];
    return NULL;
}

int loop_timer_at(loop_t *self, uint64_t id, int64_t ms)
{
    assert(ms >= 0);
    timer_entry_t *t = s_timer(self, id);
    if (!t)
        return OPCAT_ENOTFOUND;
    t->due_ms = monotime_ms() + ms;
    return OPCAT_OK;
}

void loop_remove_timer(loop_t *self, uint64_t id)
{
    timer_entry_t *t = s_timer(self, id);
    if (t) {
        t->id = 0;
        self->dirty = true;
    }
}

int loop_add_after(loop_t *self, loop_hook_fn fn, void *arg)
{
    assert(fn);
    hook_entry_t *grown =
        realloc(self->hooks, (self->nhooks + 1) * sizeof *grown);
    if (!grown)
        return OPCAT_ENOMEM;
    self->hooks = grown;
    self->hooks[self->nhooks++] = (hook_entry_t){fn, arg};
    return OPCAT_OK;
}

void loop_stop(loop_t *self)
{
    self->stopping = true;
}

uint64_t loop_wakeups(const loop_t *self)
{
    return self->wakeups;
}

/*  Drops the entries removed during the last wake-up. */
static void s_compact(loop_t *self)
{
    size_t kept = 0;
    for (size_t i = 0; i < self->nitems; i++)
        if (self->io[i].fn) {
            self->items[kept] = self->items[i];
            self->io[kept++] = self->io[i];
        }
    self->nitems = kept;
    kept = 0;
    for (size_t i = 0; i < self->ntimers; i++)
        if (self->timers[i].id)
            self->timers[kept++] = self->timers[i];
    self->ntimers = kept;
    self->dirty = false;
}

/*  Milliseconds until the nearest timer (-1: none, wait for I/O). */
static long s_timeout(const loop_t *self, int64_t now)
{
    long timeout = -1;
    for (size_t i = 0; i < self->ntimers; i++) {
        const timer_entry_t *t = &self->timers[i];
        if (!t->id)
            continue;
        int64_t wait = t->due_ms > now ? t->due_ms - now : 0;
        if (timeout < 0 || wait < timeout)
            timeout = (long)wait;
    }
    return timeout;
}

/*  The earliest timer due at 'now' among the first 'count' that has not run
    in this wake-up, or NULL.  Timers that fell due together run in the
    order of their due times, not of their places in the array. */
static timer_entry_t *s_next_due(loop_t *self, size_t count, int64_t now)
{
    timer_entry_t *next = NULL;
    for (size_t i = 0; i < count; i++) {
        timer_entry_t *t = &self->timers[i];
        if (t->id && t->due_ms <= now && t->ran_in != self->wakeups &&
            (!next || t->due_ms < next->due_ms))
            next = t;
    }
    return next;
}

/*  Runs the timers due at 'now', each once; those added meanwhile wait
    (they are past 'count'). */
static void s_run_timers(loop_t *self, int64_t now)
{
    size_t count = self->ntimers;
    timer_entry_t *t;
    while ((t = s_next_due(self, count, now))) {
        size_t i = (size_t)(t - self->timers);
        uint64_t id = t->id;
        t->ran_in = self->wakeups;
        int64_t next = t->fn(self, id, t->arg);
        t = &self->timers[i]; /* the handler may have grown the array */
        if (t->id != id)
            continue; /* it removed itself */
        if (next == LOOP_TIMER_DONE) {
            t->id = 0;
            self->dirty = true;
        } else {
            t->due_ms = monotime_ms() + (next > 0 ? next : 0);
        }
    }
}

static void s_dispatch(loop_t *self, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        short revents = self->items[i].revents;
        self->items[i].revents = 0;
        if (revents && self->io[i].fn)
            self->io[i].fn(self, self->items[i].socket, self->items[i].fd,
                           revents, self->io[i].arg);
    }
}

int loop_run(loop_t *self, volatile sig_atomic_t *stop, err_t *err)
{
    self->stopping = false;
    while (!*stop && !self->stopping) {
        if (self->dirty)
            s_compact(self);
        size_t count = self->nitems;
        long timeout = s_timeout(self, monotime_ms());
        if (!count && timeout < 0)
            return err_set(err, OPCAT_ESTATE, "",
                           "loop: nothing to wait for (no socket, no timer)");
        int rc = zmq_poll(self->items, (int)count, timeout);
        if (rc < 0) {
            if (zmq_errno() == EINTR)
                continue; /* a signal: the condition checks the flags */
            return err_set(err, OPCAT_EIO, "", "zmq_poll: %s",
                           zmq_strerror(zmq_errno()));
        }
        self->wakeups++;
        s_dispatch(self, count);
        s_run_timers(self, monotime_ms());
        for (size_t i = 0; i < self->nhooks; i++)
            self->hooks[i].fn(self, self->hooks[i].arg);
    }
    return OPCAT_OK;
}
