/*  names: a sorted array of (code, English, Chinese), searched by bsearch. */
#include "names.h"

#include <ctype.h>
#include <stdbool.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "share.h"

typedef struct {
    char code[4];
    char *en, *zh; /* owned */
} name_entry_t;

struct names {
    name_entry_t *entries;
    size_t count, capacity;
};

static int s_compare(const void *a, const void *b)
{
    return strcmp(((const name_entry_t *)a)->code,
                  ((const name_entry_t *)b)->code);
}

static bool s_is_code(const char *text)
{
    return strlen(text) == 3 && isupper((unsigned char)text[0]) &&
           isupper((unsigned char)text[1]) && isupper((unsigned char)text[2]);
}

/*  Adds one "CODE TAB en TAB zh" line (newline stripped) to 'self'. */
static int s_add(names_t *self, char *line, const char *path, int lineno,
                 err_t *err)
{
    line[strcspn(line, "\r\n")] = '\0';
    if (!*line || *line == '#')
        return OPCAT_OK;
    char *en = strchr(line, '\t');
    char *zh = en ? strchr(en + 1, '\t') : NULL;
    if (en)
        *en++ = '\0';
    if (zh)
        *zh++ = '\0';
    if (!zh || !s_is_code(line) || !*en || !*zh || strchr(zh, '\t'))
        return err_set(err, OPCAT_EINVAL, "state",
                       "%s:%d: not ALPHA3 TAB English name TAB Chinese name",
                       path, lineno);
    if (self->count == self->capacity) {
        size_t bigger = self->capacity ? 2 * self->capacity : 256;
        name_entry_t *grown = realloc(self->entries, bigger * sizeof *grown);
        if (!grown)
            return err_set(err, OPCAT_ENOMEM, NULL, "out of memory");
        self->entries = grown;
        self->capacity = bigger;
    }
    name_entry_t *e = &self->entries[self->count];
    memcpy(e->code, line, 4);
    e->en = strdup(en);
    e->zh = strdup(zh);
    self->count++;
    if (!e->en || !e->zh)
        return err_set(err, OPCAT_ENOMEM, NULL, "out of memory");
    return OPCAT_OK;
}

/*  Sorts the table and refuses a code that comes twice. */
static int s_sort(names_t *self, const char *path, err_t *err)
{
    if (self->count)
        qsort(self->entries, self->count, sizeof *self->entries, s_compare);
    for (size_t i = 1; i < self->count; i++)
        if (strcmp(self->entries[i - 1].code, self->entries[i].code) == 0)
            return err_set(err, OPCAT_EINVAL, "state", "%s: %s comes twice",
                           path, self->entries[i].code);
    return OPCAT_OK;
}

names_t *names_new(const char *path, err_t *err)
{
    names_t *self = calloc(1, sizeof *self);
    if (!self) {
        err_set(err, OPCAT_ENOMEM, NULL, "out of memory");
        return NULL;
    }
    FILE *f = fopen(path, "r");
    if (!f) {
        err_set(err, OPCAT_EIO, NULL, "%s: cannot open (set OPCAT_SHARE)",
                path);
        names_destroy(&self);
        return NULL;
    }
    char line[1024];
    int lineno = 0, rc = OPCAT_OK;
    while (!rc && fgets(line, sizeof line, f))
        rc = s_add(self, line, path, ++lineno, err);
    fclose(f);
    if (!rc)
        rc = s_sort(self, path, err);
    if (rc)
        names_destroy(&self);
    return self;
}

/*  '<directory of the executable>/../share/opcat' into 'out', or "". */
names_t *names_find(const char *dir, err_t *err)
{
    char *path = NULL;
    if (dir && asprintf(&path, "%s/%s", dir, NAMES_FILE) < 0)
        path = NULL;
    else if (!dir)
        path = share_path(NAMES_FILE, "data/" NAMES_FILE);
    if (!path) {
        err_set(err, OPCAT_ENOMEM, "", "out of memory");
        return NULL;
    }
    names_t *names = names_new(path, err);
    free(path);
    return names;
}

void names_destroy(names_t **self)
{
    if (!self || !*self)
        return;
    for (size_t i = 0; i < (*self)->count; i++) {
        free((*self)->entries[i].en);
        free((*self)->entries[i].zh);
    }
    free((*self)->entries);
    free(*self);
    *self = NULL;
}

static const name_entry_t *s_find(const names_t *self, const char *code)
{
    if (!self || !code || strlen(code) != 3)
        return NULL;
    name_entry_t key;
    memcpy(key.code, code, 4);
    return bsearch(&key, self->entries, self->count, sizeof *self->entries,
                   s_compare);
}

const char *names_en(const names_t *self, const char *code)
{
    const name_entry_t *e = s_find(self, code);
    return e ? e->en : NULL;
}

const char *names_zh(const names_t *self, const char *code)
{
    const name_entry_t *e = s_find(self, code);
    return e ? e->zh : NULL;
}

const char *names_in(const names_t *self, const char *code, const char *lang)
{
    return lang && strcmp(lang, "zh") == 0 ? names_zh(self, code)
                                           : names_en(self, code);
}

size_t names_count(const names_t *self)
{
    return self ? self->count : 0;
}

const char *names_code(const names_t *self, size_t i)
{
    return self && i < self->count ? self->entries[i].code : NULL;
}
