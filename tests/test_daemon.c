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

/*  What a test daemon's own options received. */
typedef struct {
    int calls;
    int last;
    const char *stats, *size;
    int quiet;
} own_t;

enum { OPT_SIZE = 256 };

static void s_own(void *arg, int c, const char *value)
{
    own_t *own = arg;
    own->calls++;
    own->last = c;
    if (c == 's')
        own->stats = value;
    else if (c == 'L')
        own->quiet = 1;
    else if (c == OPT_SIZE)
        own->size = value;
}

static void s_usage(FILE *out)
{
    fputs("usage: opcat-test\n", out);
}

static const struct option s_own_long[] = {
    {"stats", required_argument, NULL, 's'},
    {"quiet", no_argument, NULL, 'L'},
    {"size", required_argument, NULL, OPT_SIZE},
    {NULL, 0, NULL, 0}};

/*  A command line taking the shared options 'shared' and its own. */
static daemon_cli_t s_cli(unsigned shared, own_t *own)
{
    return (daemon_cli_t){.name = "opcat-test",
                          .shared = shared,
                          .catch_up_max = 100,
                          .own_short = "s:",
                          .own_long = s_own_long,
                          .option = s_own,
                          .arg = own,
                          .usage = s_usage};
}

#define ALL_SHARED                                                             \
    (DAEMON_OPT_APPEND | DAEMON_OPT_PUBLISH | DAEMON_OPT_REPLAY |              \
     DAEMON_OPT_DATA | DAEMON_OPT_REBUILD | DAEMON_OPT_CATCH_UP_BATCH |        \
     DAEMON_OPT_NOW)

/*  Parses the NULL-ended 'args' (after the program's name). */
static int s_parse(const daemon_cli_t *cli, const char *const *args, cfg_t *cfg,
                   daemon_flags_t *flags, err_t *err)
{
    char *argv[32] = {"opcat-test"};
    int argc = 1;
    while (*args && argc < 31)
        argv[argc++] = (char *)*args++;
    argv[argc] = NULL;
    return daemon_opts_parse(cli, argc, argv, cfg, flags, err);
}

static void test_each_shared_option_sets_its_field(void **state)
{
    (void)state;
    own_t own = {0};
    daemon_cli_t cli = s_cli(ALL_SHARED, &own);
    const char *const forms[][16] = {
        {"-a", "ipc://a", "-p", "ipc://p", "-r", "ipc://r", "-D", "/tmp/d",
         "-R", "-B", "7", "--now", "2020-01-31", "-n", "-v", NULL},
        {"--append=ipc://a", "--publish", "ipc://p", "--replay=ipc://r",
         "--data", "/tmp/d", "--rebuild", "--catch-up-batch=7",
         "--now=2020-01-31", "--check", "--verbose", NULL},
        {"-nvR", "-aipc://a", "-pipc://p", "-ripc://r", "-D/tmp/d", "-B7",
         "--now", "2020-01-31", NULL}};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        cfg_t cfg = {0};
        daemon_flags_t flags = {.catch_up_batch = 3};
        err_t err;
        CHECK(s_parse(&cli, forms[i], &cfg, &flags, &err), &err);
        assert_string_equal(cfg.append, "ipc://a");
        assert_string_equal(cfg.publish, "ipc://p");
        assert_string_equal(cfg.replay, "ipc://r");
        assert_string_equal(cfg.data, "/tmp/d");
        assert_int_equal(flags.rebuild, 1);
        assert_int_equal(flags.catch_up_batch, 7);
        assert_string_equal(flags.now, "2020-01-31");
        assert_int_equal(flags.check, 1);
        assert_int_equal(flags.verbose, 1);
    }
    assert_int_equal(own.calls, 0); /* none of them is the daemon's */
}

static void test_nothing_given_leaves_the_defaults(void **state)
{
    (void)state;
    own_t own = {0};
    daemon_cli_t cli = s_cli(ALL_SHARED, &own);
    cfg_t cfg = {0}, untouched = {0};
    daemon_flags_t flags = {.catch_up_batch = 3};
    err_t err;
    const char *const none[] = {NULL};
    CHECK(s_parse(&cli, none, &cfg, &flags, &err), &err);
    assert_memory_equal(&cfg, &untouched, sizeof cfg);
    assert_int_equal(flags.catch_up_batch, 3);
    assert_null(flags.now);
    assert_int_equal(flags.rebuild + flags.check + flags.verbose, 0);
}

static void test_the_daemons_own_options_reach_it_alone(void **state)
{
    (void)state;
    own_t own = {0};
    daemon_cli_t cli = s_cli(DAEMON_OPT_REPLAY, &own);
    cfg_t cfg = {0};
    daemon_flags_t flags = {0};
    err_t err;
    const char *const args[] = {"-s",      "ipc://s", "--quiet", "-r",
                                "ipc://r", "--size",  "9",       NULL};
    CHECK(s_parse(&cli, args, &cfg, &flags, &err), &err);
    assert_int_equal(own.calls, 3);
    assert_string_equal(own.stats, "ipc://s");
    assert_int_equal(own.quiet, 1);
    assert_string_equal(own.size, "9");
    assert_string_equal(cfg.replay, "ipc://r");
    assert_null(cfg.stats); /* the daemon's own business */
}

static void test_an_own_option_may_reuse_a_value_not_taken(void **state)
{
    (void)state;
    /* as the store's --public-replay (R) beside other daemons' --rebuild */
    static const struct option own_long[] = {
        {"public-replay", required_argument, NULL, 'R'}, {NULL, 0, NULL, 0}};
    own_t own = {0};
    daemon_cli_t cli = s_cli(DAEMON_OPT_REPLAY, &own);
    cli.own_short = "";
    cli.own_long = own_long;
    cfg_t cfg = {0};
    daemon_flags_t flags = {0};
    err_t err;
    const char *const args[] = {"--public-replay", "ipc://pr", NULL};
    CHECK(s_parse(&cli, args, &cfg, &flags, &err), &err);
    assert_int_equal(own.calls, 1);
    assert_int_equal(own.last, 'R');
    assert_int_equal(flags.rebuild, 0);
}

/*  Expects 'args' refused with OPCAT_EINVAL and 'message' (and 'field'). */
static void s_refused(unsigned shared, const char *const *args,
                      const char *field, const char *message)
{
    own_t own = {0};
    daemon_cli_t cli = s_cli(shared, &own);
    cfg_t cfg = {0};
    daemon_flags_t flags = {0};
    err_t err;
    int rc = s_parse(&cli, args, &cfg, &flags, &err);
    if (rc != OPCAT_EINVAL || strcmp(err.field, field) != 0 ||
        !strstr(err.message, message))
        fail_msg("%s: rc %d, field \"%s\", message \"%s\"; expected \"%s\"",
                 args[0], rc, err.field, err.message, message);
}

static void test_unknown_options_and_missing_values_are_named(void **state)
{
    (void)state;
    /* a shared option a daemon does not take is unknown to it */
    const char *const append[] = {"-a", "ipc://a", NULL};
    s_refused(DAEMON_OPT_REPLAY, append, "", "-a: unknown option");
    const char *const rebuild[] = {"--rebuild", NULL};
    s_refused(DAEMON_OPT_REPLAY, rebuild, "", "--rebuild: unknown option");
    const char *const now[] = {"--now=2020-01-01", NULL};
    s_refused(0, now, "", "--now: unknown option");
    const char *const bogus[] = {"-n", "--bogus", NULL};
    s_refused(ALL_SHARED, bogus, "", "--bogus: unknown option");
    const char *const x[] = {"-nx", NULL};
    s_refused(ALL_SHARED, x, "", "-x: unknown option");
    const char *const replay[] = {"--replay", NULL};
    s_refused(ALL_SHARED, replay, "", "--replay: needs a value");
    const char *const r[] = {"-v", "-r", NULL};
    s_refused(ALL_SHARED, r, "", "-r: needs a value");
    const char *const size[] = {"--size", NULL};
    s_refused(0, size, "", "--size: needs a value");
    const char *const operand[] = {"-n", "extra", NULL};
    s_refused(ALL_SHARED, operand, "", "unexpected argument: extra");
}

static void test_a_bad_batch_is_named_with_its_option(void **state)
{
    (void)state;
    const char *bad[] = {"x", "101", "-1", "7x", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *const shorts[] = {"-B", bad[i], NULL};
        s_refused(ALL_SHARED, shorts, "--catch-up-batch",
                  "--catch-up-batch: \"");
        const char *const longs[] = {"--catch-up-batch", bad[i], NULL};
        s_refused(ALL_SHARED, longs, "--catch-up-batch",
                  "must be a whole number from 0 to 100");
    }
}

static void test_help_and_version_stop_the_parse(void **state)
{
    (void)state;
    own_t own = {0};
    daemon_cli_t cli = s_cli(ALL_SHARED, &own);
    cfg_t cfg = {0};
    daemon_flags_t flags = {0};
    err_t err;
    const char *const help[] = {"-h", "--bogus", NULL};
    assert_int_equal(s_parse(&cli, help, &cfg, &flags, &err),
                     DAEMON_PARSED_HELP);
    const char *const help_long[] = {"-n", "--help", NULL};
    assert_int_equal(s_parse(&cli, help_long, &cfg, &flags, &err),
                     DAEMON_PARSED_HELP);
    const char *const version[] = {"--version", "extra", NULL};
    assert_int_equal(s_parse(&cli, version, &cfg, &flags, &err),
                     DAEMON_PARSED_VERSION);
    const char *const v[] = {"-V", NULL};
    assert_int_equal(s_parse(&cli, v, &cfg, &flags, &err),
                     DAEMON_PARSED_VERSION);
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

/*  daemon_parse() on the NULL-ended 'args' for a child that exits. */
static const char *const *s_args;

static void s_run_parse(void)
{
    own_t own = {0};
    daemon_cli_t cli = s_cli(ALL_SHARED, &own);
    char *argv[16] = {"opcat-test"};
    int argc = 1;
    while (s_args[argc - 1] && argc < 15)
        argv[argc] = (char *)s_args[argc - 1], argc++;
    cfg_t cfg = {0};
    daemon_flags_t flags = {0};
    daemon_parse(&cli, argc, argv, &cfg, &flags);
}

/*  Reads what is left in 'fd' into 'out' ('cap' bytes), then closes it. */
static void s_drain(int fd, char *out, size_t cap)
{
    size_t got = 0;
    ssize_t n;
    while ((n = read(fd, out + got, cap - 1 - got)) > 0)
        got += (size_t)n;
    out[got] = '\0';
    close(fd);
}

/*  Runs daemon_parse() on 'args' in a child, its stdout into 'out' and
    its stderr into 'err' (256 bytes each: the child's few lines fit in a
    pipe, so it is read after it exits); returns its exit status (99: it
    did not exit). */
static int s_child(const char *const *args, char out[256], char err[256])
{
    int o[2], e[2];
    assert_int_equal(pipe(o), 0);
    assert_int_equal(pipe(e), 0);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(o[1], STDOUT_FILENO);
        dup2(e[1], STDERR_FILENO);
        s_args = args;
        s_run_parse();
        _exit(99); /* daemon_parse returned */
    }
    close(o[1]);
    close(e[1]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    s_drain(o[0], out, 256);
    s_drain(e[0], err, 256);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void test_parse_exits_as_the_command_line_says(void **state)
{
    (void)state;
    char out[256], err[256];
    const char *const help[] = {"--help", NULL};
    assert_int_equal(s_child(help, out, err), 0);
    assert_string_equal(out, "usage: opcat-test\n");
    assert_string_equal(err, "");
    const char *const version[] = {"-V", NULL};
    assert_int_equal(s_child(version, out, err), 0);
    assert_string_equal(out, "test_daemon " OPCAT_VERSION_STRING "\n");
    const char *const unknown[] = {"--bogus", NULL};
    assert_int_equal(s_child(unknown, out, err), DAEMON_EXIT_USAGE);
    assert_string_equal(out, "");
    assert_string_equal(err, "opcat-test: --bogus: unknown option\n"
                             "usage: opcat-test\n");
    const char *const operand[] = {"extra", NULL};
    assert_int_equal(s_child(operand, out, err), DAEMON_EXIT_USAGE);
    assert_string_equal(err, "opcat-test: unexpected argument: extra\n"
                             "usage: opcat-test\n");
    /* a bad value: its message says what is wanted, no usage after it */
    const char *const batch[] = {"-B", "lots", NULL};
    assert_int_equal(s_child(batch, out, err), DAEMON_EXIT_USAGE);
    assert_non_null(strstr(err, "--catch-up-batch: \"lots\" must be"));
    assert_null(strstr(err, "usage:"));
    const char *const fine[] = {"-n", NULL};
    assert_int_equal(s_child(fine, out, err), 99);
    assert_int_equal(DAEMON_EXIT_USAGE, 2);
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

static void s_bad_number(void)
{
    daemon_number("--port", "12x", 1, 65535);
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

static void test_a_bad_number_of_a_daemons_own_option_exits_2(void **state)
{
    (void)state;
    assert_int_equal(s_exit_status(s_bad_number), DAEMON_EXIT_USAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_shared_option_sets_its_field),
        cmocka_unit_test(test_nothing_given_leaves_the_defaults),
        cmocka_unit_test(test_the_daemons_own_options_reach_it_alone),
        cmocka_unit_test(test_an_own_option_may_reuse_a_value_not_taken),
        cmocka_unit_test(test_unknown_options_and_missing_values_are_named),
        cmocka_unit_test(test_a_bad_batch_is_named_with_its_option),
        cmocka_unit_test(test_help_and_version_stop_the_parse),
        cmocka_unit_test(
            test_numbers_in_range_pass_and_others_name_flag_and_range),
        cmocka_unit_test(
            test_sigterm_sets_the_stop_flag_and_sigpipe_is_ignored),
        cmocka_unit_test(test_parse_exits_as_the_command_line_says),
        cmocka_unit_test(
            test_ready_tells_the_service_manager_when_there_is_one),
        cmocka_unit_test(test_a_bad_number_of_a_daemons_own_option_exits_2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
