/*  Runs a fuzz target over files and directories without libFuzzer, so
    that the corpus and every crash found (regressions/) are replayed by
    ctest under any compiler and the sanitizers. */
#include <dirent.h>
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
        return 0; /* an absent directory (no regressions yet) is fine */
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
        rc |= s_run(child, count);
    }
    if (dir)
        closedir(dir);
    return rc;
}

int main(int argc, char **argv)
{
    int count = 0, rc = 0;
    for (int i = 1; i < argc; i++)
        rc |= s_run(argv[i], &count);
    printf("%d inputs replayed without a crash\n", count);
    return rc;
}
