/*  test_consumer: the consumer loop (storage/consumer.c) against a fake of
    the store's PUBLISH and REPLAY (tests/fake_store.c) in a thread of its
    own, on ipc:// endpoints in a temporary directory.

    - a batch and its checkpoint are one transaction: with the failpoint
      between them set to 'error', the batch is refused and offered again,
      and every event ends up applied once; set to 'crash' (in a child
      process), the state after the crash holds both or neither, and a
      restart applies the rest once;
    - the catch-up (gathered into big transactions) hands over to live
      events from PUBLISH with no gap and no duplicate;
    - the release hook runs once, after the catch-up, not for live
      batches. */
#include "test_common.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zmq.h>

#include "be64.h"
#include "consumer.h"
#include "event.h"
#include "failpoint.h"
#include "fake_store.h"
#include "kv.h"
#include "monotime.h"

#define WAIT_MS 20000

/*  The fake store's thread: 'history' events at start; once told the
    consumer caught up ('go_live') and its subscription arrived, 'live'
    more, published in order. */
typedef struct {
    char replay[128], publish[128];
    size_t history, live;
    atomic_int go_live, stop, ready;
    atomic_ullong replays;
    pthread_t thread;
} store_thread_t;

/*  One consumer run and what it saw. */
typedef struct {
    store_thread_t *store;
    uint64_t target;      /* stop once the checkpoint is here */
    size_t clear_after;   /* unset OPCAT_FAILPOINT after this many applies */
    size_t applies;       /* apply() calls, committed or not */
    size_t releases;      /* release() calls */
    uint64_t released_at; /* the checkpoint at the first release */
    int64_t deadline_ms;
    bool timed_out;
    volatile sig_atomic_t stop;
} run_t;

static const char *const s_dbs[] = {"applied"};

static void s_envelope(uint8_t **data, size_t *len)
{
    err_t err;
    const char *text = "{\"type\":\"state.signed\",\"occurred_on\":"
                       "\"2020-01-01\",\"state\":\"URY\"}";
    event_t *e = event_from_text(text, strlen(text), &err);
    assert_non_null(e);
    *data = event_pack(e, len);
    assert_non_null(*data);
    event_free(&e);
}

static void *s_store_main(void *arg)
{
    store_thread_t *t = arg;
    void *ctx = zmq_ctx_new();
    fake_store_t *fs = fake_store_new(ctx, t->replay, t->publish);
    uint8_t *env;
    size_t len;
    s_envelope(&env, &len);
    for (size_t i = 0; fs && i < t->history; i++)
        fake_store_add(fs, env, len);
    atomic_store(&t->ready, fs ? 1 : -1);
    bool subscribed = false, published = false;
    int64_t heartbeat_ms = 0;
    while (fs && !atomic_load(&t->stop)) {
        zmq_pollitem_t item = {fake_store_replay_socket(fs), 0, ZMQ_POLLIN, 0};
        zmq_poll(&item, 1, 10);
        /* the store's heartbeat (every second there), which is what makes
           a follower ask again after it refused a page */
        if (monotime_ms() - heartbeat_ms >= 100) {
            fake_store_heartbeat(fs);
            heartbeat_ms = monotime_ms();
        }
        fake_store_serve(fs);
        atomic_store(&t->replays, fake_store_replays(fs));
        if (!subscribed)
            subscribed = fake_store_wait_subscriber(fs, 0);
        if (subscribed && !published && atomic_load(&t->go_live)) {
            uint64_t first = fake_store_head(fs) + 1;
            for (size_t i = 0; i < t->live; i++)
                fake_store_add(fs, env, len);
            for (uint64_t s = first; s <= fake_store_head(fs); s++)
                fake_store_publish(fs, s);
            published = true;
        }
    }
    free(env);
    fake_store_destroy(&fs);
    zmq_ctx_term(ctx);
    return NULL;
}

static void s_store_start(store_thread_t *t, const char *dir, size_t history,
                          size_t live)
{
    memset(t, 0, sizeof *t);
    snprintf(t->replay, sizeof t->replay, "ipc://%s/replay", dir);
    snprintf(t->publish, sizeof t->publish, "ipc://%s/publish", dir);
    t->history = history, t->live = live;
    assert_int_equal(pthread_create(&t->thread, NULL, s_store_main, t), 0);
    int64_t deadline = monotime_ms() + WAIT_MS;
    while (!atomic_load(&t->ready) && monotime_ms() < deadline)
        sched_yield();
    assert_int_equal(atomic_load(&t->ready), 1);
}

static void s_store_stop(store_thread_t *t)
{
    atomic_store(&t->stop, 1);
    pthread_join(t->thread, NULL);
}

/*  apply: counts each sequence's applications in the transaction. */
static int s_apply(void *arg, consumer_t *consumer, MDB_txn *txn,
                   const event_t *event)
{
    run_t *r = arg;
    r->applies++;
    uint8_t key_bytes[8];
    be64_put(key_bytes, event->sequence);
    MDB_val key = {8, key_bytes}, val;
    uint32_t n = 0;
    MDB_dbi dbi = kv_dbi(consumer_kv(consumer), 0);
    if (mdb_get(txn, dbi, &key, &val) == 0)
        memcpy(&n, val.mv_data, sizeof n);
    n++;
    val = (MDB_val){sizeof n, &n};
    return mdb_put(txn, dbi, &key, &val, 0);
}

static void s_release(void *arg, consumer_t *consumer)
{
    run_t *r = arg;
    if (!r->releases++)
        r->released_at = consumer_position(consumer);
}

static int s_tick(void *arg, consumer_t *consumer)
{
    run_t *r = arg;
    uint64_t position = consumer_position(consumer);
    if (position >= r->store->history && consumer_caught_up(consumer))
        atomic_store(&r->store->go_live, 1);
    if (r->clear_after && r->applies >= r->clear_after)
        unsetenv("OPCAT_FAILPOINT");
    if (position >= r->target)
        r->stop = 1;
    if (monotime_ms() > r->deadline_ms) {
        r->timed_out = true;
        r->stop = 1;
    }
    return 10;
}

/*  Runs a consumer of 'dir' until its checkpoint reaches 'r->target'. */
static void s_run(run_t *r, const char *dir, size_t catch_up_batch)
{
    consumer_spec_t spec = {
        .name = "test",
        .subdir = "consumer",
        .dbs = s_dbs,
        .db_count = 1,
        .catch_up_batch = catch_up_batch,
        .apply = s_apply,
        .release = s_release,
        .tick = s_tick,
        .arg = r,
    };
    cfg_t cfg = {
        .replay = r->store->replay, .publish = r->store->publish, .data = dir};
    r->deadline_ms = monotime_ms() + WAIT_MS;
    assert_int_equal(consumer_run(&spec, &cfg, false, &r->stop), 0);
    if (r->timed_out)
        fail_msg("the consumer did not reach %llu in %d ms",
                 (unsigned long long)r->target, WAIT_MS);
}

/*  What the consumer's environment holds: the checkpoint and, for each
    sequence 1..max, how many times it was applied. */
typedef struct {
    kv_t *kv;
    uint64_t checkpoint;
    uint32_t counts[16384];
    size_t max;
} state_t;

static int s_read_state(void *arg, MDB_txn *txn)
{
    state_t *s = arg;
    s->checkpoint = kv_checkpoint(s->kv, txn);
    for (size_t seq = 1; seq <= s->max; seq++) {
        uint8_t key_bytes[8];
        be64_put(key_bytes, seq);
        MDB_val key = {8, key_bytes}, val;
        s->counts[seq] = 0;
        if (mdb_get(txn, kv_dbi(s->kv, 0), &key, &val) == 0)
            memcpy(&s->counts[seq], val.mv_data, sizeof s->counts[seq]);
    }
    return 0;
}

static void s_state(const char *dir, size_t max, state_t *s)
{
    char path[256];
    err_t err;
    snprintf(path, sizeof path, "%s/consumer", dir);
    s->max = max;
    s->kv = kv_open(path, s_dbs, NULL, 1, &err);
    assert_non_null(s->kv);
    CHECK(kv_read(s->kv, s_read_state, s, &err), &err);
    kv_destroy(&s->kv);
}

/*  Sequences 1..applied were applied once, applied+1..max never, and the
    checkpoint is 'applied'. */
static void s_expect_state(const char *dir, size_t applied, size_t max)
{
    static state_t s;
    s_state(dir, max, &s);
    for (size_t seq = 1; seq <= max; seq++)
        if (s.counts[seq] != (seq <= applied ? 1u : 0u))
            fail_msg("sequence %zu applied %u times (checkpoint %llu)", seq,
                     s.counts[seq], (unsigned long long)s.checkpoint);
    assert_int_equal(s.checkpoint, applied);
}

static int s_setup(void **state)
{
    char *dir = malloc(64);
    snprintf(dir, 64, "/tmp/test-consumer.XXXXXX");
    assert_non_null(mkdtemp(dir));
    unsetenv("OPCAT_FAILPOINT");
    *state = dir;
    return 0;
}

static int s_teardown(void **state)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", (char *)*state);
    assert_int_equal(system(cmd), 0);
    free(*state);
    unsetenv("OPCAT_FAILPOINT");
    return 0;
}

static void test_error_between_apply_and_checkpoint(void **state)
{
    const char *dir = *state;
    if (!failpoint_enabled())
        skip(); /* a Release build: no fault to inject */
    store_thread_t store;
    s_store_start(&store, dir, 10, 0);
    /* the batch fails after its events were applied, twice at least */
    setenv("OPCAT_FAILPOINT", "consumer.after_apply:error", 1);
    run_t r = {.store = &store, .target = 10, .clear_after = 25};
    s_run(&r, dir, 0);
    s_store_stop(&store);
    assert_true(r.applies >= 30); /* offered again after each failure */
    s_expect_state(dir, 10, 10);
}

/*  Runs a consumer in a child with 'failpoint' set; it must die by it. */
static void s_crash_child(const char *dir, size_t history, size_t live,
                          const char *failpoint)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        store_thread_t store;
        s_store_start(&store, dir, history, live);
        setenv("OPCAT_FAILPOINT", failpoint, 1);
        run_t r = {.store = &store, .target = history + live};
        s_run(&r, dir, 0);
        _exit(3); /* the failpoint did not fire */
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
        fail_msg("the consumer was not killed at %s (status %d)", failpoint,
                 status);
}

static void test_crash_between_apply_and_checkpoint(void **state)
{
    const char *dir = *state;
    if (!failpoint_enabled())
        skip();
    /* 1-5 caught up and committed; the live batch 6-8 dies after its
       events were applied, before the checkpoint */
    s_crash_child(dir, 5, 3, "consumer.after_apply:crash@6");
    s_expect_state(dir, 5, 8); /* neither events 6-8 nor their checkpoint */
    store_thread_t store;
    s_store_start(&store, dir, 8, 0);
    run_t r = {.store = &store, .target = 8};
    s_run(&r, dir, 0);
    s_store_stop(&store);
    s_expect_state(dir, 8, 8); /* the restart applied 6-8 once */
}

static void test_catch_up_then_live(void **state)
{
    const char *dir = *state;
    store_thread_t store;
    s_store_start(&store, dir, 9000, 20);
    run_t r = {.store = &store, .target = 9020};
    s_run(&r, dir, 5000);
    s_store_stop(&store);
    /* every event applied once, none in a transaction that failed; the
       live ones come from PUBLISH or, when a commit's messages arrive in
       more than one read, from REPLAY: either way once, in order */
    assert_int_equal(r.applies, 9020);
    s_expect_state(dir, 9020, 9020);
    /* the memory of the big catch-up transactions went back once, after
       the catch-up, and not again for the live batch */
    assert_int_equal(r.releases, 1);
    assert_int_equal(r.released_at, 9000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_error_between_apply_and_checkpoint,
                                        s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_crash_between_apply_and_checkpoint,
                                        s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_catch_up_then_live, s_setup,
                                        s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
