/*  be64: big-endian 64-bit integers.  Sequences are stored and sent this
    way so that byte order is numeric order (LMDB keys, frames). */
#ifndef OPCAT_BE64_H
#define OPCAT_BE64_H

#include <stdint.h>

static inline void be64_put(uint8_t out[8], uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        out[i] = (uint8_t)v;
}

static inline uint64_t be64_get(const uint8_t in[8])
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | in[i];
    return v;
}

#endif
