/*  Runs a fuzz target over files and directories without libFuzzer, so
    that the corpus and every crash found (regressions/) are replayed by
    ctest under any compiler and the sanitizers.

      fuzz_X_replay CORPUS... [--optional DIR...]

    A CORPUS that is missing or holds no input is a failure (a renamed
    corpus must not pass as "0 inputs replayed"); a DIR after --optional
    may be absent (no regression found yet). */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int s_run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    uint8_t *buf = malloc(1 << 20);
    size_t n = buf ? fread(buf, 1, 1 << 20, f) : 0;
    fclose(f);
    if (!buf)
        return 1;
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 0;
}

static int s_run(const char *path, int *count)
{
    struct stat st;
    if (stat(path, &st))
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        ++*count;
        return s_run_file(path);
    }
    DIR *dir = opendir(path);
    struct dirent *d;
    int rc = 0;
    while (dir && (d = readdir(dir))) {
        if (d->d_name[0] == '.')
            continue;
        char child[4096];
        snprintf(child, sizeof child, "%s/%s", path, d->d_name);
        rc |= s_run(child, count) != 0;
    }
    if (dir)
        closedir(dir);
    return rc;
}

int main(int argc, char **argv)
{
    int count = 0, rc = 0;
    bool optional = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--optional") == 0) {
            optional = true;
            continue;
        }
        int before = count, r = s_run(argv[i], &count);
        if (!optional && (r < 0 || count == before)) {
            fprintf(stderr, "%s: %s\n", argv[i],
                    r < 0 ? "no such corpus" : "the corpus holds no input");
            rc = 1;
        } else if (r > 0) {
            rc = 1;
        }
    }
    printf("%d inputs replayed without a crash\n", count);
    return rc;
}
