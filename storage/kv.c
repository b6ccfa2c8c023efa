/*  kv: consumer state environments. */
#include "kv.h"

#include <assert.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "be64.h"
#include "cfg.h"
#include "log.h"

#define KV_INITIAL_MAP ((size_t)32 << 20)
#define KV_MAX_MAP ((size_t)1 << 40)

struct kv {
    MDB_env *env;
    MDB_dbi dbis[KV_MAX_DBS];
    MDB_dbi meta;
    size_t count;
    size_t map_size;
    size_t page_size; /* LMDB's, read once at open */
    /* what kv_reopen() needs to open it again */
    char *dir;
    char *names[KV_MAX_DBS];
    unsigned flags[KV_MAX_DBS];
};

/*  The OPCAT code of an LMDB return code (MDB_*, below zero). */
static int s_lmdb_code(int rc)
{
    switch (rc) {
    case MDB_NOTFOUND:
        return OPCAT_ENOTFOUND;
    case MDB_KEYEXIST:
        return OPCAT_EDUP;
    case MDB_MAP_FULL:
        return OPCAT_EFULL;
    case MDB_TXN_FULL:
    case MDB_BAD_VALSIZE:
        return OPCAT_ETOOBIG;
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_INVALID:
    case MDB_VERSION_MISMATCH:
        return OPCAT_ECORRUPT;
    case MDB_READERS_FULL:
    case MDB_MAP_RESIZED:
    case MDB_DBS_FULL:
    case MDB_TLS_FULL:
    case MDB_CURSOR_FULL:
    case MDB_PAGE_FULL:
    case MDB_BAD_RSLOT:
    case MDB_BAD_TXN:
    case MDB_BAD_DBI:
    case MDB_INCOMPATIBLE:
        return OPCAT_ESTATE;
    default: /* MDB_PANIC, and the codes of a later LMDB */
        return OPCAT_EIO;
    }
}

int kv_error_map(err_t *err, int rc, const char *what, size_t map_size)
{
    if (err_is_code(rc))
        return rc; /* ours: 'err' was filled where it arose */
    /* LMDB's codes are negative, errno values (which LMDB passes on)
       positive; mdb_strerror knows both */
    int code = rc > 0 ? err_from_errno(rc) : s_lmdb_code(rc);
    if (rc == MDB_MAP_FULL && map_size)
        return err_set(err, code, "",
                       "%s: %s (the map is at its limit of %zu MiB)", what,
                       mdb_strerror(rc), map_size >> 20);
    return err_set(err, code, "", "%s: %s", what, mdb_strerror(rc));
}

int kv_error(err_t *err, int rc, const char *what)
{
    return kv_error_map(err, rc, what, 0);
}

static int s_open_dbs(kv_t *self, err_t *err)
{
    MDB_txn *txn;
    int rc = mdb_txn_begin(self->env, NULL, 0, &txn);
    if (rc)
        return kv_error(err, rc, "begin");
    for (size_t i = 0; i < self->count && !rc; i++)
        rc = mdb_dbi_open(txn, self->names[i], MDB_CREATE | self->flags[i],
                          &self->dbis[i]);
    if (!rc)
        rc = mdb_dbi_open(txn, "meta", MDB_CREATE, &self->meta);
    if (rc) {
        mdb_txn_abort(txn);
        return kv_error(err, rc, "open databases");
    }
    rc = mdb_txn_commit(txn);
    return rc ? kv_error(err, rc, "commit") : OPCAT_OK;
}

/*  Creates and opens the environment and its databases as remembered in
    'self' (at self->map_size when set). */
static int s_open_env(kv_t *self, err_t *err)
{
    int rc = mdb_env_create(&self->env);
    if (rc)
        return kv_error(err, rc, "create environment");
    mdb_env_set_maxdbs(self->env, KV_MAX_DBS + 1);
    mdb_env_set_mapsize(self->env,
                        self->map_size ? self->map_size : KV_INITIAL_MAP);
    /* MDB_NOMETASYNC: one fsync per commit instead of two.  A system crash
       may then undo the last commit (LMDB keeps the file consistent: ACI,
       not D).  That is safe here and only here: a consumer's state is a
       projection of the store, and an undone commit moves its checkpoint
       back with it, so the events are simply applied again; a reminder
       fired again gets the same derived id and the store answers
       duplicate.  The store itself keeps full durability. */
    rc = mdb_env_open(self->env, self->dir, MDB_NOTLS | MDB_NOMETASYNC, 0644);
    if (!rc) {
        MDB_envinfo info;
        MDB_stat st;
        mdb_env_info(self->env, &info);
        mdb_env_stat(self->env, &st);
        self->map_size = info.me_mapsize;
        self->page_size = st.ms_psize;
        if (s_open_dbs(self, err) == OPCAT_OK)
            return OPCAT_OK;
    } else {
        kv_error(err, rc, self->dir);
    }
    mdb_env_close(self->env);
    self->env = NULL;
    return err->code;
}

/*  Keeps copies of what s_open_env() needs. */
static int s_remember(kv_t *self, const char *dir, const char *const *names,
                      const unsigned *flags, err_t *err)
{
    if (!(self->dir = strdup(dir)))
        return err_set(err, OPCAT_ENOMEM, "", "out of memory");
    for (size_t i = 0; i < self->count; i++) {
        if (!(self->names[i] = strdup(names[i])))
            return err_set(err, OPCAT_ENOMEM, "", "out of memory");
        self->flags[i] = flags ? flags[i] : 0;
    }
    return OPCAT_OK;
}

kv_t *kv_open(const char *dir, const char *const *names, const unsigned *flags,
              size_t count, err_t *err)
{
    if (count > KV_MAX_DBS) {
        err_set(err, OPCAT_EINVAL, "", "too many databases");
        return NULL;
    }
    if (cfg_mkdirs(dir, err))
        return NULL;
    kv_t *self = calloc(1, sizeof *self);
    if (!self) {
        err_set(err, OPCAT_ENOMEM, "", "out of memory");
        return NULL;
    }
    self->count = count;
    if (s_remember(self, dir, names, flags, err) || s_open_env(self, err))
        kv_destroy(&self);
    return self;
}

int kv_reopen(kv_t *self, err_t *err)
{
    mdb_env_close(self->env);
    self->env = NULL;
    return s_open_env(self, err);
}

void kv_destroy(kv_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    kv_t *self = *self_p;
    if (self->env)
        mdb_env_close(self->env);
    free(self->dir);
    for (size_t i = 0; i < self->count; i++)
        free(self->names[i]);
    free(self);
    *self_p = NULL;
}

MDB_dbi kv_dbi(const kv_t *self, size_t index)
{
    return self->dbis[index];
}

static int s_grow(kv_t *self)
{
    if (self->map_size * 2 > KV_MAX_MAP)
        return MDB_MAP_FULL;
    int rc = mdb_env_set_mapsize(self->env, self->map_size * 2);
    if (!rc) {
        self->map_size *= 2;
        log_info("state map grown to %zu KiB", self->map_size >> 10);
    }
    return rc;
}

/*  An error when a failed kv_reopen() left the environment closed. */
static int s_closed(const kv_t *self, err_t *err)
{
    return self->env ? OPCAT_OK
                     : err_set(err, OPCAT_EIO, "", "%s: environment closed",
                               self->dir);
}

/*  Grows the map while more than half of it is in use.  A transaction
    that fills the map is aborted and redone whole in a bigger one, and a
    consumer's catch-up transaction holds tens of thousands of events:
    growing ahead saves most of those redos. */
static void s_grow_ahead(kv_t *self)
{
    MDB_envinfo info;
    if (mdb_env_info(self->env, &info))
        return;
    size_t used = ((size_t)info.me_last_pgno + 1) * self->page_size;
    while (used > self->map_size / 2 && s_grow(self) == 0)
        ;
}

int kv_write(kv_t *self, kv_txn_fn fn, void *arg, err_t *err)
{
    if (s_closed(self, err))
        return err->code;
    s_grow_ahead(self);
    for (;;) {
        MDB_txn *txn;
        int rc = mdb_txn_begin(self->env, NULL, 0, &txn);
        if (rc)
            return kv_error(err, rc, "begin");
        rc = fn(arg, txn);
        if (rc)
            mdb_txn_abort(txn);
        else
            rc = mdb_txn_commit(txn);
        if (rc == MDB_MAP_FULL && s_grow(self) == 0)
            continue;
        return rc ? kv_error_map(err, rc, "write", self->map_size) : OPCAT_OK;
    }
}

int kv_read(kv_t *self, kv_txn_fn fn, void *arg, err_t *err)
{
    if (s_closed(self, err))
        return err->code;
    MDB_txn *txn;
    int rc = mdb_txn_begin(self->env, NULL, MDB_RDONLY, &txn);
    if (rc == MDB_MAP_RESIZED) {
        mdb_env_set_mapsize(self->env, 0);
        rc = mdb_txn_begin(self->env, NULL, MDB_RDONLY, &txn);
    }
    if (rc)
        return kv_error(err, rc, "read");
    rc = fn(arg, txn);
    mdb_txn_abort(txn);
    return rc ? kv_error(err, rc, "read") : OPCAT_OK;
}

uint64_t kv_checkpoint(const kv_t *self, MDB_txn *txn)
{
    MDB_val key = {10, "checkpoint"}, val;
    if (mdb_get(txn, self->meta, &key, &val) || val.mv_size != 8)
        return 0;
    return be64_get(val.mv_data);
}

int kv_each(MDB_txn *txn, MDB_dbi dbi, const MDB_val *from, const void *prefix,
            size_t len, kv_record_fn fn, void *arg)
{
    assert(fn && (prefix || !len));
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, dbi, &cur);
    if (rc)
        return rc;
    MDB_val k = from ? *from : (MDB_val){len, (void *)prefix}, v;
    MDB_cursor_op op = from || len ? MDB_SET_RANGE : MDB_FIRST;
    for (rc = mdb_cursor_get(cur, &k, &v, op); !rc;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        /* no prefix: memcmp may not be given NULL, even for 0 bytes */
        if (len && (k.mv_size < len || memcmp(k.mv_data, prefix, len) != 0))
            break;
        if ((rc = fn(arg, &k, &v)))
            break;
    }
    mdb_cursor_close(cur);
    return rc == MDB_NOTFOUND || rc == KV_STOP ? 0 : rc;
}

typedef struct {
    MDB_val *key, *value;
    bool found;
} first_t;

static int s_first_record(void *arg, const MDB_val *key, const MDB_val *value)
{
    first_t *f = arg;
    *f->key = *key;
    *f->value = *value;
    f->found = true;
    return KV_STOP;
}

int kv_first(MDB_txn *txn, MDB_dbi dbi, const MDB_val *from, const void *prefix,
             size_t len, MDB_val *key, MDB_val *value)
{
    first_t f = {key, value, false};
    int rc = kv_each(txn, dbi, from, prefix, len, s_first_record, &f);
    return rc ? rc : f.found ? 0 : MDB_NOTFOUND;
}

int kv_set_checkpoint(const kv_t *self, MDB_txn *txn, uint64_t sequence)
{
    uint8_t buf[8];
    be64_put(buf, sequence);
    MDB_val key = {10, "checkpoint"}, val = {8, buf};
    return mdb_put(txn, self->meta, &key, &val, 0);
}

typedef struct {
    const kv_t *kv;
    uint64_t sequence;
} checkpoint_arg_t;

static int s_read_checkpoint(void *arg, MDB_txn *txn)
{
    checkpoint_arg_t *a = arg;
    a->sequence = kv_checkpoint(a->kv, txn);
    return 0;
}

int kv_load_checkpoint(kv_t *self, uint64_t *sequence, err_t *err)
{
    checkpoint_arg_t a = {self, 0};
    int rc = kv_read(self, s_read_checkpoint, &a, err);
    *sequence = a.sequence;
    return rc;
}

static int s_clear_all(void *arg, MDB_txn *txn)
{
    kv_t *self = arg;
    int rc = 0;
    for (size_t i = 0; i < self->count && !rc; i++)
        rc = mdb_drop(txn, self->dbis[i], 0);
    return rc ? rc : mdb_drop(txn, self->meta, 0);
}

int kv_clear(kv_t *self, err_t *err)
{
    return kv_write(self, s_clear_all, self, err);
}
