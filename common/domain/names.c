/*  names: a sorted array of (code, a name per language), searched by
    bsearch. */
#include "names.h"

#include <ctype.h>
#include <stdbool.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "share.h"

/*  The languages of the table's columns, in the file's order. */
static const char *const s_langs[NAMES_LANGS] = {"en", "zh", "fr",
                                                 "es", "ru", "ar"};

typedef struct {
    char code[4];
    char *name[NAMES_LANGS]; /* owned, in the order of s_langs */
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

/*  Splits 'line' at its tabs into 'field' (NUL-terminating each);
    returns the number of fields, at most 'max' + 1 (one too many). */
static size_t s_split(char *line, char **field, size_t max)
{
    size_t n = 0;
    for (char *p = line; p && n <= max; n++) {
        if (n < max)
            field[n] = p;
        p = strchr(p, '\t');
        if (p)
            *p++ = '\0';
    }
    return n;
}

/*  Makes room for one more entry. */
static int s_grow(names_t *self, err_t *err)
{
    if (self->count < self->capacity)
        return OPCAT_OK;
    size_t bigger = self->capacity ? 2 * self->capacity : 256;
    name_entry_t *grown = realloc(self->entries, bigger * sizeof *grown);
    if (!grown)
        return err_set(err, OPCAT_ENOMEM, NULL, "out of memory");
    self->entries = grown;
    self->capacity = bigger;
    return OPCAT_OK;
}

/*  Adds one "CODE TAB en TAB zh TAB fr TAB es TAB ru TAB ar" line
    (newline stripped) to 'self'. */
static int s_add(names_t *self, char *line, const char *path, int lineno,
                 err_t *err)
{
    line[strcspn(line, "\r\n")] = '\0';
    if (!*line || *line == '#')
        return OPCAT_OK;
    char *field[NAMES_LANGS + 1];
    bool ok = s_split(line, field, NAMES_LANGS + 1) == NAMES_LANGS + 1 &&
              s_is_code(field[0]);
    for (size_t i = 1; ok && i <= NAMES_LANGS; i++)
        ok = *field[i] != '\0';
    if (!ok)
        return err_set(err, OPCAT_EINVAL, "state",
                       "%s:%d: not ALPHA3 and a name in each of en, zh, fr, "
                       "es, ru and ar, separated by tabs",
                       path, lineno);
    int rc = s_grow(self, err);
    if (rc)
        return rc;
    name_entry_t *e = &self->entries[self->count++];
    memset(e, 0, sizeof *e);
    memcpy(e->code, field[0], 4);
    for (size_t i = 0; i < NAMES_LANGS; i++)
        if (!(e->name[i] = strdup(field[i + 1])))
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
        for (size_t j = 0; j < NAMES_LANGS; j++)
            free((*self)->entries[i].name[j]);
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

int names_lang(const char *lang)
{
    for (int i = 0; lang && i < NAMES_LANGS; i++)
        if (strcmp(lang, s_langs[i]) == 0)
            return i;
    return -1;
}

const char *names_en(const names_t *self, const char *code)
{
    return names_in(self, code, "en");
}

const char *names_zh(const names_t *self, const char *code)
{
    return names_in(self, code, "zh");
}

const char *names_in(const names_t *self, const char *code, const char *lang)
{
    const name_entry_t *e = s_find(self, code);
    int i = names_lang(lang);
    return e && i >= 0 ? e->name[i] : NULL;
}

size_t names_count(const names_t *self)
{
    return self ? self->count : 0;
}

const char *names_code(const names_t *self, size_t i)
{
    return self && i < self->count ? self->entries[i].code : NULL;
}
