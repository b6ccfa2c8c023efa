/*  wirecheck: a walk of the protobuf wire format driven by descriptors. */
#include "wirecheck.h"

#include <stdio.h>
#include <string.h>

/*  Nesting followed at the most (an envelope, its body, its places). */
#define WIRECHECK_DEPTH 8
/*  Fields of one message whose repetitions are counted for the path. */
#define WIRECHECK_FIELDS 64

enum { WIRE_VARINT = 0, WIRE_FIXED64 = 1, WIRE_LEN = 2, WIRE_FIXED32 = 5 };

static bool s_varint(const uint8_t **p, const uint8_t *end, uint64_t *value)
{
    *value = 0;
    for (unsigned shift = 0; shift < 64 && *p < end; shift += 7) {
        uint8_t byte = *(*p)++;
        *value |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80))
            return true;
    }
    return false;
}

/*  Skips a value of wire type 'type' that is not length-delimited. */
static bool s_skip(const uint8_t **p, const uint8_t *end, unsigned type)
{
    uint64_t ignored;
    size_t left = (size_t)(end - *p);
    switch (type) {
    case WIRE_VARINT:
        return s_varint(p, end, &ignored);
    case WIRE_FIXED64:
        return left >= 8 ? (*p += 8, true) : false;
    case WIRE_FIXED32:
        return left >= 4 ? (*p += 4, true) : false;
    default: /* groups are not proto3 */
        return false;
    }
}

/*  The path of field 'f' under 'prefix', with its index if repeated. */
static void s_path(char *out, size_t size, const char *prefix,
                   const ProtobufCFieldDescriptor *f, unsigned index)
{
    const char *dot = *prefix ? "." : "";
    if (f->label == PROTOBUF_C_LABEL_REPEATED)
        snprintf(out, size, "%s%s%s[%u]", prefix, dot, f->name, index);
    else
        snprintf(out, size, "%s%s%s", prefix, dot, f->name);
}

typedef struct {
    wirecheck_fn fn;
    void *arg;
    size_t found;
} walk_t;

static void s_walk(walk_t *w, const ProtobufCMessageDescriptor *d,
                   const uint8_t *p, const uint8_t *end, const char *prefix,
                   int depth)
{
    unsigned seen[WIRECHECK_FIELDS] = {0};
    while (p < end) {
        uint64_t tag, len;
        if (!s_varint(&p, end, &tag))
            return;
        if ((tag & 7) != WIRE_LEN) {
            if (!s_skip(&p, end, (unsigned)(tag & 7)))
                return;
            continue;
        }
        if (!s_varint(&p, end, &len) || len > (uint64_t)(end - p))
            return;
        const ProtobufCFieldDescriptor *f =
            protobuf_c_message_descriptor_get_field(d, (unsigned)(tag >> 3));
        if (f) {
            size_t at = (size_t)(f - d->fields);
            char path[256];
            s_path(path, sizeof path, prefix, f,
                   at < WIRECHECK_FIELDS ? seen[at]++ : 0);
            if (f->type == PROTOBUF_C_TYPE_STRING && memchr(p, 0, len)) {
                w->found++;
                w->fn(w->arg, path);
            }
            if (f->type == PROTOBUF_C_TYPE_MESSAGE && depth < WIRECHECK_DEPTH)
                s_walk(w, f->descriptor, p, p + len, path, depth + 1);
        }
        p += len;
    }
}

size_t wirecheck_nul(const ProtobufCMessageDescriptor *d, const uint8_t *data,
                     size_t len, wirecheck_fn fn, void *arg)
{
    walk_t w = {fn, arg, 0};
    s_walk(&w, d, data, data + len, "", 0);
    return w.found;
}
