/*  share: the installed or the checkout's read-only files (see share.h). */
#include "share.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* set by common/CMakeLists.txt; only the build-tree fallback uses it */
#ifndef OPCAT_SOURCE_ROOT
#define OPCAT_SOURCE_ROOT "."
#endif

/*  "DIR/NAME", or DIR alone when 'name' is empty: a new string. */
static char *s_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);
    if (path)
        snprintf(path, n, "%s%s%s", dir, *name ? "/" : "", name);
    return path;
}

/*  PREFIX/share/opcat for a program at PREFIX/bin/PROGRAM, written into
    'out'; false when 'exe' has no two levels to strip or the directory
    does not exist. */
static bool s_installed(const char *exe, char *out, size_t size)
{
    char prefix[PATH_MAX];
    if (!exe ||
        snprintf(prefix, sizeof prefix, "%s", exe) >= (int)sizeof prefix)
        return false;
    for (int up = 0; up < 2; up++) {
        char *slash = strrchr(prefix, '/');
        if (!slash)
            return false;
        *slash = '\0';
    }
    if (snprintf(out, size, "%s/share/opcat", prefix) >= (int)size)
        return false;
    struct stat st;
    return stat(out, &st) == 0 && S_ISDIR(st.st_mode);
}

char *share_path_for(const char *exe, const char *name, const char *source_rel)
{
    const char *env = getenv("OPCAT_SHARE");
    if (env && *env)
        return s_join(env, name);
    char dir[PATH_MAX];
    if (s_installed(exe, dir, sizeof dir))
        return s_join(dir, name);
    return s_join(OPCAT_SOURCE_ROOT, source_rel);
}

char *share_path(const char *name, const char *source_rel)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = '\0';
    return share_path_for(n > 0 ? exe : NULL, name, source_rel);
}
