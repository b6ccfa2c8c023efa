/*  uri: the raw request target, checked before libmicrohttpd decodes it.

    libmicrohttpd hands over the path and the parameters decoded into C
    strings: an encoded NUL (%00) silently cuts them short ("/app.js%00
    .html" becomes "/app.js"), bytes that are not UTF-8 reach the
    handlers (and a JSON request built from them loses the field), and of
    a parameter given twice only the first is seen.  The raw target (its
    URI log callback) is therefore checked here first, and the request is
    refused with 400 naming the path or the parameter, and it is this
    decoding that the router and the handlers use (route.h). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "route.h"
#include "validate.h"

#define NAME_SHOWN_MAX 64 /* bytes of a bad name quoted back */
#define PART_MAX 4096     /* bytes of the path, or of one parameter */

static int s_hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*  Decodes 'len' bytes of 'in' (%XX escapes, and '+' as a space in a
    query) into 'out' ('len' bytes at least).  The decoded length, or -1
    if an escape is malformed. */
static long s_decode(const char *in, size_t len, bool query, char *out)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (in[i] != '%') {
            out[n++] = query && in[i] == '+' ? ' ' : in[i];
            continue;
        }
        if (i + 2 >= len)
            return -1;
        int hi = s_hex(in[i + 1]), lo = s_hex(in[i + 2]);
        if (hi < 0 || lo < 0)
            return -1;
        out[n++] = (char)(hi * 16 + lo);
        i += 2;
    }
    return (long)n;
}

/*  Why the 'len' bytes at 'in' are not an acceptable component once
    decoded into 'out', or NULL.  '*n' is the decoded length. */
static const char *s_component(const char *in, size_t len, bool query,
                               char *out, long *n)
{
    *n = s_decode(in, len, query, out);
    if (*n < 0)
        return "a malformed %-escape (% must be followed by two hex digits)";
    if (memchr(out, '\0', (size_t)*n))
        return "contains an encoded NUL (%00)";
    if (!validate_utf8(out, (size_t)*n))
        return "is not UTF-8 once decoded";
    return NULL;
}

/*  Copies a name for the answer into 'fault', shortened and printable. */
static const char *s_name(const char *name, size_t len, char *fault)
{
    size_t n = len < NAME_SHOWN_MAX ? len : NAME_SHOWN_MAX;
    if (n >= GW_FAULT_MAX)
        n = GW_FAULT_MAX - 1;
    memcpy(fault, name, n);
    fault[n] = '\0';
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)fault[i] < ' ' || fault[i] == 0x7f)
            fault[i] = '?';
    return fault;
}

/*  Whether 'route' has a parameter named 'key' already. */
static bool s_repeated(const gw_route_t *route, const char *key)
{
    for (size_t i = 0; i < route->count; i++)
        if (strcmp(route->params[i].key, key) == 0)
            return true;
    return false;
}

/*  Checks one "key[=value]" of 'len' bytes at 'p' and decodes it at
    'out' into the next of 'route->params'.  The bytes written, or -1
    with the fault in 'route'. */
static long s_param(gw_route_t *route, const char *p, size_t len, char *out)
{
    const char *eq = memchr(p, '=', len), *why;
    size_t key_raw = eq ? (size_t)(eq - p) : len;
    long key_len, value_len = 0;
    if (key_raw >= PART_MAX || len >= PART_MAX) {
        snprintf(route->message, ERR_MESSAGE_MAX,
                 "a parameter longer than %d bytes", PART_MAX - 1);
        s_name(p, key_raw, route->fault);
        return -1;
    }
    if ((why = s_component(p, key_raw, true, out, &key_len))) {
        s_name(p, key_raw, route->fault);
        snprintf(route->message, ERR_MESSAGE_MAX, "%s: the parameter's name %s",
                 route->fault, why);
        return -1;
    }
    out[key_len] = '\0';
    const char *name = s_name(out, (size_t)key_len, route->fault);
    char *value = out + key_len + 1;
    if (eq && (why = s_component(eq + 1, len - key_raw - 1, true, value,
                                 &value_len))) {
        snprintf(route->message, ERR_MESSAGE_MAX, "%s: the value %s", name,
                 why);
        return -1;
    }
    if (route->count == GW_PARAMS_MAX) {
        snprintf(route->message, ERR_MESSAGE_MAX, "%s: more than %d parameters",
                 name, GW_PARAMS_MAX);
        return -1;
    }
    if (s_repeated(route, out)) {
        snprintf(route->message, ERR_MESSAGE_MAX,
                 "%s: given more than once (give each parameter once)", name);
        return -1;
    }
    value[value_len] = '\0';
    route->params[route->count++] = (gw_param_t){out, eq ? value : NULL};
    route->fault[0] = '\0';
    return key_len + 1 + value_len + 1;
}

bool gw_uri_parse(const char *uri, gw_route_t *route)
{
    const char *q = strchr(uri, '?');
    size_t path_len = q ? (size_t)(q - uri) : strlen(uri);
    char *out = route->text;
    long n;
    const char *why = path_len >= PART_MAX
                          ? "is longer than 4095 bytes"
                          : s_component(uri, path_len, false, out, &n);
    if (why) {
        snprintf(route->message, ERR_MESSAGE_MAX, "path: %s", why);
        s_name("path", 4, route->fault);
        return false;
    }
    out[n] = '\0';
    route->path = out;
    out += n + 1;
    for (const char *p = q ? q + 1 : NULL; p && *p;) {
        size_t len = strcspn(p, "&");
        long used = len ? s_param(route, p, len, out) : 0;
        if (used < 0)
            return false;
        out += used;
        p += len + (p[len] == '&');
    }
    return true;
}
