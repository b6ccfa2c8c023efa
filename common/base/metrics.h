/*  metrics: latency histograms, metric sets and the Prometheus text format.

    Every daemon answers a "metrics" request with a metric set, a JSON
    object the gateway merges (one label naming the daemon) and renders
    as the Prometheus text exposition format 0.0.4 on /metrics:

      {"opcat_query_seconds": {"type": "histogram", "help": "...",
         "samples": [{"labels": {"op": "stats"}, "bounds": [0.001, ...],
                      "buckets": [3, ...], "sum": 0.02, "count": 5}]},
       "opcat_events_applied_total": {"type": "counter", "help": "...",
         "samples": [{"labels": {}, "value": 42}]}}

    A family appears once in a set whatever the number of its samples, so
    the text has each "# TYPE" line once, as the format requires.  Names
    and label names are checked against the format's grammar; what breaks
    it is skipped (a set received from another daemon cannot break the
    text).  Histograms count in seconds into fixed cumulative buckets
    (METRICS_BOUNDS), from 100 us to 10 s. */
#ifndef OPCAT_METRICS_H
#define OPCAT_METRICS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/*  Upper bounds of a histogram's buckets, in seconds (then +Inf). */
#define METRICS_BOUNDS                                                         \
    {                                                                          \
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, \
            0.25, 0.5, 1, 2.5, 5, 10                                           \
    }
#define METRICS_NBOUNDS 16

/*  A latency histogram: a value type, start from metrics_hist_t h = {0}. */
typedef struct {
    uint64_t buckets[METRICS_NBOUNDS]; /* observations <= each bound (not
                                          cumulative here: the text is) */
    uint64_t count;                    /* every observation, +Inf included */
    double sum;                        /* of the observations, in seconds */
} metrics_hist_t;

/*  Counts one observation of 'seconds' (negative counts as 0). */
void metrics_hist_observe(metrics_hist_t *h, double seconds);

/*  A new empty metric set (a JSON object, the caller's), or NULL. */
json_t *metrics_set_new(void);

/*  Adds one sample of family 'name' ('type' "counter" or "gauge") with
    'labels' (a JSON object of strings whose reference the call takes, or
    NULL) to 'set'.  The family is created with 'help' on first use.
    Returns 0, or -1 if 'name' or a label breaks the format or the family
    has another type (nothing added). */
int metrics_add(json_t *set, const char *name, const char *type,
                const char *help, json_t *labels, double value);

/*  Adds histogram 'h' as one sample of family 'name' (type histogram). */
int metrics_add_hist(json_t *set, const char *name, const char *help,
                     json_t *labels, const metrics_hist_t *h);

/*  Adds the process_* families of the calling process, read from /proc:
    resident and virtual memory, CPU seconds, open descriptors, start
    time.  A file that cannot be read leaves its family out. */
void metrics_add_process(json_t *set);

/*  Adds opcat_build_info{version} 1. */
void metrics_add_build_info(json_t *set);

/*  Adds every well-formed family and sample of 'from' (borrowed, as
    received) to 'into', with the label 'label'="value" on each sample.
    Returns the number of samples skipped as malformed. */
size_t metrics_merge(json_t *into, const json_t *from, const char *label,
                     const char *value);

/*  Renders 'set' in the text format.  A new NUL-terminated text (the
    caller's) with its length in '*len', or NULL when out of memory. */
char *metrics_text(const json_t *set, size_t *len);

#endif
