/*  Shared by the unit tests: a CHECK that prints the error, and fixture
    paths.  Tests use the public API only. */
#ifndef OPCAT_TEST_COMMON_H
#define OPCAT_TEST_COMMON_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "err.h"

/*  Asserts that 'call' returned 0; prints file:line and the error else. */
#define CHECK(call, err)                                                       \
    do {                                                                       \
        int check_rc_ = (call);                                                \
        if (check_rc_ != 0)                                                    \
            fail_msg("%s:%d: %s -> %d (%s) %s", __FILE__, __LINE__, #call,     \
                     check_rc_, err_strerror(check_rc_), (err)->message);      \
    } while (0)

/*  A path under the checkout (OPCAT_SOURCE_DIR, set by ctest). */
static inline const char *test_source_path(const char *rel, char *buf,
                                           size_t cap)
{
    const char *dir = getenv("OPCAT_SOURCE_DIR");
    snprintf(buf, cap, "%s/%s", dir ? dir : ".", rel);
    return buf;
}

/*  A new directory under /tmp, and paths in it. */
typedef struct {
    char dir[64];
    char path[256]; /* the last test_tmp_file() */
} test_tmp_t;

/*  Makes 't->dir' (/tmp/opcat-'name'.XXXXXX). */
static inline void test_tmp(test_tmp_t *t, const char *name)
{
    snprintf(t->dir, sizeof t->dir, "/tmp/opcat-%s.XXXXXX", name);
    assert_non_null(mkdtemp(t->dir));
}

/*  't->dir'/'name', in 't->path' (until the next call). */
static inline const char *test_tmp_file(test_tmp_t *t, const char *name)
{
    snprintf(t->path, sizeof t->path, "%s/%s", t->dir, name);
    return t->path;
}

#endif
