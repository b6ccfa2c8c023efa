/*  gather: copied events, one byte buffer and one index. */
#include "gather.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

struct gather {
    uint8_t *bytes; /* the events' bytes, back to back */
    size_t used, capacity;
    follow_event_t *events; /* data is set by gather_events() */
    size_t *offsets;        /* where each event's bytes start */
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
    free((*self_p)->offsets);
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

/*  Room for 'count' more events of 'bytes' bytes in all. */
static int s_make_room(gather_t *self, size_t count, size_t bytes)
{
    /* events and offsets grow alike; 'slots' moves once both have */
    size_t slots = self->slots;
    if (s_reserve((void **)&self->bytes, &self->capacity, self->used + bytes,
                  1) ||
        s_reserve((void **)&self->events, &slots, self->count + count,
                  sizeof *self->events) ||
        s_reserve((void **)&self->offsets, &self->slots, self->count + count,
                  sizeof *self->offsets))
        return OPCAT_ENOMEM;
    return OPCAT_OK;
}

int gather_add(gather_t *self, const follow_event_t *events, size_t count)
{
    size_t bytes = 0;
    for (size_t i = 0; i < count; i++)
        bytes += events[i].len;
    if (s_make_room(self, count, bytes))
        return OPCAT_ENOMEM;
    for (size_t i = 0; i < count; i++) {
        /* an offset, not a pointer: the buffer may move as it grows */
        self->offsets[self->count] = self->used;
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
    /* no bytes buffer when every event held is empty */
    for (size_t i = 0; i < self->count; i++)
        self->events[i].data =
            self->bytes ? self->bytes + self->offsets[i] : NULL;
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
    free(self->offsets);
    self->bytes = NULL;
    self->events = NULL;
    self->offsets = NULL;
    self->capacity = self->slots = 0;
    return true;
}
