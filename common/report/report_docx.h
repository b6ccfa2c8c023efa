/*  report_docx: the report's Markdown as a Word document, by pandoc.

    pandoc (the Debian package "pandoc") reads the Markdown report_render()
    writes, pipe tables and footnotes included, and writes DOCX.  It runs
    as a child process, without a shell: the Markdown goes through a file
    in a private temporary directory ($TMPDIR, else /tmp), pandoc writes
    the document next to it, and both are removed before the call returns.
    pandoc's standard error is logged (log_warnx, one line each) and its
    exit status checked.  Arabic gets the metadata dir=rtl, so Word lays
    its paragraphs out right to left.

    PDF is not offered: pandoc writes PDF only through a PDF engine, and
    the engines Debian packages (LaTeX, WeasyPrint, wkhtmltopdf, Chromium)
    each install hundreds of megabytes; the HTML document of
    report_html.h prints to PDF from any browser instead. */
#ifndef OPCAT_REPORT_DOCX_H
#define OPCAT_REPORT_DOCX_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/*  The program run, looked up on $PATH. */
#define REPORT_DOCX_TOOL "pandoc"

/*  What to tell a user who lacks it. */
#define REPORT_DOCX_INSTALL "apt-get install pandoc"

/*  How long pandoc may take before it is killed, in milliseconds. */
#define REPORT_DOCX_TIMEOUT_MS 60000

/*  Whether REPORT_DOCX_TOOL is an executable file in a directory of
    $PATH (a gateway checks once at start, to offer DOCX or not). */
bool report_docx_available(void);

/*  Converts 'markdown' (UTF-8, in language 'lang', one of REPORT_LANGS)
    to a DOCX document.  On success '*out' holds its bytes (the caller's
    to free) and '*len' their count, and 0 is returned.  Errors, with
    'err' filled and '*out' NULL: OPCAT_EINVAL for an unknown 'lang';
    OPCAT_ENOTFOUND when pandoc is not installed (the message names it
    and REPORT_DOCX_INSTALL); OPCAT_EIO when pandoc fails (its exit
    status or signal and its last line of standard error in the message)
    or a temporary file cannot be written or read; OPCAT_ETIMEDOUT after
    REPORT_DOCX_TIMEOUT_MS (pandoc is killed); OPCAT_ENOMEM.  Safe to call
    from several threads at once. */
int report_docx_render(const char *markdown, const char *lang, char **out,
                       size_t *len, err_t *err);

#endif
