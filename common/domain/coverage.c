/*  coverage: which periods of which kinds of fact are recorded (see
    coverage.h). */
#include "coverage.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "obligation.h"

/*  One interval of one prefix. */
typedef struct {
    char prefix[COVERAGE_PREFIX_MAX + 1]; /* NUL-terminated, maybe cut */
    int32_t from, until;                  /* inclusive; until may be OPEN */
} interval_t;

struct coverage {
    interval_t *items; /* in the order added */
    size_t count, cap;
};

coverage_t *coverage_new(void)
{
    return calloc(1, sizeof(coverage_t));
}

void coverage_destroy(coverage_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free((*self_p)->items);
    free(*self_p);
    *self_p = NULL;
}

int coverage_add(coverage_t *self, const char *prefix, int32_t from,
                 int32_t until)
{
    assert(self && prefix && from <= until);
    if (self->count == self->cap) {
        size_t cap = self->cap ? self->cap * 2 : 8;
        interval_t *items = realloc(self->items, cap * sizeof *items);
        if (!items)
            return OPCAT_ENOMEM;
        self->items = items;
        self->cap = cap;
    }
    interval_t *i = &self->items[self->count++];
    size_t len = strnlen(prefix, COVERAGE_PREFIX_MAX);
    memcpy(i->prefix, prefix, len);
    i->prefix[len] = '\0';
    i->from = from;
    i->until = until;
    return OPCAT_OK;
}

bool coverage_event_days(const event_t *event, int32_t *from, int32_t *until)
{
    const Opcat__V1__DatasetCoverage *b = event->dataset_coverage;
    if (!b || !date_parse(b->from, from))
        return false;
    *until = COVERAGE_OPEN;
    if (b->until && *b->until && !date_parse(b->until, until))
        return false;
    return *from <= *until;
}

bool coverage_any(const coverage_t *self)
{
    return self && self->count > 0;
}

bool coverage_prefix_matches(const char *prefix, size_t len, const char *type)
{
    return len > 0 && len <= strlen(type) && memcmp(prefix, type, len) == 0 &&
           (type[len] == '\0' || prefix[len - 1] == '.');
}

static bool s_matches(const interval_t *i, const char *type)
{
    return coverage_prefix_matches(i->prefix, strlen(i->prefix), type);
}

bool coverage_names(const coverage_t *self, const char *type)
{
    for (size_t n = 0; self && n < self->count; n++)
        if (s_matches(&self->items[n], type))
            return true;
    return false;
}

/*  The last day of the run of covered days that holds 'day': the
    furthest 'until' of an interval of 'type' holding it, or day - 1 when
    none does (64 bits: 'day' may be INT32_MIN, an unbounded start). */
static int64_t s_reach(const coverage_t *self, const char *type, int32_t day)
{
    int64_t reach = (int64_t)day - 1;
    for (size_t n = 0; n < self->count; n++) {
        const interval_t *i = &self->items[n];
        if (i->from <= day && i->until >= day && i->until > reach &&
            s_matches(i, type))
            reach = i->until;
    }
    return reach;
}

bool coverage_covers(const coverage_t *self, const char *type, int32_t from,
                     int32_t to)
{
    if (from > to || !coverage_names(self, type))
        return true;
    /* walk from 'from': each step jumps to the end of the interval that
       reaches furthest from the current day; adjacent intervals join */
    for (int32_t day = from;;) {
        int64_t reach = s_reach(self, type, day);
        if (reach < day)
            return false;
        if (reach >= to)
            return true;
        day = (int32_t)reach + 1; /* reach < to <= INT32_MAX */
    }
}

int32_t coverage_first_day(const char *type)
{
    if (strncmp(type, "state.", 6) == 0 || strncmp(type, "npm.", 4) == 0)
        return date_from_ymd(2002, 12, 18); /* GA resolution 57/199 */
    return oblig_protocol_in_force();
}

bool coverage_covers_history(const coverage_t *self, const char *type,
                             int32_t to)
{
    return coverage_covers(self, type, coverage_first_day(type), to);
}

size_t coverage_record_key(const char *prefix, int32_t from, int32_t until,
                           uint8_t out[COVERAGE_KEY_MAX])
{
    size_t len = strnlen(prefix, COVERAGE_PREFIX_MAX);
    memcpy(out, prefix, len);
    out[len] = '\0';
    date_key_put(out + len + 1, from);
    date_key_put(out + len + 5, until);
    return len + 9;
}

int coverage_add_record(coverage_t *self, const void *key, size_t key_len,
                        const void *val, size_t val_len)
{
    const uint8_t *k = key;
    const uint8_t *nul = key_len ? memchr(k, '\0', key_len) : NULL;
    char prefix[COVERAGE_PREFIX_MAX + 1];
    int32_t from, until = COVERAGE_OPEN;
    size_t len = nul ? (size_t)(nul - k) : key_len;
    if (len == 0 || len > COVERAGE_PREFIX_MAX)
        return OPCAT_OK;
    if (nul) {
        if (key_len != len + 9)
            return OPCAT_OK;
        from = date_key_get(k + len + 1);
        until = date_key_get(k + len + 5);
    } else if (val_len >= sizeof from) {
        memcpy(&from, val, sizeof from); /* the open-ended layout */
    } else {
        return OPCAT_OK;
    }
    if (from > until)
        return OPCAT_OK;
    memcpy(prefix, k, len);
    prefix[len] = '\0';
    return coverage_add(self, prefix, from, until);
}
