/*  csv: a table of the API as CSV (RFC 4180), from the same JSON rows
    the API answers, so that the two never say different things.

    A row's nested objects become columns named by their path joined with
    '.' ("npm.due"); a list becomes one cell, its items joined with "; ";
    null and absent members are empty cells.  The columns are every path
    met in any row, in the order first met, so rows that lack a member
    (a currency granted in one year only) still line up. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw.h"
#include "textbuf.h"

#define PATH_MAX_LEN 256 /* bytes of a column's name */

/*  Adds 'path' to 'columns' (a JSON array of strings) if not there. */
static void s_add_column(json_t *columns, const char *path)
{
    size_t i;
    json_t *c;
    json_array_foreach(columns, i, c)
    {
        if (strcmp(json_string_value(c), path) == 0)
            return;
    }
    json_array_append_new(columns, json_string(path));
}

/*  Walks 'value' under 'prefix', adding each leaf's path to 'columns'. */
static void s_collect(json_t *columns, const char *prefix, const json_t *value)
{
    if (!json_is_object(value)) {
        s_add_column(columns, prefix);
        return;
    }
    const char *key;
    json_t *member;
    json_object_foreach((json_t *)value, key, member)
    {
        char path[PATH_MAX_LEN];
        snprintf(path, sizeof path, "%s%s%s", prefix, prefix[0] ? "." : "",
                 key);
        s_collect(columns, path, member);
    }
}

/*  The member at dotted 'path' of 'row', or NULL. */
static const json_t *s_at(const json_t *row, const char *path)
{
    char buf[PATH_MAX_LEN];
    snprintf(buf, sizeof buf, "%s", path);
    const json_t *v = row;
    for (char *save, *part = strtok_r(buf, ".", &save); part && v;
         part = strtok_r(NULL, ".", &save))
        v = json_object_get(v, part);
    return v;
}

/*  Appends 'text' as one field: quoted (its quotes doubled) when it
    holds a comma, a quote or a line break. */
static void s_field(textbuf_t *b, const char *text)
{
    if (!strpbrk(text, ",\"\r\n")) {
        textbuf_printf(b, "%s", text);
        return;
    }
    textbuf_printf(b, "\"");
    for (const char *p = text; *p; p++)
        textbuf_printf(b, *p == '"' ? "\"\"" : "%c", *p);
    textbuf_printf(b, "\"");
}

/*  Appends a scalar's text (a list: its items joined with "; "). */
static void s_value(textbuf_t *out, const json_t *v)
{
    textbuf_t b = {0};
    if (json_is_array(v)) {
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item)
        {
            char *one = json_is_string(item)
                            ? strdup(json_string_value(item))
                            : json_dumps(item, JSON_ENCODE_ANY | JSON_COMPACT);
            textbuf_printf(&b, "%s%s", i ? "; " : "", one ? one : "");
            free(one);
        }
    } else if (json_is_string(v))
        textbuf_printf(&b, "%s", json_string_value(v));
    else if (v && !json_is_null(v)) {
        char *one = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
        textbuf_printf(&b, "%s", one ? one : "");
        free(one);
    }
    s_field(out, b.text ? b.text : "");
    textbuf_free(&b);
}

char *gw_csv(const json_t *rows, size_t *len)
{
    json_t *columns = json_array();
    if (!columns)
        return NULL;
    size_t i, j;
    json_t *row, *c;
    json_array_foreach(rows, i, row) s_collect(columns, "", row);
    textbuf_t b = {0};
    json_array_foreach(columns, j, c)
    {
        textbuf_printf(&b, "%s", j ? "," : "");
        s_field(&b, json_string_value(c));
    }
    textbuf_printf(&b, "\r\n");
    json_array_foreach(rows, i, row)
    {
        json_array_foreach(columns, j, c)
        {
            textbuf_printf(&b, "%s", j ? "," : "");
            s_value(&b, s_at(row, json_string_value(c)));
        }
        textbuf_printf(&b, "\r\n");
    }
    json_decref(columns);
    return textbuf_take(&b, len);
}

bool gw_format(const gw_request_t *req, bool *csv, enum MHD_Result *rc)
{
    const char *format = gw_param(req, "format");
    *csv = format && strcmp(format, "csv") == 0;
    if (!format || *csv || strcmp(format, "json") == 0)
        return true;
    *rc = gw_reply_error(req, 400, "format", "format: json or csv");
    return false;
}

enum MHD_Result gw_reply_table(const gw_request_t *req, bool csv,
                               const char *name, const char *rows_key,
                               json_t *body)
{
    if (!csv)
        return gw_reply_json(req, 200, body);
    size_t len = 0;
    char *text = gw_csv(json_object_get(body, rows_key), &len);
    json_decref(body);
    if (!text)
        return gw_reply_error(req, 500, NULL, "out of memory");
    struct MHD_Response *response =
        MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
    if (!response) {
        free(text);
        return MHD_NO;
    }
    char disposition[128];
    snprintf(disposition, sizeof disposition,
             "attachment; filename=\"opcat-%s.csv\"", name);
    MHD_add_response_header(response, "Content-Type",
                            "text/csv; charset=utf-8; header=present");
    MHD_add_response_header(response, "Content-Disposition", disposition);
    return gw_reply_response(req, 200, response);
}
