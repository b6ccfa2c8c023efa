/*  uri: the raw request target, checked before libmicrohttpd decodes it.

    libmicrohttpd hands over the path and the parameters decoded into C
    strings: an encoded NUL (%00) silently cuts them short ("/app.js%00
    .html" becomes "/app.js"), bytes that are not UTF-8 reach the
    handlers (and a JSON request built from them loses the field), and of
    a parameter given twice only the first is seen.  The raw target (its
    URI log callback) is therefore checked here first, and the request is
    refused with 400 naming the path or the parameter. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "gw.h"
#include "validate.h"

#define PARAMS_MAX 32     /* no endpoint takes more than a few */
#define NAME_SHOWN_MAX 64 /* bytes of a bad name quoted back */

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

/*  Copies a name for the answer into 'scratch', shortened. */
static const char *s_name(const char *name, size_t len, char *scratch,
                          size_t scratch_len)
{
    size_t n = len < NAME_SHOWN_MAX ? len : NAME_SHOWN_MAX;
    if (n >= scratch_len)
        n = scratch_len - 1;
    memcpy(scratch, name, n);
    scratch[n] = '\0';
    /* what is quoted back is printable */
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)scratch[i] < ' ' || scratch[i] == 0x7f)
            scratch[i] = '?';
    return scratch;
}

/*  Whether 'key' repeats an earlier parameter's name: the decoded names
    of the earlier ones are in 'keys' (NUL-separated). */
static bool s_repeated(const char *keys, size_t keys_len, const char *key,
                       size_t key_len)
{
    for (size_t off = 0; off < keys_len; off += strlen(keys + off) + 1)
        if (strlen(keys + off) == key_len && !memcmp(keys + off, key, key_len))
            return true;
    return false;
}

typedef struct {
    char keys[4096]; /* decoded keys so far, NUL-separated */
    size_t keys_len;
    char value[4096];
    int count;
} seen_t;

/*  Checks one "key[=value]" of 'len' bytes.  NULL or the name at fault. */
static const char *s_param(seen_t *s, const char *p, size_t len, char *scratch,
                           size_t scratch_len, char *message)
{
    const char *eq = memchr(p, '=', len);
    size_t key_raw = eq ? (size_t)(eq - p) : len;
    char key[4096];
    long key_len, value_len;
    if (key_raw >= sizeof key || len >= sizeof s->value) {
        snprintf(message, ERR_MESSAGE_MAX, "a parameter longer than %zu bytes",
                 sizeof key - 1);
        return s_name(p, key_raw, scratch, scratch_len);
    }
    const char *why = s_component(p, key_raw, true, key, &key_len);
    if (why) {
        const char *name = s_name(p, key_raw, scratch, scratch_len);
        snprintf(message, ERR_MESSAGE_MAX, "%s: the parameter's name %s", name,
                 why);
        return name;
    }
    const char *name = s_name(key, (size_t)key_len, scratch, scratch_len);
    if (eq && (why = s_component(eq + 1, len - key_raw - 1, true, s->value,
                                 &value_len))) {
        snprintf(message, ERR_MESSAGE_MAX, "%s: the value %s", name, why);
        return name;
    }
    if (++s->count > PARAMS_MAX ||
        s->keys_len + (size_t)key_len + 1 > sizeof s->keys) {
        snprintf(message, ERR_MESSAGE_MAX, "%s: more than %d parameters", name,
                 PARAMS_MAX);
        return name;
    }
    if (s_repeated(s->keys, s->keys_len, key, (size_t)key_len)) {
        snprintf(message, ERR_MESSAGE_MAX,
                 "%s: given more than once (give each parameter once)", name);
        return name;
    }
    memcpy(s->keys + s->keys_len, key, (size_t)key_len);
    s->keys_len += (size_t)key_len;
    s->keys[s->keys_len++] = '\0';
    return NULL;
}

const char *gw_uri_check(const char *uri, char *scratch, size_t scratch_len,
                         char *message)
{
    const char *q = strchr(uri, '?');
    size_t path_len = q ? (size_t)(q - uri) : strlen(uri);
    static const size_t path_max = 4096;
    char path[4096];
    long n;
    const char *why = path_len >= path_max
                          ? "is longer than 4095 bytes"
                          : s_component(uri, path_len, false, path, &n);
    if (why) {
        snprintf(message, ERR_MESSAGE_MAX, "path: %s", why);
        return s_name("path", 4, scratch, scratch_len);
    }
    seen_t seen = {.keys_len = 0, .count = 0};
    for (const char *p = q ? q + 1 : NULL; p && *p;) {
        size_t len = strcspn(p, "&");
        const char *bad =
            len ? s_param(&seen, p, len, scratch, scratch_len, message) : NULL;
        if (bad)
            return bad;
        p += len + (p[len] == '&');
    }
    return NULL;
}
