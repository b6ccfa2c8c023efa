/*  test_report_html: the report's Markdown as HTML
    (common/report/report_html.c) and the formats by name
    (report_format.c).

    Escaping, headings, lists, tables and footnotes on small inputs, the
    inputs the converter refuses, the formats' names, types and
    conversions (DOCX is tests/it_report.sh's), and then the real report: the
   stats of tests/fixtures/stats-2025.json rendered in each of the six languages
    and converted, which must come out well formed (every tag known and
    closed, no bare '<', '>' or '&' in the text) and with every figure of
    the Markdown, no more and no fewer.  Needs OPCAT_SOURCE_DIR (set by
    CTest). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "names.h"
#include "report.h"
#include "report_format.h"
#include "report_html.h"

#define DIGIT_RUNS_MAX 1024
#define DEPTH_MAX 32

static const char *const s_langs[] = {"en", "zh", "fr", "es", "ru", "ar"};

/*  Converts 'md' to a fragment in English and fails the test if that
    fails. */
static char *s_html(const char *md)
{
    err_t err;
    char *html = report_html_render(md, "en", REPORT_HTML_FRAGMENT, &err);
    if (!html)
        fail_msg("report_html_render: %s", err.message);
    return html;
}

/*  Fails, showing 'html', unless it holds 'needle'. */
static void s_has(const char *html, const char *needle)
{
    if (!strstr(html, needle))
        fail_msg("missing %s in:\n%s", needle, html);
}

static void s_lacks(const char *html, const char *needle)
{
    if (strstr(html, needle))
        fail_msg("unexpected %s in:\n%s", needle, html);
}

/*  Expects 'md' to be refused with 'code', the message naming 'line'. */
static void s_refused(const char *md, int code, const char *line)
{
    err_t err;
    char *html = report_html_render(md, "en", REPORT_HTML_FRAGMENT, &err);
    if (html)
        fail_msg("accepted:\n%s\nas:\n%s", md, html);
    assert_int_equal(err.code, code);
    assert_string_equal(err.field, "markdown");
    if (!strstr(err.message, line))
        fail_msg("message without \"%s\": %s", line, err.message);
}

/* ------------------------------------------------------------------ */
/*  Small inputs. */

static void test_escapes_every_text(void **state)
{
    (void)state;
    char *html = s_html("# A <b> & \"q\" 'x'\n\n"
                        "Text <script>alert(1)</script> & <img src=x "
                        "onerror=alert(2)>\n\n"
                        "| <i>h</i> | \"k\" |\n|---|---|\n| a&b | 'c' |\n");
    s_has(html, "<h1>A &lt;b&gt; &amp; &quot;q&quot; &#39;x&#39;</h1>");
    s_has(html, "<p>Text &lt;script&gt;alert(1)&lt;/script&gt; &amp; "
                "&lt;img src=x onerror=alert(2)&gt;</p>");
    s_has(html, "<th>&lt;i&gt;h&lt;/i&gt;</th><th>&quot;k&quot;</th>");
    s_has(html, "<td>a&amp;b</td><td>&#39;c&#39;</td>");
    s_lacks(html, "<script");
    s_lacks(html, "<img");
    s_lacks(html, "<b>");
    free(html);
}

static void test_headings(void **state)
{
    (void)state;
    char *html = s_html("# One\n## Two\n### Three\n#### Four\n##### Five\n"
                        "###### Six\n\n####### Seven\n\n#NoSpace\n");
    s_has(html, "<h1>One</h1>\n<h2>Two</h2>\n<h3>Three</h3>\n"
                "<h4>Four</h4>\n<h5>Five</h5>\n<h6>Six</h6>\n");
    s_has(html, "<p>####### Seven</p>");
    s_has(html, "<p>#NoSpace</p>");
    free(html);
}

static void test_paragraphs_and_backslashes(void **state)
{
    (void)state;
    char *html = s_html("first line\nsecond *line*\n\n\nnext \\| \\* "
                        "\\a\r\n");
    s_has(html, "<p>first line\nsecond *line*</p>\n<p>next | * \\a</p>");
    free(html);
}

static void test_lists(void **state)
{
    (void)state;
    char *html = s_html("Before:\n\n- one\n- two\n  more of two\n* three\n\n"
                        "1. first\n2. second\n\nAfter\n");
    s_has(html, "<p>Before:</p>\n<ul>\n<li>one</li>\n"
                "<li>two\nmore of two</li>\n<li>three</li>\n</ul>\n");
    s_has(html, "<ol>\n<li>first</li>\n<li>second</li>\n</ol>\n<p>After</p>");
    free(html);
}

static void test_tables(void **state)
{
    (void)state;
    char *html =
        s_html("| Group | Count | Mid | Left |\n|---|--:|:-:|:--|\n"
               "| A \\| B | 25 | x | y |\n|  C  | 7 | | z |\n\nText\n");
    s_has(html, "<table>\n<thead>\n<tr><th>Group</th>"
                "<th class=\"align-right\">Count</th>"
                "<th class=\"align-center\">Mid</th>"
                "<th class=\"align-left\">Left</th></tr>\n</thead>\n<tbody>\n"
                "<tr><td>A | B</td><td class=\"align-right\">25</td>"
                "<td class=\"align-center\">x</td>"
                "<td class=\"align-left\">y</td></tr>\n"
                "<tr><td>C</td><td class=\"align-right\">7</td>"
                "<td class=\"align-center\"></td>"
                "<td class=\"align-left\">z</td></tr>\n"
                "</tbody>\n</table>\n<p>Text</p>");
    free(html);
}

static void test_footnotes(void **state)
{
    (void)state;
    char *html = s_html("Text.[^b] More[^a].\n\n[^a]: Note A.\n\n"
                        "| x |\n|---|\n| 1 |\n\n[^b]: Note B <i>.\n"
                        "And a second line.\n\n## Next\n\n[^not a label]\n");
    s_has(html, "<p>Text.<sup class=\"fnref\"><a href=\"#report-fn-b\">2"
                "</a></sup> More<sup class=\"fnref\"><a "
                "href=\"#report-fn-a\">1</a></sup>.</p>");
    s_has(html, "<p>[^not a label]</p>\n<section class=\"footnotes\">\n<hr>\n"
                "<ol>\n<li id=\"report-fn-a\"><p>Note A.</p></li>\n"
                "<li id=\"report-fn-b\"><p>Note B &lt;i&gt;.\n"
                "And a second line.</p></li>\n</ol>\n</section>\n"
                "</article>\n");
    free(html);
}

static void test_refused(void **state)
{
    (void)state;
    s_refused("| a | b |\n|---|---|\n| 1 | 2 | 3 |\n", OPCAT_EINVAL, "line 3");
    s_refused("| a | b |\n|---|---|\n| 1 |\n", OPCAT_EINVAL, "line 3");
    s_refused("text\n\n| a | b |\n| 1 | 2 |\n", OPCAT_EINVAL, "line 3");
    s_refused("| a | b |\n", OPCAT_EINVAL, "line 1");
    s_refused("| a | b |\n|---|-x-|\n", OPCAT_EINVAL, "line 1");
    s_refused("See[^x].\n", OPCAT_EINVAL, "line 1");
    s_refused("[^x]: one\n\n[^x]: two\n", OPCAT_EINVAL, "line 3");
    char md[REPORT_HTML_NOTES_MAX * 16 + 16] = "";
    for (int i = 0; i <= REPORT_HTML_NOTES_MAX; i++)
        snprintf(md + strlen(md), sizeof md - strlen(md), "[^n%d]: x\n\n", i);
    s_refused(md, OPCAT_ETOOBIG, "line 65");
    err_t err;
    assert_null(report_html_render("x", "de", REPORT_HTML_FRAGMENT, &err));
    assert_int_equal(err.code, OPCAT_EINVAL);
    assert_null(report_html_render(NULL, "en", REPORT_HTML_FRAGMENT, &err));
    assert_int_equal(err.code, OPCAT_EINVAL);
}

static void test_lang_dir_and_document(void **state)
{
    (void)state;
    err_t err;
    char *ar =
        report_html_render("# عنوان\n", "ar", REPORT_HTML_FRAGMENT, &err);
    assert_non_null(ar);
    assert_string_equal(ar,
                        "<article class=\"report\" lang=\"ar\" dir=\"rtl\">\n"
                        "<h1>عنوان</h1>\n</article>\n");
    free(ar);
    char *doc = report_html_render("Intro\n\n# T & <x>[^n]\n\n[^n]: x\n", "fr",
                                   REPORT_HTML_DOCUMENT, &err);
    assert_non_null(doc);
    s_has(doc,
          "<!DOCTYPE html>\n<html lang=\"fr\" dir=\"ltr\">\n<head>\n"
          "<meta charset=\"utf-8\">\n<title>T &amp; &lt;x&gt;[^n]</title>");
    s_has(doc, "<body>\n<article class=\"report\" lang=\"fr\" dir=\"ltr\">\n"
               "<p>Intro</p>\n");
    s_has(doc, "</article>\n</body>\n</html>\n");
    free(doc);
}

static void test_formats(void **state)
{
    (void)state;
    report_format_t f;
    assert_true(report_format_parse("md", &f) && f == REPORT_FORMAT_MD);
    assert_true(report_format_parse("html", &f) && f == REPORT_FORMAT_HTML);
    assert_true(report_format_parse("docx", &f) && f == REPORT_FORMAT_DOCX);
    assert_false(report_format_parse("pdf", &f));
    assert_false(report_format_parse("HTML", &f));
    assert_false(report_format_parse(NULL, &f));
    assert_string_equal(report_format_type(REPORT_FORMAT_HTML),
                        "text/html; charset=utf-8");
    assert_string_equal(report_format_type(REPORT_FORMAT_MD),
                        "text/markdown; charset=utf-8");
    err_t err;
    size_t len;
    char *md = strdup("# T\n");
    char *same = report_format_convert(md, "en", REPORT_FORMAT_MD,
                                       REPORT_HTML_FRAGMENT, &len, &err);
    assert_ptr_equal(same, md);
    assert_int_equal(len, 4);
    char *html = report_format_convert(same, "ar", REPORT_FORMAT_HTML,
                                       REPORT_HTML_FRAGMENT, &len, &err);
    assert_string_equal(html, "<article class=\"report\" lang=\"ar\" "
                              "dir=\"rtl\">\n<h1>T</h1>\n</article>\n");
    assert_int_equal(len, strlen(html));
    free(html);
    assert_null(report_format_convert(strdup("| a |\n"), "en",
                                      REPORT_FORMAT_HTML, REPORT_HTML_FRAGMENT,
                                      &len, &err));
    assert_int_equal(err.code, OPCAT_EINVAL);
}

/* ------------------------------------------------------------------ */
/*  The real report. */

/*  Whether 'name' (of 'len' bytes) is an element the converter writes. */
static bool s_known_tag(const char *name, size_t len)
{
    static const char *const known[] = {
        "article", "h1",    "h2",    "h3",    "h4",    "h5",      "h6",
        "p",       "table", "thead", "tbody", "tr",    "th",      "td",
        "ul",      "ol",    "li",    "sup",   "a",     "section", "hr",
        "html",    "head",  "meta",  "title", "style", "body"};
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (strlen(known[i]) == len && strncmp(known[i], name, len) == 0)
            return true;
    return false;
}

static bool s_void_tag(const char *name, size_t len)
{
    return (len == 2 && strncmp(name, "hr", 2) == 0) ||
           (len == 4 && strncmp(name, "meta", 4) == 0);
}

/*  Fails unless 'html' is well formed: every tag known, every element
    but the void ones closed in order, '<', '>' and '&' only in tags and
    entities. */
static void s_well_formed(const char *html, const char *lang)
{
    const char *open[DEPTH_MAX];
    size_t open_len[DEPTH_MAX], depth = 0;
    for (const char *p = html; *p; p++) {
        if (*p == '>')
            fail_msg("%s: a bare '>' at %.40s", lang, p);
        if (*p == '&') {
            size_t n = strspn(p + 1, "#abcdefghijklmnopqrstuvwxyz0123456789");
            if (n == 0 || p[1 + n] != ';')
                fail_msg("%s: a bare '&' at %.40s", lang, p);
            continue;
        }
        if (*p != '<')
            continue;
        const char *end = strchr(p, '>');
        if (!end)
            fail_msg("%s: a tag never ended at %.40s", lang, p);
        if (p[1] == '!') {
            p = end;
            continue;
        }
        bool closing = p[1] == '/';
        const char *name = p + 1 + closing;
        size_t len = strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789");
        if (!s_known_tag(name, len))
            fail_msg("%s: an unknown tag at %.40s", lang, p);
        if (closing) {
            if (!depth || open_len[depth - 1] != len ||
                strncmp(open[depth - 1], name, len) != 0)
                fail_msg("%s: %.*s closed out of order", lang, (int)len, name);
            depth--;
        } else if (!s_void_tag(name, len)) {
            assert_true(depth < DEPTH_MAX);
            open[depth] = name;
            open_len[depth++] = len;
        }
        p = end;
    }
    if (depth)
        fail_msg("%s: <%.*s> never closed", lang, (int)open_len[depth - 1],
                 open[depth - 1]);
}

/*  The runs of ASCII digits in 'text', in 'runs' (each
    allocated); returns their count.  With 'html', only those of the text
    outside tags, entities and footnote numbers (<sup>) count. */
static size_t s_digit_runs(const char *text, bool html, char **runs)
{
    size_t n = 0;
    bool in_sup = false;
    for (const char *p = text; *p;) {
        if (html && *p == '<') {
            if (strncmp(p, "<sup", 4) == 0 || strncmp(p, "</sup", 5) == 0)
                in_sup = p[1] != '/';
            p = strchr(p, '>') + 1;
        } else if (html && *p == '&') {
            p = strchr(p, ';') + 1;
        } else if (*p >= '0' && *p <= '9' && !in_sup) {
            size_t len = strspn(p, "0123456789");
            assert_true(n < DIGIT_RUNS_MAX);
            runs[n++] = strndup(p, len);
            p += len;
        } else {
            p++;
        }
    }
    return n;
}

static int s_strcmp_p(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/*  Fails unless 'html' holds exactly the digit runs of 'md'. */
static void s_same_figures(const char *md, const char *html, const char *lang)
{
    static char *a[DIGIT_RUNS_MAX], *b[DIGIT_RUNS_MAX];
    size_t na = s_digit_runs(md, false, a), nb = s_digit_runs(html, true, b);
    qsort(a, na, sizeof *a, s_strcmp_p);
    qsort(b, nb, sizeof *b, s_strcmp_p);
    if (na < 50)
        fail_msg("%s: only %zu figures in the Markdown", lang, na);
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++) {
        if (strcmp(a[i], b[i]) != 0)
            fail_msg("%s: figure %s of the Markdown, %s in the HTML", lang,
                     a[i], b[i]);
        free(a[i]);
        free(b[i]);
    }
}

static void test_real_report_every_language(void **state)
{
    (void)state;
    const char *dir = getenv("OPCAT_SOURCE_DIR");
    char path[4096];
    err_t err;
    snprintf(path, sizeof path, "%s/data/" NAMES_FILE, dir ? dir : ".");
    names_t *names = names_new(path, &err);
    assert_non_null(names);
    report_t *report = report_new(names, &err);
    snprintf(path, sizeof path, "%s/tests/fixtures/stats-2025.json",
             dir ? dir : ".");
    json_t *stats = json_load_file(path, 0, NULL);
    assert_non_null(stats);
    for (size_t i = 0; i < sizeof s_langs / sizeof *s_langs; i++) {
        char *md = report_render(report, stats, s_langs[i], &err);
        assert_non_null(md);
        char *frag =
            report_html_render(md, s_langs[i], REPORT_HTML_FRAGMENT, &err);
        char *doc =
            report_html_render(md, s_langs[i], REPORT_HTML_DOCUMENT, &err);
        if (!frag || !doc)
            fail_msg("%s: %s", s_langs[i], err.message);
        s_well_formed(frag, s_langs[i]);
        s_well_formed(doc, s_langs[i]);
        s_same_figures(md, frag, s_langs[i]);
        s_has(frag, "<table>");
        s_has(frag, "<li id=\"report-fn-signatories\">");
        s_has(frag,
              strcmp(s_langs[i], "ar") == 0 ? "dir=\"rtl\"" : "dir=\"ltr\"");
        free(md);
        free(frag);
        free(doc);
    }
    json_decref(stats);
    report_destroy(&report);
    names_destroy(&names);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escapes_every_text),
        cmocka_unit_test(test_headings),
        cmocka_unit_test(test_paragraphs_and_backslashes),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_footnotes),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_lang_dir_and_document),
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_real_report_every_language),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
