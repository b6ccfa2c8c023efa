/*  tail: the unapplied events in memory.  See tail.h. */
#include "tail.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

/*  One entry and its chains; the record and the strings follow it in the
    same allocation. */
typedef struct node {
    tail_entry_t entry;
    struct node *next_id;  /* the ids chain of its bucket */
    struct node *next_ref; /* the references chain of its bucket */
} node_t;

struct tail {
    node_t **slots; /* ring of 'max' entries, at sequence % max */
    size_t max;
    node_t **ids;         /* hash buckets by id */
    node_t **refs;        /* hash buckets by reference key and kind */
    size_t mask;          /* buckets - 1 (a power of two >= max) */
    uint64_t first, next; /* entries held: [first, next) */
    size_t bytes;
};

tail_t *tail_new(uint64_t next, size_t max_events)
{
    tail_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->first = self->next = next;
    if (tail_grow(self, max_events))
        tail_destroy(&self);
    return self;
}

int tail_grow(tail_t *self, size_t max_events)
{
    assert(max_events > self->max && self->first == self->next);
    size_t buckets = 1;
    while (buckets < max_events)
        buckets <<= 1;
    node_t **slots = calloc(max_events, sizeof *slots);
    node_t **ids = calloc(buckets, sizeof *ids);
    node_t **refs = calloc(buckets, sizeof *refs);
    if (!slots || !ids || !refs) {
        free(slots);
        free(ids);
        free(refs);
        return OPCAT_ENOMEM;
    }
    free(self->slots);
    free(self->ids);
    free(self->refs);
    self->slots = slots;
    self->ids = ids;
    self->refs = refs;
    self->max = max_events;
    self->mask = buckets - 1;
    return OPCAT_OK;
}

void tail_destroy(tail_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    tail_t *self = *self_p;
    if (self->slots)
        tail_rewind(self, self->first);
    free(self->slots);
    free(self->ids);
    free(self->refs);
    free(self);
    *self_p = NULL;
}

/*  FNV-1a of 'key', mixed with 'kind' so that a report and a visit of
    the same id land apart. */
static size_t s_hash(const tail_t *self, const char *key, unsigned kind)
{
    uint64_t h = 1469598103934665603ull ^ kind;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return (size_t)(h ^ (h >> 32)) & self->mask;
}

static node_t **s_slot(const tail_t *self, uint64_t sequence)
{
    return &self->slots[sequence % self->max];
}

/*  Copies 'in' and what it points to into one allocation. */
static node_t *s_copy(const tail_entry_t *in)
{
    size_t id_len = strlen(in->id) + 1;
    size_t key_len = in->ref_key ? strlen(in->ref_key) + 1 : 0;
    node_t *n = malloc(sizeof *n + in->len + id_len + key_len);
    if (!n)
        return NULL;
    uint8_t *bytes = (uint8_t *)(n + 1);
    n->entry = *in;
    n->entry.record = memcpy(bytes, in->record, in->len);
    n->entry.id = memcpy(bytes + in->len, in->id, id_len);
    n->entry.ref_key =
        key_len ? memcpy(bytes + in->len + id_len, in->ref_key, key_len) : NULL;
    n->next_id = n->next_ref = NULL;
    return n;
}

int tail_add(tail_t *self, const tail_entry_t *entry)
{
    assert(entry->sequence == self->next);
    assert((entry->ref == TAIL_REF_NONE) == (entry->ref_key == NULL));
    if (!tail_room(self))
        return OPCAT_ETOOBIG;
    node_t *n = s_copy(entry);
    if (!n)
        return OPCAT_ENOMEM;
    node_t **bucket = &self->ids[s_hash(self, n->entry.id, 0)];
    n->next_id = *bucket;
    *bucket = n;
    if (n->entry.ref) {
        bucket = &self->refs[s_hash(self, n->entry.ref_key, n->entry.ref)];
        n->next_ref = *bucket;
        *bucket = n;
    }
    *s_slot(self, self->next++) = n;
    self->bytes += n->entry.len;
    return OPCAT_OK;
}

size_t tail_count(const tail_t *self)
{
    return (size_t)(self->next - self->first);
}

size_t tail_bytes(const tail_t *self)
{
    return self->bytes;
}

size_t tail_room(const tail_t *self)
{
    return self->max - tail_count(self);
}

uint64_t tail_first(const tail_t *self)
{
    return self->first;
}

const tail_entry_t *tail_get(const tail_t *self, uint64_t sequence)
{
    if (sequence < self->first || sequence >= self->next)
        return NULL;
    return &(*s_slot(self, sequence))->entry;
}

const tail_entry_t *tail_handed(const tail_t *self, uint64_t sequence)
{
    return &(*s_slot(self, sequence))->entry;
}

bool tail_find_id(const tail_t *self, const char *id, uint64_t *sequence)
{
    for (node_t *n = self->ids[s_hash(self, id, 0)]; n; n = n->next_id)
        if (strcmp(n->entry.id, id) == 0) {
            *sequence = n->entry.sequence;
            return true;
        }
    return false;
}

const tail_entry_t *tail_find_ref(const tail_t *self, tail_ref_t ref,
                                  const char *key)
{
    for (node_t *n = self->refs[s_hash(self, key, ref)]; n; n = n->next_ref)
        if (n->entry.ref == ref && strcmp(n->entry.ref_key, key) == 0)
            return &n->entry; /* chains are newest first */
    return NULL;
}

uint64_t tail_count_state(const tail_t *self, const char *state, uint64_t from)
{
    uint64_t count = 0;
    for (uint64_t seq = from > self->first ? from : self->first;
         seq < self->next; seq++)
        count += memcmp((*s_slot(self, seq))->entry.state, state, 3) == 0;
    return count;
}

uint64_t tail_mark(const tail_t *self)
{
    return self->next;
}

/*  Takes 'n' out of the chain that starts at '*link' ('offset' is that
    of the chain's next field). */
static void s_unlink(node_t **link, node_t *n, size_t offset)
{
    while (*link != n) {
        assert(*link); /* every entry is in its chains */
        link = (node_t **)((char *)*link + offset);
    }
    *link = *(node_t **)((char *)n + offset);
}

static void s_drop(tail_t *self, uint64_t sequence)
{
    node_t **slot = s_slot(self, sequence), *n = *slot;
    s_unlink(&self->ids[s_hash(self, n->entry.id, 0)], n,
             offsetof(node_t, next_id));
    if (n->entry.ref)
        s_unlink(&self->refs[s_hash(self, n->entry.ref_key, n->entry.ref)], n,
                 offsetof(node_t, next_ref));
    self->bytes -= n->entry.len;
    free(n);
    *slot = NULL;
}

void tail_rewind(tail_t *self, uint64_t mark)
{
    assert(mark >= self->first);
    while (self->next > mark)
        s_drop(self, --self->next);
}

void tail_release(tail_t *self, uint64_t applied)
{
    assert(applied < self->next); /* LMDB holds only what was handed */
    while (self->first <= applied)
        s_drop(self, self->first++);
}
