/*  test_agg_project: the aggregation service's projection and answers
    (services/aggregated), without daemons: events are applied to an LMDB
    environment directly and the queries run on it.

    - the stats object for 2025-12-31 reproduces data/expected-2025.json
      key by key (keys in its "_omitted" skipped);
    - the answers (stats at many dates, state, art17) are the same
      whatever order the events are applied in;
    - the conventions: party not signatory, reports to NPMs, first
      publication, baseline, reply overdue, art. 17, art. 24, amounts;
    - report content appears in no answer; bad parameters name the field. */
#include "test_common.h"

#include <string.h>
#include <unistd.h>

#include "date.h"
#include "dayclock.h"
#include "event.h"
#include "kv.h"
#include "agg_project.h"
#include "agg_query.h"
#include "agg_regions.h"
#include "agg_tables.h"

#define MAX_EVENTS 4096

typedef struct {
    event_t *events[MAX_EVENTS];
    size_t count;
} events_t;

/*  An environment; with 'delta', counters are written as the daemon
    writes them (collected per batch, one write per key at its end),
    without, one write per addition. */
typedef struct {
    char dir[64];
    kv_t *kv;
    agg_delta_t *delta;
} env_t;

typedef struct {
    agg_regions_t *regions;
    names_t *names;
    events_t data;  /* the embedded dataset */
    events_t small; /* the hand-written scenario */
} fixture_t;

/*  Today for the queries that give no as_of: the system clock's. */
static int32_t s_today(void)
{
    dayclock_t clock = dayclock_system();
    return dayclock_today(&clock);
}

static void s_load_lines(events_t *ev, const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[16384];
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '\n' || line[0] == '#')
            continue;
        err_t err;
        event_t *e = event_from_text(line, strlen(line), &err);
        if (!e)
            fail_msg("%s: %s", path, err.message);
        assert_true(ev->count < MAX_EVENTS);
        e->sequence = ev->count + 1;
        ev->events[ev->count++] = e;
    }
    fclose(f);
}

static void s_env_open(env_t *env, bool deferred)
{
    err_t err;
    env->delta = deferred ? agg_delta_new() : NULL;
    snprintf(env->dir, sizeof env->dir, "/tmp/test-agg-project.XXXXXX");
    assert_non_null(mkdtemp(env->dir));
    env->kv = kv_open(env->dir, agg_tab_names(), NULL, AGG_DB_COUNT, &err);
    assert_non_null(env->kv);
}

static void s_env_close(env_t *env)
{
    kv_destroy(&env->kv);
    agg_delta_destroy(&env->delta);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", env->dir);
    assert_int_equal(system(cmd), 0);
}

typedef struct {
    const env_t *env;
    event_t **events;
    size_t count;
} apply_t;

static int s_apply(void *arg, MDB_txn *txn)
{
    apply_t *a = arg;
    agg_tx_t tx;
    agg_query_tx(a->env->kv, txn, &tx);
    tx.delta = a->env->delta;
    for (size_t i = 0; i < a->count; i++) {
        int rc = agg_proj_apply(&tx, a->events[i]);
        if (rc)
            return rc;
    }
    return agg_tab_flush(&tx);
}

/*  Applies 'ev' in the order of 'order' (NULL: as loaded), in batches. */
static void s_apply_all(env_t *env, const events_t *ev, const size_t *order)
{
    event_t *batch[64];
    size_t n = 0;
    for (size_t i = 0; i <= ev->count; i++) {
        if (i < ev->count)
            batch[n++] = ev->events[order ? order[i] : i];
        if (n == 64 || (i == ev->count && n)) {
            apply_t a = {env, batch, n};
            err_t err;
            CHECK(kv_write(env->kv, s_apply, &a, &err), &err);
            n = 0;
        }
    }
}

static json_t *s_query(const env_t *env, const fixture_t *f, const char *req)
{
    json_error_t jerr;
    json_t *request = json_loads(req, 0, &jerr);
    assert_non_null(request);
    err_t err;
    json_t *reply =
        agg_query_run(env->kv, f->regions, f->names, s_today(), request, &err);
    if (!reply)
        fail_msg("%s: %s", req, err.message);
    json_decref(request);
    return reply;
}

static int s_setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    char path[4096];
    err_t err;
    f->regions = agg_regions_new(
        test_source_path("data/regions.tsv", path, sizeof path), &err);
    assert_non_null(f->regions);
    f->names = names_new(
        test_source_path("data/state-names.tsv", path, sizeof path), &err);
    assert_non_null(f->names);
    s_load_lines(&f->data,
                 test_source_path("data/states.jsonl", path, sizeof path));
    s_load_lines(&f->data, test_source_path("data/npm-designations.jsonl", path,
                                            sizeof path));
    s_load_lines(&f->data,
                 test_source_path("data/spt19-2025.jsonl", path, sizeof path));
    s_load_lines(&f->small, test_source_path("tests/fixtures/agg-small.jsonl",
                                             path, sizeof path));
    *state = f;
    return 0;
}

static int s_teardown(void **state)
{
    fixture_t *f = *state;
    for (size_t i = 0; i < f->data.count; i++)
        event_free(&f->data.events[i]);
    for (size_t i = 0; i < f->small.count; i++)
        event_free(&f->small.events[i]);
    agg_regions_destroy(&f->regions);
    names_destroy(&f->names);
    free(f);
    return 0;
}

/*  Every key of 'want' (recursively) equals the same key of 'got'. */
static void s_expect_subset(const json_t *want, const json_t *got,
                            const char *path)
{
    if (!json_is_object(want)) {
        if (!json_equal(want, got)) {
            char *a = json_dumps(want, JSON_ENCODE_ANY | JSON_COMPACT);
            char *b = got ? json_dumps(got, JSON_ENCODE_ANY | JSON_COMPACT)
                          : strdup("(missing)");
            fail_msg("%s: expected %s, got %s", path, a, b);
        }
        return;
    }
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)want, key, v)
    {
        char sub[256];
        snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", key);
        if (strcmp(sub, "_omitted") == 0 || strcmp(sub, "_about") == 0)
            continue;
        s_expect_subset(v, json_object_get(got, key), sub);
    }
}

/*  Each "_about" entry of 'want' ({"key": "a.b", "value": N}: the seed's
    "about N") holds in 'got': the count at the dotted key rounds to N at
    the nearest ten. */
static void s_expect_about(const json_t *want, const json_t *got)
{
    size_t i;
    const json_t *about;
    json_array_foreach(json_object_get(want, "_about"), i, about)
    {
        const char *key = json_string_value(json_object_get(about, "key"));
        json_int_t value = json_integer_value(json_object_get(about, "value"));
        char path[128];
        snprintf(path, sizeof path, "%s", key);
        const json_t *node = got;
        for (char *part = strtok(path, "."); part; part = strtok(NULL, "."))
            node = json_object_get(node, part);
        if (!json_is_integer(node) ||
            (json_integer_value(node) + 5) / 10 * 10 != value)
            fail_msg("%s: expected about %lld, got %lld", key, (long long)value,
                     node ? (long long)json_integer_value(node) : -1LL);
    }
}

static void test_expected_2025(void **state)
{
    fixture_t *f = *state;
    char path[4096];
    json_error_t jerr;
    json_t *want = json_load_file(
        test_source_path("data/expected-2025.json", path, sizeof path), 0,
        &jerr);
    assert_non_null(want);
    for (int deferred = 0; deferred <= 1; deferred++) {
        env_t env;
        s_env_open(&env, deferred);
        s_apply_all(&env, &f->data, NULL);
        json_t *got =
            s_query(&env, f, "{\"op\":\"stats\",\"as_of\":\"2025-12-31\"}");
        s_expect_subset(want, got, "");
        s_expect_about(want, got);
        json_decref(got);
        s_env_close(&env);
    }
    json_decref(want);
}

static const char *const s_requests[] = {
    "{\"op\":\"stats\",\"as_of\":\"2025-12-31\"}",
    "{\"op\":\"stats\",\"as_of\":\"2025-06-30\"}",
    "{\"op\":\"stats\",\"as_of\":\"2016-12-31\",\"from\":\"2007-01-01\"}",
    "{\"op\":\"stats\",\"as_of\":\"2026-12-31\",\"from\":\"2000-01-01\"}",
    "{\"op\":\"stats\",\"as_of\":\"2010-03-01\"}",
    "{\"op\":\"state\",\"state\":\"PER\",\"as_of\":\"2025-12-31\"}",
    "{\"op\":\"state\",\"state\":\"AUS\",\"as_of\":\"2025-12-31\"}",
    "{\"op\":\"state\",\"state\":\"SEN\",\"as_of\":\"2026-06-30\"}",
    "{\"op\":\"art17\",\"as_of\":\"2025-12-31\"}",
    "{\"op\":\"art17\",\"as_of\":\"2020-01-01\"}",
    "{\"op\":\"stats\",\"as_of\":\"2026-03-02\",\"from\":\"2025-01-01\"}",
    "{\"op\":\"state\",\"state\":\"PER\",\"as_of\":\"2026-03-02\"}",
};

/*  Answers to every request in 's_requests', in one array. */
static json_t *s_answers(const env_t *env, const fixture_t *f)
{
    json_t *all = json_array();
    for (size_t i = 0; i < sizeof s_requests / sizeof s_requests[0]; i++)
        json_array_append_new(all, s_query(env, f, s_requests[i]));
    return all;
}

/*  Applies 'ev' in its order, one write per addition; then reversed and
    shuffled thrice, with counters collected per batch as the daemon does:
    the answers must not change. */
static void s_check_orders(const fixture_t *f, const events_t *ev)
{
    size_t n = ev->count, order[MAX_EVENTS];
    env_t base;
    s_env_open(&base, false);
    s_apply_all(&base, ev, NULL);
    json_t *want = s_answers(&base, f);
    s_env_close(&base);
    for (int round = 0; round < 4; round++) {
        for (size_t i = 0; i < n; i++)
            order[i] = round == 0 ? n - 1 - i : i;
        srand(1000 + round);
        for (size_t i = n - 1; round > 0 && i > 0; i--) {
            size_t j = (size_t)rand() % (i + 1), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        env_t env;
        s_env_open(&env, true);
        s_apply_all(&env, ev, order);
        json_t *got = s_answers(&env, f);
        if (!json_equal(want, got))
            fail_msg("round %d: answers differ from the recorded order", round);
        json_decref(got);
        s_env_close(&env);
    }
    json_decref(want);
}

static void test_order_independent(void **state)
{
    fixture_t *f = *state;
    s_check_orders(f, &f->data);
    s_check_orders(f, &f->small);
}

/*  The scenario of tests/fixtures/agg-small.jsonl (see its notes). */
static json_t *s_small(fixture_t *f, env_t *env, const char *as_of,
                       const char *from)
{
    char req[160];
    snprintf(req, sizeof req, "{\"op\":\"stats\",\"as_of\":\"%s\"%s%s%s}",
             as_of, from ? ",\"from\":\"" : "", from ? from : "",
             from ? "\"" : "");
    return s_query(env, f, req);
}

static const json_t *s_at(const json_t *root, const char *dotted)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", dotted);
    const json_t *v = root;
    for (char *save, *k = strtok_r(buf, ".", &save); k && v;
         k = strtok_r(NULL, ".", &save))
        v = json_object_get(v, k);
    return v;
}

static void s_expect(const json_t *root, const char *dotted, const char *json)
{
    json_error_t jerr;
    json_t *want = json_loads(json, JSON_DECODE_ANY, &jerr);
    assert_non_null(want);
    s_expect_subset(want, s_at(root, dotted), dotted);
    json_decref(want);
}

static void test_conventions(void **state)
{
    fixture_t *f = *state;
    env_t env;
    s_env_open(&env, false);
    s_apply_all(&env, &f->small, NULL);
    json_t *r = s_small(f, &env, "2025-12-31", NULL);
    s_expect(r, "states_parties.total", "3");
    s_expect(r, "states_parties.joined_in_period", "[\"NGA\"]");
    s_expect(r, "signatories.states", "[\"ZAF\"]");
    s_expect(r, "reports.transmitted_total", "12");
    s_expect(r, "reports.transmitted_in_period", "[\"PER\"]");
    s_expect(r, "reports.published_total", "6");
    s_expect(r, "reports.published_in_period", "[\"PER\"]");
    s_expect(r, "visits.places_in_period",
             "{\"prison\":34,\"police\":3,\"other\":1}");
    s_expect(r, "visits.interviews_in_period", "670");
    s_expect(r, "fund.grants_in_period",
             "{\"count\":17,\"states\":16,\"total\":{\"USD\":\"449926.50\"}}");
    s_expect(r, "fund.contributions_in_period", "{\"EUR\":\"200000.00\"}");
    s_expect(r, "npm.art17_list", "[\"LBR\"]");
    s_expect(r, "npm.designated_in_period", "[\"NGA\"]");
    s_expect(r, "replies.overdue", "[]");
    json_decref(r);
    r = s_small(f, &env, "2024-06-30", NULL); /* before ratification */
    s_expect(r, "states_parties.total", "2");
    s_expect(r, "signatories.states", "[\"NGA\",\"ZAF\"]");
    s_expect(r, "reports.transmitted_total", "1");
    s_expect(r, "npm.art17_list", "[\"BEN\",\"LBR\"]");
    json_decref(r);
    s_env_close(&env);
}

static void test_reply_overdue(void **state)
{
    fixture_t *f = *state;
    env_t env;
    s_env_open(&env, false);
    s_apply_all(&env, &f->small, NULL);
    /* PER-2025-R: transmitted 2025-08-31, due 2026-02-28, reply 2026-03-05 */
    const char *const days[][2] = {{"2026-02-28", "[]"},
                                   {"2026-03-01", "[\"PER\"]"},
                                   {"2026-03-04", "[\"PER\"]"},
                                   {"2026-03-05", "[]"}};
    for (size_t i = 0; i < 4; i++) {
        json_t *r = s_small(f, &env, days[i][0], NULL);
        s_expect(r, "replies.overdue", days[i][1]);
        json_decref(r);
    }
    json_t *r = s_small(f, &env, "2026-12-31", NULL);
    s_expect(r, "replies.received_in_period", "[\"PER\"]");
    s_expect(r, "replies.published_in_period", "[\"PER\"]");
    json_decref(r);
    s_env_close(&env);
}

/*  Whether the array at 'key' of 'root' holds the string 'value'. */
static bool s_in_list(const json_t *root, const char *key, const char *value)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(root, key), i, v)
    {
        if (strcmp(json_string_value(v), value) == 0)
            return true;
    }
    return false;
}

/*  Dates not known to the day and coverage (tests/fixtures/agg-known.jsonl):
    a placeholder date is never counted as a fact of a period it may lie
    outside; a reply that could have come before coverage is not overdue;
    without coverage, the log is complete. */
static void test_precision_and_coverage(void **state)
{
    fixture_t *f = *state;
    char path[4096];
    events_t known = {.count = 0};
    s_load_lines(&known, test_source_path("tests/fixtures/agg-known.jsonl",
                                          path, sizeof path));
    env_t env;
    s_env_open(&env, false);
    s_apply_all(&env, &known, NULL);
    /* 2024: KAZ's and HRV's "2024-12-31" are "not after": not in 2024 */
    json_t *r = s_small(f, &env, "2024-12-31", NULL);
    s_expect(r, "reports.transmitted_in_period", "[\"PER\"]");
    s_expect(r, "reports.transmitted_total", "13");
    s_expect(r, "visits.completed_in_period", "[\"BEN\"]");
    assert_false(s_in_list(r, "incomplete", "reports.transmitted_total"));
    assert_true(s_in_list(r, "incomplete", "reports.transmitted_in_period"));
    json_decref(r);
    /* a period inside the month the visit may lie in: unsure */
    r = s_small(f, &env, "2024-05-10", "2024-05-01");
    s_expect(r, "visits.completed_in_period", "[]");
    assert_true(s_in_list(r, "incomplete", "visits.completed_in_period"));
    assert_true(s_in_list(r, "incomplete", "visits.places_in_period"));
    assert_true(s_in_list(r, "incomplete", "reports.transmitted_total"));
    assert_true(s_in_list(r, "incomplete", "signatories.total"));
    json_decref(r);
    /* ALB "2025" lies in 2025 whatever its day; KAZ's could be any day
       before 2025, so its reply may be overdue (the log is complete) */
    r = s_small(f, &env, "2025-12-31", NULL);
    s_expect(r, "reports.transmitted_in_period", "[\"ALB\",\"GEO\"]");
    s_expect(r, "reports.transmitted_total", "15");
    s_expect(r, "replies.overdue", "[\"GEO\",\"KAZ\",\"PER\"]");
    assert_null(json_object_get(r, "incomplete"));
    json_decref(r);
    r = s_query(&env, f,
                "{\"op\":\"state\",\"state\":\"TCD\","
                "\"as_of\":\"2025-12-31\"}");
    s_expect(r, "signed_on", "\"2024-06-30\"");
    s_expect(r, "signed_on_precision", "\"not_after\"");
    json_decref(r);
    r = s_query(&env, f,
                "{\"op\":\"state\",\"state\":\"GEO\","
                "\"as_of\":\"2025-12-31\"}");
    assert_null(json_object_get(r, "signed_on_precision"));
    json_decref(r);
    /* GHA listed "in 2025": on the list by the year's end, maybe not
       on 30 June */
    r = s_small(f, &env, "2025-06-30", NULL);
    s_expect(r, "npm.art17_list", "[]");
    assert_true(s_in_list(r, "incomplete", "npm.art17_list"));
    json_decref(r);
    r = s_query(&env, f, "{\"op\":\"art17\",\"as_of\":\"2025-06-30\"}");
    s_expect(r, "incomplete", "[\"art17_list\"]");
    json_decref(r);
    r = s_query(&env, f, "{\"op\":\"art17\",\"as_of\":\"2025-12-31\"}");
    s_expect(r, "art17_list", "[\"GHA\"]");
    assert_null(json_object_get(r, "incomplete"));
    json_decref(r);
    /* replies recorded only from 2025: KAZ's and PER's may have come
       before; GEO's report was transmitted inside coverage */
    err_t err;
    const char *cover = "{\"type\":\"dataset.coverage\",\"occurred_on\":"
                        "\"2025-12-31\",\"types\":[\"reply.\"],"
                        "\"from\":\"2025-01-01\"}";
    events_t more = {.count = 1};
    more.events[0] = event_from_text(cover, strlen(cover), &err);
    assert_non_null(more.events[0]);
    more.events[0]->sequence = 100;
    s_apply_all(&env, &more, NULL);
    r = s_small(f, &env, "2025-12-31", NULL);
    s_expect(r, "replies.overdue", "[\"GEO\"]");
    assert_true(s_in_list(r, "incomplete", "replies.overdue"));
    assert_false(s_in_list(r, "incomplete", "replies.received_in_period"));
    json_decref(r);
    r = s_small(f, &env, "2024-12-31", NULL);
    assert_true(s_in_list(r, "incomplete", "replies.received_in_period"));
    json_decref(r);
    r = s_query(&env, f,
                "{\"op\":\"state\",\"state\":\"KAZ\","
                "\"as_of\":\"2025-12-31\"}");
    const json_t *kaz = json_array_get(json_object_get(r, "reports"), 0);
    s_expect(kaz, "reply_status", "\"unknown\"");
    s_expect(kaz, "reply_overdue", "false");
    s_expect(kaz, "transmitted_on_precision", "\"not_after\"");
    s_expect(kaz, "reply_due_upper_bound", "true");
    json_decref(r);
    event_free(&more.events[0]);
    for (size_t i = 0; i < known.count; i++)
        event_free(&known.events[i]);
    s_env_close(&env);
}

/*  On the embedded dataset: the seven reports whose transmission date the
    seed does not give ("not after 2024-12-31") are not 2024's; KAZ's reply
    is not overdue from that placeholder (replies are recorded from 2025
    only); TCD's signature date is not printed as a fact. */
static void test_embedded_guesses(void **state)
{
    fixture_t *f = *state;
    env_t env;
    s_env_open(&env, false);
    s_apply_all(&env, &f->data, NULL);
    json_t *r = s_small(f, &env, "2024-12-31", NULL);
    s_expect(r, "reports.transmitted_in_period", "[]");
    s_expect(r, "reports.transmitted_total", "89");
    assert_true(s_in_list(r, "incomplete", "reports.transmitted_in_period"));
    assert_true(
        s_in_list(r, "incomplete", "followup_dialogues_in_period.state"));
    json_decref(r);
    r = s_small(f, &env, "2026-06-30", NULL);
    s_expect(r, "replies.overdue", "[]");
    assert_true(s_in_list(r, "incomplete", "replies.overdue"));
    json_decref(r);
    r = s_query(&env, f,
                "{\"op\":\"state\",\"state\":\"KAZ\","
                "\"as_of\":\"2026-06-30\"}");
    const json_t *kaz = json_array_get(json_object_get(r, "reports"), 0);
    s_expect(kaz, "report_id", "\"KAZ-2023-ROSP\"");
    s_expect(kaz, "reply_overdue", "false");
    s_expect(kaz, "reply_status", "\"unknown\"");
    json_decref(r);
    r = s_query(&env, f,
                "{\"op\":\"state\",\"state\":\"TCD\","
                "\"as_of\":\"2025-12-31\"}");
    s_expect(r, "signed_on_precision", "\"not_after\"");
    json_decref(r);
    s_env_close(&env);
}

static void test_state_and_art17(void **state)
{
    fixture_t *f = *state;
    env_t env;
    s_env_open(&env, false);
    s_apply_all(&env, &f->small, NULL);
    json_t *r = s_query(&env, f,
                        "{\"op\":\"state\",\"state\":\"AUS\","
                        "\"as_of\":\"2025-12-31\"}");
    s_expect(r, "npm.due", "\"2023-01-20\""); /* 2018-01-20 + 1 + 3 + 1 */
    s_expect(r, "npm.art24_part_iv_years", "4");
    json_decref(r);
    r = s_query(
        &env, f,
        "{\"op\":\"state\",\"state\":\"AUS\",\"as_of\":\"2019-01-01\"}");
    s_expect(r, "npm.due", "\"2022-01-20\""); /* the extension not yet made */
    json_decref(r);
    r = s_query(&env, f, "{\"op\":\"art17\",\"as_of\":\"2025-12-31\"}");
    s_expect(r, "art17_list", "[\"LBR\"]");
    s_expect(r, "art17_overdue_computed", "[\"PER\"]");
    s_expect(r, "differences",
             "{\"spt_list_only\":[\"LBR\"],\"computed_only\":[\"PER\"]}");
    json_decref(r);
    s_env_close(&env);
}

/*  Applies the JSON lines of 'text' (one event per line). */
static void s_apply_text(env_t *env, const char *const *lines, size_t n)
{
    events_t *ev = calloc(1, sizeof *ev);
    for (size_t i = 0; i < n; i++) {
        err_t err;
        event_t *e = event_from_text(lines[i], strlen(lines[i]), &err);
        if (!e)
            fail_msg("%s: %s", lines[i], err.message);
        e->sequence = i + 1;
        ev->events[ev->count++] = e;
    }
    s_apply_all(env, ev, NULL);
    for (size_t i = 0; i < ev->count; i++)
        event_free(&ev->events[i]);
    free(ev);
}

/*  Art. 17 and art. 12 on the days around their deadlines.  Three States
    ratify on 2006-09-14: in force 30 days later (2006-10-14), an NPM due
    one year after that, 2007-10-14.  PER designates none, URY designates
    on the due day, CHL the day after.  Overdue means the due day has
    passed (due < as_of) and no designation by as_of (designated_on >
    as_of).  Replies: reports transmitted 2025-03-31, reply due
    2025-09-30; URY replies on the due day, CHL never. */
static void test_deadline_boundaries(void **state)
{
    fixture_t *f = *state;
    env_t env;
    s_env_open(&env, false);
    const char *const lines[] = {
        "{\"type\":\"state.ratified\",\"occurred_on\":\"2006-09-14\","
        "\"state\":\"PER\",\"instrument\":\"accession\"}",
        "{\"type\":\"state.ratified\",\"occurred_on\":\"2006-09-14\","
        "\"state\":\"URY\",\"instrument\":\"ratification\"}",
        "{\"type\":\"state.ratified\",\"occurred_on\":\"2006-09-14\","
        "\"state\":\"CHL\",\"instrument\":\"ratification\"}",
        "{\"type\":\"npm.designated\",\"occurred_on\":\"2007-10-14\","
        "\"state\":\"URY\",\"body\":\"INDDHH\",\"model\":\"nhri\"}",
        "{\"type\":\"npm.designated\",\"occurred_on\":\"2007-10-15\","
        "\"state\":\"CHL\",\"body\":\"INDH\",\"model\":\"nhri\"}",
        "{\"type\":\"report.transmitted\",\"occurred_on\":\"2025-03-31\","
        "\"state\":\"URY\",\"report_id\":\"URY-R\",\"recipient\":\"state\"}",
        "{\"type\":\"report.transmitted\",\"occurred_on\":\"2025-03-31\","
        "\"state\":\"CHL\",\"report_id\":\"CHL-R\",\"recipient\":\"state\"}",
        "{\"type\":\"reply.received\",\"occurred_on\":\"2025-09-30\","
        "\"state\":\"URY\",\"report_id\":\"URY-R\"}",
    };
    s_apply_text(&env, lines, sizeof lines / sizeof lines[0]);
    json_t *r = s_query(&env, f,
                        "{\"op\":\"state\",\"state\":\"PER\","
                        "\"as_of\":\"2007-10-14\"}");
    s_expect(r, "npm.due", "\"2007-10-14\"");
    json_decref(r);
    /* as_of, then art17_overdue_computed and each State's npm.overdue */
    const char *const days[][5] = {
        {"2007-10-13", "[]", "false", "false", "false"},
        {"2007-10-14", "[]", "false", "false", "false"}, /* the due day */
        {"2007-10-15", "[\"PER\"]", "true", "false", "false"},
        {"2007-10-16", "[\"PER\"]", "true", "false", "false"},
    };
    const char *const states[] = {"PER", "URY", "CHL"};
    for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
        char req[128];
        snprintf(req, sizeof req, "{\"op\":\"art17\",\"as_of\":\"%s\"}",
                 days[i][0]);
        r = s_query(&env, f, req);
        s_expect(r, "art17_overdue_computed", days[i][1]);
        json_decref(r);
        r = s_small(f, &env, days[i][0], NULL);
        s_expect(r, "npm.art17_overdue_computed", days[i][1]);
        json_decref(r);
        for (size_t k = 0; k < 3; k++) {
            snprintf(req, sizeof req,
                     "{\"op\":\"state\",\"state\":\"%s\",\"as_of\":\"%s\"}",
                     states[k], days[i][0]);
            r = s_query(&env, f, req);
            s_expect(r, "npm.overdue", days[i][2 + k]);
            json_decref(r);
        }
    }
    const char *const replies[][2] = {{"2025-09-29", "[]"},
                                      {"2025-09-30", "[]"}, /* due day */
                                      {"2025-10-01", "[\"CHL\"]"}};
    for (size_t i = 0; i < 3; i++) {
        r = s_small(f, &env, replies[i][0], NULL);
        s_expect(r, "replies.overdue", replies[i][1]);
        json_decref(r);
    }
    s_env_close(&env);
}

static void test_no_content(void **state)
{
    fixture_t *f = *state;
    env_t env;
    s_env_open(&env, false);
    s_apply_all(&env, &f->small, NULL);
    const char *const reqs[] = {
        "{\"op\":\"state\",\"state\":\"PER\",\"as_of\":\"2026-12-31\"}",
        "{\"op\":\"stats\",\"as_of\":\"2026-12-31\"}"};
    for (size_t i = 0; i < 2; i++) {
        json_t *r = s_query(&env, f, reqs[i]);
        char *text = json_dumps(r, 0);
        assert_null(strstr(text, "confidential"));
        free(text);
        json_decref(r);
    }
    s_env_close(&env);
}

static void s_expect_error(const env_t *env, const fixture_t *f,
                           const char *req, const char *field)
{
    json_error_t jerr;
    json_t *request = json_loads(req, 0, &jerr);
    err_t err;
    err_clear(&err);
    json_t *reply =
        agg_query_run(env->kv, f->regions, f->names, s_today(), request, &err);
    assert_null(reply);
    assert_int_equal(err.code, OPCAT_EINVAL);
    assert_string_equal(err.field, field);
    assert_non_null(strstr(err.message, field));
    json_decref(request);
}

static void test_bad_parameters(void **state)
{
    fixture_t *f = *state;
    env_t env;
    s_env_open(&env, false);
    s_expect_error(&env, f, "{\"op\":\"stats\",\"as_of\":\"2025-02-30\"}",
                   "as_of");
    s_expect_error(&env, f, "{\"op\":\"stats\",\"as_of\":20250101}", "as_of");
    s_expect_error(&env, f,
                   "{\"op\":\"stats\",\"as_of\":\"2025-01-01\","
                   "\"from\":\"2025-02-01\"}",
                   "from");
    s_expect_error(&env, f, "{\"op\":\"state\",\"state\":\"pe\"}", "state");
    s_expect_error(&env, f, "{\"op\":\"nope\"}", "op");
    s_env_close(&env);
}

/*  The answers name the States as the UN does (data/state-names.tsv),
    not as ISO 3166-1 does ("Congo, The Democratic Republic of the"). */
static void test_state_names(void **state)
{
    fixture_t *f = *state;
    env_t env;
    s_env_open(&env, 0);
    s_apply_all(&env, &f->data, NULL);
    static const char *const cases[][2] = {
        {"COD", "Democratic Republic of the Congo"},
        {"GBR", "United Kingdom of Great Britain and Northern Ireland"},
        {"BOL", "Bolivia (Plurinational State of)"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char request[128];
        snprintf(request, sizeof request,
                 "{\"op\":\"state\",\"state\":\"%s\","
                 "\"as_of\":\"2025-12-31\"}",
                 cases[i][0]);
        json_t *got = s_query(&env, f, request);
        assert_string_equal(json_string_value(json_object_get(got, "name")),
                            cases[i][1]);
        json_decref(got);
    }
    json_t *art17 =
        s_query(&env, f, "{\"op\":\"art17\",\"as_of\":\"2025-12-31\"}");
    char *text = json_dumps(art17, 0);
    assert_non_null(strstr(text, "\"State of Palestine\""));
    free(text);
    json_decref(art17);
    s_env_close(&env);
}

/*  The seed's year totals (period.summary) are not split: half a year
    lists them as incomplete, and the sessions before the dataset's
    coverage too. */
static void test_summary_and_coverage(void **state)
{
    fixture_t *f = *state;
    env_t env;
    s_env_open(&env, 0);
    s_apply_all(&env, &f->data, NULL);
    json_t *half =
        s_query(&env, f, "{\"op\":\"stats\",\"as_of\":\"2025-06-30\"}");
    char *text = json_dumps(json_object_get(half, "incomplete"), 0);
    assert_non_null(strstr(text, "\"visits.places_total_in_period\""));
    assert_non_null(strstr(text, "\"fund.grants_in_period\""));
    free(text);
    json_decref(half);
    json_t *old =
        s_query(&env, f, "{\"op\":\"stats\",\"as_of\":\"2024-12-31\"}");
    text = json_dumps(json_object_get(old, "incomplete"), 0);
    assert_non_null(strstr(text, "\"sessions_in_period\""));
    assert_non_null(strstr(text, "\"visits.planned_in_period\""));
    free(text);
    json_decref(old);
    json_t *year =
        s_query(&env, f, "{\"op\":\"stats\",\"as_of\":\"2025-12-31\"}");
    text = json_dumps(year, 0);
    assert_null(strstr(text, "\"sessions_in_period\","));
    assert_null(strstr(text, "\"fund.grants_in_period\""));
    free(text);
    json_decref(year);
    /* a dialogue known to the year only is still a dialogue held */
    json_t *aus = s_query(&env, f,
                          "{\"op\":\"state\",\"state\":\"AUS\","
                          "\"as_of\":\"2025-12-31\"}");
    const json_t *vague = json_object_get(
        json_object_get(aus, "followup_dialogues"), "state_not_to_the_day");
    assert_int_equal(json_array_size(vague), 1);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(vague, 0), "precision")),
                        "year");
    json_decref(aus);
    s_env_close(&env);
}

/*  Coverage with a last day (`until`), several intervals combined: a
    period's figure is complete only inside their union, a reply is
    overdue only while every day it could have come on is covered, and a
    cumulative total needs every day since its baseline covered. */
static void test_closed_coverage(void **state)
{
    fixture_t *f = *state;
    static const char *const lines[] = {
        "{\"type\":\"baseline\",\"occurred_on\":\"2016-12-31\","
        "\"counts\":{\"reports_transmitted\":5}}",
        "{\"type\":\"visit.completed\",\"occurred_on\":\"2017-05-10\","
        "\"state\":\"PER\",\"visit_id\":\"PER-1\",\"start\":\"2017-05-01\"}",
        "{\"type\":\"visit.completed\",\"occurred_on\":\"2019-03-10\","
        "\"state\":\"URY\",\"visit_id\":\"URY-1\",\"start\":\"2019-03-01\"}",
        "{\"type\":\"report.transmitted\",\"occurred_on\":\"2017-02-01\","
        "\"state\":\"GEO\",\"report_id\":\"GEO-1\",\"recipient\":\"state\"}",
        "{\"type\":\"dataset.coverage\",\"occurred_on\":\"2025-12-31\","
        "\"types\":[\"visit.completed\"],\"from\":\"2018-01-01\","
        "\"until\":\"2018-12-31\"}",
        "{\"type\":\"dataset.coverage\",\"occurred_on\":\"2025-12-31\","
        "\"types\":[\"visit.completed\",\"report.\",\"reply.\"],"
        "\"from\":\"2017-01-01\",\"until\":\"2017-12-31\"}",
        "{\"type\":\"dataset.coverage\",\"occurred_on\":\"2025-12-31\","
        "\"types\":[\"visit.\",\"period.summary\"],\"from\":\"2025-01-01\"}"};
    env_t env;
    s_env_open(&env, false);
    s_apply_text(&env, lines, sizeof lines / sizeof lines[0]);
    json_t *r = s_small(f, &env, "2017-12-31", NULL);
    s_expect(r, "visits.completed_in_period", "[\"PER\"]");
    assert_false(s_in_list(r, "incomplete", "visits.completed_in_period"));
    /* no summary recorded for 2017: its places and interviews are not */
    assert_true(s_in_list(r, "incomplete", "visits.interviews_in_period"));
    assert_true(s_in_list(r, "incomplete", "visits.places_in_period"));
    s_expect(r, "replies.overdue", "[\"GEO\"]");
    assert_false(s_in_list(r, "incomplete", "replies.overdue"));
    s_expect(r, "reports.transmitted_total", "6");
    assert_false(s_in_list(r, "incomplete", "reports.transmitted_total"));
    json_decref(r);
    /* 2017 and 2018 join */
    r = s_small(f, &env, "2018-12-31", "2017-01-01");
    assert_false(s_in_list(r, "incomplete", "visits.completed_in_period"));
    json_decref(r);
    /* 2019 is in no interval; a reply could have come unrecorded in 2018 */
    r = s_small(f, &env, "2019-12-31", NULL);
    s_expect(r, "visits.completed_in_period", "[\"URY\"]");
    assert_true(s_in_list(r, "incomplete", "visits.completed_in_period"));
    json_decref(r);
    r = s_small(f, &env, "2018-06-30", NULL);
    s_expect(r, "replies.overdue", "[]");
    assert_true(s_in_list(r, "incomplete", "replies.overdue"));
    assert_true(s_in_list(r, "incomplete", "reports.transmitted_total"));
    json_decref(r);
    r = s_query(&env, f,
                "{\"op\":\"state\",\"state\":\"GEO\","
                "\"as_of\":\"2018-06-30\"}");
    s_expect(json_array_get(json_object_get(r, "reports"), 0), "reply_status",
             "\"unknown\"");
    json_decref(r);
    r = s_small(f, &env, "2025-12-31", NULL);
    assert_false(s_in_list(r, "incomplete", "visits.completed_in_period"));
    assert_false(s_in_list(r, "incomplete", "visits.interviews_in_period"));
    json_decref(r);
    s_env_close(&env);
}

/*  The art. 17 list as at a day is a total since the beginning: coverage
    reaching back to the Protocol's entry into force needs no baseline,
    and it stays complete only up to the interval's last day. */
static void test_history_coverage(void **state)
{
    fixture_t *f = *state;
    static const char *const lines[] = {
        "{\"type\":\"state.ratified\",\"occurred_on\":\"2004-11-15\","
        "\"state\":\"ARG\",\"instrument\":\"ratification\"}",
        "{\"type\":\"state.ratified\",\"occurred_on\":\"2013-01-24\","
        "\"state\":\"NRU\",\"instrument\":\"ratification\"}",
        "{\"type\":\"art17.listed\",\"occurred_on\":\"2016-06-17\","
        "\"state\":\"ARG\"}",
        "{\"type\":\"art17.listed\",\"occurred_on\":\"2016-11-18\","
        "\"state\":\"NRU\"}",
        "{\"type\":\"art17.delisted\",\"occurred_on\":\"2018-02-28\","
        "\"precision\":\"not_after\",\"not_before\":\"2018-01-01\","
        "\"state\":\"ARG\"}",
        "{\"type\":\"dataset.coverage\",\"occurred_on\":\"2025-12-31\","
        "\"types\":[\"art17.\"],\"from\":\"2006-06-22\","
        "\"until\":\"2017-12-31\"}"};
    env_t env;
    s_env_open(&env, false);
    s_apply_text(&env, lines, sizeof lines / sizeof lines[0]);
    json_t *r = s_small(f, &env, "2017-12-31", NULL);
    s_expect(r, "npm.art17_list", "[\"ARG\",\"NRU\"]");
    assert_false(s_in_list(r, "incomplete", "npm.art17_list"));
    json_decref(r);
    r = s_small(f, &env, "2016-12-31", NULL);
    s_expect(r, "npm.art17_list", "[\"ARG\",\"NRU\"]");
    assert_false(s_in_list(r, "incomplete", "npm.art17_list"));
    json_decref(r);
    /* after the interval a listing or removal may be missing */
    r = s_small(f, &env, "2018-06-30", NULL);
    assert_true(s_in_list(r, "incomplete", "npm.art17_list"));
    json_decref(r);
    s_env_close(&env);
}

static void test_regions(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(agg_regions_count(f->regions), 194);
    assert_string_equal(agg_regions_name(agg_regions_of(f->regions, "CYP")),
                        "asia_pacific");
    assert_string_equal(agg_regions_name(agg_regions_of(f->regions, "PSE")),
                        "asia_pacific");
    assert_string_equal(agg_regions_name(agg_regions_of(f->regions, "TUR")),
                        "asia_pacific");
    assert_int_equal(agg_regions_of(f->regions, "HKG"), -1);
    char path[] = "/tmp/test-agg-regions.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char bad[] = "alpha3\tname\tregion\nPER\tPeru\tsouth_america\n";
    assert_int_equal(write(fd, bad, sizeof bad - 1), (int)sizeof bad - 1);
    close(fd);
    err_t err;
    assert_null(agg_regions_new(path, &err));
    assert_non_null(strstr(err.message, ":2:"));
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expected_2025),
        cmocka_unit_test(test_order_independent),
        cmocka_unit_test(test_conventions),
        cmocka_unit_test(test_reply_overdue),
        cmocka_unit_test(test_precision_and_coverage),
        cmocka_unit_test(test_embedded_guesses),
        cmocka_unit_test(test_state_and_art17),
        cmocka_unit_test(test_deadline_boundaries),
        cmocka_unit_test(test_no_content),
        cmocka_unit_test(test_bad_parameters),
        cmocka_unit_test(test_regions),
        cmocka_unit_test(test_state_names),
        cmocka_unit_test(test_summary_and_coverage),
        cmocka_unit_test(test_closed_coverage),
        cmocka_unit_test(test_history_coverage),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
