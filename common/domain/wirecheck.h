/*  wirecheck: checks on the bytes of a protobuf message that its unpacked
    form cannot show.

    protobuf-c unpacks a string field into a NUL-terminated copy, so a
    string that holds a NUL byte arrives cut at the NUL: an id
    "a\0b" would be stored as "a".  The bytes still hold the whole string;
    this module finds it there, walking the encoding with the message's
    descriptor. */
#ifndef OPCAT_WIRECHECK_H
#define OPCAT_WIRECHECK_H

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*  Called for each string that holds a NUL byte, with its path
    ("events[2].id": field names, the index of a repeated field). */
typedef void (*wirecheck_fn)(void *arg, const char *path);

/*  Walks the message 'data' ('len' bytes, of descriptor 'd') and every
    message inside it, and calls 'fn' for each string field holding a NUL
    byte.  Returns how many it found.  An encoding the walk cannot follow
    ends it: call this on bytes that unpacked successfully. */
size_t wirecheck_nul(const ProtobufCMessageDescriptor *d, const uint8_t *data,
                     size_t len, wirecheck_fn fn, void *arg);

#endif
