/*  test_failpoint: OPCAT_FAILPOINT's grammar and its two actions.

    - a point fires only where it is named, from its '@N' position on;
    - 'error' returns OPCAT_EIO; 'crash' kills the process with SIGKILL;
    - a malformed item is ignored and the others still apply. */
#include "test_common.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "failpoint.h"

static void test_error(void **state)
{
    (void)state;
    unsetenv("OPCAT_FAILPOINT");
    assert_int_equal(failpoint_pass("a.b", 1), 0);
    setenv("OPCAT_FAILPOINT", "a.b:error", 1);
    assert_int_equal(failpoint_pass("a.b", 0), OPCAT_EIO);
    assert_int_equal(failpoint_pass("a.bc", 0), 0);
    assert_int_equal(failpoint_pass("a", 0), 0);
    setenv("OPCAT_FAILPOINT", "x.y:crash@9,a.b:error@100", 1);
    assert_int_equal(failpoint_pass("a.b", 99), 0);
    assert_int_equal(failpoint_pass("a.b", 100), OPCAT_EIO);
    assert_int_equal(failpoint_pass("a.b", 101), OPCAT_EIO);
    unsetenv("OPCAT_FAILPOINT");
}

static void test_malformed(void **state)
{
    (void)state;
    const char *bad[] = {"a.b", "a.b:explode", "a.b:error@", "a.b:error@x",
                         "a.b:error@1x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        setenv("OPCAT_FAILPOINT", bad[i], 1);
        assert_int_equal(failpoint_pass("a.b", 1000), 0);
    }
    setenv("OPCAT_FAILPOINT", "a.b:bad,a.b:error", 1);
    assert_int_equal(failpoint_pass("a.b", 0), OPCAT_EIO);
    unsetenv("OPCAT_FAILPOINT");
}

/*  Runs failpoint_pass("a.b", position) in a child; returns its status. */
static int s_child(const char *setting, uint64_t position)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        setenv("OPCAT_FAILPOINT", setting, 1);
        _exit(failpoint_pass("a.b", position) == 0 ? 0 : 1);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return status;
}

static void test_crash(void **state)
{
    (void)state;
    int status = s_child("a.b:crash", 1);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGKILL);
    status = s_child("a.b:crash@2", 1); /* not yet */
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
    if (!failpoint_enabled()) {
        printf(
            "skipped: this build has no failpoints (-DOPCAT_FAILPOINTS=ON)\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_crash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
