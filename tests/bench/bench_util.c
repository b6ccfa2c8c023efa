/*  bench_util: clocks, latency samples and the benchmark's events. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

/*  States the events rotate through (real ISO 3166-1 alpha-3 codes). */
static const char *const s_states[] = {"PER", "HRV", "KAZ", "SEN", "BRA",
                                       "MEX", "FRA", "DEU", "NZL", "TUN",
                                       "ARM", "GBR", "ITA", "MDV", "UKR"};
#define STATE_COUNT (sizeof s_states / sizeof s_states[0])

uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void bench_samples_add(bench_samples_t *self, uint64_t ns)
{
    if (self->n == self->cap) {
        size_t cap = self->cap ? self->cap * 2 : 4096;
        uint64_t *v = realloc(self->v, cap * sizeof *v);
        if (!v)
            return;
        self->v = v;
        self->cap = cap;
    }
    self->v[self->n++] = ns;
}

void bench_samples_merge(bench_samples_t *self, bench_samples_t *from)
{
    for (size_t i = 0; i < from->n; i++)
        bench_samples_add(self, from->v[i]);
    bench_samples_free(from);
}

static int s_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

double bench_samples_us(bench_samples_t *self, double q)
{
    if (!self->n)
        return 0;
    qsort(self->v, self->n, sizeof *self->v, s_cmp);
    size_t i = (size_t)(q * (double)(self->n - 1) + 0.5);
    return (double)self->v[i] / 1000.0;
}

void bench_samples_free(bench_samples_t *self)
{
    free(self->v);
    memset(self, 0, sizeof *self);
}

uint64_t bench_mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15u;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

/*  Pads the note so that the packed envelope is BENCH_EVENT_BYTES. */
static void s_pad(bench_event_t *e)
{
    size_t len = strlen(e->note);
    size_t size = opcat__v1__envelope__get_packed_size(&e->env);
    while (size < BENCH_EVENT_BYTES && len + 1 < sizeof e->note) {
        e->note[len++] = '.';
        e->note[len] = '\0';
        size = opcat__v1__envelope__get_packed_size(&e->env);
    }
}

void bench_event_fill(bench_event_t *e, const char *run, int thread, uint64_t n,
                      const char *note)
{
    opcat__v1__envelope__init(&e->env);
    opcat__v1__followup_dialogue__init(&e->dialogue);
    e->dialogue.with = n % 3 ? "state" : "npm";
    e->env.body_case = OPCAT__V1__ENVELOPE__BODY_FOLLOWUP_DIALOGUE;
    e->env.followup_dialogue = &e->dialogue;
    e->env.type = "followup.dialogue";
    e->env.occurred_on = "2030-03-01";
    e->env.state = (char *)s_states[n % STATE_COUNT];
    e->env.source = "opcat-bench";
    snprintf(e->id, sizeof e->id, "%s-%d-%016llx", run, thread,
             (unsigned long long)bench_mix(n));
    e->env.id = e->id;
    snprintf(e->note, sizeof e->note, "%s", note ? note : "");
    e->env.note = e->note;
    s_pad(e);
}

void bench_event_report(bench_event_t *e, const char *run, int thread,
                        uint64_t n)
{
    opcat__v1__report_transmitted__init(&e->report);
    snprintf(e->report_id, sizeof e->report_id, "%s-%d-%010llu", run, thread,
             (unsigned long long)n);
    e->report.report_id = e->report_id;
    e->report.recipient = "state";
    e->env.body_case = OPCAT__V1__ENVELOPE__BODY_REPORT_TRANSMITTED;
    e->env.report_transmitted = &e->report;
    e->env.type = "report.transmitted";
    e->note[0] = '\0';
    s_pad(e);
}

void bench_print(const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%s ", name);
    vprintf(fmt, ap);
    printf("\n");
    fflush(stdout);
    va_end(ap);
}

long bench_status_kib(int pid, const char *field)
{
    char path[64], line[256];
    size_t len = strlen(field);
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    FILE *f = fopen(path, "r");
    long kib = -1;
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, field, len) == 0 && line[len] == ':') {
            kib = strtol(line + len + 1, NULL, 10);
            break;
        }
    fclose(f);
    return kib;
}
