/*  codes: sorted arrays of three-letter codes, searched by bsearch. */
#include "codes.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char code[4];
    char *name;
} code_entry_t;

typedef struct {
    code_entry_t *entries;
    size_t count;
} code_list_t;

struct codes {
    code_list_t states;     /* ISO 3166-1 alpha-3 */
    code_list_t currencies; /* ISO 4217 alpha */
};

static int s_compare(const void *a, const void *b)
{
    return strcmp(((const code_entry_t *)a)->code,
                  ((const code_entry_t *)b)->code);
}

/*  Reads the array 'array_key' of 'path', keeping each element's
    'code_key' (three letters) and its "name". */
static int s_load(code_list_t *list, const char *path, const char *array_key,
                  const char *code_key, err_t *err)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    json_t *array = root ? json_object_get(root, array_key) : NULL;
    if (!json_is_array(array)) {
        json_decref(root);
        return err_set(err, OPCAT_EIO, "", "%s: cannot read %s (%s)", path,
                       array_key, root ? "no such array" : jerr.text);
    }
    list->entries = calloc(json_array_size(array) + 1, sizeof *list->entries);
    if (!list->entries) {
        json_decref(root);
        return err_set(err, OPCAT_ENOMEM, "", "out of memory");
    }
    size_t i;
    json_t *item;
    json_array_foreach(array, i, item)
    {
        const char *code = json_string_value(json_object_get(item, code_key));
        const char *name = json_string_value(json_object_get(item, "name"));
        if (!code || strlen(code) != 3)
            continue;
        code_entry_t *e = &list->entries[list->count++];
        memcpy(e->code, code, 4);
        e->name = strdup(name ? name : code);
    }
    json_decref(root);
    qsort(list->entries, list->count, sizeof *list->entries, s_compare);
    return OPCAT_OK;
}

static void s_free_list(code_list_t *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->entries[i].name);
    free(list->entries);
}

codes_t *codes_new(const char *dir, err_t *err)
{
    if (!dir)
        dir = getenv("OPCAT_ISO_CODES");
    if (!dir || !*dir)
        dir = CODES_DEFAULT_DIR;
    codes_t *self = calloc(1, sizeof *self);
    if (!self) {
        err_set(err, OPCAT_ENOMEM, "", "out of memory");
        return NULL;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/iso_3166-1.json", dir);
    if (s_load(&self->states, path, "3166-1", "alpha_3", err) == 0) {
        snprintf(path, sizeof path, "%s/iso_4217.json", dir);
        if (s_load(&self->currencies, path, "4217", "alpha_3", err) == 0)
            return self;
    }
    codes_destroy(&self);
    return NULL;
}

void codes_destroy(codes_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    codes_t *self = *self_p;
    s_free_list(&self->states);
    s_free_list(&self->currencies);
    free(self);
    *self_p = NULL;
}

static const code_entry_t *s_find(const code_list_t *list, const char *code)
{
    if (!code || strlen(code) != 3)
        return NULL;
    code_entry_t key;
    memcpy(key.code, code, 4);
    return bsearch(&key, list->entries, list->count, sizeof key, s_compare);
}

bool codes_is_state(const codes_t *self, const char *code)
{
    return s_find(&self->states, code) != NULL;
}

bool codes_is_currency(const codes_t *self, const char *code)
{
    return s_find(&self->currencies, code) != NULL;
}

const char *codes_state_name(const codes_t *self, const char *code)
{
    const code_entry_t *e = s_find(&self->states, code);
    return e ? e->name : NULL;
}
