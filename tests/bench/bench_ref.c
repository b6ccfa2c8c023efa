/*  bench_ref: the reference rows, measured in the same run as the store.

      raw LMDB   the store's own layout without the daemon: 8-byte
                 big-endian keys, MDB_APPEND, a durable commit every
                 'batch' events; with 'index', also the ids and by_state
                 entries the store (storage/group.c) writes for each event.
      raw zmq    DEALER/ROUTER over tcp loopback, requests the size of an
                 AppendRequest of one benchmark event, a 16-byte reply.
      Redis      XADD of the same packed event to one stream of a
                 redis-server with appendonly yes, appendfsync always.
      fsync      the disk's floor under a durable commit: a 4 KiB pwrite
                 and fdatasync, timed one by one (an LMDB commit makes
                 two, the data and then the meta page). */
#include <arpa/inet.h>
#include <errno.h>
#include <lmdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zmq.h>

#include "be64.h"
#include "bench.h"

/* -------------------------------------------------------------- raw LMDB */

typedef struct {
    MDB_env *env;
    MDB_dbi log, ids, by_state;
    uint8_t record[BENCH_EVENT_BYTES + 32];
    size_t record_len;
} lmdb_run_t;

static int s_lmdb_open(lmdb_run_t *r, const char *dir)
{
    MDB_txn *txn;
    int rc = mdb_env_create(&r->env);
    if (!rc) {
        mdb_env_set_maxdbs(r->env, 8);
        mdb_env_set_mapsize(r->env, (size_t)8 << 30);
        rc = mdb_env_open(r->env, dir, MDB_NOTLS, 0644);
    }
    if (!rc && !(rc = mdb_txn_begin(r->env, NULL, 0, &txn))) {
        mdb_dbi_open(txn, "log", MDB_CREATE, &r->log);
        mdb_dbi_open(txn, "ids", MDB_CREATE, &r->ids);
        mdb_dbi_open(txn, "by_state", MDB_CREATE, &r->by_state);
        rc = mdb_txn_commit(txn);
    }
    return rc;
}

/*  Writes event 'seq' as the store's group.c would: record, id, State entry. */
static int s_lmdb_put(lmdb_run_t *r, MDB_txn *txn, const bench_opts_t *o,
                      uint64_t seq)
{
    uint8_t key_be[8], state_key[11];
    be64_put(key_be, seq);
    MDB_val key = {8, key_be}, val = {r->record_len, r->record};
    int rc = mdb_put(txn, r->log, &key, &val, MDB_APPEND);
    if (rc || !o->index)
        return rc;
    char id[EVENT_ID_MAX + 1];
    int len = snprintf(id, sizeof id, "%s-0-%016llx", o->run,
                       (unsigned long long)bench_mix(seq));
    MDB_val id_key = {(size_t)len, id}, seq_val = {8, key_be};
    if ((rc = mdb_put(txn, r->ids, &id_key, &seq_val, 0)))
        return rc;
    memcpy(state_key, "AAA", 3);
    state_key[2] = (char)('A' + seq % 15); /* 15 States, as the events */
    memcpy(state_key + 3, key_be, 8);
    MDB_val skey = {sizeof state_key, state_key}, empty = {0, NULL};
    return mdb_put(txn, r->by_state, &skey, &empty, 0);
}

int bench_lmdb(const bench_opts_t *o)
{
    lmdb_run_t r = {0};
    bench_event_t e;
    bench_event_fill(&e, o->run, 0, 0, NULL);
    char topic[EVENT_TOPIC_MAX];
    event_topic(&e.env, topic);
    size_t topic_len = strlen(topic);
    r.record[0] = (uint8_t)topic_len;
    memcpy(r.record + 1, topic, topic_len);
    r.record_len = 1 + topic_len +
                   opcat__v1__envelope__pack(&e.env, r.record + 1 + topic_len);
    int rc = s_lmdb_open(&r, o->dir);
    uint64_t batch = o->batch ? o->batch : 1, seq = 1, commits = 0;
    uint64_t t0 = bench_now_ns(), stop = t0 + (uint64_t)(o->seconds * 1e9);
    while (!rc && seq <= o->events && bench_now_ns() < stop) {
        MDB_txn *txn;
        if ((rc = mdb_txn_begin(r.env, NULL, 0, &txn)))
            break;
        for (uint64_t i = 0; i < batch && seq <= o->events && !rc; i++)
            rc = s_lmdb_put(&r, txn, o, seq++);
        rc = rc ? (mdb_txn_abort(txn), rc) : mdb_txn_commit(txn);
        commits++;
    }
    double secs = (double)(bench_now_ns() - t0) / 1e9;
    if (rc)
        fprintf(stderr, "opcat-bench: lmdb: %s\n", mdb_strerror(rc));
    mdb_env_close(r.env);
    bench_print("lmdb",
                "index=%d batch=%llu events=%llu commits=%llu secs=%.2f "
                "rate=%.0f",
                o->index, (unsigned long long)batch,
                (unsigned long long)(seq - 1), (unsigned long long)commits,
                secs, (double)(seq - 1) / secs);
    return rc ? -1 : 0;
}

/* --------------------------------------------------------------- raw zmq */

/*  One client thread of a timed request/reply run (zmq or Redis). */
typedef struct {
    const bench_opts_t *o;
    void *ctx;            /* zmq */
    const char *endpoint; /* zmq */
    int thread;
    uint64_t stop_ns, done;
    bench_samples_t lat;
    int rc;
} client_run_t;

/*  Echoes a 16-byte reply to every request until '*stop'. */
typedef struct {
    void *socket;
    volatile int stop;
} echo_t;

static void *s_echo(void *arg)
{
    echo_t *echo = arg;
    zmq_pollitem_t item = {echo->socket, 0, ZMQ_POLLIN, 0};
    char reply[16] = "ok";
    while (!echo->stop) {
        if (zmq_poll(&item, 1, 100) != 1)
            continue;
        zmq_msg_t id, body;
        zmq_msg_init(&id);
        zmq_msg_init(&body);
        zmq_msg_recv(&id, echo->socket, 0);
        zmq_msg_recv(&body, echo->socket, 0);
        zmq_msg_send(&id, echo->socket, ZMQ_SNDMORE);
        zmq_send(echo->socket, reply, sizeof reply, 0);
        zmq_msg_close(&id);
        zmq_msg_close(&body);
    }
    return NULL;
}

/*  The bytes of a one-event AppendRequest (the size the store gets). */
static size_t s_request(const bench_opts_t *o, uint8_t *buf, size_t cap)
{
    bench_event_t e;
    bench_event_fill(&e, o->run, 0, 0, NULL);
    event_t *events[] = {&e.env};
    Opcat__V1__AppendRequest req = OPCAT__V1__APPEND_REQUEST__INIT;
    req.request_id = 1;
    req.n_events = 1;
    req.events = events;
    size_t len = opcat__v1__append_request__get_packed_size(&req);
    return len <= cap ? opcat__v1__append_request__pack(&req, buf) : 0;
}

static void *s_zmq_client(void *arg)
{
    client_run_t *c = arg;
    uint8_t req[512];
    size_t len = s_request(c->o, req, sizeof req);
    void *sock = zmq_socket(c->ctx, ZMQ_DEALER);
    zmq_connect(sock, c->endpoint);
    uint64_t sent_at[BENCH_WINDOW_MAX]; /* a ring: replies come in order */
    uint64_t sent = 0, got = 0, ring = (uint64_t)c->o->window;
    for (;;) {
        while (sent - got < ring && bench_now_ns() < c->stop_ns) {
            sent_at[sent++ % ring] = bench_now_ns();
            zmq_send(sock, req, len, 0);
        }
        if (sent == got)
            break;
        char reply[64];
        if (zmq_recv(sock, reply, sizeof reply, 0) < 0) {
            c->rc = -1;
            break;
        }
        bench_samples_add(&c->lat, bench_now_ns() - sent_at[got++ % ring]);
    }
    c->done = got;
    zmq_close(sock);
    return NULL;
}

typedef void *(*client_fn)(void *);

/*  Runs o->threads clients of 'fn' for o->seconds; prints 'name'. */
static int s_clients(const bench_opts_t *o, client_fn fn, void *ctx,
                     const char *endpoint, const char *name)
{
    client_run_t c[BENCH_THREADS_MAX];
    pthread_t tid[BENCH_THREADS_MAX];
    bench_samples_t lat = {0};
    uint64_t t0 = bench_now_ns(), done = 0;
    int rc = 0;
    for (int i = 0; i < o->threads; i++) {
        c[i] = (client_run_t){o, ctx, endpoint, i, 0, 0, {0}, 0};
        c[i].stop_ns = t0 + (uint64_t)(o->seconds * 1e9);
        pthread_create(&tid[i], NULL, fn, &c[i]);
    }
    for (int i = 0; i < o->threads; i++) {
        pthread_join(tid[i], NULL);
        done += c[i].done;
        rc |= c[i].rc;
        bench_samples_merge(&lat, &c[i].lat);
    }
    double secs = (double)(bench_now_ns() - t0) / 1e9;
    bench_print(name,
                "threads=%d window=%d events=%llu secs=%.2f rate=%.0f "
                "p50_us=%.0f p99_us=%.0f",
                o->threads, o->window, (unsigned long long)done, secs,
                (double)done / secs, bench_samples_us(&lat, 0.50),
                bench_samples_us(&lat, 0.99));
    bench_samples_free(&lat);
    return rc;
}

int bench_zmq(const bench_opts_t *o)
{
    void *server_ctx = zmq_ctx_new(), *ctx = zmq_ctx_new();
    echo_t echo = {zmq_socket(server_ctx, ZMQ_ROUTER), 0};
    int one = 1;
    zmq_setsockopt(echo.socket, ZMQ_ROUTER_MANDATORY, &one, sizeof one);
    char endpoint[256];
    size_t len = sizeof endpoint;
    if (zmq_bind(echo.socket, "tcp://127.0.0.1:*") ||
        zmq_getsockopt(echo.socket, ZMQ_LAST_ENDPOINT, endpoint, &len))
        return -1;
    pthread_t tid;
    pthread_create(&tid, NULL, s_echo, &echo);
    int rc = s_clients(o, s_zmq_client, ctx, endpoint, "zmq");
    echo.stop = 1;
    pthread_join(tid, NULL);
    zmq_close(echo.socket);
    zmq_ctx_term(ctx);
    zmq_ctx_term(server_ctx);
    return rc;
}

/* ----------------------------------------------------------------- Redis */

/*  A RESP connection: a socket and what was read but not parsed. */
typedef struct {
    int fd;
    char in[65536];
    size_t have;
} resp_t;

static int s_resp_connect(resp_t *r, int port)
{
    struct sockaddr_in addr = {.sin_family = AF_INET,
                               .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    r->have = 0;
    r->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (r->fd < 0)
        return -1;
    setsockopt(r->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return connect(r->fd, (struct sockaddr *)&addr, sizeof addr);
}

/*  Appends "XADD bench * d <event n>" to 'out'; returns its length. */
static size_t s_xadd(const client_run_t *c, uint64_t n, char *out)
{
    bench_event_t e;
    uint8_t packed[BENCH_EVENT_BYTES + 64];
    bench_event_fill(&e, c->o->run, c->thread, n, NULL);
    size_t len = opcat__v1__envelope__pack(&e.env, packed);
    int head = sprintf(out,
                       "*5\r\n$4\r\nXADD\r\n$5\r\nbench\r\n$1\r\n*\r\n"
                       "$1\r\nd\r\n$%zu\r\n",
                       len);
    memcpy(out + head, packed, len);
    memcpy(out + head + len, "\r\n", 2);
    return (size_t)head + len + 2;
}

static int s_write_all(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/*  Parses the complete replies in 'r'; returns how many, -1 on an
    error reply. */
static int s_resp_parse(resp_t *r)
{
    size_t pos = 0;
    int count = 0;
    for (;;) {
        char *eol = memmem(r->in + pos, r->have - pos, "\r\n", 2);
        if (!eol)
            break;
        size_t line_end = (size_t)(eol - r->in) + 2, end = line_end;
        if (r->in[pos] == '-') {
            fprintf(stderr, "opcat-bench: redis: %.*s\n",
                    (int)(line_end - pos - 2), r->in + pos);
            return -1;
        }
        if (r->in[pos] == '$')
            end += (size_t)strtol(r->in + pos + 1, NULL, 10) + 2;
        if (end > r->have)
            break;
        pos = end;
        count++;
    }
    memmove(r->in, r->in + pos, r->have - pos);
    r->have -= pos;
    return count;
}

/*  Sends 'k' commands in one write. */
static int s_redis_send(client_run_t *c, resp_t *r, uint64_t *sent, int k,
                        uint64_t *sent_at, uint64_t ring)
{
    static const size_t per = BENCH_EVENT_BYTES + 128;
    char *buf = malloc((size_t)k * per);
    size_t len = 0;
    if (!buf)
        return -1;
    for (int i = 0; i < k; i++) {
        sent_at[*sent % ring] = bench_now_ns();
        len += s_xadd(c, (*sent)++, buf + len);
    }
    int rc = s_write_all(r->fd, buf, len);
    free(buf);
    return rc;
}

static void *s_redis_client(void *arg)
{
    client_run_t *c = arg;
    resp_t *r = malloc(sizeof *r);
    uint64_t sent_at[BENCH_WINDOW_MAX], sent = 0, got = 0;
    uint64_t ring = (uint64_t)c->o->window;
    if (!r || s_resp_connect(r, c->o->port)) {
        c->rc = -1;
        free(r);
        return NULL;
    }
    for (;;) {
        int k = (int)(ring - (sent - got));
        if (k > 0 && bench_now_ns() < c->stop_ns &&
            s_redis_send(c, r, &sent, k, sent_at, ring))
            c->rc = -1;
        if (sent == got || c->rc)
            break;
        ssize_t n = read(r->fd, r->in + r->have, sizeof r->in - r->have);
        int replies = n > 0 ? (r->have += (size_t)n, s_resp_parse(r)) : -1;
        if (replies < 0) {
            c->rc = -1;
            break;
        }
        for (int i = 0; i < replies; i++)
            bench_samples_add(&c->lat, bench_now_ns() - sent_at[got++ % ring]);
    }
    c->done = got;
    close(r->fd);
    free(r);
    return NULL;
}

int bench_redis(const bench_opts_t *o)
{
    return s_clients(o, s_redis_client, NULL, NULL, "redis");
}

/* ----------------------------------------------------------------- fsync */

int bench_fsync(const bench_opts_t *o)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/fsync.bench", o->dir ? o->dir : ".");
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        fprintf(stderr, "opcat-bench: fsync: %s: %s\n", path, strerror(errno));
        return -1;
    }
    static uint8_t page[4096];
    memset(page, 'x', sizeof page);
    bench_samples_t lat = {0};
    uint64_t n = o->events ? o->events : 2000, done = 0;
    uint64_t stop = bench_now_ns() + (uint64_t)(o->seconds * 1e9);
    int rc = 0;
    for (; done < n && !rc && bench_now_ns() < stop; done++) {
        /* 256 pages rewritten in turn: a file that stays allocated, as
           LMDB's does once its map has grown */
        off_t at = (off_t)(done % 256) * (off_t)sizeof page;
        uint64_t t0 = bench_now_ns();
        if (pwrite(fd, page, sizeof page, at) != (ssize_t)sizeof page ||
            fdatasync(fd))
            rc = -1;
        bench_samples_add(&lat, bench_now_ns() - t0);
    }
    if (rc)
        fprintf(stderr, "opcat-bench: fsync: %s\n", strerror(errno));
    close(fd);
    unlink(path);
    bench_print("fsync", "writes=%llu p50_us=%.0f p99_us=%.0f p999_us=%.0f",
                (unsigned long long)done, bench_samples_us(&lat, 0.5),
                bench_samples_us(&lat, 0.99), bench_samples_us(&lat, 0.999));
    bench_samples_free(&lat);
    return rc;
}
