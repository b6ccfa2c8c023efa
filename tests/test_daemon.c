/*  Unit tests of common/base/daemon: the shared options and the stop flag. */
#include "test_common.h"

#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon.h"
#include "version.h"

#include <sys/wait.h>
#include <unistd.h>

static void test_shared_options_fill_cfg_and_flags(void **state)
{
    (void)state;
    cfg_t cfg = {0};
    daemon_flags_t flags = {0};
    assert_true(daemon_option('a', "ipc://a", &cfg, &flags));
    assert_true(daemon_option('p', "ipc://p", &cfg, &flags));
    assert_true(daemon_option('r', "ipc://r", &cfg, &flags));
    assert_true(daemon_option('D', "/tmp/d", &cfg, &flags));
    assert_string_equal(cfg.append, "ipc://a");
    assert_string_equal(cfg.publish, "ipc://p");
    assert_string_equal(cfg.replay, "ipc://r");
    assert_string_equal(cfg.data, "/tmp/d");
    assert_int_equal(flags.check, 0);
    assert_true(daemon_option('n', NULL, &cfg, &flags));
    assert_true(daemon_option('v', NULL, &cfg, &flags));
    assert_int_equal(flags.check, 1);
    assert_int_equal(flags.verbose, 1);
}

static void test_a_daemons_own_options_are_left_to_it(void **state)
{
    (void)state;
    cfg_t cfg = {0}, untouched = {0};
    daemon_flags_t flags = {0};
    /* -q and -s name different endpoints in different daemons; -R is
       --rebuild in one and --public-replay in another; -h and '?' end
       the daemon's own switch */
    const int own[] = {'q', 's', 'R', 'm', 'h', '?', 0};
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
        assert_false(daemon_option(own[i], "x", &cfg, &flags));
    assert_memory_equal(&cfg, &untouched, sizeof cfg);
    assert_int_equal(flags.check + flags.verbose, 0);
}

static void
test_numbers_in_range_pass_and_others_name_flag_and_range(void **state)
{
    (void)state;
    err_t err;
    long long n = -1;
    assert_int_equal(daemon_parse_number("--batch", "0", 0, 100, &n, &err),
                     OPCAT_OK);
    assert_int_equal(n, 0);
    assert_int_equal(daemon_parse_number("--batch", "100", 0, 100, &n, &err),
                     OPCAT_OK);
    assert_int_equal(n, 100);
    const char *bad[] = {
        "", "101", "-1", "12x", "x", " 5", "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        n = 7;
        assert_int_equal(
            daemon_parse_number("--batch", bad[i], 0, 100, &n, &err),
            OPCAT_EINVAL);
        assert_int_equal(n, 7); /* untouched */
        assert_non_null(strstr(err.message, "--batch: \""));
        assert_non_null(
            strstr(err.message, "must be a whole number from 0 to 100"));
    }
}

static void test_sigterm_sets_the_stop_flag_and_sigpipe_is_ignored(void **state)
{
    (void)state;
    volatile sig_atomic_t *stop = daemon_signals();
    assert_int_equal(*stop, 0);
    assert_int_equal(raise(SIGPIPE), 0); /* would end the process if not */
    assert_int_equal(*stop, 0);
    assert_int_equal(raise(SIGTERM), 0);
    assert_int_equal(*stop, 1);
}

static void test_version_prints_name_and_version_and_exits_0(void **state)
{
    (void)state;
    int out[2];
    assert_int_equal(pipe(out), 0);
    fflush(stdout);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(out[1], STDOUT_FILENO);
        cfg_t cfg = {0};
        daemon_flags_t flags = {0};
        daemon_option('V', NULL, &cfg, &flags);
        _exit(3); /* not reached when -V is handled */
    }
    close(out[1]);
    char text[128] = "";
    ssize_t got = 0, n;
    while ((n = read(out[0], text + got, sizeof text - 1 - (size_t)got)) > 0)
        got += n;
    close(out[0]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_string_equal(text, "test_daemon " OPCAT_VERSION_STRING "\n");
}

/*  A datagram socket at 'path', as systemd's NOTIFY_SOCKET. */
static int s_notify_socket(const char *path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof addr), 0);
    return fd;
}

static void test_ready_tells_the_service_manager_when_there_is_one(void **state)
{
    (void)state;
    char dir[] = "/tmp/opcat-notify.XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/notify", dir);
    int fd = s_notify_socket(path);
    setenv("NOTIFY_SOCKET", path, 1);
    assert_int_equal(daemon_ready(), 0);
    char text[64] = "";
    assert_int_equal(recv(fd, text, sizeof text - 1, MSG_DONTWAIT), 7);
    assert_string_equal(text, "READY=1");
    close(fd);
    unlink(path);
    /* no one listens there any more: an error value, no crash */
    assert_true(daemon_ready() < 0);
    rmdir(dir);
    /* not under systemd: nothing to tell, no error */
    unsetenv("NOTIFY_SOCKET");
    assert_int_equal(daemon_ready(), 0);
}

static void s_usage(FILE *out)
{
    fputs("usage: opcat-test\n", out);
}

/*  Runs 'fn' in a child (stdout and stderr to /dev/null) and returns its
    exit status. */
static int s_exit_status(void (*fn)(void))
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout) ||
            !freopen("/dev/null", "w", stderr))
            _exit(98);
        fn();
        _exit(99); /* fn was to exit */
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void s_unknown_option(void)
{
    daemon_usage_exit('?', s_usage);
}

static void s_help(void)
{
    daemon_usage_exit('h', s_usage);
}

static void s_operand(void)
{
    char *argv[] = {"opcat-test", "extra", NULL};
    optind = 1;
    daemon_no_operands("opcat-test", 2, argv, s_usage);
}

static void s_bad_number(void)
{
    daemon_number("--port", "12x", 1, 65535);
}

static void test_usage_errors_exit_2_and_help_exits_0(void **state)
{
    (void)state;
    assert_int_equal(s_exit_status(s_unknown_option), DAEMON_EXIT_USAGE);
    assert_int_equal(s_exit_status(s_operand), DAEMON_EXIT_USAGE);
    assert_int_equal(s_exit_status(s_bad_number), DAEMON_EXIT_USAGE);
    assert_int_equal(s_exit_status(s_help), 0);
    assert_int_equal(DAEMON_EXIT_USAGE, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_options_fill_cfg_and_flags),
        cmocka_unit_test(test_a_daemons_own_options_are_left_to_it),
        cmocka_unit_test(
            test_numbers_in_range_pass_and_others_name_flag_and_range),
        cmocka_unit_test(
            test_sigterm_sets_the_stop_flag_and_sigpipe_is_ignored),
        cmocka_unit_test(test_version_prints_name_and_version_and_exits_0),
        cmocka_unit_test(
            test_ready_tells_the_service_manager_when_there_is_one),
        cmocka_unit_test(test_usage_errors_exit_2_and_help_exits_0),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
