/*  lmdb_capture: an LD_PRELOAD library that records the LMDB operations
    of a process, so that opcat-lmdb-replay can run exactly those
    operations again against LMDB alone (the floor under a projection's
    catch-up: what the same writes cost with no decoding, no protobuf,
    no ZeroMQ, no projection code).  A benchmark tool, never linked into
    a daemon.

    LMDB_CAPTURE=FILE names the output.  Records (host byte order):
      'O' dbi flags namelen name       mdb_dbi_open
      'G' dbi klen key                 mdb_get
      'P' dbi flags klen key vlen val  mdb_put
      'D' dbi klen key vlen val        mdb_del (vlen 0: no data)
      'C'                              mdb_txn_commit of a txn that wrote
      'A'                              mdb_txn_abort of a txn that wrote
    Cursor reads are not recorded (the aggregation's apply path writes
    through mdb_put and mdb_del only). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* RTLD_NEXT */
#endif
#include <dlfcn.h>
#include <lmdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *s_out;
static int s_wrote; /* a put or del since the last commit or abort */

static FILE *s_file(void)
{
    if (!s_out) {
        const char *path = getenv("LMDB_CAPTURE");
        s_out = fopen(path ? path : "lmdb-capture.bin", "w");
        if (s_out)
            setvbuf(s_out, NULL, _IOFBF, 1 << 20);
    }
    return s_out;
}

static void s_u32(uint32_t v)
{
    fwrite(&v, sizeof v, 1, s_file());
}

static void s_val(const MDB_val *v)
{
    s_u32(v ? (uint32_t)v->mv_size : 0);
    if (v && v->mv_size)
        fwrite(v->mv_data, 1, v->mv_size, s_file());
}

#define NEXT(name, type) ((type)dlsym(RTLD_NEXT, name))

int mdb_dbi_open(MDB_txn *txn, const char *name, unsigned flags, MDB_dbi *dbi)
{
    int rc = NEXT("mdb_dbi_open", int (*)(MDB_txn *, const char *, unsigned,
                                          MDB_dbi *))(txn, name, flags, dbi);
    if (!rc && s_file()) {
        uint16_t len = name ? (uint16_t)strlen(name) : 0;
        fputc('O', s_out);
        s_u32(*dbi);
        s_u32(flags);
        fwrite(&len, sizeof len, 1, s_out);
        fwrite(name ? name : "", 1, len, s_out);
    }
    return rc;
}

int mdb_get(MDB_txn *txn, MDB_dbi dbi, MDB_val *key, MDB_val *data)
{
    if (s_file()) {
        fputc('G', s_out);
        s_u32(dbi);
        s_val(key);
    }
    return NEXT("mdb_get", int (*)(MDB_txn *, MDB_dbi, MDB_val *, MDB_val *))(
        txn, dbi, key, data);
}

int mdb_put(MDB_txn *txn, MDB_dbi dbi, MDB_val *key, MDB_val *data,
            unsigned flags)
{
    if (s_file()) {
        fputc('P', s_out);
        s_u32(dbi);
        s_u32(flags);
        s_val(key);
        s_val(data);
        s_wrote = 1;
    }
    return NEXT("mdb_put", int (*)(MDB_txn *, MDB_dbi, MDB_val *, MDB_val *,
                                   unsigned))(txn, dbi, key, data, flags);
}

int mdb_del(MDB_txn *txn, MDB_dbi dbi, MDB_val *key, MDB_val *data)
{
    if (s_file()) {
        fputc('D', s_out);
        s_u32(dbi);
        s_val(key);
        s_val(data);
        s_wrote = 1;
    }
    return NEXT("mdb_del", int (*)(MDB_txn *, MDB_dbi, MDB_val *, MDB_val *))(
        txn, dbi, key, data);
}

int mdb_txn_commit(MDB_txn *txn)
{
    if (s_wrote && s_file()) {
        fputc('C', s_out);
        fflush(s_out); /* a kill leaves whole transactions */
    }
    s_wrote = 0;
    return NEXT("mdb_txn_commit", int (*)(MDB_txn *))(txn);
}

void mdb_txn_abort(MDB_txn *txn)
{
    if (s_wrote && s_file())
        fputc('A', s_out);
    s_wrote = 0;
    NEXT("mdb_txn_abort", void (*)(MDB_txn *))(txn);
}
