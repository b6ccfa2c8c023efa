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
#include <time.h>

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

/*  Advances past one record; returns its type. */
static int s_next_record(reader_t *r)
{
    int type = *r->p++;
    switch (type) {
    case 'O': {
        r->p += 8;
        uint16_t len;
        memcpy(&len, r->p, sizeof len);
        r->p += sizeof len + len;
        break;
    }
    case 'G':
        r->p += 4;
        s_val(r);
        break;
    case 'P':
        r->p += 8;
        s_val(r);
        s_val(r);
        break;
    case 'D':
        r->p += 4;
        s_val(r);
        s_val(r);
        break;
    }
    return type;
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
        int type;
        do
            type = s_next_record(&r);
        while (r.p < r.end && type != 'C' && type != 'A');
        if (type != 'A') {
            memcpy(o, start, (size_t)(r.p - start));
            o += r.p - start;
            continue;
        }
        (*dropped)++;
        for (reader_t seg = {start, r.p}; seg.p < seg.end;) {
            const uint8_t *rec = seg.p;
            if (s_next_record(&seg) == 'O') {
                memcpy(o, rec, (size_t)(seg.p - rec));
                o += seg.p - rec;
            }
        }
    }
    size_t kept = (size_t)(o - out);
    memcpy(buf, out, kept);
    free(out);
    return kept;
}

static double s_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
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

static void s_open_dbi(replay_t *r, reader_t *in)
{
    uint32_t dbi = s_u32(in), flags = s_u32(in);
    uint16_t len;
    memcpy(&len, in->p, sizeof len);
    in->p += sizeof len;
    char name[256];
    snprintf(name, sizeof name, "%.*s", (int)len, (const char *)in->p);
    in->p += len;
    if (dbi >= MAX_DBS)
        return;
    s_begin(r);
    s_check(mdb_dbi_open(r->txn, len ? name : NULL, flags | MDB_CREATE,
                         &r->map[dbi]),
            "dbi_open");
}

static void s_run(replay_t *r, reader_t *in)
{
    while (in->p < in->end) {
        int type = *in->p++;
        if (type == 'O') {
            s_open_dbi(r, in);
        } else if (type == 'G') {
            uint32_t dbi = s_u32(in);
            MDB_val k = s_val(in), v;
            s_begin(r);
            s_check(mdb_get(r->txn, r->map[dbi], &k, &v), "get");
            r->gets++;
        } else if (type == 'P') {
            uint32_t dbi = s_u32(in), flags = s_u32(in);
            MDB_val k = s_val(in), v = s_val(in);
            s_begin(r);
            s_check(mdb_put(r->txn, r->map[dbi], &k, &v, flags), "put");
            r->puts++;
            s_maybe_commit(r);
        } else if (type == 'D') {
            uint32_t dbi = s_u32(in);
            MDB_val k = s_val(in), v = s_val(in);
            s_begin(r);
            s_check(mdb_del(r->txn, r->map[dbi], &k, v.mv_size ? &v : NULL),
                    "del");
            r->dels++;
            s_maybe_commit(r);
        } else if (type == 'C') {
            if (r->txn && !r->every)
                s_check(mdb_txn_commit(r->txn), "commit");
            if (!r->every) {
                r->txn = NULL;
                r->commits++;
            }
        } else {
            fprintf(stderr, "opcat-lmdb-replay: bad record type %d\n", type);
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
    double t0 = s_now();
    s_run(&r, &in);
    double secs = s_now() - t0;
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
