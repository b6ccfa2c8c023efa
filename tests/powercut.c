/*  powercut: an LD_PRELOAD shim that lets a test simulate a power cut.

    For every write to a regular file under $POWERCUT_DIR (write, pwrite,
    writev, pwritev, ftruncate) it first appends to $POWERCUT_JOURNAL
    what the bytes were before (an undo record), and after every
    successful fdatasync or fsync of such a file a mark that the file is
    synced.  Writes to a file opened O_DSYNC or O_SYNC are durable when
    they return and are not journalled.  The test kills the process with
    SIGKILL at a moment of its choosing and runs powercut_restore.py,
    which undoes, file by file, every write made after the file's last
    sync: what is left is what the disk would hold after a power cut.

    Journal records (little-endian):
      'W' u32 path_len, path, u64 offset, u64 length, u64 old_size,
          u64 old_len, old bytes
      'S' u32 path_len, path
*/
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static pthread_mutex_t s_lock = PTHREAD_MUTEX_INITIALIZER;
static int s_journal = -1;

typedef ssize_t (*write_fn)(int, const void *, size_t);
typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
typedef ssize_t (*writev_fn)(int, const struct iovec *, int);
typedef ssize_t (*pwritev_fn)(int, const struct iovec *, int, off_t);
typedef int (*fd_fn)(int);
typedef int (*truncate_fn)(int, off_t);

static void *s_real(const char *name)
{
    return dlsym(RTLD_NEXT, name);
}

static void s_journal_write(const void *p, size_t len)
{
    static write_fn real;
    if (!real)
        real = (write_fn)s_real("write");
    const char *c = p;
    while (len > 0) {
        ssize_t w = real(s_journal, c, len);
        if (w <= 0) {
            if (w < 0 && errno == EINTR)
                continue;
            abort(); /* a journal that misses a write proves nothing */
        }
        c += w, len -= (size_t)w;
    }
}

/*  The path of 'fd' if it is a tracked file (regular, under the
    directory, not synchronous), else 0. */
static size_t s_tracked(int fd, char *path, size_t cap)
{
    const char *dir = getenv("POWERCUT_DIR");
    const char *journal = getenv("POWERCUT_JOURNAL");
    struct stat st;
    if (!dir || !journal || fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode))
        return 0;
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || (flags & O_DSYNC))
        return 0;
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, cap - 1);
    if (n <= 0 || strncmp(path, dir, strlen(dir)) != 0)
        return 0;
    path[n] = 0;
    if (s_journal < 0)
        s_journal =
            open(journal, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    return s_journal < 0 ? 0 : (size_t)n;
}

static void s_u32(uint32_t v)
{
    s_journal_write(&v, 4);
}

static void s_u64(uint64_t v)
{
    s_journal_write(&v, 8);
}

/*  Journals the undo of a write of 'len' bytes at 'off' (len 0 and
    'truncate': a truncation to 'off'). */
static void s_before(int fd, off_t off, size_t len, int truncate)
{
    char path[PATH_MAX];
    size_t plen = s_tracked(fd, path, sizeof path);
    if (!plen)
        return;
    struct stat st;
    fstat(fd, &st);
    uint64_t size = (uint64_t)st.st_size, from = (uint64_t)off;
    uint64_t to = truncate ? size : from + len;
    uint64_t old_len = from < size ? (to < size ? to : size) - from : 0;
    char *old = malloc(old_len ? old_len : 1);
    int rfd = open(path, O_RDONLY | O_CLOEXEC);
    if (!old || rfd < 0 || pread(rfd, old, old_len, off) != (ssize_t)old_len)
        abort();
    close(rfd);
    s_journal_write("W", 1);
    s_u32((uint32_t)plen);
    s_journal_write(path, plen);
    s_u64(from);
    s_u64(truncate ? 0 : len);
    s_u64(size);
    s_u64(old_len);
    s_journal_write(old, old_len);
    free(old);
}

static void s_synced(int fd)
{
    char path[PATH_MAX];
    size_t plen = s_tracked(fd, path, sizeof path);
    if (!plen)
        return;
    s_journal_write("S", 1);
    s_u32((uint32_t)plen);
    s_journal_write(path, plen);
}

/*  Where a write() on 'fd' lands. */
static off_t s_position(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    struct stat st;
    if (flags >= 0 && (flags & O_APPEND) && fstat(fd, &st) == 0)
        return st.st_size;
    return lseek(fd, 0, SEEK_CUR);
}

static size_t s_iov_len(const struct iovec *iov, int n)
{
    size_t len = 0;
    for (int i = 0; i < n; i++)
        len += iov[i].iov_len;
    return len;
}

ssize_t write(int fd, const void *buf, size_t len)
{
    static write_fn real;
    if (!real)
        real = (write_fn)s_real("write");
    pthread_mutex_lock(&s_lock);
    off_t at = s_position(fd);
    if (at >= 0)
        s_before(fd, at, len, 0);
    ssize_t rc = real(fd, buf, len);
    pthread_mutex_unlock(&s_lock);
    return rc;
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
    static pwrite_fn real;
    if (!real)
        real = (pwrite_fn)s_real("pwrite");
    pthread_mutex_lock(&s_lock);
    s_before(fd, off, len, 0);
    ssize_t rc = real(fd, buf, len, off);
    pthread_mutex_unlock(&s_lock);
    return rc;
}

ssize_t pwrite64(int fd, const void *buf, size_t len, off_t off)
{
    return pwrite(fd, buf, len, off);
}

ssize_t writev(int fd, const struct iovec *iov, int n)
{
    static writev_fn real;
    if (!real)
        real = (writev_fn)s_real("writev");
    pthread_mutex_lock(&s_lock);
    off_t at = s_position(fd);
    if (at >= 0)
        s_before(fd, at, s_iov_len(iov, n), 0);
    ssize_t rc = real(fd, iov, n);
    pthread_mutex_unlock(&s_lock);
    return rc;
}

ssize_t pwritev(int fd, const struct iovec *iov, int n, off_t off)
{
    static pwritev_fn real;
    if (!real)
        real = (pwritev_fn)s_real("pwritev");
    pthread_mutex_lock(&s_lock);
    s_before(fd, off, s_iov_len(iov, n), 0);
    ssize_t rc = real(fd, iov, n, off);
    pthread_mutex_unlock(&s_lock);
    return rc;
}

ssize_t pwritev64(int fd, const struct iovec *iov, int n, off_t off)
{
    return pwritev(fd, iov, n, off);
}

int ftruncate(int fd, off_t len)
{
    static truncate_fn real;
    if (!real)
        real = (truncate_fn)s_real("ftruncate");
    pthread_mutex_lock(&s_lock);
    s_before(fd, len, 0, 1);
    int rc = real(fd, len);
    pthread_mutex_unlock(&s_lock);
    return rc;
}

int ftruncate64(int fd, off_t len)
{
    return ftruncate(fd, len);
}

static int s_sync(const char *name, int fd)
{
    fd_fn real = (fd_fn)s_real(name);
    /* no write may slip between the sync and its mark */
    pthread_mutex_lock(&s_lock);
    int rc = real(fd);
    if (rc == 0)
        s_synced(fd);
    pthread_mutex_unlock(&s_lock);
    return rc;
}

int fdatasync(int fd)
{
    return s_sync("fdatasync", fd);
}

int fsync(int fd)
{
    return s_sync("fsync", fd);
}
