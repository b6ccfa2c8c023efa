/*  regions: a sorted array of (code, name, region), searched by bsearch. */
#include "agg_regions.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "date.h"
#include "log.h"
#include "share.h"

typedef struct {
    char code[4];
    char *name;
    int region;
} region_entry_t;

/*  One dated exception: 'code' counted in 'region' on the days
    [from, until). */
typedef struct {
    char code[4];
    int region;
    int32_t from, until;
} region_change_t;

struct agg_regions {
    region_entry_t *entries;
    int count, cap;
    region_change_t *changes; /* in file order; few rows */
    int nchanges;
};

static const char *const s_regions[AGG_REGION_COUNT] = {
    "africa", "asia_pacific", "eastern_europe", "latin_america_caribbean",
    "weog"};

const char *agg_regions_name(int region)
{
    return region >= 0 && region < AGG_REGION_COUNT ? s_regions[region] : NULL;
}

static int s_region_index(const char *name)
{
    for (int i = 0; i < AGG_REGION_COUNT; i++)
        if (strcmp(name, s_regions[i]) == 0)
            return i;
    return -1;
}

static int s_compare(const void *a, const void *b)
{
    return strcmp(((const region_entry_t *)a)->code,
                  ((const region_entry_t *)b)->code);
}

/*  Parses one data line into a new entry.  Returns 0 or OPCAT_EINVAL. */
static int s_line(agg_regions_t *self, char *line)
{
    line[strcspn(line, "\r\n")] = '\0';
    char *name = strchr(line, '\t');
    char *region = name ? strchr(name + 1, '\t') : NULL;
    if (!region || name - line != 3)
        return OPCAT_EINVAL;
    *name++ = '\0';
    *region++ = '\0';
    int index = s_region_index(region);
    if (index < 0)
        return OPCAT_EINVAL;
    if (self->count == self->cap) {
        int cap = self->cap ? self->cap * 2 : 256;
        region_entry_t *bigger =
            realloc(self->entries, (size_t)cap * sizeof *bigger);
        if (!bigger)
            return OPCAT_ENOMEM;
        self->entries = bigger;
        self->cap = cap;
    }
    region_entry_t *e = &self->entries[self->count];
    if (!(e->name = strdup(name)))
        return OPCAT_ENOMEM;
    memcpy(e->code, line, 4);
    e->region = index;
    self->count++;
    return OPCAT_OK;
}

agg_regions_t *agg_regions_new(const char *path, err_t *err)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        err_set(err, OPCAT_EIO, "regions", "regions: cannot open %s", path);
        return NULL;
    }
    agg_regions_t *self = calloc(1, sizeof *self);
    char line[1024];
    int rc = self ? OPCAT_OK : OPCAT_ENOMEM;
    for (int n = 1; !rc && fgets(line, sizeof line, f); n++) {
        if (n == 1 && strncmp(line, "alpha3\t", 7) == 0)
            continue; /* the header */
        if (line[0] == '#' || line[0] == '\n')
            continue;
        if ((rc = s_line(self, line)))
            err_set(err, rc, "regions",
                    "regions: %s:%d: expected alpha3<TAB>name<TAB>region "
                    "with one of the five UN regional groups",
                    path, n);
    }
    fclose(f);
    if (!rc && self->count == 0)
        rc =
            err_set(err, OPCAT_EINVAL, "regions", "regions: %s is empty", path);
    if (rc) {
        agg_regions_destroy(&self);
        return NULL;
    }
    qsort(self->entries, (size_t)self->count, sizeof *self->entries, s_compare);
    return self;
}

void agg_regions_destroy(agg_regions_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    agg_regions_t *self = *self_p;
    for (int i = 0; i < self->count; i++)
        free(self->entries[i].name);
    free(self->entries);
    free(self->changes);
    free(self);
    *self_p = NULL;
}

static const region_entry_t *s_find(const agg_regions_t *self, const char *code)
{
    region_entry_t key;
    snprintf(key.code, sizeof key.code, "%s", code);
    return bsearch(&key, self->entries, (size_t)self->count,
                   sizeof *self->entries, s_compare);
}

int agg_regions_of(const agg_regions_t *self, const char *code)
{
    const region_entry_t *e = s_find(self, code);
    return e ? e->region : -1;
}

int agg_regions_at(const agg_regions_t *self, const char *code, int32_t day)
{
    for (int i = 0; i < self->nchanges; i++) {
        const region_change_t *c = &self->changes[i];
        if (strcmp(c->code, code) == 0 && c->from <= day && day < c->until)
            return c->region;
    }
    return agg_regions_of(self, code);
}

const char *agg_regions_state_name(const agg_regions_t *self, const char *code)
{
    const region_entry_t *e = s_find(self, code);
    return e ? e->name : NULL;
}

int agg_regions_count(const agg_regions_t *self)
{
    return self->count;
}

/*  A bound of a change row: empty means open ('open_day'). */
static bool s_bound(const char *text, int32_t open_day, int32_t *day)
{
    if (*text == '\0') {
        *day = open_day;
        return true;
    }
    return date_parse(text, day);
}

/*  Parses one change line (alpha3, region, from, until, source) into 'c'.
    Returns false when a column is missing or malformed. */
static bool s_change_line(const agg_regions_t *self, char *line,
                          region_change_t *c)
{
    char *col[5];
    line[strcspn(line, "\r\n")] = '\0';
    col[0] = line;
    for (int i = 1; i < 5; i++) {
        char *tab = strchr(col[i - 1], '\t');
        if (!tab)
            return false;
        *tab = '\0';
        col[i] = tab + 1;
    }
    if (strlen(col[0]) != 3 || !s_find(self, col[0]))
        return false;
    memcpy(c->code, col[0], 4);
    c->region = s_region_index(col[1]);
    return c->region >= 0 && s_bound(col[2], INT32_MIN, &c->from) &&
           s_bound(col[3], INT32_MAX, &c->until) && c->from < c->until &&
           *col[4] != '\0';
}

int agg_regions_load_changes(agg_regions_t *self, const char *path, err_t *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return err_set(err, OPCAT_EIO, "regions", "regions: cannot open %s",
                       path);
    char line[2048];
    int rc = OPCAT_OK;
    for (int n = 1; !rc && fgets(line, sizeof line, f); n++) {
        if ((n == 1 && strncmp(line, "alpha3\t", 7) == 0) || line[0] == '#' ||
            line[0] == '\n')
            continue;
        region_change_t c;
        if (!s_change_line(self, line, &c)) {
            rc = err_set(err, OPCAT_EINVAL, "regions",
                         "regions: %s:%d: expected alpha3<TAB>region<TAB>from"
                         "<TAB>until<TAB>source: a listed State, one of the "
                         "five groups, dates YYYY-MM-DD or empty with from "
                         "before until, and a source",
                         path, n);
            break;
        }
        region_change_t *bigger = realloc(
            self->changes, (size_t)(self->nchanges + 1) * sizeof *bigger);
        if (!bigger) {
            rc = err_set(err, OPCAT_ENOMEM, "", "out of memory");
            break;
        }
        self->changes = bigger;
        self->changes[self->nchanges++] = c;
    }
    fclose(f);
    return rc;
}

/*  The file agg_regions_find loads: a new string, NULL on out of memory. */
static char *s_path(const char *flag)
{
    const char *env = getenv("OPCAT_REGIONS");
    if (flag)
        return strdup(flag);
    if (env && *env)
        return strdup(env);
    return share_path("regions.tsv", "data/regions.tsv");
}

/*  Loads region-changes.tsv from the directory of 'path' when it exists:
    the dated exceptions travel with the regions file they amend. */
static int s_load_sibling_changes(agg_regions_t *self, const char *path,
                                  err_t *err)
{
    char changes[PATH_MAX];
    const char *slash = strrchr(path, '/');
    int dir = slash ? (int)(slash - path + 1) : 0;
    snprintf(changes, sizeof changes, "%.*s%s", dir, path,
             AGG_REGION_CHANGES_FILE);
    if (access(changes, R_OK) != 0)
        return OPCAT_OK;
    int rc = agg_regions_load_changes(self, changes, err);
    if (!rc)
        log_info("regions: %d dated changes from %s", self->nchanges, changes);
    return rc;
}

agg_regions_t *agg_regions_find(const char *flag, err_t *err)
{
    char *path = s_path(flag);
    if (!path) {
        err_set(err, OPCAT_ENOMEM, "", "out of memory");
        return NULL;
    }
    agg_regions_t *regions = agg_regions_new(path, err);
    if (regions)
        log_info("regions: %d States from %s", agg_regions_count(regions),
                 path);
    if (regions && s_load_sibling_changes(regions, path, err))
        agg_regions_destroy(&regions);
    free(path);
    return regions;
}
