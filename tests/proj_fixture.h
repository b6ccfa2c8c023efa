/*  proj_fixture: what the unit tests of the aggregation service's
    projection and answers (services/aggregated) share, without daemons:
    the embedded dataset and the hand-written scenario
    (tests/fixtures/agg-small.jsonl) loaded once, LMDB environments in
    temporary directories that events are applied to directly, the
    queries run on them, and checks of their JSON answers. */
#ifndef OPCAT_PROJ_FIXTURE_H
#define OPCAT_PROJ_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

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

/*  cmocka group setup and teardown: a fixture_t in '*state'. */
int proj_setup(void **state);
int proj_teardown(void **state);

/*  Today for the queries that give no as_of: the system clock's. */
int32_t proj_today(void);

/*  Appends the events of the JSON lines file 'path' to 'ev', numbered
    from its count on ('#' lines and empty lines skipped). */
void proj_load_lines(events_t *ev, const char *path);

/*  Opens a new environment ('deferred': counters collected per batch);
    proj_env_close removes it. */
void proj_env_open(env_t *env, bool deferred);
void proj_env_close(env_t *env);

/*  Applies 'ev' in the order of 'order' (NULL: as loaded), in batches. */
void proj_apply_all(env_t *env, const events_t *ev, const size_t *order);

/*  Applies the JSON lines of 'lines' (one event each). */
void proj_apply_text(env_t *env, const char *const *lines, size_t n);

/*  A test's first step: opens a new environment (one write per addition)
    and applies 'ev' to it as loaded; proj_env_close removes it. */
void proj_env_with(env_t *env, const events_t *ev);

/*  The same with the JSON lines of 'lines' (one event each). */
void proj_env_with_text(env_t *env, const char *const *lines, size_t n);

/*  The answer to request 'req' (JSON); the test fails on an error. */
json_t *proj_query(const env_t *env, const fixture_t *f, const char *req);

/*  The stats answer as at 'as_of', from 'from' (NULL: the year's start). */
json_t *proj_stats(fixture_t *f, env_t *env, const char *as_of,
                   const char *from);

/*  The answer about State 'code' as at 'as_of' ({"op":"state"}). */
json_t *proj_state(const env_t *env, const fixture_t *f, const char *code,
                   const char *as_of);

/*  Every key of 'want' (recursively) equals the same key of 'got'
    ('path' names 'got' in the failure message; "_omitted" and "_about"
    skipped). */
void proj_expect_subset(const json_t *want, const json_t *got,
                        const char *path);

/*  The value at the dotted key of 'root' holds what 'json' does. */
void proj_expect(const json_t *root, const char *dotted, const char *json);

/*  Whether the array at 'key' of 'root' holds the string 'value'. */
bool proj_in_list(const json_t *root, const char *key, const char *value);

#endif
