/*  clog: the commit log's segments.  See clog.h for the format. */
#include "clog.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "log.h"

#define CLOG_HEADER 16
#define DEFAULT_SEGMENT ((size_t)64 << 20)
#define DEFAULT_EXTENT ((size_t)4 << 20)
/*  The granule a file grows by when a whole extent does not fit. */
#define CLOG_GRANULE ((size_t)64 << 10)
#define CLOG_PREFIX "clog-"

typedef struct {
    uint64_t first; /* the sequence in its name */
    uint64_t last;  /* its last record's (first - 1 if none) */
    size_t end;     /* bytes of records */
    size_t size;    /* bytes of the file, zeros after 'end' */
} segment_t;

struct clog {
    char dir[4096];
    clog_options_t opt;
    segment_t *segs;
    size_t nsegs, cap;
    int fd; /* the last segment's, -1 until one exists */
    uint64_t last, buffered_last;
    uint8_t *buf;
    size_t len, buf_cap;
    bool broken; /* a failed sync could not be undone */
};

/* ------------------------------------------------------------ encoding */

static void s_put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void s_put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t s_get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static uint64_t s_get64(const uint8_t *p)
{
    return (uint64_t)s_get32(p) | (uint64_t)s_get32(p + 4) << 32;
}

/*  The checksum covers the sequence and the payload. */
static uint32_t s_crc(const uint8_t *seq_and_payload, size_t len)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    while (len > 0) {
        uInt chunk = len > (1u << 30) ? (1u << 30) : (uInt)len;
        crc = crc32(crc, seq_and_payload, chunk);
        seq_and_payload += chunk;
        len -= chunk;
    }
    return (uint32_t)crc;
}

/*  Why the record at 'p' ('avail' bytes left in the file) is not a good
    successor of 'prev' (0: any sequence), or NULL if it is. */
static const char *s_check_record(const uint8_t *p, size_t avail, uint64_t prev,
                                  uint64_t *seq, size_t *len)
{
    if (avail < CLOG_HEADER)
        return "short header";
    *len = s_get32(p);
    if (*len > avail - CLOG_HEADER)
        return "short record";
    if (s_crc(p + 8, 8 + *len) != s_get32(p + 4))
        return "checksum mismatch";
    *seq = s_get64(p + 8);
    if (prev && *seq != prev + 1)
        return "sequence out of order";
    return NULL;
}

/* ------------------------------------------------------------ files */

static void s_path(const clog_t *self, uint64_t first, char *out, size_t cap)
{
    snprintf(out, cap, "%s/" CLOG_PREFIX "%020" PRIu64, self->dir, first);
}

static int s_errno(err_t *err, int errnum, const char *what, const char *path)
{
    return err_set(err, err_from_errno(errnum), "", "%s %s: %s", what, path,
                   strerror(errnum));
}

static int s_cmp_seg(const void *a, const void *b)
{
    const segment_t *x = a, *y = b;
    return x->first < y->first ? -1 : x->first > y->first;
}

static int s_add_seg(clog_t *self, uint64_t first)
{
    if (self->nsegs == self->cap) {
        size_t cap = self->cap ? self->cap * 2 : 16;
        segment_t *grown = realloc(self->segs, cap * sizeof *grown);
        if (!grown)
            return OPCAT_ENOMEM;
        self->segs = grown;
        self->cap = cap;
    }
    self->segs[self->nsegs++] = (segment_t){.first = first, .last = first - 1};
    return OPCAT_OK;
}

/*  Lists the segment files, sorted by their first sequence. */
static int s_list(clog_t *self, err_t *err)
{
    DIR *d = opendir(self->dir);
    if (!d)
        return s_errno(err, errno, "open directory", self->dir);
    struct dirent *de;
    int rc = OPCAT_OK;
    while (!rc && (de = readdir(d))) {
        const char *digits = de->d_name + strlen(CLOG_PREFIX);
        if (strncmp(de->d_name, CLOG_PREFIX, strlen(CLOG_PREFIX)) != 0 ||
            strlen(digits) != 20 || strspn(digits, "0123456789") != 20)
            continue;
        rc = s_add_seg(self, strtoull(digits, NULL, 10));
    }
    closedir(d);
    if (rc)
        return err_set(err, rc, "", "out of memory");
    if (self->nsegs)
        qsort(self->segs, self->nsegs, sizeof *self->segs, s_cmp_seg);
    return OPCAT_OK;
}

/*  Writes zeros over [from, to) of 'fd' and syncs them. */
static int s_zero(int fd, size_t from, size_t to)
{
    static const uint8_t zeros[CLOG_GRANULE];
    while (from < to) {
        size_t n = to - from < sizeof zeros ? to - from : sizeof zeros;
        ssize_t w = pwrite(fd, zeros, n, (off_t)from);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return w < 0 ? errno : ENOSPC;
        from += (size_t)w;
    }
    return fdatasync(fd) ? errno : 0;
}

/*  Maps a segment read-only; '*map' NULL for an empty file. */
static int s_map(const clog_t *self, const segment_t *seg, const uint8_t **map,
                 size_t *size, err_t *err)
{
    char path[4200];
    s_path(self, seg->first, path, sizeof path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return s_errno(err, e, "open", path);
    }
    *size = (size_t)st.st_size;
    *map = NULL;
    if (*size) {
        void *m = mmap(NULL, *size, PROT_READ, MAP_SHARED, fd, 0);
        if (m == MAP_FAILED) {
            int e = errno;
            close(fd);
            return s_errno(err, e, "map", path);
        }
        *map = m;
    }
    close(fd);
    return OPCAT_OK;
}

/* ------------------------------------------------------------ opening */

/*  Cuts segment 'seg' at 'offset': zeros from there to its end. */
static int s_cut(clog_t *self, segment_t *seg, size_t offset, const char *why,
                 err_t *err)
{
    char path[4200];
    s_path(self, seg->first, path, sizeof path);
    log_warnx("clog: %s: %s at offset %zu; the log is cut there (what "
              "follows was never acknowledged)",
              path, why, offset);
    int fd = open(path, O_RDWR | O_CLOEXEC);
    int e = fd < 0 ? errno : s_zero(fd, offset, seg->size);
    if (fd >= 0)
        close(fd);
    return e ? s_errno(err, e, "cut", path) : OPCAT_OK;
}

/*  Removes segments [from, nsegs): they come after a cut. */
static void s_drop_after(clog_t *self, size_t from)
{
    for (size_t i = from; i < self->nsegs; i++) {
        char path[4200];
        s_path(self, self->segs[i].first, path, sizeof path);
        log_warnx("clog: %s removed", path);
        unlink(path);
    }
    self->nsegs = from;
}

/*  Reads segment 'i': its records' end and last sequence.  '*prev' is the
    last sequence before it (0: none yet).  Returns 1 if the segment was
    cut (the log ends in it), 0 if it ended cleanly, or a negative code. */
static int s_scan(clog_t *self, size_t i, uint64_t *prev, err_t *err)
{
    segment_t *seg = &self->segs[i];
    const uint8_t *map;
    int rc = s_map(self, seg, &map, &seg->size, err);
    if (rc)
        return rc;
    size_t off = 0;
    const char *why = NULL;
    while (off < seg->size) {
        uint64_t seq;
        size_t len;
        if (seg->size - off >= 4 && s_get32(map + off) == 0)
            break; /* zeros: the end of the records */
        if ((why =
                 s_check_record(map + off, seg->size - off, *prev, &seq, &len)))
            break;
        *prev = seg->last = seq;
        off += CLOG_HEADER + len;
    }
    if (!why && off < seg->size && seg->size - off < 4)
        why = "short header";
    if (map)
        munmap((void *)map, seg->size);
    seg->end = off;
    if (!why)
        return 0;
    rc = s_cut(self, seg, off, why, err);
    return rc ? rc : 1;
}

static int s_recover(clog_t *self, uint64_t after, err_t *err)
{
    uint64_t prev = 0;
    for (size_t i = 0; i < self->nsegs; i++) {
        int rc = s_scan(self, i, &prev, err);
        if (rc < 0)
            return rc;
        if (rc == 1 || (i + 1 < self->nsegs && prev &&
                        self->segs[i + 1].first != prev + 1)) {
            s_drop_after(self, i + 1);
            break;
        }
    }
    uint64_t first = 0;
    for (size_t i = 0; i < self->nsegs && !first; i++)
        if (self->segs[i].end)
            first = self->segs[i].first;
    if (first > after + 1)
        return err_set(err, OPCAT_EIO, "",
                       "clog: the log starts at sequence %" PRIu64
                       " but the store holds only up to %" PRIu64
                       ": records are missing",
                       first, after);
    if (prev < after && self->nsegs) {
        /* the store went on without the log (opened without it): all of
           it is applied, and new records could not follow its last one */
        log_info("clog: the log ends at %" PRIu64
                 ", before the store's %" PRIu64 "; its segments are removed",
                 prev, after);
        s_drop_after(self, 0);
    }
    self->last = prev > after ? prev : after;
    self->buffered_last = self->last;
    return OPCAT_OK;
}

static int s_open_last(clog_t *self, err_t *err)
{
    if (!self->nsegs)
        return OPCAT_OK;
    char path[4200];
    s_path(self, self->segs[self->nsegs - 1].first, path, sizeof path);
    self->fd = open(path, O_RDWR | O_CLOEXEC);
    return self->fd < 0 ? s_errno(err, errno, "open", path) : OPCAT_OK;
}

clog_t *clog_open(const char *dir, uint64_t after,
                  const clog_options_t *options, err_t *err)
{
    clog_t *self = calloc(1, sizeof *self);
    if (!self) {
        err_set(err, OPCAT_ENOMEM, "", "out of memory");
        return NULL;
    }
    snprintf(self->dir, sizeof self->dir, "%s", dir);
    self->fd = -1;
    if (options)
        self->opt = *options;
    if (!self->opt.segment_size)
        self->opt.segment_size = DEFAULT_SEGMENT;
    if (!self->opt.extent)
        self->opt.extent = DEFAULT_EXTENT;
    if (s_list(self, err) || s_recover(self, after, err) ||
        s_open_last(self, err))
        clog_destroy(&self);
    return self;
}

void clog_destroy(clog_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    clog_t *self = *self_p;
    if (self->fd >= 0)
        close(self->fd);
    free(self->segs);
    free(self->buf);
    free(self);
    *self_p = NULL;
}

uint64_t clog_last(const clog_t *self)
{
    return self->last;
}

size_t clog_segments(const clog_t *self)
{
    return self->nsegs;
}

/* ------------------------------------------------------------ reading */

static int s_read_seg(clog_t *self, const segment_t *seg, uint64_t after,
                      clog_record_fn fn, void *arg, err_t *err)
{
    const uint8_t *map;
    size_t size;
    int rc = s_map(self, seg, &map, &size, err);
    for (size_t off = 0; !rc && off + CLOG_HEADER <= seg->end;) {
        size_t len = s_get32(map + off);
        uint64_t seq = s_get64(map + off + 8);
        if (seq > after)
            rc = fn(arg, seq, map + off + CLOG_HEADER, len);
        off += CLOG_HEADER + len;
    }
    if (map)
        munmap((void *)map, size);
    return rc;
}

int clog_read(clog_t *self, uint64_t after, clog_record_fn fn, void *arg,
              err_t *err)
{
    int rc = OPCAT_OK;
    for (size_t i = 0; i < self->nsegs && !rc; i++)
        if (self->segs[i].end && self->segs[i].last > after)
            rc = s_read_seg(self, &self->segs[i], after, fn, arg, err);
    return rc;
}

/* ------------------------------------------------------------ writing */

int clog_append(clog_t *self, uint64_t seq, const uint8_t *data, size_t len,
                err_t *err)
{
    if (seq != self->buffered_last + 1 || len > UINT32_MAX)
        return err_set(err, OPCAT_EINVAL, "sequence",
                       "clog: record %" PRIu64 " does not follow %" PRIu64, seq,
                       self->buffered_last);
    if (self->len + CLOG_HEADER + len > self->buf_cap) {
        size_t cap = self->buf_cap ? self->buf_cap : 64 * 1024;
        while (cap < self->len + CLOG_HEADER + len)
            cap *= 2;
        uint8_t *grown = realloc(self->buf, cap);
        if (!grown)
            return err_set(err, OPCAT_ENOMEM, "", "out of memory");
        self->buf = grown;
        self->buf_cap = cap;
    }
    uint8_t *p = self->buf + self->len;
    s_put32(p, (uint32_t)len);
    s_put64(p + 8, seq);
    if (len)
        memcpy(p + CLOG_HEADER, data, len);
    s_put32(p + 4, s_crc(p + 8, 8 + len));
    self->len += CLOG_HEADER + len;
    self->buffered_last = seq;
    return OPCAT_OK;
}

size_t clog_mark(const clog_t *self)
{
    return self->len;
}

void clog_rewind(clog_t *self, size_t mark)
{
    if (mark >= self->len)
        return;
    self->len = mark;
    self->buffered_last = self->last;
    for (size_t off = 0; off < mark;
         off += CLOG_HEADER + s_get32(self->buf + off))
        self->buffered_last = s_get64(self->buf + off + 8);
}

/*  Starts a segment named by the next sequence to be synced. */
static int s_new_segment(clog_t *self, err_t *err)
{
    uint64_t first = self->last + 1;
    char path[4200];
    s_path(self, first, path, sizeof path);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return s_errno(err, errno, "create", path);
    int dfd = open(self->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int e = dfd < 0 || fsync(dfd) ? errno : 0; /* the new name is durable */
    if (dfd >= 0)
        close(dfd);
    if (e || s_add_seg(self, first)) {
        close(fd);
        unlink(path);
        return e ? s_errno(err, e, "sync directory", self->dir)
                 : err_set(err, OPCAT_ENOMEM, "", "out of memory");
    }
    if (self->fd >= 0)
        close(self->fd);
    self->fd = fd;
    return OPCAT_OK;
}

/*  Grows the last segment with synced zeros so that 'need' more bytes fit
    after its end: a whole extent if the disk has room, else just enough. */
static int s_extend(clog_t *self, size_t need, err_t *err)
{
    segment_t *seg = &self->segs[self->nsegs - 1];
    size_t want = seg->end + need;
    size_t sizes[] = {seg->size + self->opt.extent,
                      (want + CLOG_GRANULE - 1) / CLOG_GRANULE * CLOG_GRANULE};
    int e = ENOSPC;
    for (int i = 0; i < 2 && e; i++) {
        if (sizes[i] < want)
            continue;
        e = s_zero(self->fd, seg->size, sizes[i]);
        if (e) /* give the space back before trying less */
            (void)!ftruncate(self->fd, (off_t)seg->size);
        else
            seg->size = sizes[i];
    }
    if (!e)
        return OPCAT_OK;
    char path[4200];
    s_path(self, seg->first, path, sizeof path);
    return s_errno(err, e, "grow", path);
}

static int s_write_all(int fd, const uint8_t *p, size_t len, size_t off)
{
    while (len > 0) {
        ssize_t w = pwrite(fd, p, len, (off_t)off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return w < 0 ? errno : ENOSPC;
        p += w, len -= (size_t)w, off += (size_t)w;
    }
    return 0;
}

/*  Makes room for 'need' bytes at the end: a new segment or a bigger
    file. */
static int s_room(clog_t *self, size_t need, err_t *err)
{
    if (self->broken)
        return err_set(err, OPCAT_EIO, "",
                       "clog: an earlier write could not be undone; the "
                       "store must be restarted");
    segment_t *seg = self->nsegs ? &self->segs[self->nsegs - 1] : NULL;
    int rc = OPCAT_OK;
    if (!seg || self->fd < 0 ||
        (seg->end && seg->end + need > self->opt.segment_size)) {
        if ((rc = s_new_segment(self, err)))
            return rc;
        seg = &self->segs[self->nsegs - 1];
    }
    if (seg->end + need > seg->size)
        rc = s_extend(self, need, err);
    return rc;
}

int clog_reserve(clog_t *self, size_t bytes, err_t *err)
{
    return s_room(self, self->len + bytes, err);
}

int clog_sync(clog_t *self, err_t *err)
{
    if (!self->len)
        return self->broken ? s_room(self, 0, err) : OPCAT_OK;
    int rc = s_room(self, self->len, err);
    if (rc) {
        clog_rewind(self, 0);
        return rc;
    }
    segment_t *seg = &self->segs[self->nsegs - 1];
    int e = s_write_all(self->fd, self->buf, self->len, seg->end);
    if (!e && fdatasync(self->fd))
        e = errno;
    if (e) {
        /* the bytes may be on disk: zero them so that no restart finds
           records that were answered FAILED */
        if (s_zero(self->fd, seg->end, seg->end + self->len))
            self->broken = true;
        clog_rewind(self, 0);
        char path[4200];
        s_path(self, seg->first, path, sizeof path);
        return s_errno(err, e, "write", path);
    }
    seg->end += self->len;
    seg->last = self->last = self->buffered_last;
    self->len = 0;
    return OPCAT_OK;
}

int clog_release(clog_t *self, uint64_t applied, err_t *err)
{
    (void)err;
    size_t n = 0; /* segments wholly applied, oldest first */
    while (n + 1 < self->nsegs && self->segs[n].last <= applied)
        n++;
    size_t removable = n > self->opt.keep ? n - self->opt.keep : 0;
    for (size_t i = 0; i < removable; i++) {
        char path[4200];
        s_path(self, self->segs[i].first, path, sizeof path);
        if (unlink(path) != 0) {
            log_warnx("clog: cannot remove %s: %s", path, strerror(errno));
            removable = i;
            break;
        }
    }
    if (removable) {
        memmove(self->segs, self->segs + removable,
                (self->nsegs - removable) * sizeof *self->segs);
        self->nsegs -= removable;
    }
    return (int)removable;
}
