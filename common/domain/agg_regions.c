/*  regions: a sorted array of (code, name, region), searched by bsearch. */
#include "agg_regions.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "share.h"

typedef struct {
    char code[4];
    char *name;
    int region;
} region_entry_t;

struct agg_regions {
    region_entry_t *entries;
    int count, cap;
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

const char *agg_regions_state_name(const agg_regions_t *self, const char *code)
{
    const region_entry_t *e = s_find(self, code);
    return e ? e->name : NULL;
}

int agg_regions_count(const agg_regions_t *self)
{
    return self->count;
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
    free(path);
    return regions;
}
