/*  Unit tests of storage/kv: a consumer's environment.

    - records and the checkpoint written in one transaction survive a
      close and a kv_reopen(), under the same database handles;
    - a write bigger than the initial map grows it and commits;
    - a failed transaction leaves nothing;
    - a reopen that fails leaves every call failing with a message, and
      a later reopen recovers;
    - kv_clear empties every database and the checkpoint;
    - kv_each scans in key order from a key, within a prefix, stops on
      KV_STOP and hands back a callback's error;
    - kv_first finds the first record of such a scan, or MDB_NOTFOUND;
    - kv_error translates every LMDB code and errno value into an OPCAT
      code with LMDB's text in the message, lets OPCAT codes through,
      and names the map size when the map is full; a missing key read in
      kv_read is OPCAT_ENOTFOUND and a file that is not an environment
      OPCAT_ECORRUPT. */
#include "test_common.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "kv.h"

static const char *const s_names[] = {"alpha", "beta"};

typedef struct {
    kv_t *kv;
    char dir[64];
} fixture_t;

static int s_setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    err_t err;
    snprintf(f->dir, sizeof f->dir, "/tmp/test-kv.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    f->kv = kv_open(f->dir, s_names, NULL, 2, &err);
    assert_non_null(f->kv);
    *state = f;
    return 0;
}

static int s_teardown(void **state)
{
    fixture_t *f = *state;
    kv_destroy(&f->kv);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s %s.moved", f->dir, f->dir);
    int rc = system(cmd);
    free(f);
    return rc == 0 ? 0 : -1;
}

typedef struct {
    kv_t *kv;
    uint32_t count;    /* records to put in "beta" */
    size_t value_size; /* bytes each */
    uint64_t checkpoint;
    int fail; /* non-zero: abort with this after the puts */
} put_t;

static int s_put(void *arg, MDB_txn *txn)
{
    put_t *p = arg;
    char *value = calloc(1, p->value_size + 1);
    int rc = 0;
    for (uint32_t i = 0; i < p->count && !rc; i++) {
        memset(value, 'a' + (int)(i % 26), p->value_size);
        MDB_val k = {sizeof i, &i}, v = {p->value_size, value};
        rc = mdb_put(txn, kv_dbi(p->kv, 1), &k, &v, 0);
    }
    free(value);
    if (!rc)
        rc = kv_set_checkpoint(p->kv, txn, p->checkpoint);
    return rc ? rc : p->fail;
}

typedef struct {
    kv_t *kv;
    size_t entries;
    uint64_t checkpoint;
} count_t;

static int s_count(void *arg, MDB_txn *txn)
{
    count_t *c = arg;
    MDB_stat st;
    int rc = mdb_stat(txn, kv_dbi(c->kv, 1), &st);
    c->entries = rc ? 0 : st.ms_entries;
    c->checkpoint = kv_checkpoint(c->kv, txn);
    return rc;
}

static count_t s_read(kv_t *kv)
{
    count_t c = {kv, 0, 0};
    err_t err;
    CHECK(kv_read(kv, s_count, &c, &err), &err);
    return c;
}

static void test_records_survive_a_reopen(void **state)
{
    fixture_t *f = *state;
    err_t err;
    put_t p = {f->kv, 1000, 100, 1000, 0};
    CHECK(kv_write(f->kv, s_put, &p, &err), &err);
    MDB_dbi before = kv_dbi(f->kv, 1);
    CHECK(kv_reopen(f->kv, &err), &err);
    assert_int_equal(kv_dbi(f->kv, 1), before);
    count_t c = s_read(f->kv);
    assert_int_equal(c.entries, 1000);
    assert_int_equal(c.checkpoint, 1000);
    uint64_t checkpoint = 0;
    CHECK(kv_load_checkpoint(f->kv, &checkpoint, &err), &err);
    assert_int_equal(checkpoint, 1000);
    /* and it takes writes again */
    p.count = 2000;
    p.checkpoint = 3000;
    CHECK(kv_write(f->kv, s_put, &p, &err), &err);
    assert_int_equal(s_read(f->kv).entries, 2000);
}

static void test_a_write_bigger_than_the_map_grows_it(void **state)
{
    fixture_t *f = *state;
    err_t err;
    /* 48 MiB of values in one transaction: more than the 32 MiB map */
    put_t p = {f->kv, 12288, 4096, 7, 0};
    CHECK(kv_write(f->kv, s_put, &p, &err), &err);
    count_t c = s_read(f->kv);
    assert_int_equal(c.entries, 12288);
    assert_int_equal(c.checkpoint, 7);
    CHECK(kv_reopen(f->kv, &err), &err); /* at the grown size */
    assert_int_equal(s_read(f->kv).entries, 12288);
}

static void test_a_failed_transaction_leaves_nothing(void **state)
{
    fixture_t *f = *state;
    err_t err;
    put_t p = {f->kv, 10, 10, 99, OPCAT_EINVAL};
    assert_int_equal(kv_write(f->kv, s_put, &p, &err), OPCAT_EINVAL);
    count_t c = s_read(f->kv);
    assert_int_equal(c.entries, 0);
    assert_int_equal(c.checkpoint, 0);
}

static void test_a_failed_reopen_fails_calls_until_one_succeeds(void **state)
{
    fixture_t *f = *state;
    err_t err;
    put_t p = {f->kv, 5, 10, 5, 0};
    CHECK(kv_write(f->kv, s_put, &p, &err), &err);
    char moved[80];
    snprintf(moved, sizeof moved, "%s.moved", f->dir);
    assert_int_equal(rename(f->dir, moved), 0);
    FILE *file = fopen(f->dir, "w"); /* a file where the directory was */
    assert_non_null(file);
    fclose(file);
    assert_int_not_equal(kv_reopen(f->kv, &err), 0);
    count_t c = {f->kv, 0, 0};
    assert_int_equal(kv_read(f->kv, s_count, &c, &err), OPCAT_EIO);
    assert_non_null(strstr(err.message, "environment closed"));
    assert_int_equal(kv_write(f->kv, s_put, &p, &err), OPCAT_EIO);
    assert_int_equal(unlink(f->dir), 0);
    assert_int_equal(rename(moved, f->dir), 0);
    CHECK(kv_reopen(f->kv, &err), &err);
    assert_int_equal(s_read(f->kv).entries, 5);
}

static void test_clear_empties_everything(void **state)
{
    fixture_t *f = *state;
    err_t err;
    put_t p = {f->kv, 50, 10, 50, 0};
    CHECK(kv_write(f->kv, s_put, &p, &err), &err);
    CHECK(kv_clear(f->kv, &err), &err);
    count_t c = s_read(f->kv);
    assert_int_equal(c.entries, 0);
    assert_int_equal(c.checkpoint, 0);
}

/*  Puts keys "a1" "a2" "b1" "b2" "b3" "c1" in "alpha". */
static int s_put_keys(void *arg, MDB_txn *txn)
{
    kv_t *kv = arg;
    const char *keys[] = {"b2", "a1", "c1", "b1", "a2", "b3"};
    int rc = 0;
    for (size_t i = 0; i < 6 && !rc; i++) {
        MDB_val k = {2, (void *)keys[i]}, v = {1, "x"};
        rc = mdb_put(txn, kv_dbi(kv, 0), &k, &v, 0);
    }
    return rc;
}

typedef struct {
    kv_t *kv;
    const char *prefix;
    const char *from;
    int stop_after; /* 0: never; else KV_STOP after that many */
    int fail_at;    /* 0: never; else OPCAT_EIO at that record */
    char seen[32];
    int n, rc;
} scan_t;

static int s_record(void *arg, const MDB_val *k, const MDB_val *v)
{
    scan_t *s = arg;
    assert_int_equal(v->mv_size, 1);
    memcpy(s->seen + 2 * s->n, k->mv_data, 2);
    s->n++;
    if (s->fail_at && s->n == s->fail_at)
        return OPCAT_EIO;
    return s->stop_after && s->n == s->stop_after ? KV_STOP : 0;
}

static int s_scan(void *arg, MDB_txn *txn)
{
    scan_t *s = arg;
    MDB_val from = {s->from ? strlen(s->from) : 0, (void *)s->from};
    s->rc = kv_each(txn, kv_dbi(s->kv, 0), s->from ? &from : NULL, s->prefix,
                    s->prefix ? strlen(s->prefix) : 0, s_record, s);
    return 0;
}

static void s_expect(kv_t *kv, scan_t s, const char *seen, int rc)
{
    err_t err;
    s.kv = kv;
    CHECK(kv_read(kv, s_scan, &s, &err), &err);
    assert_string_equal(s.seen, seen);
    assert_int_equal(s.rc, rc);
}

static void test_each_scans_in_key_order_within_a_prefix(void **state)
{
    fixture_t *f = *state;
    err_t err;
    CHECK(kv_write(f->kv, s_put_keys, f->kv, &err), &err);
    s_expect(f->kv, (scan_t){0}, "a1a2b1b2b3c1", 0);
    s_expect(f->kv, (scan_t){.prefix = "b"}, "b1b2b3", 0);
    s_expect(f->kv, (scan_t){.prefix = "b", .from = "b2"}, "b2b3", 0);
    s_expect(f->kv, (scan_t){.from = "b25"}, "b3c1", 0);
    s_expect(f->kv, (scan_t){.prefix = "d"}, "", 0);
    s_expect(f->kv, (scan_t){.prefix = "a", .stop_after = 1}, "a1", 0);
    s_expect(f->kv, (scan_t){.fail_at = 3}, "a1a2b1", OPCAT_EIO);
}

typedef struct {
    kv_t *kv;
    const char *from, *prefix;
    char key[3], value[2];
    int rc;
} seek_t;

static int s_seek(void *arg, MDB_txn *txn)
{
    seek_t *s = arg;
    MDB_val from = {s->from ? strlen(s->from) : 0, (void *)s->from}, k, v;
    s->rc = kv_first(txn, kv_dbi(s->kv, 0), s->from ? &from : NULL, s->prefix,
                     s->prefix ? strlen(s->prefix) : 0, &k, &v);
    if (!s->rc) {
        memcpy(s->key, k.mv_data, k.mv_size < 2 ? k.mv_size : 2);
        memcpy(s->value, v.mv_data, v.mv_size < 1 ? v.mv_size : 1);
    }
    return 0;
}

static seek_t s_first(kv_t *kv, const char *from, const char *prefix)
{
    seek_t s = {.kv = kv, .from = from, .prefix = prefix};
    err_t err;
    CHECK(kv_read(kv, s_seek, &s, &err), &err);
    return s;
}

static void test_first_finds_the_first_record_of_a_scan(void **state)
{
    fixture_t *f = *state;
    err_t err;
    CHECK(kv_write(f->kv, s_put_keys, f->kv, &err), &err);
    assert_string_equal(s_first(f->kv, NULL, NULL).key, "a1");
    assert_string_equal(s_first(f->kv, NULL, "b").key, "b1");
    assert_string_equal(s_first(f->kv, "b15", "b").key, "b2");
    seek_t s = s_first(f->kv, "b25", NULL);
    assert_int_equal(s.rc, 0);
    assert_string_equal(s.key, "b3");
    assert_string_equal(s.value, "x");
    assert_int_equal(s_first(f->kv, "b4", "b").rc, MDB_NOTFOUND);
    assert_int_equal(s_first(f->kv, NULL, "d").rc, MDB_NOTFOUND);
    assert_int_equal(s_first(f->kv, "c2", NULL).rc, MDB_NOTFOUND);
}

/*  Asserts that kv_error turns 'rc' into 'code', with "what: " and
    LMDB's own text in the message. */
static void s_expect_translated(int rc, int code)
{
    err_t err;
    err_clear(&err);
    assert_int_equal(kv_error(&err, rc, "what"), code);
    assert_int_equal(err.code, code);
    char want[ERR_MESSAGE_MAX];
    snprintf(want, sizeof want, "what: %s", mdb_strerror(rc));
    assert_string_equal(err.message, want);
}

static void test_error_translates_lmdb_codes_and_errno(void **state)
{
    (void)state;
    const struct {
        int rc, code;
    } cases[] = {{MDB_NOTFOUND, OPCAT_ENOTFOUND},
                 {MDB_KEYEXIST, OPCAT_EDUP},
                 {MDB_MAP_FULL, OPCAT_EFULL},
                 {MDB_TXN_FULL, OPCAT_ETOOBIG},
                 {MDB_BAD_VALSIZE, OPCAT_ETOOBIG},
                 {MDB_CORRUPTED, OPCAT_ECORRUPT},
                 {MDB_PAGE_NOTFOUND, OPCAT_ECORRUPT},
                 {MDB_INVALID, OPCAT_ECORRUPT},
                 {MDB_VERSION_MISMATCH, OPCAT_ECORRUPT},
                 {MDB_READERS_FULL, OPCAT_ESTATE},
                 {MDB_MAP_RESIZED, OPCAT_ESTATE},
                 {MDB_BAD_TXN, OPCAT_ESTATE},
                 {MDB_PANIC, OPCAT_EIO},
                 {ENOSPC, OPCAT_ENOSPC},
                 {EIO, OPCAT_EIO},
                 {ENOMEM, OPCAT_ENOMEM},
                 {EACCES, OPCAT_EIO}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        s_expect_translated(cases[i].rc, cases[i].code);
    /* an OPCAT code passes, its message (filled where it arose) kept */
    err_t err;
    err_set(&err, OPCAT_EREF, "report_id", "kept");
    assert_int_equal(kv_error(&err, OPCAT_EREF, "what"), OPCAT_EREF);
    assert_string_equal(err.message, "kept");
    err_set(&err, OPCAT_ECORRUPT, "", "kept");
    assert_int_equal(kv_error(&err, OPCAT_ECORRUPT, "what"), OPCAT_ECORRUPT);
    assert_string_equal(err.message, "kept");
}

static void test_a_full_map_names_its_size(void **state)
{
    (void)state;
    err_t err;
    assert_int_equal(kv_error_map(&err, MDB_MAP_FULL, "write", (size_t)3 << 20),
                     OPCAT_EFULL);
    assert_non_null(strstr(err.message, "MDB_MAP_FULL"));
    assert_non_null(strstr(err.message, "3 MiB"));
}

static int s_get_missing(void *arg, MDB_txn *txn)
{
    kv_t *kv = arg;
    MDB_val k = {7, "missing"}, v;
    return mdb_get(txn, kv_dbi(kv, 0), &k, &v);
}

static void test_a_missing_key_is_not_found(void **state)
{
    fixture_t *f = *state;
    err_t err;
    assert_int_equal(kv_read(f->kv, s_get_missing, f->kv, &err),
                     OPCAT_ENOTFOUND);
    assert_int_equal(err.code, OPCAT_ENOTFOUND);
    assert_non_null(strstr(err.message, "MDB_NOTFOUND"));
}

static void test_a_file_that_is_not_an_environment_is_corrupt(void **state)
{
    fixture_t *f = *state;
    char dir[80], path[100], junk[8192];
    snprintf(dir, sizeof dir, "%s.moved", f->dir); /* s_teardown removes it */
    assert_int_equal(mkdir(dir, 0700), 0);
    snprintf(path, sizeof path, "%s/data.mdb", dir);
    memset(junk, 'x', sizeof junk);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, junk, sizeof junk), (ssize_t)sizeof junk);
    close(fd);
    err_t err;
    assert_null(kv_open(dir, s_names, NULL, 2, &err));
    assert_int_equal(err.code, OPCAT_ECORRUPT);
    assert_non_null(strstr(err.message, mdb_strerror(MDB_INVALID)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_records_survive_a_reopen, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(
            test_a_write_bigger_than_the_map_grows_it, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(
            test_a_failed_transaction_leaves_nothing, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(
            test_a_failed_reopen_fails_calls_until_one_succeeds, s_setup,
            s_teardown),
        cmocka_unit_test_setup_teardown(
            test_each_scans_in_key_order_within_a_prefix, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(
            test_first_finds_the_first_record_of_a_scan, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_clear_empties_everything, s_setup,
                                        s_teardown),
        cmocka_unit_test(test_error_translates_lmdb_codes_and_errno),
        cmocka_unit_test(test_a_full_map_names_its_size),
        cmocka_unit_test_setup_teardown(test_a_missing_key_is_not_found,
                                        s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(
            test_a_file_that_is_not_an_environment_is_corrupt, s_setup,
            s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
