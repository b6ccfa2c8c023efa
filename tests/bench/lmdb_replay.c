/*  opcat-lmdb-replay: runs the LMDB operations recorded by lmdb_capture
    (LD_PRELOAD) again, alone, in a fresh environment, and prints how
    fast they went: the floor under the recorded process's LMDB work.

      opcat-lmdb-replay CAPTURE DIR EVENTS [OPS_PER_COMMIT]

    CAPTURE is loaded into memory first; DIR must be empty or absent;
    EVENTS is how many events the recorded process applied (for the
    events/s figure).  The operations of transactions the process aborted
    (a full map is grown and the transaction redone) are skipped: the
    floor is the work that committed.  OPS_PER_COMMIT > 0 commits every
    so many writes instead, where the recorded commits were (the
    operations do not depend on where transactions end): LMDB's cost of
    the same work at another transaction size.  The environment is opened as
   storage/kv.c opens a consumer's (MDB_NOTLS | MDB_NOMETASYNC), with a map
   large enough never to grow; each recorded commit commits, each recorded abort
   of a writing transaction aborts.  A benchmark, never a test. */
#include <errno.h>
#include <lmdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "monotime.h"

#define MAX_DBS 64

typedef struct {
    const uint8_t *p, *end;
} reader_t;

static uint32_t s_u32(reader_t *r)
{
    uint32_t v;
    memcpy(&v, r->p, sizeof v);
    r->p += sizeof v;
    return v;
}

static MDB_val s_val(reader_t *r)
{
    MDB_val v = {s_u32(r), NULL};
    v.mv_data = (void *)r->p;
    r->p += v.mv_size;
    return v;
}

static uint8_t *s_load(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    *size = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(*size ? *size : 1);
    if (buf && fread(buf, 1, *size, f) != *size) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

/*  One recorded operation (lmdb_capture.c's format), pointing into the
    loaded capture. */
typedef struct {
    int type;
    uint32_t dbi, flags;
    MDB_val name, key, val;
} record_t;

/*  Decodes the record at 'r' into 'rec' and advances past it. */
static void s_read(reader_t *r, record_t *rec)
{
    memset(rec, 0, sizeof *rec);
    rec->type = *r->p++;
    switch (rec->type) {
    case 'O': {
        rec->dbi = s_u32(r);
        rec->flags = s_u32(r);
        uint16_t len;
        memcpy(&len, r->p, sizeof len);
        r->p += sizeof len;
        rec->name = (MDB_val){len, (void *)r->p};
        r->p += len;
        break;
    }
    case 'G':
        rec->dbi = s_u32(r);
        rec->key = s_val(r);
        break;
    case 'P':
        rec->dbi = s_u32(r);
        rec->flags = s_u32(r);
        rec->key = s_val(r);
        rec->val = s_val(r);
        break;
    case 'D':
        rec->dbi = s_u32(r);
        rec->key = s_val(r);
        rec->val = s_val(r);
        break;
    }
}

/*  Copies the records of 'buf' to a new buffer without those of the
    transactions that ended in an abort (their 'O' records are kept).
    Returns the new size. */
static size_t s_drop_aborted(uint8_t *buf, size_t size, unsigned long *dropped)
{
    uint8_t *out = malloc(size ? size : 1), *o = out;
    reader_t r = {buf, buf + size};
    while (r.p < r.end) {
        const uint8_t *start = r.p;
        record_t rec;
        do
            s_read(&r, &rec);
        while (r.p < r.end && rec.type != 'C' && rec.type != 'A');
        if (rec.type != 'A') {
            memcpy(o, start, (size_t)(r.p - start));
            o += r.p - start;
            continue;
        }
        (*dropped)++;
        for (reader_t seg = {start, r.p}; seg.p < seg.end;) {
            const uint8_t *at = seg.p;
            s_read(&seg, &rec);
            if (rec.type == 'O') {
                memcpy(o, at, (size_t)(seg.p - at));
                o += seg.p - at;
            }
        }
    }
    size_t kept = (size_t)(o - out);
    memcpy(buf, out, kept);
    free(out);
    return kept;
}

typedef struct {
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi map[MAX_DBS]; /* recorded dbi -> this environment's */
    unsigned long puts, dels, gets, commits;
    unsigned long every, since; /* OPS_PER_COMMIT, writes since a commit */
} replay_t;

static int s_check(int rc, const char *what)
{
    if (rc && rc != MDB_NOTFOUND && rc != MDB_KEYEXIST) {
        fprintf(stderr, "opcat-lmdb-replay: %s: %s\n", what, mdb_strerror(rc));
        exit(1);
    }
    return rc;
}

static void s_begin(replay_t *r)
{
    if (!r->txn)
        s_check(mdb_txn_begin(r->env, NULL, 0, &r->txn), "begin");
}

/*  With OPS_PER_COMMIT: commits once that many writes are done. */
static void s_maybe_commit(replay_t *r)
{
    if (!r->every || ++r->since < r->every)
        return;
    s_check(mdb_txn_commit(r->txn), "commit");
    r->txn = NULL;
    r->since = 0;
    r->commits++;
}

static void s_open_dbi(replay_t *r, const record_t *rec)
{
    char name[256];
    snprintf(name, sizeof name, "%.*s", (int)rec->name.mv_size,
             (const char *)rec->name.mv_data);
    if (rec->dbi >= MAX_DBS)
        return;
    s_begin(r);
    s_check(mdb_dbi_open(r->txn, rec->name.mv_size ? name : NULL,
                         rec->flags | MDB_CREATE, &r->map[rec->dbi]),
            "dbi_open");
}

/*  Runs one record.  Returns 0, or -1 for an unknown type. */
static int s_apply(replay_t *r, record_t *rec)
{
    MDB_val found;
    MDB_dbi dbi = rec->dbi < MAX_DBS ? r->map[rec->dbi] : 0;
    switch (rec->type) {
    case 'O':
        s_open_dbi(r, rec);
        return 0;
    case 'G':
        s_begin(r);
        s_check(mdb_get(r->txn, dbi, &rec->key, &found), "get");
        r->gets++;
        return 0;
    case 'P':
        s_begin(r);
        s_check(mdb_put(r->txn, dbi, &rec->key, &rec->val, rec->flags), "put");
        r->puts++;
        s_maybe_commit(r);
        return 0;
    case 'D':
        s_begin(r);
        s_check(mdb_del(r->txn, dbi, &rec->key,
                        rec->val.mv_size ? &rec->val : NULL),
                "del");
        r->dels++;
        s_maybe_commit(r);
        return 0;
    case 'C':
        if (r->every)
            return 0; /* commits come from OPS_PER_COMMIT instead */
        if (r->txn)
            s_check(mdb_txn_commit(r->txn), "commit");
        r->txn = NULL;
        r->commits++;
        return 0;
    }
    return -1;
}

static void s_run(replay_t *r, reader_t *in)
{
    while (in->p < in->end) {
        record_t rec;
        s_read(in, &rec);
        if (s_apply(r, &rec)) {
            fprintf(stderr, "opcat-lmdb-replay: bad record type %d\n",
                    rec.type);
            exit(1);
        }
    }
    if (r->txn) {
        s_check(mdb_txn_commit(r->txn), "commit");
        r->commits++;
    }
}

int main(int argc, char **argv)
{
    if (argc != 4 && argc != 5) {
        fprintf(
            stderr,
            "usage: opcat-lmdb-replay CAPTURE DIR EVENTS [OPS_PER_COMMIT]\n");
        return 1;
    }
    size_t size;
    uint8_t *buf = s_load(argv[1], &size);
    if (!buf) {
        fprintf(stderr, "opcat-lmdb-replay: %s: %s\n", argv[1],
                strerror(errno));
        return 1;
    }
    mkdir(argv[2], 0755);
    replay_t r = {0};
    r.every = argc == 5 ? strtoul(argv[4], NULL, 10) : 0;
    s_check(mdb_env_create(&r.env), "create");
    mdb_env_set_maxdbs(r.env, MAX_DBS);
    mdb_env_set_mapsize(r.env, (size_t)16 << 30);
    s_check(mdb_env_open(r.env, argv[2], MDB_NOTLS | MDB_NOMETASYNC, 0644),
            argv[2]);
    unsigned long dropped = 0;
    size = s_drop_aborted(buf, size, &dropped);
    reader_t in = {buf, buf + size};
    double t0 = monotime_s();
    s_run(&r, &in);
    double secs = monotime_s() - t0;
    double events = atof(argv[3]);
    printf("lmdb alone: %lu puts, %lu dels, %lu gets in %lu commits "
           "(%lu aborted transactions left out) in %.2f s = %.0f events/s "
           "of %.0f\n",
           r.puts, r.dels, r.gets, r.commits, dropped, secs, events / secs,
           events);
    mdb_env_close(r.env);
    free(buf);
    return 0;
}
