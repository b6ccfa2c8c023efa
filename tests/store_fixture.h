/*  store_fixture: what the unit tests of storage/store share: a store
    opened in a temporary directory (without a commit log, with one whose
    events stay pending, or with one applied after every write), events
    from JSON, and writes and checks of many events. */
#ifndef OPCAT_STORE_FIXTURE_H
#define OPCAT_STORE_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "codes.h"
#include "event.h"
#include "store.h"

typedef struct {
    char dir[256];
    codes_t *codes;
    store_t *store;
    store_options_t options; /* what the fixture opened the store with */
} fixture_t;

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

/*  A commit log whose events are never applied before the store closes:
    every rule then works on what is pending only. */
store_options_t fixture_pending(void);

/*  cmocka setups: a fixture_t in '*state' with a store opened with
    'options' (NULL: the defaults, no commit log), with fixture_pending(),
    or with a commit log applied to LMDB after every write. */
int fixture_setup_with(void **state, const store_options_t *options);
int fixture_setup(void **state);
int fixture_setup_pending(void **state);
int fixture_setup_applied(void **state);

/*  Closes the store and removes the directory. */
int fixture_teardown(void **state);

/*  The event of 'json' (the test fails if it is not one). */
event_t *fixture_event(const char *json);

/*  Writes 'n' events given as JSON, as one batch; returns the results
    (freed by the caller). */
store_result_t *fixture_write(fixture_t *f, const char *const *json, size_t n,
                              bool atomic);

/*  Writes events "<prefix>-<from>" .. "<prefix>-<from + n - 1>" (State
    AUS) in one group; each must be stored. */
void fixture_write_named(fixture_t *f, const char *prefix, int from, int n);

/*  Asserts events "<prefix>-<i>", i < n, are stored once each. */
void fixture_expect_ids(store_t *store, const char *prefix, int n);

#endif
