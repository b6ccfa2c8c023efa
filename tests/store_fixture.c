/*  store_fixture: the store tests' shared fixture.  See store_fixture.h. */
#include "test_common.h"

#include <string.h>

#include "store_fixture.h"

store_options_t fixture_pending(void)
{
    return (store_options_t){
        .commit_log = true, .apply_events = 1u << 30, .extent = 64 * 1024};
}

int fixture_setup_with(void **state, const store_options_t *options)
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

int fixture_setup(void **state)
{
    return fixture_setup_with(state, NULL);
}

int fixture_setup_pending(void **state)
{
    store_options_t o = fixture_pending();
    return fixture_setup_with(state, &o);
}

int fixture_setup_applied(void **state)
{
    store_options_t o = {
        .commit_log = true, .apply_events = 1, .extent = 64 * 1024};
    return fixture_setup_with(state, &o);
}

int fixture_teardown(void **state)
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

event_t *fixture_event(const char *json)
{
    err_t err;
    event_t *e = event_from_text(json, strlen(json), &err);
    if (!e)
        fail_msg("%s: %s", json, err.message);
    return e;
}

store_result_t *fixture_write(fixture_t *f, const char *const *json, size_t n,
                              bool atomic)
{
    event_t **events = calloc(n, sizeof *events);
    store_result_t *results = calloc(n, sizeof *results);
    for (size_t i = 0; i < n; i++)
        events[i] = fixture_event(json[i]);
    store_batch_t batch = {
        .events = events, .count = n, .atomic = atomic, .results = results};
    err_t err;
    CHECK(store_write(f->store, &batch, 1, &err), &err);
    for (size_t i = 0; i < n; i++)
        event_free(&events[i]);
    free(events);
    return results;
}

void fixture_expect_ids(store_t *store, const char *prefix, int n)
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

void fixture_write_named(fixture_t *f, const char *prefix, int from, int n)
{
    char json[16][200];
    const char *p[16] = {0};
    assert_true(n <= 16);
    for (int i = 0; i < n; i++) {
        snprintf(json[i], sizeof json[i],
                 "{\"type\":\"followup.dialogue\",\"occurred_on\":"
                 "\"2025-05-05\",\"state\":\"AUS\",\"with\":\"state\","
                 "\"id\":\"%s-%d\"}",
                 prefix, from + i);
        p[i] = json[i];
    }
    store_result_t *r = fixture_write(f, p, (size_t)n, false);
    for (int i = 0; i < n; i++)
        assert_int_equal(r[i].status, STORE_STORED);
    free(r);
}
