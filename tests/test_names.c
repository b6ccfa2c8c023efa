/*  test_names: the table of State names (common/names.c,
    data/state-names.tsv).

    Every State any table or dataset of the checkout names (regions.tsv,
    every data/ *.jsonl file, including the States a period.summary names) has a
    name in English and in Chinese; the UN's short names are the ones
    used; a malformed or doubled line is refused with its line named. */
#include <glob.h>
#include <jansson.h>
#include <string.h>
#include <unistd.h>

#include "names.h"
#include "test_common.h"

static names_t *s_table(void)
{
    char path[4096];
    err_t err;
    names_t *names = names_new(
        test_source_path("data/" NAMES_FILE, path, sizeof path), &err);
    if (!names)
        fail_msg("%s", err.message);
    return names;
}

static const char *const s_langs[] = {"en", "zh", "fr", "es", "ru", "ar"};

/*  Fails unless 'code' has a name in each of the six languages. */
static void s_named(const names_t *names, const char *code, const char *where)
{
    for (size_t i = 0; i < sizeof s_langs / sizeof s_langs[0]; i++) {
        const char *name = names_in(names, code, s_langs[i]);
        if (!name || !*name)
            fail_msg("%s: %s has no %s name in " NAMES_FILE, where, code,
                     s_langs[i]);
    }
}

static void test_un_short_names(void **state)
{
    (void)state;
    names_t *names = s_table();
    static const char *const en[][2] = {
        {"COD", "Democratic Republic of the Congo"},
        {"PSE", "State of Palestine"},
        {"BOL", "Bolivia (Plurinational State of)"},
        {"TUR", "Türkiye"},
        {"GBR", "United Kingdom of Great Britain and Northern Ireland"},
        {"USA", "United States of America"},
        {"VEN", "Venezuela (Bolivarian Republic of)"}};
    for (size_t i = 0; i < sizeof en / sizeof en[0]; i++)
        assert_string_equal(names_en(names, en[i][0]), en[i][1]);
    assert_string_equal(names_zh(names, "SWZ"), "埃斯瓦蒂尼");
    assert_string_equal(names_zh(names, "PSE"), "巴勒斯坦国");
    assert_string_equal(names_in(names, "PER", "zh"), "秘鲁");
    assert_string_equal(names_in(names, "PER", "en"), "Peru");
    assert_null(names_en(names, "XXX"));
    assert_null(names_in(names, "PER", "de"));
    assert_int_equal(names_count(names), 194);
    names_destroy(&names);
    assert_null(names);
}

/*  The UN short names in French, Spanish, Russian and Arabic, where they
    differ from ISO 3166's translations, and every State of the table
    named in every language, without a stray space. */
static void test_six_languages(void **state)
{
    (void)state;
    names_t *names = s_table();
    static const char *const cases[][3] = {
        {"PSE", "fr", "État de Palestine"},
        {"BOL", "fr", "Bolivie (État plurinational de)"},
        {"USA", "fr", "États-Unis d'Amérique"},
        {"TUR", "es", "Türkiye"},
        {"TZA", "es", "República Unida de Tanzanía"},
        {"NZL", "es", "Nueva Zelandia"},
        {"GBR", "ru",
         "Соединенное Королевство Великобритании и Северной Ирландии"},
        {"PSE", "ru", "Государство Палестина"},
        {"TUR", "ru", "Турция"},
        {"PSE", "ar", "دولة فلسطين"},
        {"HUN", "ar", "هنغاريا"},
        {"PER", "ar", "بيرو"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_string_equal(names_in(names, cases[i][0], cases[i][1]),
                            cases[i][2]);
    assert_int_equal(names_lang("ar"), 5);
    assert_int_equal(names_lang("xx"), -1);
    for (size_t i = 0; i < names_count(names); i++) {
        const char *code = names_code(names, i);
        s_named(names, code, NAMES_FILE);
        for (size_t j = 0; j < sizeof s_langs / sizeof s_langs[0]; j++) {
            const char *name = names_in(names, code, s_langs[j]);
            size_t n = strlen(name);
            if (name[0] == ' ' || name[n - 1] == ' ' || strstr(name, "  "))
                fail_msg("%s %s: \"%s\" has a stray space", code, s_langs[j],
                         name);
        }
    }
    names_destroy(&names);
}

/*  Every State of regions.tsv has a name in every language. */
static void test_regions_named(void **state)
{
    (void)state;
    names_t *names = s_table();
    char path[4096], line[512];
    FILE *in =
        fopen(test_source_path("data/regions.tsv", path, sizeof path), "r");
    assert_non_null(in);
    int seen = 0;
    while (fgets(line, sizeof line, in)) {
        line[strcspn(line, "\t\n")] = '\0';
        if (strlen(line) != 3 || strcmp(line, "alpha3") == 0)
            continue;
        s_named(names, line, "regions.tsv");
        seen++;
    }
    fclose(in);
    assert_true(seen >= 194);
    names_destroy(&names);
}

/*  Every State an event of the data/ *.jsonl files names has a name in
    every language. */
static void test_datasets_named(void **state)
{
    (void)state;
    names_t *names = s_table();
    char pattern[4096];
    glob_t files;
    assert_int_equal(
        glob(test_source_path("data/*.jsonl", pattern, sizeof pattern), 0, NULL,
             &files),
        0);
    size_t events = 0;
    for (size_t i = 0; i < files.gl_pathc; i++) {
        FILE *in = fopen(files.gl_pathv[i], "r");
        assert_non_null(in);
        char line[16384];
        while (fgets(line, sizeof line, in)) {
            json_t *e = json_loads(line, 0, NULL);
            if (!e)
                continue;
            const char *code = json_string_value(json_object_get(e, "state"));
            if (code)
                s_named(names, code, files.gl_pathv[i]);
            const char *named =
                json_string_value(json_object_get(e, "grant_states_named"));
            for (const char *p = named; p && strlen(p) >= 3; p += 4) {
                char one[4] = {p[0], p[1], p[2], 0};
                s_named(names, one, files.gl_pathv[i]);
                if (!p[3])
                    break;
            }
            events++;
            json_decref(e);
        }
        fclose(in);
    }
    globfree(&files);
    assert_true(events > 200);
    names_destroy(&names);
}

/*  Writes 'text' to a new temporary file; returns its path in 'path'. */
static void s_temp(char path[64], const char *text)
{
    strcpy(path, "/tmp/test-names.XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (int)strlen(text));
    close(fd);
}

static void test_bad_tables(void **state)
{
    (void)state;
    static const struct {
        const char *text, *words;
    } cases[] = {
#define ROW "\tFr\tEs\tRu\tAr\n"
        {"# header\nPER\tPeru\n", ":2: not ALPHA3 and a name"},
        {"per\tPeru\t秘鲁" ROW, ":1: not ALPHA3 and a name"},
        {"PER\tPeru\t\tFr\tEs\tRu\tAr\n", ":1: not ALPHA3 and a name"},
        {"PER\tPeru\t秘鲁\n", ":1: not ALPHA3 and a name"},
        {"PER\tPeru\t秘鲁\tFr\tEs\tRu\n", ":1: not ALPHA3 and a name"},
        {"PER\tPeru\t秘鲁" ROW "XX", ":2: not ALPHA3 and a name"},
        {"PER\tPeru\t秘鲁\tFr\tEs\tRu\tAr\tDe\n", ":1: not ALPHA3 and a name"},
        {"PER\tPeru\t秘鲁" ROW "PER\tPérou\t秘鲁" ROW, "PER comes twice"}};
#undef ROW
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[64];
        err_t err;
        s_temp(path, cases[i].text);
        names_t *names = names_new(path, &err);
        unlink(path);
        assert_null(names);
        assert_int_equal(err.code, OPCAT_EINVAL);
        if (!strstr(err.message, cases[i].words))
            fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.message,
                     cases[i].words);
    }
    err_t err;
    assert_null(names_new("/nonexistent/state-names.tsv", &err));
    assert_int_equal(err.code, OPCAT_EIO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_un_short_names),
        cmocka_unit_test(test_six_languages),
        cmocka_unit_test(test_regions_named),
        cmocka_unit_test(test_datasets_named),
        cmocka_unit_test(test_bad_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
