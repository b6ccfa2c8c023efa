/*  failpoint: parses OPCAT_FAILPOINT at each pass; no state kept. */
#include "failpoint.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"

bool failpoint_enabled(void)
{
#ifdef OPCAT_FAILPOINTS
    return true;
#else
    return false;
#endif
}

/*  One "name:action[@N]" item of the list, 'len' bytes at 'item'. Returns
    0 if it does not name 'name' or does not fire at 'position', 1 for
    crash, 2 for error, -1 if malformed. */
static int s_item(const char *item, size_t len, const char *name,
                  uint64_t position)
{
    const char *colon = memchr(item, ':', len);
    if (!colon)
        return -1;
    size_t name_len = (size_t)(colon - item);
    const char *action = colon + 1;
    const char *end = item + len;
    const char *at = memchr(action, '@', (size_t)(end - action));
    size_t action_len = (size_t)((at ? at : end) - action);
    int kind = action_len == 5 && memcmp(action, "crash", 5) == 0   ? 1
               : action_len == 5 && memcmp(action, "error", 5) == 0 ? 2
                                                                    : -1;
    if (kind < 0)
        return -1;
    uint64_t from = 0;
    if (at) {
        char *stop;
        from = strtoull(at + 1, &stop, 10);
        if (stop != end || stop == at + 1)
            return -1;
    }
    if (name_len != strlen(name) || memcmp(item, name, name_len) != 0)
        return 0;
    return position >= from ? kind : 0;
}

int failpoint_pass(const char *name, uint64_t position)
{
    const char *list = getenv("OPCAT_FAILPOINT");
    while (list && *list) {
        const char *comma = strchr(list, ',');
        size_t len = comma ? (size_t)(comma - list) : strlen(list);
        int kind = s_item(list, len, name, position);
        if (kind < 0)
            fprintf(stderr, "failpoint: \"%.*s\" is not name:crash|error[@N]\n",
                    (int)len, list);
        if (kind == 1) {
            fprintf(stderr, "failpoint: %s at %llu: crash\n", name,
                    (unsigned long long)position);
            raise(SIGKILL);
            _exit(137); /* not reached */
        }
        if (kind == 2)
            return OPCAT_EIO;
        list = comma ? comma + 1 : NULL;
    }
    return 0;
}
