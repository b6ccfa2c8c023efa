/*  textbuf: see textbuf.h. */
#include "textbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*  Makes room for 'more' bytes and the NUL. */
static bool s_reserve(textbuf_t *b, size_t more)
{
    size_t need = b->len + more + 1;
    if (need <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < need)
        cap *= 2;
    char *bigger = realloc(b->text, cap);
    if (!bigger)
        return false;
    b->text = bigger;
    b->cap = cap;
    return true;
}

void textbuf_vprintf(textbuf_t *b, const char *fmt, va_list ap)
{
    if (b->failed)
        return;
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n < 0 || !s_reserve(b, (size_t)n))
        b->failed = true;
    else
        b->len +=
            (size_t)vsnprintf(b->text + b->len, b->cap - b->len, fmt, again);
    va_end(again);
}

void textbuf_printf(textbuf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    textbuf_vprintf(b, fmt, ap);
    va_end(ap);
}

char *textbuf_take(textbuf_t *b, size_t *len)
{
    if (!b->failed && !b->text) {
        if (s_reserve(b, 0))
            b->text[0] = '\0'; /* nothing appended: an empty text */
        else
            b->failed = true;
    }
    char *text = b->failed ? NULL : b->text;
    if (len)
        *len = text ? b->len : 0;
    if (!text)
        free(b->text);
    *b = (textbuf_t){0};
    return text;
}

void textbuf_free(textbuf_t *b)
{
    free(b->text);
    *b = (textbuf_t){0};
}
