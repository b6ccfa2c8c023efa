/*  gather: copied events, one byte buffer and one array. */
#include "gather.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

/*  The events' bytes lie back to back in the order added, so each one's
    place follows from the lengths before it: gather_events() sets the
    pointers once the buffer has stopped moving. */
struct gather {
    uint8_t *bytes;
    size_t used, capacity;
    follow_event_t *events; /* data is set by gather_events() */
    size_t count, slots;
};

gather_t *gather_new(void)
{
    return calloc(1, sizeof(gather_t));
}

void gather_destroy(gather_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free((*self_p)->bytes);
    free((*self_p)->events);
    free(*self_p);
    *self_p = NULL;
}

/*  Grows '*buffer' to hold at least 'need' items of 'size' bytes. */
static int s_reserve(void **buffer, size_t *capacity, size_t need, size_t size)
{
    if (need <= *capacity)
        return OPCAT_OK;
    size_t grown = *capacity ? *capacity : 1024;
    while (grown < need)
        grown *= 2;
    void *p = realloc(*buffer, grown * size);
    if (!p)
        return OPCAT_ENOMEM;
    *buffer = p;
    *capacity = grown;
    return OPCAT_OK;
}

int gather_add(gather_t *self, const follow_event_t *events, size_t count)
{
    size_t bytes = 0;
    for (size_t i = 0; i < count; i++)
        bytes += events[i].len;
    if (s_reserve((void **)&self->bytes, &self->capacity, self->used + bytes,
                  1) ||
        s_reserve((void **)&self->events, &self->slots, self->count + count,
                  sizeof *self->events))
        return OPCAT_ENOMEM;
    for (size_t i = 0; i < count; i++) {
        self->events[self->count++] =
            (follow_event_t){events[i].sequence, NULL, events[i].len};
        if (events[i].len)
            memcpy(self->bytes + self->used, events[i].data, events[i].len);
        self->used += events[i].len;
    }
    return OPCAT_OK;
}

size_t gather_count(const gather_t *self)
{
    return self->count;
}

const follow_event_t *gather_events(gather_t *self)
{
    size_t at = 0;
    for (size_t i = 0; i < self->count; i++) {
        /* no bytes buffer when every event held is empty */
        self->events[i].data = self->bytes ? self->bytes + at : NULL;
        at += self->events[i].len;
    }
    return self->events;
}

void gather_clear(gather_t *self)
{
    self->count = 0;
    self->used = 0;
}

bool gather_shrink(gather_t *self, size_t keep)
{
    if (self->count || self->slots <= keep)
        return false;
    free(self->bytes);
    free(self->events);
    self->bytes = NULL;
    self->events = NULL;
    self->capacity = self->slots = 0;
    return true;
}
