/*  names: the States' names as the United Nations writes them.

    One table, data/state-names.tsv: "ALPHA3 TAB en TAB zh TAB fr TAB es
    TAB ru TAB ar" per line (the six official languages of the United
    Nations), '#' lines ignored (the file's header gives the source of
    each column: the UN Terminology Database's short names).  Every output that
    names a State (the report, opcatctl, the aggregation's answers, hence
    the gateway's API) reads it through this module, so that a State has
    one name per language everywhere.

    Where the table is: names_find() looks in the directory given, else
    in the share directory (share.h: $OPCAT_SHARE, the installed
    PREFIX/share/opcat, or the checkout's data/). */
#ifndef OPCAT_NAMES_H
#define OPCAT_NAMES_H

#include <stddef.h>

#include "err.h"

#define NAMES_FILE "state-names.tsv"

/*  The number of languages of the table: en, zh, fr, es, ru, ar. */
#define NAMES_LANGS 6

typedef struct names names_t;

/*  Loads the table at 'path'.  Returns NULL with 'err' filled if the file
    cannot be read (OPCAT_EIO), a line is not an alpha-3 code and a name
    in each of the six languages, separated by tabs, or a
    code comes twice (OPCAT_EINVAL, the message names the line), or on
    OPCAT_ENOMEM. */
names_t *names_new(const char *path, err_t *err);

/*  Loads NAMES_FILE from 'dir' if given, else from the share directory
    (share.h).  Errors as names_new(). */
names_t *names_find(const char *dir, err_t *err);

/*  Frees '*self' and sets it to NULL; NULL is allowed. */
void names_destroy(names_t **self);

/*  The English short name of 'code' ("PSE" -> "State of Palestine"), or
    NULL if the table lacks it.  Borrowed: valid until names_destroy(). */
const char *names_en(const names_t *self, const char *code);

/*  The Chinese short name of 'code' ("SWZ" -> "埃斯瓦蒂尼"), or NULL. */
const char *names_zh(const names_t *self, const char *code);

/*  The name of 'code' in 'lang' ("en", "zh", "fr", "es", "ru" or "ar";
    e.g. "PSE", "fr" -> "État de Palestine"), or NULL (also for any
    other 'lang'). */
const char *names_in(const names_t *self, const char *code, const char *lang);

/*  The column of 'lang' (0 for "en" ... 5 for "ar"), or -1 if the table
    has no such language. */
int names_lang(const char *lang);

/*  The number of States in the table. */
size_t names_count(const names_t *self);

/*  The code of the 'i'th State (0 <= i < names_count()), in code order. */
const char *names_code(const names_t *self, size_t i);

#endif
