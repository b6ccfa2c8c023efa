/*  report_html: the report's Markdown subset as HTML (see report_html.h).

    Two passes over the lines: the first collects the footnotes' labels
    (a reference may come before its definition), the second writes each
    block.  The body goes to one buffer and the notes' bodies to another,
    appended at the end in a <section>, as pandoc places them. */
#include "report_html.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "textbuf.h"

#define LABEL_MAX 64      /* bytes of a footnote label, with the NUL */
#define TABLE_COLS_MAX 16 /* columns of a pipe table */

/*  One line of the input, without its newline. */
typedef struct {
    const char *s;
    size_t len;
} line_t;

/*  The conversion: the lines, the output, the notes and the first error. */
typedef struct {
    line_t *lines;
    size_t count;
    textbuf_t out;   /* the body */
    textbuf_t notes; /* the footnotes' <li>, in definition order */
    char labels[REPORT_HTML_NOTES_MAX][LABEL_MAX];
    size_t nlabels;
    err_t *err;
    bool failed;
} html_t;

/*  A table column's alignment, from its delimiter cell. */
typedef enum { ALIGN_NONE, ALIGN_LEFT, ALIGN_RIGHT, ALIGN_CENTER } align_t;

static const char *const s_align_class[] = {"", " class=\"align-left\"",
                                            " class=\"align-right\"",
                                            " class=\"align-center\""};

/* ------------------------------------------------------------------ */
/*  Errors and lines. */

/*  Records the first error; 'line' is 0-based, the message 1-based. */
static void s_fail(html_t *h, int code, size_t line, const char *what)
{
    if (h->failed)
        return;
    h->failed = true;
    err_set(h->err, code, "markdown", "report_html: line %zu: %s", line + 1,
            what);
}

/*  Splits 'text' into 'h->lines' (pointing into 'text'). */
static int s_split(html_t *h, const char *text)
{
    size_t n = 1;
    for (const char *p = text; *p; p++)
        n += *p == '\n';
    h->lines = calloc(n, sizeof *h->lines);
    if (!h->lines)
        return OPCAT_ENOMEM;
    const char *p = text;
    while (*p) {
        size_t len = strcspn(p, "\n");
        size_t keep = len > 0 && p[len - 1] == '\r' ? len - 1 : len;
        h->lines[h->count++] = (line_t){p, keep};
        p += len + (p[len] == '\n');
    }
    return OPCAT_OK;
}

static bool s_blank(line_t l)
{
    for (size_t i = 0; i < l.len; i++)
        if (l.s[i] != ' ' && l.s[i] != '\t')
            return false;
    return true;
}

/*  'l' without the spaces at either end. */
static line_t s_trim(line_t l)
{
    while (l.len && (l.s[0] == ' ' || l.s[0] == '\t'))
        l.s++, l.len--;
    while (l.len && (l.s[l.len - 1] == ' ' || l.s[l.len - 1] == '\t'))
        l.len--;
    return l;
}

/* ------------------------------------------------------------------ */
/*  Footnote labels. */

/*  Length of the label of a "[^label]" at 's' (up to 'len' bytes), with
    the brackets; 0 if there is none there. */
static size_t s_label_at(const char *s, size_t len, char label[LABEL_MAX])
{
    if (len < 4 || s[0] != '[' || s[1] != '^')
        return 0;
    size_t i = 2;
    while (i < len && i - 2 < LABEL_MAX - 1 &&
           (isalnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '_'))
        i++;
    if (i == 2 || i >= len || s[i] != ']')
        return 0;
    memcpy(label, s + 2, i - 2);
    label[i - 2] = '\0';
    return i + 1;
}

/*  The label if 'l' is a footnote definition "[^label]: ", with the
    length of that prefix; else 0. */
static size_t s_note_def(line_t l, char label[LABEL_MAX])
{
    size_t n = s_label_at(l.s, l.len, label);
    return n && n < l.len && l.s[n] == ':' ? n + 1 : 0;
}

/*  The 1-based number of footnote 'label', or 0. */
static size_t s_note_number(const html_t *h, const char *label)
{
    for (size_t i = 0; i < h->nlabels; i++)
        if (strcmp(h->labels[i], label) == 0)
            return i + 1;
    return 0;
}

/*  The first pass: every definition's label, in order. */
static void s_collect_notes(html_t *h)
{
    char label[LABEL_MAX];
    for (size_t i = 0; i < h->count && !h->failed; i++) {
        if (!s_note_def(h->lines[i], label))
            continue;
        if (s_note_number(h, label))
            s_fail(h, OPCAT_EINVAL, i, "a footnote label defined twice");
        else if (h->nlabels == REPORT_HTML_NOTES_MAX)
            s_fail(h, OPCAT_ETOOBIG, i, "too many footnotes");
        else
            strcpy(h->labels[h->nlabels++], label);
    }
}

/* ------------------------------------------------------------------ */
/*  Inline text. */

/*  Writes byte 'c' escaped. */
static void s_put_char(textbuf_t *b, char c)
{
    switch (c) {
    case '&':
        textbuf_printf(b, "&amp;");
        break;
    case '<':
        textbuf_printf(b, "&lt;");
        break;
    case '>':
        textbuf_printf(b, "&gt;");
        break;
    case '"':
        textbuf_printf(b, "&quot;");
        break;
    case '\'':
        textbuf_printf(b, "&#39;");
        break;
    default:
        textbuf_printf(b, "%c", c);
    }
}

/*  Writes 'l' as escaped text with its footnote references and
    backslash escapes; 'at' is the line, for an error. */
static void s_inline(html_t *h, textbuf_t *b, line_t l, size_t at)
{
    char label[LABEL_MAX];
    for (size_t i = 0; i < l.len && !h->failed; i++) {
        size_t n = s_label_at(l.s + i, l.len - i, label);
        if (n) {
            size_t number = s_note_number(h, label);
            if (!number)
                s_fail(h, OPCAT_EINVAL, at, "a footnote never defined");
            textbuf_printf(b,
                           "<sup class=\"fnref\"><a href=\"#report-fn-%s\">"
                           "%zu</a></sup>",
                           label, number);
            i += n - 1;
        } else if (l.s[i] == '\\' && i + 1 < l.len &&
                   ispunct((unsigned char)l.s[i + 1])) {
            s_put_char(b, l.s[++i]);
        } else {
            s_put_char(b, l.s[i]);
        }
    }
}

/* ------------------------------------------------------------------ */
/*  Blocks: each writes the block that starts at line 'i' and returns the
    line after it. */

/*  The level of an ATX heading "## text", else 0. */
static int s_heading_level(line_t l)
{
    int level = 0;
    while ((size_t)level < l.len && l.s[level] == '#' && level < 7)
        level++;
    return level >= 1 && level <= 6 && (size_t)level < l.len &&
                   l.s[level] == ' '
               ? level
               : 0;
}

static size_t s_heading(html_t *h, size_t i)
{
    line_t l = h->lines[i];
    int level = s_heading_level(l);
    line_t text = s_trim((line_t){l.s + level, l.len - level});
    textbuf_printf(&h->out, "<h%d>", level);
    s_inline(h, &h->out, text, i);
    textbuf_printf(&h->out, "</h%d>\n", level);
    return i + 1;
}

/*  The length of a list marker "- " or "12. " at the start of 'l', with
    '*ordered' set; 0 if it is not a list item. */
static size_t s_item_marker(line_t l, bool *ordered)
{
    if (l.len >= 2 && strchr("-*+", l.s[0]) && l.s[1] == ' ') {
        *ordered = false;
        return 2;
    }
    size_t d = 0;
    while (d < l.len && d < 9 && isdigit((unsigned char)l.s[d]))
        d++;
    *ordered = true;
    return d && d + 1 < l.len && l.s[d] == '.' && l.s[d + 1] == ' ' ? d + 2 : 0;
}

/*  Whether line 'i' starts a block other than a paragraph. */
static bool s_starts_block(const html_t *h, size_t i)
{
    line_t l = h->lines[i];
    char label[LABEL_MAX];
    bool ordered;
    return s_blank(l) || s_heading_level(l) || (l.len && l.s[0] == '|') ||
           s_note_def(l, label) || s_item_marker(l, &ordered);
}

/*  Writes lines from 'i' on until a blank line or another block's start,
    joined by newlines; returns the line after them. */
static size_t s_lines(html_t *h, textbuf_t *b, size_t i, line_t first)
{
    s_inline(h, b, s_trim(first), i);
    for (i++; i < h->count && !s_starts_block(h, i); i++) {
        textbuf_printf(b, "\n");
        s_inline(h, b, s_trim(h->lines[i]), i);
    }
    return i;
}

static size_t s_paragraph(html_t *h, size_t i)
{
    textbuf_printf(&h->out, "<p>");
    i = s_lines(h, &h->out, i, h->lines[i]);
    textbuf_printf(&h->out, "</p>\n");
    return i;
}

static size_t s_list(html_t *h, size_t i)
{
    bool ordered, kind;
    s_item_marker(h->lines[i], &ordered);
    const char *tag = ordered ? "ol" : "ul";
    textbuf_printf(&h->out, "<%s>\n", tag);
    size_t n;
    while (i < h->count && !h->failed &&
           (n = s_item_marker(h->lines[i], &kind)) && kind == ordered) {
        line_t l = h->lines[i];
        textbuf_printf(&h->out, "<li>");
        i = s_lines(h, &h->out, i, (line_t){l.s + n, l.len - n});
        textbuf_printf(&h->out, "</li>\n");
    }
    textbuf_printf(&h->out, "</%s>\n", tag);
    return i;
}

static size_t s_note(html_t *h, size_t i)
{
    char label[LABEL_MAX];
    line_t l = h->lines[i];
    size_t n = s_note_def(l, label);
    textbuf_printf(&h->notes, "<li id=\"report-fn-%s\"><p>", label);
    i = s_lines(h, &h->notes, i, (line_t){l.s + n, l.len - n});
    textbuf_printf(&h->notes, "</p></li>\n");
    return i;
}

/* ------------------------------------------------------------------ */
/*  Pipe tables. */

/*  Splits row 'l' into at most TABLE_COLS_MAX trimmed cells; returns
    their count (more than TABLE_COLS_MAX if the row has more). */
static size_t s_cells(line_t l, line_t cells[TABLE_COLS_MAX])
{
    l = s_trim(l);
    if (l.len && l.s[0] == '|')
        l.s++, l.len--;
    if (l.len && l.s[l.len - 1] == '|' &&
        !(l.len > 1 && l.s[l.len - 2] == '\\'))
        l.len--;
    size_t n = 0, start = 0;
    for (size_t i = 0; i <= l.len; i++) {
        if (i < l.len && l.s[i] == '\\') {
            i++;
            continue;
        }
        if (i < l.len && l.s[i] != '|')
            continue;
        if (n < TABLE_COLS_MAX)
            cells[n] = s_trim((line_t){l.s + start, i - start});
        n++;
        start = i + 1;
    }
    return n;
}

/*  Reads the delimiter row 'l' into 'align'; false if it is not one. */
static bool s_delimiters(line_t l, size_t cols, align_t *align)
{
    line_t cells[TABLE_COLS_MAX];
    if (s_cells(l, cells) != cols)
        return false;
    for (size_t c = 0; c < cols; c++) {
        line_t d = cells[c];
        bool left = d.len && d.s[0] == ':';
        bool right = d.len > left && d.s[d.len - 1] == ':';
        size_t dashes = d.len - left - right;
        if (!dashes || strspn(d.s + left, "-") != dashes)
            return false;
        align[c] = left && right ? ALIGN_CENTER
                   : right       ? ALIGN_RIGHT
                   : left        ? ALIGN_LEFT
                                 : ALIGN_NONE;
    }
    return true;
}

/*  Writes one row of 'cols' cells in 'tag' (th or td). */
static void s_row(html_t *h, size_t i, const char *tag, size_t cols,
                  const align_t *align)
{
    line_t cells[TABLE_COLS_MAX];
    if (s_cells(h->lines[i], cells) != cols) {
        s_fail(h, OPCAT_EINVAL, i, "a table row without the header's cells");
        return;
    }
    textbuf_printf(&h->out, "<tr>");
    for (size_t c = 0; c < cols; c++) {
        textbuf_printf(&h->out, "<%s%s>", tag, s_align_class[align[c]]);
        s_inline(h, &h->out, cells[c], i);
        textbuf_printf(&h->out, "</%s>", tag);
    }
    textbuf_printf(&h->out, "</tr>\n");
}

static size_t s_table(html_t *h, size_t i)
{
    line_t cells[TABLE_COLS_MAX];
    align_t align[TABLE_COLS_MAX];
    size_t cols = s_cells(h->lines[i], cells);
    if (cols > TABLE_COLS_MAX || i + 1 >= h->count ||
        !s_delimiters(h->lines[i + 1], cols, align)) {
        s_fail(h, OPCAT_EINVAL, i, "a table header without its delimiter row");
        return h->count;
    }
    textbuf_printf(&h->out, "<table>\n<thead>\n");
    s_row(h, i, "th", cols, align);
    textbuf_printf(&h->out, "</thead>\n<tbody>\n");
    for (i += 2; i < h->count && !h->failed && h->lines[i].len &&
                 h->lines[i].s[0] == '|';
         i++)
        s_row(h, i, "td", cols, align);
    textbuf_printf(&h->out, "</tbody>\n</table>\n");
    return i;
}

/* ------------------------------------------------------------------ */
/*  The whole. */

/*  The second pass: every block in order. */
static void s_blocks(html_t *h)
{
    char label[LABEL_MAX];
    bool ordered;
    size_t i = 0;
    while (i < h->count && !h->failed) {
        line_t l = h->lines[i];
        if (s_blank(l))
            i++;
        else if (s_heading_level(l))
            i = s_heading(h, i);
        else if (l.s[0] == '|')
            i = s_table(h, i);
        else if (s_note_def(l, label))
            i = s_note(h, i);
        else if (s_item_marker(l, &ordered))
            i = s_list(h, i);
        else
            i = s_paragraph(h, i);
    }
}

/*  Writes the document's head, titled with the first heading. */
static void s_head(const html_t *h, textbuf_t *b, const char *lang,
                   const char *dir)
{
    textbuf_printf(b,
                   "<!DOCTYPE html>\n<html lang=\"%s\" dir=\"%s\">\n<head>\n"
                   "<meta charset=\"utf-8\">\n<title>",
                   lang, dir);
    for (size_t i = 0; i < h->count; i++) {
        int level = s_heading_level(h->lines[i]);
        if (level) {
            line_t l = s_trim(
                (line_t){h->lines[i].s + level, h->lines[i].len - level});
            for (size_t c = 0; c < l.len; c++)
                s_put_char(b, l.s[c]); /* plain text: no <sup> in a title */
            break;
        }
    }
    textbuf_printf(b, "</title>\n<style>\n"
                      "body{font-family:sans-serif;max-width:50em;"
                      "margin:2em auto;padding:0 1em;line-height:1.5}\n"
                      "table{border-collapse:collapse}\n"
                      "th,td{border:1px solid #999;padding:.2em .6em}\n"
                      ".align-right{text-align:right}\n"
                      ".align-center{text-align:center}\n"
                      ".align-left{text-align:left}\n"
                      "</style>\n</head>\n<body>\n");
}

/*  Puts the body, the notes and the document around them in 'b'. */
static void s_assemble(html_t *h, textbuf_t *b, const char *lang,
                       report_html_form_t form)
{
    const char *dir = strcmp(lang, "ar") == 0 ? "rtl" : "ltr";
    if (form == REPORT_HTML_DOCUMENT)
        s_head(h, b, lang, dir);
    textbuf_printf(b, "<article class=\"report\" lang=\"%s\" dir=\"%s\">\n%s",
                   lang, dir, h->out.text ? h->out.text : "");
    if (h->notes.text)
        textbuf_printf(b,
                       "<section class=\"footnotes\">\n<hr>\n<ol>\n%s</ol>\n"
                       "</section>\n",
                       h->notes.text);
    textbuf_printf(b, "</article>\n");
    if (form == REPORT_HTML_DOCUMENT)
        textbuf_printf(b, "</body>\n</html>\n");
}

char *report_html_render(const char *markdown, const char *lang,
                         report_html_form_t form, err_t *err)
{
    err_clear(err);
    if (!markdown || !report_lang_known(lang)) {
        err_set(err, OPCAT_EINVAL, "lang",
                "report_html: Markdown and lang " REPORT_LANGS " are needed");
        return NULL;
    }
    html_t h = {.err = err};
    textbuf_t b = {0};
    if (s_split(&h, markdown) == OPCAT_OK) {
        s_collect_notes(&h);
        s_blocks(&h);
        if (!h.failed)
            s_assemble(&h, &b, lang, form);
    } else {
        h.out.failed = true;
    }
    if (!h.failed && (h.out.failed || h.notes.failed || b.failed))
        err_set(err, OPCAT_ENOMEM, NULL, "out of memory");
    bool ok = !h.failed && !h.out.failed && !h.notes.failed && !b.failed;
    free(h.lines);
    textbuf_free(&h.out);
    textbuf_free(&h.notes);
    if (!ok) {
        textbuf_free(&b);
        return NULL;
    }
    return textbuf_take(&b, NULL);
}
