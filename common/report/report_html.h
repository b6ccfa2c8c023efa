/*  report_html: the annual report's Markdown as HTML.

    A small, strict converter for exactly the Markdown report_render()
    writes, so that the dashboard can show the report and opcatctl can
    write it to a file that any browser opens.  It knows:

      - ATX headings, "# " to "###### ";
      - paragraphs (lines up to a blank line, joined);
      - pipe tables: a header row, a delimiter row ("|---|--:|", which
        gives each column's alignment) and body rows, every row with the
        header's number of cells ("\|" is a "|" inside a cell);
      - lists, "- " (or "* ", "+ ") and "1. " items, one level;
      - footnotes: a reference "[^label]" in the text and its definition
        "[^label]: text" on a line of its own, anywhere; the notes are
        numbered in the order of their definitions and listed at the end;
      - a backslash before an ASCII punctuation character writes that
        character.

    Nothing else is markup: emphasis marks, links, code spans and raw HTML
    are text like any other, and every text is escaped (& < > " '), so no
    byte of the input reaches the output as a tag or an attribute.

    Ids and classes it writes, for a stylesheet: the root is
    <article class="report" lang=".." dir="ltr|rtl">; a table cell of an
    aligned column has class "align-left", "align-right" or
    "align-center"; a note is <li id="report-fn-LABEL"> inside
    <section class="footnotes">, and a reference is
    <sup class="fnref"><a href="#report-fn-LABEL">N</a></sup>. */
#ifndef OPCAT_REPORT_HTML_H
#define OPCAT_REPORT_HTML_H

#include "err.h"

/*  What report_html_render() writes. */
typedef enum {
    REPORT_HTML_FRAGMENT, /* the <article> element alone, for a page */
    REPORT_HTML_DOCUMENT  /* a whole HTML5 document around it, for a file */
} report_html_form_t;

/*  The most footnotes one report may define. */
#define REPORT_HTML_NOTES_MAX 32

/*  Converts 'markdown' (UTF-8, as report_render() writes it in 'lang', one
    of REPORT_LANGS; Arabic gets dir="rtl") to HTML in 'form'.  The
    document's <title> is the text of its first heading.

    Returns a NUL-terminated UTF-8 string the caller frees, or NULL with
    'err' filled: OPCAT_EINVAL when 'lang' is not known or the Markdown
    leaves the subset where it would be misread (a table row whose cell
    count differs from its header's, a table header without its delimiter
    row, a reference to a footnote never defined, a label defined twice;
    'err->field' is "markdown" and the message gives the line; a "[^"
    whose label is not letters, digits, '-' and '_' is text); OPCAT_ETOOBIG
   beyond REPORT_HTML_NOTES_MAX footnotes; OPCAT_ENOMEM. */
char *report_html_render(const char *markdown, const char *lang,
                         report_html_form_t form, err_t *err);

#endif
