/*  clog: the store's commit log, one sequential append and one fdatasync
    per group commit.

    Segment files in the store's directory, named clog-<first sequence>
    (20 digits), hold framed records back to back:

      +----------+----------+-------------+---------------------------+
      | u32 len  | u32 crc  | u64 seq     | payload (len bytes)       |
      +----------+----------+-------------+---------------------------+

    little-endian; 'crc' is zlib's CRC-32 of seq and payload.  A zero
    'len' ends the segment's records.  Files grow in extents written with
    zeros and synced once (clog_options_t.extent), so the fdatasync of a
    commit writes the records' data blocks and no file-system metadata.

    Appends go to a buffer (clog_append); clog_sync writes the buffer at
    the end of the log and syncs it once: only after it returned may the
    records be acknowledged.  A record's sequence is always its
    predecessor's plus one, across segments.

    On open, every segment is read: a record that is short, has a wrong
    checksum or a sequence out of order ends the log (a torn or corrupt
    tail, never acknowledged): it is cut there, zeroed, and the cut is
    logged with its file and offset. */
#ifndef OPCAT_CLOG_H
#define OPCAT_CLOG_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

typedef struct clog clog_t;

typedef struct {
    size_t segment_size; /* bytes after which a new segment starts; 0: 64 MiB */
    size_t extent;       /* bytes a file grows by at once; 0: 4 MiB */
    unsigned keep;       /* wholly applied segments kept (retention) */
} clog_options_t;

/*  Opens the log in directory 'dir' (which must exist), reading every
    segment and cutting a torn tail.  'after' is the sequence the caller
    already holds elsewhere (LMDB's applied position): the log's first
    record, if any, must be at most after + 1.  'options' may be NULL.
    Returns NULL and fills 'err' on failure.  Some possible errors are:
      OPCAT_EIO     records are missing between 'after' and the log's
                    first one, or a file could not be read or cut;
      OPCAT_ENOSPC  no room to cut a torn tail;
      OPCAT_ENOMEM. */
clog_t *clog_open(const char *dir, uint64_t after,
                  const clog_options_t *options, err_t *err);

/*  Closes the files; '*self' becomes NULL.  NULL is allowed. */
void clog_destroy(clog_t **self);

/*  The sequence of the last record synced (or 'after' of clog_open if the
    log holds none after it). */
uint64_t clog_last(const clog_t *self);

/*  Called for each record by clog_read; bytes valid during the call.  A
    non-zero return stops the read and is returned by clog_read. */
typedef int (*clog_record_fn)(void *arg, uint64_t seq, const uint8_t *data,
                              size_t len);

/*  Calls 'fn' for every synced record with a sequence after 'after', in
    order.  Returns 0, fn's non-zero return (handed back as it came), or
    a negative OPCAT code: OPCAT_EIO, OPCAT_ENOMEM. */
int clog_read(clog_t *self, uint64_t after, clog_record_fn fn, void *arg,
              err_t *err);

/*  Buffers a record; its sequence must follow the last one buffered or
    synced.  0 or OPCAT_ENOMEM / OPCAT_EINVAL. */
int clog_append(clog_t *self, uint64_t seq, const uint8_t *data, size_t len,
                err_t *err);

/*  Makes sure 'bytes' more than what is buffered can be synced without
    growing a file: a new segment, or zeros written and synced at the end
    of the last one.  A full disk shows here (OPCAT_ENOSPC), before the
    caller has done anything it would have to undo. */
int clog_reserve(clog_t *self, size_t bytes, err_t *err);

/*  How much is buffered: a mark for clog_rewind. */
size_t clog_mark(const clog_t *self);

/*  Drops what was buffered after 'mark' (a refused atomic batch). */
void clog_rewind(clog_t *self, size_t mark);

/*  Writes the buffer at the end of the log and fdatasyncs it once.  On
    success the buffer is empty and clog_last() moved.  On failure
    (OPCAT_ENOSPC, OPCAT_EIO) nothing of the buffer counts as written: it
    is dropped, its bytes on disk are overwritten with zeros, and the next
    sync writes at the same place.  If even that fails the log refuses
    every later sync (OPCAT_EIO) until it is opened again. */
int clog_sync(clog_t *self, err_t *err);

/*  Removes the segments whose records all have sequences <= 'applied'
    (held durably elsewhere), except the segment being written and the
    last 'keep' of them.  Returns how many were removed (a file that
    cannot be removed is logged and kept). */
int clog_release(clog_t *self, uint64_t applied, err_t *err);

/*  The number of segment files (for tests and logs). */
size_t clog_segments(const clog_t *self);

#endif
