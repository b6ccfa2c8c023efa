/*  Unit tests of common/base/share: where a program finds its read-only
    files, installed or in the checkout. */
#include "test_common.h"

#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "share.h"

/*  A fake install: DIR/usr/bin (the program's directory) and, when
    'with_share', DIR/usr/share/opcat. */
static void s_prefix(char *dir, bool with_share)
{
    char path[256];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/usr", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/usr/bin", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    if (!with_share)
        return;
    snprintf(path, sizeof path, "%s/usr/share", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/usr/share/opcat", dir);
    assert_int_equal(mkdir(path, 0700), 0);
}

static void s_rmdirs(const char *dir)
{
    const char *subs[] = {"/usr/share/opcat", "/usr/share", "/usr/bin", "/usr",
                          ""};
    char path[256];
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
        snprintf(path, sizeof path, "%s%s", dir, subs[i]);
        rmdir(path);
    }
}

static void test_an_installed_program_reads_prefix_share_opcat(void **state)
{
    (void)state;
    unsetenv("OPCAT_SHARE");
    char dir[] = "/tmp/opcat-share.XXXXXX", exe[128], want[128];
    s_prefix(dir, true);
    snprintf(exe, sizeof exe, "%s/usr/bin/opcat-aggregated", dir);
    char *path = share_path_for(exe, "regions.tsv", "data/regions.tsv");
    snprintf(want, sizeof want, "%s/usr/share/opcat/regions.tsv", dir);
    assert_string_equal(path, want);
    free(path);
    /* the directory itself */
    path = share_path_for(exe, "", "data");
    snprintf(want, sizeof want, "%s/usr/share/opcat", dir);
    assert_string_equal(path, want);
    free(path);
    s_rmdirs(dir);
}

static void test_opcat_share_wins_and_empty_means_unset(void **state)
{
    (void)state;
    char dir[] = "/tmp/opcat-share.XXXXXX", exe[128], want[128];
    s_prefix(dir, true);
    snprintf(exe, sizeof exe, "%s/usr/bin/opcatctl", dir);
    setenv("OPCAT_SHARE", "/srv/opcat", 1);
    char *path = share_path_for(exe, "www", "services/gatewayd/www");
    assert_string_equal(path, "/srv/opcat/www");
    free(path);
    setenv("OPCAT_SHARE", "", 1);
    path = share_path_for(exe, "www", "services/gatewayd/www");
    snprintf(want, sizeof want, "%s/usr/share/opcat/www", dir);
    assert_string_equal(path, want);
    free(path);
    unsetenv("OPCAT_SHARE");
    s_rmdirs(dir);
}

static void test_a_build_tree_program_reads_the_checkout(void **state)
{
    (void)state;
    unsetenv("OPCAT_SHARE");
    char dir[] = "/tmp/opcat-share.XXXXXX", exe[128], want[512];
    s_prefix(dir, false); /* bin/ but no share/opcat: not installed */
    snprintf(exe, sizeof exe, "%s/usr/bin/opcat-gatewayd", dir);
    char *path = share_path_for(exe, "www", "services/gatewayd/www");
    assert_non_null(
        test_source_path("services/gatewayd/www", want, sizeof want));
    assert_string_equal(path, want);
    free(path);
    s_rmdirs(dir);
    /* and this test itself, run from build/bin: the checkout's data/,
       which holds the file */
    path = share_path("regions.tsv", "data/regions.tsv");
    assert_non_null(test_source_path("data/regions.tsv", want, sizeof want));
    assert_string_equal(path, want);
    assert_int_equal(access(path, R_OK), 0);
    free(path);
    /* a path with no directory to climb: the checkout's */
    path = share_path_for("opcatctl", "", "data");
    assert_non_null(test_source_path("data", want, sizeof want));
    assert_string_equal(path, want);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_an_installed_program_reads_prefix_share_opcat),
        cmocka_unit_test(test_opcat_share_wins_and_empty_means_unset),
        cmocka_unit_test(test_a_build_tree_program_reads_the_checkout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
