/*  be64: big-endian 64-bit integers in byte buffers.  Sequences are
    stored and sent this way so that byte order is numeric order (LMDB
    keys, frames).  The conversion is <endian.h>'s; these two wrappers add
    the memcpy that makes it safe on buffers with no alignment (an LMDB
    key or a frame's bytes), which htobe64/be64toh alone are not. */
#ifndef OPCAT_BE64_H
#define OPCAT_BE64_H

#include <endian.h>
#include <stdint.h>
#include <string.h>

static inline void be64_put(uint8_t out[8], uint64_t v)
{
    uint64_t be = htobe64(v);
    memcpy(out, &be, sizeof be);
}

static inline uint64_t be64_get(const uint8_t in[8])
{
    uint64_t be;
    memcpy(&be, in, sizeof be);
    return be64toh(be);
}

#endif
