/*  Unit tests of storage/store: the log, its indexes, idempotency, the
    cross-reference rules, atomic batches, map growth, a second reader;
    the same rules with a commit log (everything pending, or applied after
    each write), recovery of what only the commit log held, a torn tail,
    and a full disk during a commit; a map full at its limit
    (OPCAT_EFULL, naming its size) and a read-only open where there is no
    store (OPCAT_ENOTFOUND). */
#include "test_common.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store.h"

typedef struct {
    char dir[256];
    codes_t *codes;
    store_t *store;
    store_options_t options; /* what the fixture opened the store with */
} fixture_t;

static int s_setup_with(void **state, const store_options_t *options)
{
    fixture_t *f = calloc(1, sizeof *f);
    err_t err;
    snprintf(f->dir, sizeof f->dir, "/tmp/opcat-test-store.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    f->codes = codes_new(NULL, &err);
    assert_non_null(f->codes);
    if (options)
        f->options = *options;
    f->store = store_open(f->dir, f->codes, options, &err);
    if (!f->store)
        fail_msg("%s", err.message);
    *state = f;
    return 0;
}

static int s_setup(void **state)
{
    return s_setup_with(state, NULL);
}

/*  A commit log whose events are never applied before the store closes:
    every rule then works on what is pending only. */
static const store_options_t s_pending = {
    .commit_log = true, .apply_events = 1u << 30, .extent = 64 * 1024};

static int s_setup_pending(void **state)
{
    return s_setup_with(state, &s_pending);
}

/*  A commit log applied to LMDB after every write. */
static int s_setup_applied(void **state)
{
    store_options_t o = {
        .commit_log = true, .apply_events = 1, .extent = 64 * 1024};
    return s_setup_with(state, &o);
}

static int s_teardown(void **state)
{
    fixture_t *f = *state;
    char cmd[300];
    store_destroy(&f->store);
    codes_destroy(&f->codes);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static event_t *s_event(const char *json)
{
    err_t err;
    event_t *e = event_from_text(json, strlen(json), &err);
    if (!e)
        fail_msg("%s: %s", json, err.message);
    return e;
}

/*  Writes 'n' events given as JSON, as one batch; returns the results. */
static store_result_t *s_write(fixture_t *f, const char *const *json, size_t n,
                               bool atomic)
{
    event_t **events = calloc(n, sizeof *events);
    store_result_t *results = calloc(n, sizeof *results);
    for (size_t i = 0; i < n; i++)
        events[i] = s_event(json[i]);
    store_batch_t batch = {
        .events = events, .count = n, .atomic = atomic, .results = results};
    err_t err;
    CHECK(store_write(f->store, &batch, 1, &err), &err);
    for (size_t i = 0; i < n; i++)
        event_free(&events[i]);
    free(events);
    return results;
}

#define RATIFIED                                                               \
    "{\"type\":\"state.ratified\",\"occurred_on\":\"2006-09-14\","             \
    "\"state\":\"PER\",\"instrument\":\"ratification\"}"
#define TRANSMITTED(id, state, recipient)                                      \
    "{\"type\":\"report.transmitted\",\"occurred_on\":\"2025-08-31\","         \
    "\"state\":\"" state "\",\"report_id\":\"" id                              \
    "\",\"recipient\":\"" recipient "\"}"
#define REPLY(id, state)                                                       \
    "{\"type\":\"reply.received\",\"occurred_on\":\"2026-01-31\","             \
    "\"state\":\"" state "\",\"report_id\":\"" id "\"}"

static void test_append_sequences_and_duplicates(void **state)
{
    fixture_t *f = *state;
    const char *json[] = {RATIFIED, TRANSMITTED("R1", "PER", "state"),
                          RATIFIED};
    store_result_t *r = s_write(f, json, 3, false);
    assert_int_equal(r[0].status, STORE_STORED);
    assert_int_equal(r[0].sequence, 1);
    assert_int_equal(r[1].status, STORE_STORED);
    assert_int_equal(r[1].sequence, 2);
    assert_int_equal(r[2].status, STORE_DUPLICATE);
    assert_int_equal(r[2].sequence, 1);
    free(r);
    assert_int_equal(store_head(f->store), 2);

    /* the same content later is a duplicate of the first, across groups */
    r = s_write(f, json, 1, false);
    assert_int_equal(r[0].status, STORE_DUPLICATE);
    assert_int_equal(r[0].sequence, 1);
    free(r);

    uint64_t count = 0;
    err_t err;
    CHECK(store_count_state(f->store, "PER", &count, &err), &err);
    assert_int_equal(count, 2);
    CHECK(store_count_state(f->store, "HRV", &count, &err), &err);
    assert_int_equal(count, 0);
}

static void test_cross_references(void **state)
{
    fixture_t *f = *state;
    const char *json[] = {
        REPLY("R9", "PER"),                /* never transmitted */
        TRANSMITTED("R1", "PER", "state"), /* ok */
        REPLY("R1", "HRV"),                /* wrong State */
        TRANSMITTED("R1", "PER", "state"), /* same content: duplicate */
        "{\"type\":\"report.transmitted\",\"occurred_on\":\"2025-09-01\","
        "\"state\":\"PER\",\"report_id\":\"R1\",\"recipient\":\"state\"}",
        TRANSMITTED("N1", "PER", "npm"),
        "{\"type\":\"report.published\",\"occurred_on\":\"2025-10-01\","
        "\"state\":\"PER\",\"report_id\":\"N1\",\"symbol\":\"X\"}",
        "{\"type\":\"visit.postponed\",\"occurred_on\":\"2025-10-01\","
        "\"state\":\"PER\",\"visit_id\":\"V1\"}",
        "{\"type\":\"visit.completed\",\"occurred_on\":\"2025-10-01\","
        "\"state\":\"PER\",\"visit_id\":\"V1\"}",
        "{\"type\":\"visit.completed\",\"occurred_on\":\"2025-10-01\","
        "\"state\":\"PER\",\"visit_id\":\"V2\",\"start\":\"2025-09-25\"}",
        REPLY("R1", "PER"),
    };
    struct {
        store_status_t status;
        const char *field, *words;
    } want[] = {
        {STORE_REFUSED, "report_id", "never transmitted"},
        {STORE_STORED, "", ""},
        {STORE_REFUSED, "state", "transmitted to PER, not HRV"},
        {STORE_DUPLICATE, "", ""},
        {STORE_REFUSED, "report_id", "already transmitted"},
        {STORE_STORED, "", ""},
        {STORE_REFUSED, "report_id", "NPMs are never published"},
        {STORE_REFUSED, "visit_id", "never planned"},
        {STORE_REFUSED, "visit_id", "needs state and start"},
        {STORE_STORED, "", ""},
        {STORE_STORED, "", ""},
    };
    size_t n = sizeof json / sizeof json[0];
    store_result_t *r = s_write(f, json, n, false);
    for (size_t i = 0; i < n; i++) {
        if (r[i].status != want[i].status ||
            strcmp(r[i].error.field, want[i].field) != 0 ||
            !strstr(r[i].error.message, want[i].words))
            fail_msg("event %zu: status %d field \"%s\" message \"%s\"", i,
                     r[i].status, r[i].error.field, r[i].error.message);
    }
    free(r);
    assert_int_equal(store_head(f->store), 4);
}

static void test_atomic_batch_all_or_nothing(void **state)
{
    fixture_t *f = *state;
    const char *bad[] = {TRANSMITTED("R1", "PER", "state"), REPLY("R1", "PER"),
                         REPLY("R2", "PER")};
    store_result_t *r = s_write(f, bad, 3, true);
    assert_int_equal(r[0].status, STORE_NOT_STORED);
    assert_int_equal(r[1].status, STORE_NOT_STORED);
    assert_int_equal(r[2].status, STORE_REFUSED);
    free(r);
    assert_int_equal(store_head(f->store), 0);

    /* refs inside one atomic batch see the batch's own earlier events */
    const char *good[] = {TRANSMITTED("R1", "PER", "state"),
                          REPLY("R1", "PER")};
    r = s_write(f, good, 2, true);
    assert_int_equal(r[0].status, STORE_STORED);
    assert_int_equal(r[1].status, STORE_STORED);
    assert_int_equal(r[1].sequence, 2);
    free(r);
    err_t err;
    uint64_t seq;
    assert_int_equal(store_find_id(f->store, "nope", &seq, &err),
                     OPCAT_ENOTFOUND);
}

#define SIGNED(id, day)                                                        \
    "{\"type\":\"state.signed\",\"occurred_on\":\"2025-01-" day "\","          \
    "\"state\":\"AGO\",\"id\":\"" id "\"}"

/*  An id already stored is a duplicate only with the same content; with
    other content it is refused, across groups, in one batch and in one
    atomic batch (which is then not stored at all).  What the store sets
    (sequence, recorded_at, written_by) is not content. */
static void test_reused_id_with_other_content(void **state)
{
    fixture_t *f = *state;
    const char *first[] = {SIGNED("x-1", "01"), SIGNED("x-1", "02")};
    store_result_t *r = s_write(f, first, 2, false);
    assert_int_equal(r[0].status, STORE_STORED);
    assert_int_equal(r[1].status, STORE_REFUSED);
    assert_int_equal(r[1].error.code, OPCAT_EDUP);
    assert_string_equal(r[1].error.field, "id");
    assert_non_null(
        strstr(r[1].error.message, "already stored with different content"));
    free(r);

    r = s_write(f, first + 1, 1, false); /* a later group */
    assert_int_equal(r[0].status, STORE_REFUSED);
    assert_int_equal(r[0].error.code, OPCAT_EDUP);
    free(r);

    const char *atomic[] = {SIGNED("y-1", "01"), SIGNED("y-1", "03")};
    r = s_write(f, atomic, 2, true);
    assert_int_equal(r[0].status, STORE_NOT_STORED);
    assert_int_equal(r[1].status, STORE_REFUSED);
    free(r);
    assert_int_equal(store_head(f->store), 1);

    /* the same content with other store-set fields: a duplicate */
    event_t *e = s_event(SIGNED("x-1", "01"));
    e->sequence = 99;
    e->recorded_at = 12345;
    event_set_string(&e->written_by, "reminder");
    store_result_t res;
    store_batch_t batch = {.events = &e, .count = 1, .results = &res};
    err_t err;
    CHECK(store_write(f->store, &batch, 1, &err), &err);
    assert_int_equal(res.status, STORE_DUPLICATE);
    assert_int_equal(res.sequence, 1);
    event_free(&e);
}

/*  One group commit of several batches (what the store daemon does with
    the requests waiting at once): each batch gets its own results, an
    atomic batch refused in the middle takes no sequence, and the head is
    the last sequence of the group. */
static void test_group_commit(void **state)
{
    fixture_t *f = *state;
    const char *a[] = {RATIFIED, TRANSMITTED("R1", "PER", "state")};
    const char *b[] = {REPLY("R1", "PER"), REPLY("R9", "PER")};
    const char *c[] = {TRANSMITTED("R2", "PER", "npm")};
    const char *const *json[] = {a, b, c};
    size_t counts[] = {2, 2, 1};
    event_t *events[3][2];
    store_result_t results[3][2];
    store_batch_t batches[3];
    for (size_t i = 0; i < 3; i++) {
        for (size_t k = 0; k < counts[i]; k++)
            events[i][k] = s_event(json[i][k]);
        batches[i] = (store_batch_t){.events = events[i],
                                     .count = counts[i],
                                     .atomic = i == 1,
                                     .results = results[i]};
    }
    err_t err;
    CHECK(store_write(f->store, batches, 3, &err), &err);
    assert_int_equal(results[0][0].status, STORE_STORED);
    assert_int_equal(results[0][0].sequence, 1);
    assert_int_equal(results[0][1].sequence, 2);
    assert_int_equal(results[1][0].status, STORE_NOT_STORED);
    assert_int_equal(results[1][1].status, STORE_REFUSED);
    assert_int_equal(results[2][0].status, STORE_STORED);
    assert_int_equal(results[2][0].sequence, 3);
    assert_int_equal(store_head(f->store), 3);
    for (size_t i = 0; i < 3; i++)
        for (size_t k = 0; k < counts[i]; k++)
            event_free(&events[i][k]);
    /* the next group continues after it */
    const char *d[] = {REPLY("R1", "PER")};
    store_result_t *r = s_write(f, d, 1, false);
    assert_int_equal(r[0].sequence, 4);
    free(r);
    assert_int_equal(store_head(f->store), 4);
}

typedef struct {
    uint64_t seqs[16];
    size_t n;
} seen_t;

static int s_collect(void *arg, uint64_t seq, const char *topic,
                     size_t topic_len, const uint8_t *env, size_t env_len)
{
    seen_t *seen = arg;
    (void)topic, (void)topic_len;
    event_t *e = event_unpack(env, env_len);
    assert_non_null(e);
    assert_int_equal(e->sequence, seq);
    assert_true(e->recorded_at > 0);
    event_free(&e);
    seen->seqs[seen->n++] = seq;
    return 0;
}

static void test_read_by_range_and_topic(void **state)
{
    fixture_t *f = *state;
    const char *json[] = {RATIFIED, TRANSMITTED("R1", "PER", "state"),
                          TRANSMITTED("R2", "PER", "npm"), REPLY("R1", "PER")};
    free(s_write(f, json, 4, false));
    seen_t seen = {0};
    uint64_t next;
    err_t err;
    CHECK(store_read(f->store, 1, 0, 16, "report.", s_collect, &seen, &next,
                     &err),
          &err);
    assert_int_equal(seen.n, 2);
    assert_int_equal(seen.seqs[0], 2);
    assert_int_equal(seen.seqs[1], 3);
    assert_int_equal(next, 5);
    seen.n = 0;
    CHECK(store_read(f->store, 2, 0, 2, NULL, s_collect, &seen, &next, &err),
          &err);
    assert_int_equal(seen.n, 2);
    assert_int_equal(next, 4);
    uint8_t *data;
    size_t len;
    CHECK(store_get(f->store, 4, &data, &len, &err), &err);
    free(data);
    assert_int_equal(store_get(f->store, 5, &data, &len, &err),
                     OPCAT_ENOTFOUND);
}

/*  A restore keeps each event's sequence and recorded_at, so a log copied
    event by event from its envelopes into an empty store holds the same
    bytes; an event out of sequence is refused and nothing moves. */
static void test_restore_keeps_sequences_and_bytes(void **state)
{
    fixture_t *f = *state;
    const char *json[] = {RATIFIED, TRANSMITTED("r1", "PER", "state")};
    free(s_write(f, json, 2, false));
    char dir[300];
    snprintf(dir, sizeof dir, "%s/copy", f->dir);
    assert_int_equal(mkdir(dir, 0755), 0);
    err_t err;
    store_t *copy = store_open(dir, f->codes, NULL, &err);
    assert_non_null(copy);
    uint8_t *data[2];
    size_t len[2];
    event_t *events[2];
    for (int i = 0; i < 2; i++) {
        CHECK(store_get(f->store, (uint64_t)i + 1, &data[i], &len[i], &err),
              &err);
        events[i] = event_unpack(data[i], len[i]);
        assert_non_null(events[i]);
    }
    store_result_t results[2];
    /* out of sequence: the second event first */
    store_batch_t wrong = {
        .events = &events[1], .count = 1, .results = results, .restore = true};
    CHECK(store_write(copy, &wrong, 1, &err), &err);
    assert_int_equal(results[0].status, STORE_REFUSED);
    assert_string_equal(results[0].error.field, "sequence");
    assert_int_equal(store_head(copy), 0);
    sleep(1); /* a store would now give a later recorded_at */
    store_batch_t batch = {
        .events = events, .count = 2, .results = results, .restore = true};
    CHECK(store_write(copy, &batch, 1, &err), &err);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(results[i].status, STORE_STORED);
        assert_int_equal(results[i].sequence, (uint64_t)i + 1);
        uint8_t *again;
        size_t again_len;
        CHECK(store_get(copy, (uint64_t)i + 1, &again, &again_len, &err), &err);
        assert_int_equal(again_len, len[i]);
        assert_memory_equal(again, data[i], len[i]);
        free(again);
        free(data[i]);
        event_free(&events[i]);
    }
    store_destroy(&copy);
}

static void test_map_grows_and_reopens(void **state)
{
    fixture_t *f = *state;
    err_t err;
    store_destroy(&f->store);
    store_options_t small = f->options;
    small.initial_map_size = 256 * 1024;
    f->store = store_open(f->dir, f->codes, &small, &err);
    assert_non_null(f->store);
    size_t before = store_map_size(f->store);
    enum { N = 5000 };
    char json[256];
    for (int round = 0; round < 4; round++) {
        event_t *events[N / 4];
        store_result_t results[N / 4];
        for (int i = 0; i < N / 4; i++) {
            snprintf(json, sizeof json,
                     "{\"type\":\"followup.dialogue\",\"occurred_on\":"
                     "\"2025-05-05\",\"state\":\"AUS\",\"with\":\"state\","
                     "\"id\":\"grow-%d\",\"note\":\"padding padding padding "
                     "padding padding padding padding padding\"}",
                     round * (N / 4) + i);
            events[i] = s_event(json);
        }
        store_batch_t batch = {
            .events = events, .count = N / 4, .results = results};
        CHECK(store_write(f->store, &batch, 1, &err), &err);
        for (int i = 0; i < N / 4; i++) {
            assert_int_equal(results[i].status, STORE_STORED);
            event_free(&events[i]);
        }
    }
    CHECK(store_apply(f->store, &err), &err); /* the applier grows it */
    assert_true(store_map_size(f->store) > before);
    assert_int_equal(store_head(f->store), N);

    /* a read-only handle in another process (LMDB allows one handle on
       an environment per process) sees it all while the writer is open */
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        store_options_t ro = {.read_only = true};
        store_t *reader = store_open(f->dir, f->codes, &ro, &err);
        uint64_t seq = 0;
        bool seen = reader && store_head(reader) == N &&
                    store_find_id(reader, "grow-4321", &seq, &err) == 0 &&
                    seq == 4322;
        _exit(seen ? 0 : 1);
    }
    int status = 0;
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* reopened, everything is still there */
    store_destroy(&f->store);
    f->store = store_open(f->dir, f->codes, &f->options, &err);
    assert_non_null(f->store);
    assert_int_equal(store_head(f->store), N);
}

/*  A validate-only batch: each event against the store and the batch's
    earlier events; nothing kept, the head unmoved; then the same events
    written for real get the same answers. */
static void test_validate_only_keeps_nothing(void **state)
{
    fixture_t *f = *state;
    const char *stored[] = {TRANSMITTED("R0", "PER", "state")};
    free(s_write(f, stored, 1, false));
    const char *json[] = {TRANSMITTED("R1", "PER", "state"),
                          REPLY("R1", "PER"),
                          REPLY("NONE", "PER"),
                          TRANSMITTED("R0", "PER", "state"),
                          REPLY("R0", "PER"),
                          TRANSMITTED("R1", "PER", "state")};
    size_t n = sizeof json / sizeof json[0];
    event_t *events[6];
    store_result_t results[6];
    for (size_t i = 0; i < n; i++)
        events[i] = s_event(json[i]);
    store_batch_t batch = {.events = events,
                           .count = n,
                           .atomic = true,
                           .results = results,
                           .validate_only = true};
    err_t err;
    CHECK(store_write(f->store, &batch, 1, &err), &err);
    assert_int_equal(results[0].status, STORE_STORED); /* would be */
    assert_int_equal(results[0].sequence, 0);
    assert_int_equal(results[1].status, STORE_STORED); /* sees R1 above */
    assert_int_equal(results[2].status, STORE_REFUSED);
    assert_int_equal(results[2].error.code, OPCAT_EREF);
    assert_int_equal(results[3].status, STORE_DUPLICATE);
    assert_int_equal(results[3].sequence, 1);
    assert_int_equal(results[4].status, STORE_STORED);    /* R0 is stored */
    assert_int_equal(results[5].status, STORE_DUPLICATE); /* as line 1 */
    for (size_t i = 0; i < n; i++)
        event_free(&events[i]);
    assert_int_equal(store_head(f->store), 1);

    /* a batch with nothing refused keeps nothing either */
    for (size_t i = 0; i < 2; i++)
        events[i] = s_event(json[i]);
    batch.count = 2;
    CHECK(store_write(f->store, &batch, 1, &err), &err);
    assert_int_equal(results[0].status, STORE_STORED);
    assert_int_equal(results[0].sequence, 0);
    assert_int_equal(results[1].status, STORE_STORED);
    assert_int_equal(results[1].sequence, 0);
    for (size_t i = 0; i < 2; i++)
        event_free(&events[i]);
    assert_int_equal(store_head(f->store), 1);

    /* nothing of it stays: R1 can be transmitted for real now */
    store_result_t *r = s_write(f, json, 2, false);
    assert_int_equal(r[0].status, STORE_STORED);
    assert_int_equal(r[0].sequence, 2);
    assert_int_equal(r[1].status, STORE_STORED);
    assert_int_equal(r[1].sequence, 3);
    free(r);
}

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
            events[k] = s_event(json);
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

/*  Asserts events "<prefix>-<i>", i < n, are stored once each. */
static void s_expect_ids(store_t *store, const char *prefix, int n)
{
    err_t err;
    char id[64];
    for (int i = 0; i < n; i++) {
        uint64_t seq = 0;
        snprintf(id, sizeof id, "%s-%d", prefix, i);
        CHECK(store_find_id(store, id, &seq, &err), &err);
        uint8_t *data;
        size_t len;
        CHECK(store_get(store, seq, &data, &len, &err), &err);
        event_t *e = event_unpack(data, len);
        assert_non_null(e);
        assert_string_equal(e->id, id);
        event_free(&e);
        free(data);
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
    never closed, so nothing pending is applied): opens the store and
    writes 'r'. */
static void s_crashing_writer(fixture_t *f, range_t r)
{
    assert_null(f->store); /* no LMDB handle crosses a fork */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        err_t err;
        store_t *store = store_open(f->dir, f->codes, &s_pending, &err);
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

    f->store = store_open(f->dir, f->codes, &s_pending, &err);
    assert_non_null(f->store);
    assert_int_equal(store_head(f->store), 500);
    s_expect_ids(f->store, "crash", 500);
    s_expect_dense(f->store);
    assert_int_equal(store_pending(f->store), 0); /* applied on open */
    assert_int_equal(store_applied(f->store), 500);
    /* a resend of what was acknowledged is a duplicate */
    const char *again =
        "{\"type\":\"followup.dialogue\",\"occurred_on\":\"2025-05-05\","
        "\"state\":\"AUS\",\"with\":\"state\",\"id\":\"crash-7\"}";
    store_result_t *r = s_write(f, &again, 1, false);
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
    store_result_t *r = s_write(f, &transmitted, 1, false);
    assert_int_equal(r[0].status, STORE_STORED);
    free(r);
    assert_int_equal(store_pending(f->store), 1);
    assert_true(store_is_npm_report(f->store, "N1")); /* pending */
    for (int applied = 0; applied < 2; applied++) {
        r = s_write(f, &wrong, 1, false);
        assert_int_equal(r[0].status, STORE_REFUSED);
        assert_non_null(strstr(r[0].error.message, "transmitted to PER"));
        free(r);
        r = s_write(f, &transmitted, 1, false);
        assert_int_equal(r[0].status, STORE_DUPLICATE);
        assert_int_equal(r[0].sequence, 1);
        free(r);
        CHECK(store_apply(f->store, &err), &err);
        assert_int_equal(store_pending(f->store), 0);
        assert_true(store_is_npm_report(f->store, "N1")); /* applied */
    }
    r = s_write(f, &reply, 1, false);
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
    f->store = store_open(f->dir, f->codes, &s_pending, &err);
    assert_non_null(f->store);
    assert_int_equal(store_head(f->store), 200);
    s_expect_ids(f->store, "alt", 200);
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

        f->store = store_open(f->dir, f->codes, &s_pending, &err);
        if (!f->store)
            fail_msg("round %d: %s", round, err.message);
        assert_true(store_head(f->store) >= (uint64_t)acked);
        s_expect_ids(f->store, "acked", acked);
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
    store_options_t o = s_pending;
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
        events[k] = s_event(json[k]);
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
    s_expect_ids(f->store, "full", 10);

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
    s_expect_ids(f->store, "full", 10);
    s_expect_dense(f->store);
}

/*  Writes events "<prefix>-<from>" .. "<prefix>-<from + n - 1>" (State
    AUS) in one group; each must be stored. */
static void s_write_named(fixture_t *f, const char *prefix, int from, int n)
{
    char json[16][200];
    const char *p[16];
    assert_true(n <= 16);
    for (int i = 0; i < n; i++) {
        snprintf(json[i], sizeof json[i],
                 "{\"type\":\"followup.dialogue\",\"occurred_on\":"
                 "\"2025-05-05\",\"state\":\"AUS\",\"with\":\"state\","
                 "\"id\":\"%s-%d\"}",
                 prefix, from + i);
        p[i] = json[i];
    }
    store_result_t *r = s_write(f, p, (size_t)n, false);
    for (int i = 0; i < n; i++)
        assert_int_equal(r[i].status, STORE_STORED);
    free(r);
}

/*  Waits until the applier reports 'head' in LMDB.  (A second handle on
    the same environment in this process is what LMDB forbids: closing
    it would break the first one's locks.) */
static void s_wait_applied(fixture_t *f, uint64_t head)
{
    for (int i = 0; i < 5000 && store_applied(f->store) < head; i++)
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    assert_true(store_applied(f->store) >= head);
}

/*  Reads and counts across what LMDB holds and what is only in memory,
    while LMDB already holds events that are still in memory too (the
    applier ran ahead of the store's thread): each event once, in order. */
static void test_logged_reads_across_apply(void **state)
{
    fixture_t *f = *state;
    err_t err;
    store_destroy(&f->store);
    store_options_t o = {
        .commit_log = true, .apply_events = 4, .extent = 64 * 1024};
    f->store = store_open(f->dir, f->codes, &o, &err);
    s_write_named(f, "across", 0, 4); /* applied behind the ack */
    s_wait_applied(f, 4);
    s_write_named(f, "across", 4, 6); /* 5-8 applied, 9-10 pending */
    s_wait_applied(f, 8);
    uint64_t count = 0, next;
    CHECK(store_count_state(f->store, "AUS", &count, &err), &err);
    assert_int_equal(count, 10);
    seen_t seen = {.n = 0};
    CHECK(store_read(f->store, 1, 0, 100, NULL, s_collect, &seen, &next, &err),
          &err);
    assert_int_equal(seen.n, 10);
    for (size_t i = 0; i < seen.n; i++)
        assert_int_equal(seen.seqs[i], i + 1);
    assert_int_equal(next, 11);
    seen.n = 0; /* a page that starts in LMDB and ends in memory */
    CHECK(store_read(f->store, 3, 0, 4, NULL, s_collect, &seen, &next, &err),
          &err);
    assert_int_equal(seen.n, 4);
    assert_int_equal(seen.seqs[3], 6);
    assert_int_equal(next, 7);
    s_expect_ids(f->store, "across", 10);
    CHECK(store_apply(f->store, &err), &err);
    assert_int_equal(store_pending(f->store), 0);
    CHECK(store_count_state(f->store, "AUS", &count, &err), &err);
    assert_int_equal(count, 10);
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
    store_options_t o = s_pending;
    o.pending_max = 8;
    f->store = store_open(f->dir, f->codes, &o, &err);
    s_write_named(f, "bp", 0, 8);
    assert_int_equal(store_pending(f->store), 8);
    s_write_named(f, "bp", 8, 4);
    assert_int_equal(store_head(f->store), 12);
    assert_true(store_pending(f->store) <= 8);
    s_expect_ids(f->store, "bp", 12);
    s_expect_dense(f->store);

    s_write_named(f, "big", 0, 9);
    assert_int_equal(store_head(f->store), 21);
    assert_int_equal(store_pending(f->store), 9);
    s_write_named(f, "bp", 12, 1); /* the bigger tail holds it too */
    assert_int_equal(store_head(f->store), 22);
    s_expect_dense(f->store);
}

/*  A read's callback that asks the store again (as PUBLISH's public form
    asks for a report's recipient): reads nest. */
static int s_ask_again(void *arg, uint64_t seq, const char *topic,
                       size_t topic_len, const uint8_t *env, size_t env_len)
{
    (void)seq, (void)topic, (void)topic_len, (void)env, (void)env_len;
    store_t *store = arg;
    assert_false(store_is_npm_report(store, "no-such-report"));
    uint64_t count;
    err_t err;
    CHECK(store_count_state(store, "AUS", &count, &err), &err);
    assert_int_equal(count, 3);
    return 0;
}

static void test_logged_read_inside_read(void **state)
{
    fixture_t *f = *state;
    err_t err;
    uint64_t next;
    s_write_named(f, "nest", 0, 3);
    CHECK(store_apply(f->store, &err), &err); /* read from LMDB */
    CHECK(store_read(f->store, 1, 0, 10, NULL, s_ask_again, f->store, &next,
                     &err),
          &err);
    assert_int_equal(next, 4);
}

/*  A map that may not grow any more: the write fails with OPCAT_EFULL,
    LMDB's text and the map's size in the message, every result FAILED;
    what was stored before stays. */
static void test_a_map_at_its_limit_is_full(void **state)
{
    fixture_t *f = *state;
    err_t err;
    store_destroy(&f->store);
    store_options_t small = f->options;
    small.initial_map_size = (size_t)1 << 20;
    small.max_map_size = (size_t)2 << 20;
    f->store = store_open(f->dir, f->codes, &small, &err);
    assert_non_null(f->store);
    enum { N = 500 };
    char json[N][512];
    event_t *events[N];
    store_result_t results[N];
    int rc = 0, round;
    for (round = 0; round < 40 && !rc; round++) {
        for (int i = 0; i < N; i++) {
            snprintf(json[i], sizeof json[i],
                     "{\"type\":\"followup.dialogue\",\"occurred_on\":"
                     "\"2025-05-05\",\"state\":\"AUS\",\"with\":"
                     "\"state\",\"id\":\"full-%d\",\"note\":\"%0300d\"}",
                     round * N + i, i);
            events[i] = s_event(json[i]);
        }
        store_batch_t batch = {
            .events = events, .count = N, .results = results};
        rc = store_write(f->store, &batch, 1, &err);
        for (int i = 0; i < N; i++)
            event_free(&events[i]);
    }
    assert_int_equal(rc, OPCAT_EFULL);
    assert_int_equal(err.code, OPCAT_EFULL);
    assert_non_null(strstr(err.message, "MDB_MAP_FULL"));
    assert_non_null(strstr(err.message, "2 MiB"));
    for (int i = 0; i < N; i++)
        assert_int_equal(results[i].status, STORE_FAILED);
    assert_int_equal(store_head(f->store), (uint64_t)(round - 1) * N);
}

/*  A reader opened where no store was ever written. */
static void test_read_only_without_a_store_is_not_found(void **state)
{
    fixture_t *f = *state;
    char dir[300];
    snprintf(dir, sizeof dir, "%s/empty", f->dir);
    assert_int_equal(mkdir(dir, 0700), 0);
    store_options_t ro = {.read_only = true};
    err_t err;
    assert_null(store_open(dir, f->codes, &ro, &err));
    assert_int_equal(err.code, OPCAT_ENOTFOUND);
    assert_non_null(strstr(err.message, dir));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_a_map_at_its_limit_is_full,
                                        s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_a_map_at_its_limit_is_full,
                                        s_setup_pending, s_teardown),
        cmocka_unit_test_setup_teardown(
            test_read_only_without_a_store_is_not_found, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_append_sequences_and_duplicates,
                                        s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_cross_references, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_atomic_batch_all_or_nothing,
                                        s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_reused_id_with_other_content,
                                        s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_group_commit, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_read_by_range_and_topic, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_restore_keeps_sequences_and_bytes,
                                        s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_map_grows_and_reopens, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_validate_only_keeps_nothing,
                                        s_setup, s_teardown),
        /* the same rules with everything pending in the commit log, and
           with it applied after each write */
        cmocka_unit_test_setup_teardown(test_append_sequences_and_duplicates,
                                        s_setup_pending, s_teardown),
        cmocka_unit_test_setup_teardown(test_cross_references, s_setup_pending,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_atomic_batch_all_or_nothing,
                                        s_setup_pending, s_teardown),
        cmocka_unit_test_setup_teardown(test_read_by_range_and_topic,
                                        s_setup_pending, s_teardown),
        cmocka_unit_test_setup_teardown(test_append_sequences_and_duplicates,
                                        s_setup_applied, s_teardown),
        cmocka_unit_test_setup_teardown(test_cross_references, s_setup_applied,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_atomic_batch_all_or_nothing,
                                        s_setup_applied, s_teardown),
        cmocka_unit_test_setup_teardown(test_map_grows_and_reopens,
                                        s_setup_applied, s_teardown),
        cmocka_unit_test_setup_teardown(test_logged_recovers_what_was_pending,
                                        s_setup_pending, s_teardown),
        cmocka_unit_test_setup_teardown(test_logged_rules_across_apply,
                                        s_setup_pending, s_teardown),
        cmocka_unit_test_setup_teardown(test_logged_and_direct_alternate,
                                        s_setup_pending, s_teardown),
        cmocka_unit_test_setup_teardown(test_logged_torn_tail, s_setup_pending,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_logged_disk_full, s_setup_pending,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_logged_reads_across_apply, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_logged_backpressure, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_logged_read_inside_read,
                                        s_setup_pending, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
