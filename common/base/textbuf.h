/*  textbuf: a growing NUL-terminated text built by printf-style appends.

    A value type: start from textbuf_t b = {0}.  Once an allocation fails
    the buffer is 'failed' and every later append does nothing, so a writer
    appends freely and looks at 'failed' once, at the end. */
#ifndef OPCAT_TEXTBUF_H
#define OPCAT_TEXTBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *text; /* NUL-terminated once anything was appended; else NULL */
    size_t len; /* bytes before the NUL */
    size_t cap; /* bytes allocated */
    bool failed;
} textbuf_t;

/*  Appends the formatted text, growing the buffer as needed. */
void textbuf_printf(textbuf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*  The same with a va_list (for a printf-like function of the caller's). */
void textbuf_vprintf(textbuf_t *b, const char *fmt, va_list ap);

/*  Hands the text over to the caller (who frees it) and empties 'b':
    NULL if an append failed; "" (allocated) if nothing was appended.
    'len' (may be NULL) gets its length. */
char *textbuf_take(textbuf_t *b, size_t *len);

/*  Frees the text and empties 'b'. */
void textbuf_free(textbuf_t *b);

#endif
