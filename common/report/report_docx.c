/*  report_docx: pandoc as a child process (see report_docx.h).

    posix_spawnp rather than fork: the gateway calls this from one of its
    connection threads, and posix_spawn is the one way to start a program
    from a threaded process without copying its other threads' locks.  The
    pipe carries pandoc's standard output and error; both ends are
    close-on-exec, so no other child inherits them. */
#include "report_docx.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "monotime.h"
#include "report.h"

extern char **environ;

#define STDERR_KEEP 512 /* bytes of pandoc's last line kept for 'err' */

/*  One conversion: its directory, files and child. */
typedef struct {
    char dir[4096 - 32]; /* shorter than the files' paths inside it */
    char in[4096];       /* the Markdown */
    char out[4096];      /* the document pandoc writes */
    pid_t pid;
    int fd;                 /* read end of pandoc's stdout and stderr */
    char line[STDERR_KEEP]; /* the line being read */
    size_t line_len;
    char last[STDERR_KEEP]; /* the last whole line */
} docx_t;

bool report_docx_available(void)
{
    const char *path = getenv("PATH");
    char file[4096];
    while (path && *path) {
        size_t n = strcspn(path, ":");
        /* an empty entry is the current directory */
        snprintf(file, sizeof file, "%.*s/%s", n ? (int)n : 1, n ? path : ".",
                 REPORT_DOCX_TOOL);
        if (access(file, X_OK) == 0)
            return true;
        path += n + (path[n] == ':');
    }
    return false;
}

/* ------------------------------------------------------------------ */
/*  Files. */

/*  Makes the private directory and writes the Markdown into it. */
static int s_prepare(docx_t *d, const char *markdown, err_t *err)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(d->dir, sizeof d->dir, "%s/opcat-report-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(d->dir)) {
        d->dir[0] = '\0';
        return err_set(err, OPCAT_EIO, NULL, "report: mkdtemp in %s: %s",
                       tmp && *tmp ? tmp : "/tmp", strerror(errno));
    }
    snprintf(d->in, sizeof d->in, "%s/report.md", d->dir);
    snprintf(d->out, sizeof d->out, "%s/report.docx", d->dir);
    FILE *f = fopen(d->in, "w");
    size_t len = strlen(markdown);
    bool ok = f && fwrite(markdown, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok)
        return err_set(err, OPCAT_EIO, NULL, "report: writing %s: %s", d->in,
                       strerror(errno));
    return OPCAT_OK;
}

/*  Reads the document pandoc wrote. */
static int s_read_out(const docx_t *d, char **out, size_t *len, err_t *err)
{
    FILE *f = fopen(d->out, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0 || st.st_size <= 0) {
        if (f)
            fclose(f);
        return err_set(err, OPCAT_EIO, NULL,
                       REPORT_DOCX_TOOL " wrote no document");
    }
    *out = malloc((size_t)st.st_size);
    *len = *out ? fread(*out, 1, (size_t)st.st_size, f) : 0;
    fclose(f);
    if (*out && *len == (size_t)st.st_size)
        return OPCAT_OK;
    free(*out);
    *out = NULL;
    return *len ? err_set(err, OPCAT_ENOMEM, NULL, "out of memory")
                : err_set(err, OPCAT_EIO, NULL, "report: reading %s", d->out);
}

/*  Removes whatever s_prepare and pandoc left. */
static void s_cleanup(const docx_t *d)
{
    if (!d->dir[0])
        return;
    unlink(d->in);
    unlink(d->out);
    rmdir(d->dir);
}

/* ------------------------------------------------------------------ */
/*  The child. */

/*  Starts pandoc on the files with its output on a pipe. */
static int s_spawn(docx_t *d, const char *lang, err_t *err)
{
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) != 0)
        return err_set(err, OPCAT_EIO, NULL, "report: pipe: %s",
                       strerror(errno));
    char lang_meta[16];
    snprintf(lang_meta, sizeof lang_meta, "lang=%s", lang);
    /* the last two arguments count only in Arabic (pandoc 2.17's
       --sandbox would hide its own DOCX template from it) */
    char *argv[] = {REPORT_DOCX_TOOL,
                    "-f",
                    "markdown",
                    "-t",
                    "docx",
                    "-M",
                    lang_meta,
                    "-o",
                    d->out,
                    d->in,
                    strcmp(lang, "ar") == 0 ? "-M" : NULL,
                    "dir=rtl",
                    NULL};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, pipefd[1], 1);
    posix_spawn_file_actions_adddup2(&actions, pipefd[1], 2);
    /* the caller's blocked or ignored signals (a daemon's SIGTERM,
       SIGPIPE) are none of pandoc's business */
    posix_spawnattr_t attr;
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_init(&attr);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr,
                             POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    int rc =
        posix_spawnp(&d->pid, REPORT_DOCX_TOOL, &actions, &attr, argv, environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    close(pipefd[1]);
    if (rc != 0) {
        close(pipefd[0]);
        if (rc == ENOENT)
            return err_set(err, OPCAT_ENOTFOUND, "format",
                           "DOCX needs " REPORT_DOCX_TOOL
                           ", which is not installed (not on $PATH): "
                           "run " REPORT_DOCX_INSTALL);
        return err_set(err, OPCAT_EIO, NULL, "report: starting %s: %s",
                       REPORT_DOCX_TOOL, strerror(rc));
    }
    d->fd = pipefd[0];
    return OPCAT_OK;
}

/*  Logs the complete lines of what pandoc wrote, keeping the last. */
static void s_take_output(docx_t *d, const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (buf[i] != '\n') {
            if (d->line_len < sizeof d->line - 1)
                d->line[d->line_len++] = buf[i];
            continue;
        }
        d->line[d->line_len] = '\0';
        if (d->line_len) {
            log_warnx(REPORT_DOCX_TOOL ": %s", d->line);
            memcpy(d->last, d->line, d->line_len + 1);
        }
        d->line_len = 0;
    }
}

/*  Reads pandoc's output until it closes it or the time is up. */
static int s_drain(docx_t *d, err_t *err)
{
    int64_t deadline = monotime_ms() + REPORT_DOCX_TIMEOUT_MS;
    char buf[1024];
    for (;;) {
        int64_t left = deadline - monotime_ms();
        struct pollfd p = {.fd = d->fd, .events = POLLIN};
        int n = left > 0 ? poll(&p, 1, (int)left) : 0;
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return err_set(err, OPCAT_ETIMEDOUT, NULL,
                           "report: %s did not finish within %d ms",
                           REPORT_DOCX_TOOL, REPORT_DOCX_TIMEOUT_MS);
        ssize_t got = read(d->fd, buf, sizeof buf);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        s_take_output(d, buf, (size_t)got);
    }
    s_take_output(d, "\n", 1);
    return OPCAT_OK;
}

/*  Waits for pandoc (killing it first after an error) and checks how
    it ended. */
static int s_wait(docx_t *d, int rc, err_t *err)
{
    int status;
    if (rc)
        kill(d->pid, SIGKILL);
    while (waitpid(d->pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (rc)
        return rc;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return OPCAT_OK;
    if (WIFEXITED(status))
        return err_set(err, OPCAT_EIO, NULL, "%s exited with status %d%s%s",
                       REPORT_DOCX_TOOL, WEXITSTATUS(status),
                       d->last[0] ? ": " : "", d->last);
    return err_set(err, OPCAT_EIO, NULL, "%s was killed by signal %d",
                   REPORT_DOCX_TOOL, WTERMSIG(status));
}

int report_docx_render(const char *markdown, const char *lang, char **out,
                       size_t *len, err_t *err)
{
    err_clear(err);
    *out = NULL;
    *len = 0;
    if (!markdown || !report_lang_known(lang))
        return err_set(err, OPCAT_EINVAL, "lang",
                       "report_docx: Markdown and lang " REPORT_LANGS
                       " are needed");
    docx_t *d = calloc(1, sizeof *d);
    if (!d)
        return err_set(err, OPCAT_ENOMEM, NULL, "out of memory");
    d->fd = -1;
    int rc = s_prepare(d, markdown, err);
    if (!rc)
        rc = s_spawn(d, lang, err);
    if (d->fd >= 0) {
        rc = s_wait(d, s_drain(d, err), err);
        close(d->fd);
    }
    if (!rc)
        rc = s_read_out(d, out, len, err);
    s_cleanup(d);
    free(d);
    return rc;
}
