/*  Unit tests of storage/clog: records read back in order after a reopen,
    rewinds, segments that roll and are released, and a torn or corrupt
    tail (garbage or a truncation at random offsets, 50 rounds) cut at the
    last good record. */
#include "test_common.h"

#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clog.h"

#define HEADER 16

typedef struct {
    char dir[256];
} fixture_t;

static int s_setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/opcat-test-clog.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    *state = f;
    return 0;
}

static int s_teardown(void **state)
{
    fixture_t *f = *state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

/*  Record 'seq''s payload: its length and bytes follow from 'seq'. */
static size_t s_payload(uint64_t seq, uint8_t *out)
{
    size_t len = 1 + (seq * 7919) % 300;
    for (size_t i = 0; i < len; i++)
        out[i] = (uint8_t)(seq + i);
    return len;
}

/*  Appends records (after, last] and syncs them in groups of 'group'. */
static void s_write(clog_t *log, uint64_t after, uint64_t last, size_t group)
{
    uint8_t payload[512];
    err_t err;
    for (uint64_t seq = after + 1; seq <= last; seq++) {
        size_t len = s_payload(seq, payload);
        CHECK(clog_append(log, seq, payload, len, &err), &err);
        if ((seq - after) % group == 0 || seq == last)
            CHECK(clog_sync(log, &err), &err);
    }
}

typedef struct {
    uint64_t expect; /* the next sequence */
} reader_t;

static int s_check_one(void *arg, uint64_t seq, const uint8_t *data, size_t len)
{
    reader_t *r = arg;
    uint8_t payload[512];
    if (seq != r->expect || len != s_payload(seq, payload) ||
        memcmp(data, payload, len) != 0)
        return 1;
    r->expect++;
    return 0;
}

/*  Asserts the log holds exactly the records (after, last], intact. */
static void s_expect(clog_t *log, uint64_t after, uint64_t last)
{
    reader_t r = {after + 1};
    err_t err;
    assert_int_equal(clog_read(log, after, s_check_one, &r, &err), 0);
    assert_int_equal(r.expect, last + 1);
    assert_int_equal(clog_last(log), last);
}

static void test_records_survive_a_reopen(void **state)
{
    fixture_t *f = *state;
    err_t err;
    clog_t *log = clog_open(f->dir, 0, NULL, &err);
    assert_non_null(log);
    assert_int_equal(clog_last(log), 0);
    s_write(log, 0, 1000, 50);
    s_expect(log, 0, 1000);
    clog_destroy(&log);
    log = clog_open(f->dir, 0, NULL, &err);
    assert_non_null(log);
    s_expect(log, 0, 1000);
    s_expect(log, 990, 1000); /* reads start after a given sequence */
    s_write(log, 1000, 1200, 70);
    clog_destroy(&log);
    log = clog_open(f->dir, 0, NULL, &err);
    s_expect(log, 0, 1200);
    clog_destroy(&log);
}

static void test_rewind_and_order(void **state)
{
    fixture_t *f = *state;
    err_t err;
    uint8_t payload[512];
    clog_t *log = clog_open(f->dir, 0, NULL, &err);
    s_write(log, 0, 3, 3);
    size_t mark = clog_mark(log);
    CHECK(clog_append(log, 4, payload, s_payload(4, payload), &err), &err);
    size_t mid = clog_mark(log);
    CHECK(clog_append(log, 5, payload, s_payload(5, payload), &err), &err);
    clog_rewind(log, mid); /* drops 5 */
    assert_int_equal(clog_append(log, 6, payload, 1, &err), OPCAT_EINVAL);
    CHECK(clog_append(log, 5, payload, s_payload(5, payload), &err), &err);
    clog_rewind(log, mark); /* drops 4 and 5 */
    CHECK(clog_sync(log, &err), &err);
    s_expect(log, 0, 3);
    s_write(log, 3, 5, 2);
    clog_destroy(&log);
    log = clog_open(f->dir, 0, NULL, &err);
    s_expect(log, 0, 5);
    clog_destroy(&log);
}

static void test_segments_roll_and_release(void **state)
{
    fixture_t *f = *state;
    err_t err;
    clog_options_t small = {.segment_size = 8192, .extent = 4096};
    clog_t *log = clog_open(f->dir, 0, &small, &err);
    s_write(log, 0, 2000, 50);
    size_t segments = clog_segments(log);
    assert_true(segments > 20);
    clog_destroy(&log);
    log = clog_open(f->dir, 0, &small, &err);
    s_expect(log, 0, 2000);
    /* nothing is released while it is not applied elsewhere */
    assert_int_equal(clog_release(log, 0, &err), 0);
    /* half applied: the segments wholly below go */
    int removed = clog_release(log, 1000, &err);
    assert_true(removed > 5);
    assert_int_equal(clog_segments(log), segments - (size_t)removed);
    s_expect(log, 1000, 2000);
    /* all applied: only the segment being written stays */
    clog_release(log, 2000, &err);
    assert_int_equal(clog_segments(log), 1);
    s_write(log, 2000, 2100, 10);
    clog_destroy(&log);
    /* the applied position is below the log's start: records are missing */
    assert_null(clog_open(f->dir, 10, &small, &err));
    assert_non_null(strstr(err.message, "records are missing"));
    log = clog_open(f->dir, 2000, &small, &err);
    assert_non_null(log);
    s_expect(log, 2000, 2100);
    clog_destroy(&log);
}

static void test_retention_keeps_segments(void **state)
{
    fixture_t *f = *state;
    err_t err;
    clog_options_t keep = {.segment_size = 8192, .extent = 4096, .keep = 3};
    clog_t *log = clog_open(f->dir, 0, &keep, &err);
    s_write(log, 0, 1000, 20);
    clog_release(log, 1000, &err);
    assert_int_equal(clog_segments(log), 4); /* 3 kept and the current */
    clog_destroy(&log);
}

/*  The last segment's path and size. */
static void s_last_segment(const fixture_t *f, char *path, size_t cap,
                           off_t *size)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ls '%s'/clog-* | tail -1", f->dir);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    assert_non_null(fgets(path, (int)cap, p));
    pclose(p);
    path[strcspn(path, "\n")] = 0;
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    *size = st.st_size;
}

/*  Where record 'seq' of a log written by s_write from 1 ends. */
static size_t s_end_of(uint64_t seq)
{
    uint8_t payload[512];
    size_t end = 0;
    for (uint64_t s = 1; s <= seq; s++)
        end += HEADER + s_payload(s, payload);
    return end;
}

/*  The last record wholly before 'offset'. */
static uint64_t s_last_before(size_t offset, uint64_t last)
{
    uint64_t seq = 0;
    while (seq < last && s_end_of(seq + 1) <= offset)
        seq++;
    return seq;
}

static void s_damage(const char *path, off_t size, size_t offset, bool garbage)
{
    int fd = open(path, O_RDWR);
    assert_true(fd >= 0);
    if (garbage) {
        uint8_t bytes[64];
        size_t n = 1 + (size_t)rand() % sizeof bytes;
        assert_int_equal(pread(fd, bytes, n, (off_t)offset), (ssize_t)n);
        for (size_t i = 0; i < n; i++)
            bytes[i] ^= (uint8_t)(1 + rand() % 255); /* every byte differs */
        assert_int_equal(pwrite(fd, bytes, n, (off_t)offset), (ssize_t)n);
    } else {
        assert_true((off_t)offset < size);
        assert_int_equal(ftruncate(fd, (off_t)offset), 0);
    }
    close(fd);
}

/*  50 rounds: 300 records, then garbage or a truncation at a random offset
    of the records; the reopened log ends at the last record wholly before
    it, appends go on densely after it, and a second reopen agrees. */
static void test_torn_tail_is_cut(void **state)
{
    fixture_t *f = *state;
    srand(18);
    for (int round = 0; round < 50; round++) {
        err_t err;
        char cmd[300], path[512];
        snprintf(cmd, sizeof cmd, "rm -f '%s'/clog-*", f->dir);
        assert_int_equal(system(cmd), 0);
        clog_options_t small = {.extent = 64 * 1024};
        clog_t *log = clog_open(f->dir, 0, &small, &err);
        s_write(log, 0, 300, 40 + round % 23);
        clog_destroy(&log);
        off_t size;
        s_last_segment(f, path, sizeof path, &size);
        size_t offset = (size_t)rand() % s_end_of(300);
        s_damage(path, size, offset, round % 2 == 0);
        uint64_t good = s_last_before(offset, 300);

        log = clog_open(f->dir, 0, &small, &err);
        assert_non_null(log);
        s_expect(log, 0, good);
        s_write(log, good, good + 50, 25);
        clog_destroy(&log);
        log = clog_open(f->dir, 0, &small, &err);
        s_expect(log, 0, good + 50);
        clog_destroy(&log);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_records_survive_a_reopen, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_rewind_and_order, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_segments_roll_and_release, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_retention_keeps_segments, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_torn_tail_is_cut, s_setup,
                                        s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
