/*  delta: sorted, combined counter additions (see agg_delta.h). */
#include "agg_delta.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"

/*  One addition.  db and len lead the key bytes so that one memcmp over
    'db'..'key' orders records by database, then length, then bytes (the
    keys of one database all have the same length). */
typedef struct {
    uint8_t db;
    uint8_t len;
    uint8_t key[AGG_DELTA_KEY_MAX];
    int64_t delta;
} entry_t;

#define ENTRY_ORDER_BYTES (2 + AGG_DELTA_KEY_MAX)

/*  Entries are combined as they are added: 'slots' is an open-addressing
    hash index (linear probing, at most half full) of entry numbers + 1,
    so a batch holds one entry per distinct key however often it is
    added to. */
struct agg_delta {
    entry_t *entries;
    size_t count, capacity;
    uint32_t *slots;
    size_t nslots; /* a power of two, >= 2 * capacity */
    size_t added;
};

agg_delta_t *agg_delta_new(void)
{
    return calloc(1, sizeof(agg_delta_t));
}

void agg_delta_destroy(agg_delta_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free((*self_p)->entries);
    free((*self_p)->slots);
    free(*self_p);
    *self_p = NULL;
}

void agg_delta_reset(agg_delta_t *self)
{
    if (self->count)
        memset(self->slots, 0, self->nslots * sizeof *self->slots);
    self->count = 0;
    self->added = 0;
}

bool agg_delta_shrink(agg_delta_t *self, size_t keep)
{
    if (self->count || self->capacity <= keep)
        return false;
    free(self->entries);
    free(self->slots);
    self->entries = NULL;
    self->slots = NULL;
    self->capacity = self->nslots = 0;
    return true;
}

size_t agg_delta_count(const agg_delta_t *self)
{
    return self->added;
}

/*  A multiply-xorshift mix of the 17 ordering bytes read as two words and
    a byte: a few instructions where a byte-wise hash cost a tenth of the
    catch-up. */
static size_t s_hash(const entry_t *e)
{
    uint64_t a, b;
    const uint8_t *p = &e->db;
    memcpy(&a, p, 8);
    memcpy(&b, p + 8, 8);
    uint64_t h = (a ^ 0x9e3779b97f4a7c15ull) * 0xbf58476d1ce4e5b9ull;
    h ^= (b + p[16]) * 0x94d049bb133111ebull;
    h ^= h >> 31;
    h *= 0xd6e8feb86659fd93ull;
    return (size_t)(h ^ (h >> 32));
}

/*  The slot of 'e': where it is, or the empty slot where it belongs. */
static uint32_t *s_slot(agg_delta_t *self, const entry_t *e)
{
    size_t mask = self->nslots - 1;
    for (size_t i = s_hash(e) & mask;; i = (i + 1) & mask) {
        uint32_t *slot = &self->slots[i];
        if (*slot == 0 ||
            memcmp(&self->entries[*slot - 1], e, ENTRY_ORDER_BYTES) == 0)
            return slot;
    }
}

/*  Doubles the entries and rebuilds the index. */
static int s_grow(agg_delta_t *self)
{
    size_t capacity = self->capacity ? self->capacity * 2 : 4096;
    if (capacity > UINT32_MAX / 4)
        return OPCAT_ENOMEM;
    entry_t *entries = realloc(self->entries, capacity * sizeof *entries);
    if (!entries)
        return OPCAT_ENOMEM;
    self->entries = entries;
    uint32_t *slots = calloc(capacity * 2, sizeof *slots);
    if (!slots)
        return OPCAT_ENOMEM;
    free(self->slots);
    self->slots = slots;
    self->nslots = capacity * 2;
    self->capacity = capacity;
    for (size_t i = 0; i < self->count; i++)
        *s_slot(self, &self->entries[i]) = (uint32_t)i + 1;
    return OPCAT_OK;
}

int agg_delta_add(agg_delta_t *self, int db, const void *key, size_t len,
                  int64_t delta)
{
    if (len > AGG_DELTA_KEY_MAX || db < 0 || db > UINT8_MAX)
        return OPCAT_EINVAL;
    if (self->count == self->capacity && s_grow(self))
        return OPCAT_ENOMEM;
    entry_t e;
    memset(&e, 0, sizeof e);
    e.db = (uint8_t)db;
    e.len = (uint8_t)len;
    memcpy(e.key, key, len);
    uint32_t *slot = s_slot(self, &e);
    if (*slot) {
        self->entries[*slot - 1].delta += delta;
    } else {
        e.delta = delta;
        self->entries[self->count++] = e;
        *slot = (uint32_t)self->count;
    }
    self->added++;
    return OPCAT_OK;
}

static int s_compare(const void *a, const void *b)
{
    return memcmp(a, b, ENTRY_ORDER_BYTES);
}

int agg_delta_drain(agg_delta_t *self, agg_delta_fn fn, void *arg)
{
    if (self->count == 0)
        return 0; /* nothing added, maybe nothing allocated yet */
    qsort(self->entries, self->count, sizeof(entry_t), s_compare);
    int rc = 0;
    for (size_t i = 0; i < self->count && !rc; i++) {
        const entry_t *e = &self->entries[i];
        if (e->delta != 0)
            rc = fn(arg, e->db, e->key, e->len, e->delta);
    }
    agg_delta_reset(self); /* the sort spoilt the index anyway */
    return rc;
}
