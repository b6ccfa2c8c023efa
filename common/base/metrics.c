/*  metrics: histograms, metric sets, the Prometheus text format. */
#include "metrics.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "textbuf.h"
#include "version.h"

static const double s_bounds[METRICS_NBOUNDS] = METRICS_BOUNDS;

void metrics_hist_observe(metrics_hist_t *h, double seconds)
{
    if (!(seconds > 0))
        seconds = 0;
    for (int i = 0; i < METRICS_NBOUNDS; i++)
        if (seconds <= s_bounds[i]) {
            h->buckets[i]++;
            break;
        }
    h->count++;
    h->sum += seconds;
}

json_t *metrics_set_new(void)
{
    return json_object();
}

/* ---------------------------------------------------------------- names */

/*  [a-zA-Z_:][a-zA-Z0-9_:]* for a metric ('colon'), without ':' for a
    label, at most 100 bytes. */
static bool s_name_ok(const char *name, bool colon)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > 100 || (name[0] >= '0' && name[0] <= '9'))
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || (colon && c == ':')))
            return false;
    }
    return true;
}

static bool s_labels_ok(const json_t *labels)
{
    const char *key;
    const json_t *value;
    if (!json_is_object(labels))
        return false;
    json_object_foreach((json_t *)labels, key, value)
    {
        if (!s_name_ok(key, false) || strcmp(key, "le") == 0 ||
            !json_is_string(value))
            return false;
    }
    return true;
}

static bool s_type_ok(const char *type)
{
    return type &&
           (strcmp(type, "counter") == 0 || strcmp(type, "gauge") == 0 ||
            strcmp(type, "histogram") == 0);
}

/*  The samples array of family 'name' of 'type' in 'set', created with
    'help' if new; NULL if it exists with another type. */
static json_t *s_family(json_t *set, const char *name, const char *type,
                        const char *help)
{
    json_t *family = json_object_get(set, name);
    if (family)
        return strcmp(json_string_value(json_object_get(family, "type")),
                      type) == 0
                   ? json_object_get(family, "samples")
                   : NULL;
    json_t *samples = json_array();
    family = json_pack("{s:s,s:s,s:o}", "type", type, "help", help ? help : "",
                       "samples", samples);
    if (!family || json_object_set_new(set, name, family))
        return NULL;
    return samples;
}

/*  Adds 'sample' (taken) to family 'name' once everything is checked. */
static int s_add_sample(json_t *set, const char *name, const char *type,
                        const char *help, json_t *sample)
{
    json_t *samples = NULL;
    if (sample && s_name_ok(name, true) && s_type_ok(type) &&
        s_labels_ok(json_object_get(sample, "labels")))
        samples = s_family(set, name, type, help);
    if (!samples || json_array_append_new(samples, sample)) {
        if (!samples)
            json_decref(sample);
        return -1;
    }
    return 0;
}

int metrics_add(json_t *set, const char *name, const char *type,
                const char *help, json_t *labels, double value)
{
    if (!labels)
        labels = json_object();
    json_t *sample = json_pack("{s:o,s:f}", "labels", labels, "value", value);
    if (!type || strcmp(type, "histogram") == 0) {
        json_decref(sample);
        return -1;
    }
    return s_add_sample(set, name, type, help, sample);
}

int metrics_add_hist(json_t *set, const char *name, const char *help,
                     json_t *labels, const metrics_hist_t *h)
{
    json_t *bounds = json_array(), *buckets = json_array();
    uint64_t cumulative = 0;
    for (int i = 0; bounds && buckets && i < METRICS_NBOUNDS; i++) {
        cumulative += h->buckets[i];
        json_array_append_new(bounds, json_real(s_bounds[i]));
        json_array_append_new(buckets, json_integer((json_int_t)cumulative));
    }
    if (!labels)
        labels = json_object();
    json_t *sample = json_pack("{s:o,s:o,s:o,s:f,s:I}", "labels", labels,
                               "bounds", bounds, "buckets", buckets, "sum",
                               h->sum, "count", (json_int_t)h->count);
    return s_add_sample(set, name, "histogram", help, sample);
}

/* -------------------------------------------------------------- process */

/*  Fields 14 (utime), 15 (stime), 22 (starttime), 23 (vsize) and 24
    (rss, pages) of /proc/self/stat; false if it cannot be read. */
static bool s_stat(double fields[5])
{
    FILE *f = fopen("/proc/self/stat", "r");
    char line[1024];
    bool ok = f && fgets(line, sizeof line, f);
    if (f)
        fclose(f);
    /* the command name (field 2) may hold spaces: start after its ')' */
    char *p = ok ? strrchr(line, ')') : NULL;
    if (!p)
        return false;
    static const int want[5] = {14, 15, 22, 23, 24};
    int field = 2, k = 0;
    char *save = NULL;
    for (char *tok = strtok_r(p + 1, " ", &save); tok && k < 5;
         tok = strtok_r(NULL, " ", &save)) {
        if (++field == want[k])
            fields[k++] = strtod(tok, NULL);
    }
    return k == 5;
}

/*  The boot time in seconds since the epoch (btime of /proc/stat), or 0. */
static double s_boot_time(void)
{
    FILE *f = fopen("/proc/stat", "r");
    char line[256];
    double btime = 0;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "btime ", 6) == 0)
            btime = strtod(line + 6, NULL);
    if (f)
        fclose(f);
    return btime;
}

static long s_open_fds(void)
{
    DIR *dir = opendir("/proc/self/fd");
    long n = 0;
    for (struct dirent *d; dir && (d = readdir(dir));)
        n += d->d_name[0] != '.';
    if (dir)
        closedir(dir);
    return dir ? n - 1 : -1; /* less the one opendir holds */
}

void metrics_add_process(json_t *set)
{
    double f[5];
    double tick = (double)sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
    if (s_stat(f) && tick > 0) {
        metrics_add(set, "process_cpu_seconds_total", "counter",
                    "User and system CPU time spent, in seconds.", NULL,
                    (f[0] + f[1]) / tick);
        double boot = s_boot_time();
        if (boot > 0)
            metrics_add(set, "process_start_time_seconds", "gauge",
                        "Start time of the process since the Unix epoch, in "
                        "seconds.",
                        NULL, boot + f[2] / tick);
        metrics_add(set, "process_virtual_memory_bytes", "gauge",
                    "Virtual memory size, in bytes.", NULL, f[3]);
        metrics_add(set, "process_resident_memory_bytes", "gauge",
                    "Resident memory size, in bytes.", NULL, f[4] * page);
    }
    long fds = s_open_fds();
    if (fds >= 0)
        metrics_add(set, "process_open_fds", "gauge", "Open file descriptors.",
                    NULL, (double)fds);
}

void metrics_add_build_info(json_t *set)
{
    metrics_add(set, "opcat_build_info", "gauge",
                "1, labelled with the version of the program.",
                json_pack("{s:s}", "version", OPCAT_VERSION_STRING), 1);
}

/* ---------------------------------------------------------------- merge */

/*  A copy of 'sample' with 'label'="value" added, if it is well formed
    for 'type'; else NULL. */
static json_t *s_sample_copy(const json_t *sample, const char *type,
                             const char *label, const char *value)
{
    const json_t *labels = json_object_get(sample, "labels");
    bool ok = json_is_object(sample) && s_labels_ok(labels);
    if (ok && strcmp(type, "histogram") == 0) {
        const json_t *b = json_object_get(sample, "bounds");
        const json_t *c = json_object_get(sample, "buckets");
        ok = json_is_array(b) && json_is_array(c) &&
             json_array_size(b) == json_array_size(c) &&
             json_is_number(json_object_get(sample, "sum")) &&
             json_is_integer(json_object_get(sample, "count"));
        for (size_t i = 0; ok && i < json_array_size(b); i++)
            ok = json_is_number(json_array_get(b, i)) &&
                 json_is_integer(json_array_get(c, i));
    } else if (ok)
        ok = json_is_number(json_object_get(sample, "value"));
    json_t *copy = ok ? json_deep_copy(sample) : NULL;
    if (copy && label)
        json_object_set_new(json_object_get(copy, "labels"), label,
                            json_string(value));
    return copy;
}

size_t metrics_merge(json_t *into, const json_t *from, const char *label,
                     const char *value)
{
    size_t skipped = 0;
    const char *name;
    const json_t *family;
    if (!json_is_object(from))
        return 1;
    json_object_foreach((json_t *)from, name, family)
    {
        const char *type = json_string_value(json_object_get(family, "type"));
        const char *help = json_string_value(json_object_get(family, "help"));
        const json_t *samples = json_object_get(family, "samples");
        size_t i;
        const json_t *sample;
        if (!s_type_ok(type) || !json_is_array(samples)) {
            skipped++;
            continue;
        }
        json_array_foreach(samples, i, sample)
        {
            json_t *copy = s_sample_copy(sample, type, label, value);
            if (!copy || s_add_sample(into, name, type, help, copy))
                skipped++;
        }
    }
    return skipped;
}

/* ----------------------------------------------------------------- text */

/*  Appends a number as the format writes it (+Inf, NaN, integers whole). */
static void s_number(textbuf_t *t, double v)
{
    if (isnan(v))
        textbuf_printf(t, "NaN");
    else if (isinf(v))
        textbuf_printf(t, v > 0 ? "+Inf" : "-Inf");
    else if (v == floor(v) && fabs(v) < 1e15)
        textbuf_printf(t, "%.0f", v);
    else
        textbuf_printf(t, "%.17g", v);
}

/*  Appends text with the escapes of 'quoted' (a label value: \\ \" \n)
    or of HELP (\\ \n). */
static void s_escaped(textbuf_t *t, const char *text, bool quoted)
{
    for (const char *p = text; *p; p++) {
        if (*p == '\\')
            textbuf_printf(t, "\\\\");
        else if (*p == '\n')
            textbuf_printf(t, "\\n");
        else if (*p == '"' && quoted)
            textbuf_printf(t, "\\\"");
        else
            textbuf_printf(t, "%c", *p);
    }
}

/*  name{labels[,le="bound"]} value */
static void s_line(textbuf_t *t, const char *name, const char *suffix,
                   const json_t *labels, const char *le, double value)
{
    const char *key;
    const json_t *v;
    bool first = true;
    textbuf_printf(t, "%s%s", name, suffix);
    json_object_foreach((json_t *)labels, key, v)
    {
        textbuf_printf(t, "%s%s=\"", first ? "{" : ",", key);
        s_escaped(t, json_string_value(v), true);
        textbuf_printf(t, "\"");
        first = false;
    }
    if (le)
        textbuf_printf(t, "%sle=\"%s\"", first ? "{" : ",", le), first = false;
    textbuf_printf(t, "%s ", first ? "" : "}");
    s_number(t, value);
    textbuf_printf(t, "\n");
}

static void s_hist_lines(textbuf_t *t, const char *name, const json_t *sample)
{
    const json_t *labels = json_object_get(sample, "labels");
    const json_t *bounds = json_object_get(sample, "bounds");
    const json_t *buckets = json_object_get(sample, "buckets");
    double count = json_number_value(json_object_get(sample, "count"));
    for (size_t i = 0; i < json_array_size(bounds); i++) {
        char le[32];
        snprintf(le, sizeof le, "%g",
                 json_number_value(json_array_get(bounds, i)));
        s_line(t, name, "_bucket", labels, le,
               json_number_value(json_array_get(buckets, i)));
    }
    s_line(t, name, "_bucket", labels, "+Inf", count);
    s_line(t, name, "_sum", labels, NULL,
           json_number_value(json_object_get(sample, "sum")));
    s_line(t, name, "_count", labels, NULL, count);
}

char *metrics_text(const json_t *set, size_t *len)
{
    textbuf_t t = {0};
    const char *name;
    const json_t *family;
    textbuf_printf(&t, "%s", "");
    json_object_foreach((json_t *)set, name, family)
    {
        const char *type = json_string_value(json_object_get(family, "type"));
        const json_t *samples = json_object_get(family, "samples");
        size_t i;
        const json_t *sample;
        textbuf_printf(&t, "# HELP %s ", name);
        const char *help = json_string_value(json_object_get(family, "help"));
        s_escaped(&t, help ? help : "", false);
        textbuf_printf(&t, "\n# TYPE %s %s\n", name, type);
        json_array_foreach(samples, i, sample)
        {
            if (strcmp(type, "histogram") == 0)
                s_hist_lines(&t, name, sample);
            else
                s_line(&t, name, "", json_object_get(sample, "labels"), NULL,
                       json_number_value(json_object_get(sample, "value")));
        }
    }
    return textbuf_take(&t, len);
}
