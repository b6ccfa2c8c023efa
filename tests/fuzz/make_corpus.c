/*  Writes the seed corpus of fuzz_envelope: one AppendRequest per line of
    a JSON-lines file, and one holding every line.  Run by hand when the
    fixture changes:  make_corpus tests/fixtures/every-type.jsonl DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"

static void s_write(const char *dir, const char *name, event_t **events,
                    size_t n)
{
    Opcat__V1__AppendRequest req = OPCAT__V1__APPEND_REQUEST__INIT;
    req.request_id = 1;
    req.atomic = n > 1;
    req.n_events = n;
    req.events = events;
    size_t len = opcat__v1__append_request__get_packed_size(&req);
    uint8_t *buf = malloc(len);
    opcat__v1__append_request__pack(&req, buf);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(buf, 1, len, f) != len)
        perror(path);
    if (f)
        fclose(f);
    free(buf);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: make_corpus FILE.jsonl DIR\n");
        return 1;
    }
    FILE *in = fopen(argv[1], "r");
    if (!in) {
        perror(argv[1]);
        return 1;
    }
    event_t *events[256];
    size_t n = 0;
    char line[8192], name[64];
    while (n < 256 && fgets(line, sizeof line, in)) {
        err_t err;
        events[n] = event_from_text(line, strlen(line), &err);
        if (!events[n])
            continue;
        snprintf(name, sizeof name, "event-%zu.pb", n + 1);
        s_write(argv[2], name, &events[n], 1);
        n++;
    }
    fclose(in);
    s_write(argv[2], "all.pb", events, n);
    for (size_t i = 0; i < n; i++)
        event_free(&events[i]);
    return 0;
}
