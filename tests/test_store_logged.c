/*  Unit tests of storage/store with its commit log: recovery of what
    only the commit log held after a crash, the rules across an apply, a
    log alternating with direct writes, a torn tail, a full disk during a
    commit, and backpressure when too many events wait in memory. */
#include "test_common.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store.h"
#include "store_fixture.h"

/*  Writes events "<prefix>-<i>" for i in [from, to) as batches of 'batch'
    and asserts they are stored with the sequences after the head. */
static void s_write_range(store_t *store, const char *prefix, int from, int to,
                          int batch)
{
    char json[256];
    err_t err;
    uint64_t seq = store_head(store);
    for (int i = from; i < to; i += batch) {
        int n = to - i < batch ? to - i : batch;
        event_t *events[64];
        store_result_t results[64];
        for (int k = 0; k < n; k++) {
            snprintf(json, sizeof json,
                     "{\"type\":\"followup.dialogue\",\"occurred_on\":"
                     "\"2025-05-05\",\"state\":\"AUS\",\"with\":\"state\","
                     "\"id\":\"%s-%d\"}",
                     prefix, i + k);
            events[k] = fixture_event(json);
        }
        store_batch_t b = {
            .events = events, .count = (size_t)n, .results = results};
        CHECK(store_write(store, &b, 1, &err), &err);
        for (int k = 0; k < n; k++) {
            assert_int_equal(results[k].status, STORE_STORED);
            assert_int_equal(results[k].sequence, ++seq);
            event_free(&events[k]);
        }
    }
}

typedef struct {
    uint64_t next;
    bool dense;
} dense_t;

static int s_dense_one(void *arg, uint64_t seq, const char *topic,
                       size_t topic_len, const uint8_t *env, size_t env_len)
{
    (void)topic, (void)topic_len, (void)env, (void)env_len;
    dense_t *d = arg;
    d->dense &= seq == d->next++;
    return 0;
}

/*  Asserts the log holds 1..head, each once. */
static void s_expect_dense(store_t *store)
{
    dense_t d = {1, true};
    uint64_t next = 1;
    err_t err;
    while (next <= store_head(store))
        CHECK(store_read(store, next, 0, 4096, NULL, s_dense_one, &d, &next,
                         &err),
              &err);
    assert_true(d.dense);
    assert_int_equal(d.next, store_head(store) + 1);
}

typedef struct {
    const char *prefix;
    int from, to;
} range_t;

/*  In a child that ends with _exit, as a kill -9 would (the store is
    never closed, so nothing pending is applied): opens the store with
    the fixture's options (a commit log) and writes 'r'. */
static void s_crashing_writer(fixture_t *f, range_t r)
{
    assert_null(f->store); /* no LMDB handle crosses a fork */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        err_t err;
        store_t *store = store_open(f->dir, f->codes, &f->options, &err);
        if (!store)
            _exit(2);
        s_write_range(store, r.prefix, r.from, r.to, 37);
        _exit(0);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_logged_recovers_what_was_pending(void **state)
{
    fixture_t *f = *state;
    err_t err;
    store_destroy(&f->store);
    s_crashing_writer(f, (range_t){"crash", 0, 500});

    /* LMDB alone has none of it: it was only in the commit log (the
       reader is closed before the writer opens: one handle per process) */
    store_options_t ro = {.read_only = true};
    store_t *reader = store_open(f->dir, f->codes, &ro, &err);
    assert_non_null(reader);
    assert_int_equal(store_head(reader), 0);
    store_destroy(&reader);

    f->store = store_open(f->dir, f->codes, &f->options, &err);
    assert_non_null(f->store);
    assert_int_equal(store_head(f->store), 500);
    fixture_expect_ids(f->store, "crash", 500);
    s_expect_dense(f->store);
    assert_int_equal(store_pending(f->store), 0); /* applied on open */
    assert_int_equal(store_applied(f->store), 500);
    /* a resend of what was acknowledged is a duplicate */
    const char *again =
        "{\"type\":\"followup.dialogue\",\"occurred_on\":\"2025-05-05\","
        "\"state\":\"AUS\",\"with\":\"state\",\"id\":\"crash-7\"}";
    store_result_t *r = fixture_write(f, &again, 1, false);
    assert_int_equal(r[0].status, STORE_DUPLICATE);
    assert_int_equal(r[0].sequence, 8);
    free(r);
}

/*  References and duplicates across writes, before and after the pending
    events are applied: the same answers either way. */
static void test_logged_rules_across_apply(void **state)
{
    fixture_t *f = *state;
    err_t err;
    const char *transmitted = TRANSMITTED("N1", "PER", "npm");
    const char *reply = REPLY("N1", "PER");
    const char *wrong = REPLY("N1", "HRV");
    store_result_t *r = fixture_write(f, &transmitted, 1, false);
    assert_int_equal(r[0].status, STORE_STORED);
    free(r);
    assert_int_equal(store_pending(f->store), 1);
    assert_true(store_is_npm_report(f->store, "N1")); /* pending */
    for (int applied = 0; applied < 2; applied++) {
        r = fixture_write(f, &wrong, 1, false);
        assert_int_equal(r[0].status, STORE_REFUSED);
        assert_non_null(strstr(r[0].error.message, "transmitted to PER"));
        free(r);
        r = fixture_write(f, &transmitted, 1, false);
        assert_int_equal(r[0].status, STORE_DUPLICATE);
        assert_int_equal(r[0].sequence, 1);
        free(r);
        CHECK(store_apply(f->store, &err), &err);
        assert_int_equal(store_pending(f->store), 0);
        assert_true(store_is_npm_report(f->store, "N1")); /* applied */
    }
    r = fixture_write(f, &reply, 1, false);
    assert_int_equal(r[0].status, STORE_STORED);
    assert_int_equal(r[0].sequence, 2);
    free(r);
}

/*  A log left by a crash is applied by a store opened without one; the
    store goes on without it, and a later start with the log again
    continues densely after what LMDB holds. */
static void test_logged_and_direct_alternate(void **state)
{
    fixture_t *f = *state;
    err_t err;
    store_destroy(&f->store);
    s_crashing_writer(f, (range_t){"alt", 0, 100});
    f->store = store_open(f->dir, f->codes, NULL, &err); /* no log */
    assert_non_null(f->store);
    assert_int_equal(store_head(f->store), 100);
    s_write_range(f->store, "alt", 100, 150, 25);
    store_destroy(&f->store);
    s_crashing_writer(f, (range_t){"alt", 150, 200});
    f->store = store_open(f->dir, f->codes, &f->options, &err);
    assert_non_null(f->store);
    assert_int_equal(store_head(f->store), 200);
    fixture_expect_ids(f->store, "alt", 200);
    s_expect_dense(f->store);
}

/*  Where the records of commit log segment 'path' end. */
static size_t s_records_end(const char *path)
{
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    size_t off = 0;
    uint8_t len[4];
    while (pread(fd, len, 4, (off_t)off) == 4) {
        uint32_t n = (uint32_t)len[0] | (uint32_t)len[1] << 8 |
                     (uint32_t)len[2] << 16 | (uint32_t)len[3] << 24;
        if (!n)
            break;
        off += 16 + n;
    }
    close(fd);
    return off;
}

static void s_last_segment(const fixture_t *f, char *path, size_t cap)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ls '%s'/clog-* | tail -1", f->dir);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    assert_non_null(fgets(path, (int)cap, p));
    pclose(p);
    path[strcspn(path, "\n")] = 0;
}

/*  Truncates 'path' at 'offset', or writes garbage there. */
static void s_tear(const char *path, size_t offset, bool truncate)
{
    int fd = open(path, O_RDWR);
    assert_true(fd >= 0);
    if (truncate) {
        assert_int_equal(ftruncate(fd, (off_t)offset), 0);
    } else {
        uint8_t junk[40];
        for (size_t i = 0; i < sizeof junk; i++)
            junk[i] = (uint8_t)rand();
        assert_int_equal(pwrite(fd, junk, sizeof junk, (off_t)offset),
                         (ssize_t)sizeof junk);
    }
    close(fd);
}

/*  50 rounds: events acknowledged by a writer that then crashes; a
    second writer's group in flight, torn at a random offset (truncated,
    or garbage written there) as a crash during its write leaves it.  The
    restart cuts at the last good record: every acknowledged event is
    there, once, and the sequence is dense. */
static void test_logged_torn_tail(void **state)
{
    fixture_t *f = *state;
    err_t err;
    store_destroy(&f->store);
    srand(18);
    int acked = 0;
    for (int round = 0; round < 50; round++) {
        int n = 1 + rand() % 80;
        s_crashing_writer(f, (range_t){"acked", acked, acked + n});
        acked += n;
        char path[512];
        s_last_segment(f, path, sizeof path);
        size_t before = s_records_end(path);
        char flight[32];
        snprintf(flight, sizeof flight, "flight%d", round);
        s_crashing_writer(f, (range_t){flight, 0, 1 + rand() % 30});
        char last[512];
        s_last_segment(f, last, sizeof last);
        if (strcmp(last, path) != 0)
            before = 0; /* the group started a segment */
        size_t end = s_records_end(last);
        assert_true(end > before);
        s_tear(last, before + (size_t)rand() % (end - before), round % 2);

        f->store = store_open(f->dir, f->codes, &f->options, &err);
        if (!f->store)
            fail_msg("round %d: %s", round, err.message);
        assert_true(store_head(f->store) >= (uint64_t)acked);
        fixture_expect_ids(f->store, "acked", acked);
        s_expect_dense(f->store);
        store_destroy(&f->store);
    }
}

/*  The file system refuses to grow the commit log (a file size limit
    stands in for a full disk): the group is FAILED, nothing of it is
    stored or seen, and the store goes on once there is room again. */
static void test_logged_disk_full(void **state)
{
    fixture_t *f = *state;
    err_t err;
    store_destroy(&f->store);
    store_options_t o = fixture_pending();
    o.extent = 16 * 1024;
    f->store = store_open(f->dir, f->codes, &o, &err);
    assert_non_null(f->store);
    s_write_range(f->store, "full", 0, 10, 10);
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit was, small = {16 * 1024, 16 * 1024};
    getrlimit(RLIMIT_FSIZE, &was);
    small.rlim_max = was.rlim_max;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);

    /* 64 events of ~300 bytes do not fit in the 16 KiB allotted */
    char json[64][512];
    event_t *events[64];
    store_result_t results[64];
    for (int k = 0; k < 64; k++) {
        snprintf(json[k], sizeof json[k],
                 "{\"type\":\"followup.dialogue\",\"occurred_on\":"
                 "\"2025-05-05\",\"state\":\"AUS\",\"with\":\"state\","
                 "\"id\":\"big-%d\",\"note\":\"%0250d\"}",
                 k, k);
        events[k] = fixture_event(json[k]);
    }
    store_batch_t b = {.events = events, .count = 64, .results = results};
    assert_true(store_write(f->store, &b, 1, &err) < 0);
    for (int k = 0; k < 64; k++)
        assert_int_equal(results[k].status, STORE_FAILED);
    assert_int_equal(store_head(f->store), 10);
    uint64_t seq;
    assert_int_equal(store_find_id(f->store, "big-0", &seq, &err),
                     OPCAT_ENOTFOUND);
    /* applying to LMDB fails too; what is pending stays served */
    assert_true(store_apply(f->store, &err) < 0);
    fixture_expect_ids(f->store, "full", 10);

    assert_int_equal(setrlimit(RLIMIT_FSIZE, &was), 0);
    CHECK(store_write(f->store, &b, 1, &err), &err);
    for (int k = 0; k < 64; k++) {
        assert_int_equal(results[k].status, STORE_STORED);
        assert_int_equal(results[k].sequence, (uint64_t)(11 + k));
        event_free(&events[k]);
    }
    CHECK(store_apply(f->store, &err), &err);
    store_destroy(&f->store);
    f->store = store_open(f->dir, f->codes, NULL, &err);
    assert_int_equal(store_head(f->store), 74);
    fixture_expect_ids(f->store, "full", 10);
    s_expect_dense(f->store);
}

/*  At most 'pending_max' events wait in memory: a write beyond waits for
    the applier (which would not start by itself here) and is stored;
    a group larger than the bound waits for all to be applied and is
    stored too. */
static void test_logged_backpressure(void **state)
{
    fixture_t *f = *state;
    err_t err;
    store_destroy(&f->store);
    store_options_t o = fixture_pending();
    o.pending_max = 8;
    f->store = store_open(f->dir, f->codes, &o, &err);
    fixture_write_named(f, "bp", 0, 8);
    assert_int_equal(store_pending(f->store), 8);
    fixture_write_named(f, "bp", 8, 4);
    assert_int_equal(store_head(f->store), 12);
    assert_true(store_pending(f->store) <= 8);
    fixture_expect_ids(f->store, "bp", 12);
    s_expect_dense(f->store);

    fixture_write_named(f, "big", 0, 9);
    assert_int_equal(store_head(f->store), 21);
    assert_int_equal(store_pending(f->store), 9);
    fixture_write_named(f, "bp", 12, 1); /* the bigger tail holds it too */
    assert_int_equal(store_head(f->store), 22);
    s_expect_dense(f->store);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_logged_recovers_what_was_pending,
                                        fixture_setup_pending,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_logged_rules_across_apply,
                                        fixture_setup_pending,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_logged_and_direct_alternate,
                                        fixture_setup_pending,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(
            test_logged_torn_tail, fixture_setup_pending, fixture_teardown),
        cmocka_unit_test_setup_teardown(
            test_logged_disk_full, fixture_setup_pending, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_logged_backpressure, fixture_setup,
                                        fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
