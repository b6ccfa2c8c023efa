/*  guard: the connections, their limits and the reaper.

    libmicrohttpd refuses a connection beyond its own limits with no HTTP
    answer at all, so its limits are set above the gateway's (http.c):
    twice the gateway's, overall and per address, plus GW_RESERVED.  The
    gateway counts the requests it admits and answers 503 with
    Retry-After beyond its own limits; /healthz and /metrics are exempt,
    so they are answered from the reserve even when the limits are
    reached.

    libmicrohttpd closes a connection only after a whole idle timeout, and
    a byte every few seconds resets it.  The reaper, a thread of its own,
    therefore closes (shutdown(2), which the connection's thread then sees
    as the end of the connection) what would hold a thread for nothing:
    a connection whose request headers have not all arrived
    --header-timeout seconds after it opened or after its previous answer,
    and a stream whose client has not taken the text handed out
    --stall-timeout seconds ago (it resumes with Last-Event-ID).

    Connections still awaiting their headers are cheap to make and cost
    a thread each.  They are capped like requests, at --max-per-client
    from one address and --max-connections overall, by closing the one
    that has waited longest for each new one beyond, sparing one whose
    whole request head already waits unread (its thread not yet run, as in
    a burst of reconnections just after the reaper emptied the slots): so
    admitted requests, connections awaiting headers and the reserve never
    reach libmicrohttpd's limit, and a client that sends its request at once
    (/healthz) gets in even among slow ones from its own address.

    A record lives from the connection's STARTED notification to its
    CLOSED one, which libmicrohttpd sends before it closes the socket, so
    the reaper never shuts down a descriptor that another connection has
    reused.  Records are in one list under one mutex; a few hundred
    connections make a scan cheap. */
#include <arpa/inet.h>
#include <assert.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "gw.h"
#include "log.h"
#include "monotime.h"

#define REAP_EVERY_MS 100

struct gw_conn {
    struct gw_conn *prev, *next;
    char addr[INET6_ADDRSTRLEN]; /* the client's address, without port */
    int fd;
    int64_t waiting_since_ms; /* headers awaited since; 0 while answering */
    atomic_int_fast64_t handed_ms; /* stream: text handed out, not taken */
    bool admitted;                 /* counts against the limits */
    bool closing;                  /* shut down by the reaper */
};

struct gw_guard {
    gw_t *gw;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    gw_conn_t *head;
    unsigned admitted; /* requests admitted and not complete */
    unsigned open;     /* records, closing ones included */
    unsigned closing;  /* of them shut down, not yet closed */
    bool stop;
    bool started;
    pthread_t reaper;
};

/* ---------------------------------------------------------------- reaper */

/*  Whether 'c' is due to be closed at 'now', and why (counted). */
static bool s_due(gw_guard_t *self, const gw_conn_t *c, int64_t now)
{
    const gw_options_t *o = &self->gw->options;
    gw_counters_t *k = &self->gw->counters;
    if (c->closing)
        return false;
    if (c->waiting_since_ms &&
        now - c->waiting_since_ms > (int64_t)o->header_timeout_s * 1000) {
        atomic_fetch_add(&k->closed_header_timeout, 1);
        return true;
    }
    int64_t handed = atomic_load(&c->handed_ms);
    if (handed && now - handed > (int64_t)o->stall_timeout_s * 1000) {
        atomic_fetch_add(&k->closed_stalled, 1);
        return true;
    }
    return false;
}

/*  Closes 'c' (the lock held): its thread sees the end of the
    connection and libmicrohttpd closes it. */
static void s_shutdown(gw_guard_t *self, gw_conn_t *c, const char *why)
{
    log_debug("http: closing a connection from %s (%s)", c->addr, why);
    if (c->fd >= 0)
        shutdown(c->fd, SHUT_RDWR);
    c->closing = true;
    self->closing++;
}

static void s_reap(gw_guard_t *self)
{
    int64_t now = monotime_ms();
    for (gw_conn_t *c = self->head; c; c = c->next)
        if (s_due(self, c, now))
            s_shutdown(self, c,
                       c->waiting_since_ms ? "headers too slow"
                                           : "stream not read");
}

/*  Whether the whole head of a request (up to its blank line) waits
    unread on 'c': its client sent it at once and only its thread has not
    run yet, so it is not slow.  A peek: the bytes stay for the thread. */
static bool s_head_waiting(const gw_conn_t *c)
{
    char buf[2048];
    ssize_t n = c->fd < 0
                    ? -1
                    : recv(c->fd, buf, sizeof buf - 1, MSG_PEEK | MSG_DONTWAIT);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    return strstr(buf, "\r\n\r\n") != NULL;
}

/*  The connection to close first among those awaiting their headers from
    'addr' (NULL: from anywhere): the oldest of those whose request head
    has not all come, else the oldest; and how many there are (the lock
    held). */
static gw_conn_t *s_oldest_waiting(gw_guard_t *self, const char *addr,
                                   unsigned *count)
{
    gw_conn_t *oldest = NULL, *oldest_slow = NULL;
    *count = 0;
    for (gw_conn_t *c = self->head; c; c = c->next) {
        if (c->closing || !c->waiting_since_ms ||
            (addr && strcmp(addr, c->addr) != 0))
            continue;
        ++*count;
        if (!oldest || c->waiting_since_ms <= oldest->waiting_since_ms)
            oldest = c;
        if ((!oldest_slow ||
             c->waiting_since_ms <= oldest_slow->waiting_since_ms) &&
            !s_head_waiting(c))
            oldest_slow = c;
    }
    return oldest_slow ? oldest_slow : oldest;
}

/*  Caps the connections awaiting their headers from the address of the
    new connection 'c' at --max-per-client, and overall at
    --max-connections, by closing the oldest (the lock held). */
static void s_make_room(gw_guard_t *self, const gw_conn_t *c)
{
    const gw_options_t *o = &self->gw->options;
    unsigned n;
    gw_conn_t *oldest;
    while ((oldest = s_oldest_waiting(self, c->addr, &n)) &&
           n > o->max_per_client) {
        atomic_fetch_add(&self->gw->counters.closed_crowded, 1);
        s_shutdown(self, oldest, "crowded out while awaiting its headers");
    }
    while ((oldest = s_oldest_waiting(self, NULL, &n)) &&
           n > o->max_connections) {
        atomic_fetch_add(&self->gw->counters.closed_crowded, 1);
        s_shutdown(self, oldest, "crowded out while awaiting its headers");
    }
}

static void *s_reaper(void *arg)
{
    gw_guard_t *self = arg;
    pthread_mutex_lock(&self->lock);
    while (!self->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += REAP_EVERY_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&self->wake, &self->lock, &until);
        if (!self->stop)
            s_reap(self);
    }
    pthread_mutex_unlock(&self->lock);
    return NULL;
}

/* ------------------------------------------------------------- lifecycle */

gw_guard_t *gw_guard_new(gw_t *gw, err_t *err)
{
    gw_guard_t *self = calloc(1, sizeof *self);
    if (!self) {
        err_set(err, OPCAT_ENOMEM, NULL, "out of memory");
        return NULL;
    }
    self->gw = gw;
    pthread_mutex_init(&self->lock, NULL);
    pthread_cond_init(&self->wake, NULL);
    if (pthread_create(&self->reaper, NULL, s_reaper, self) != 0) {
        err_set(err, OPCAT_ENOMEM, NULL, "cannot start the reaper thread");
        gw_guard_destroy(&self);
        return NULL;
    }
    self->started = true;
    return self;
}

void gw_guard_destroy(gw_guard_t **self_p)
{
    gw_guard_t *self = *self_p;
    if (!self)
        return;
    if (self->started) {
        pthread_mutex_lock(&self->lock);
        self->stop = true;
        pthread_cond_signal(&self->wake);
        pthread_mutex_unlock(&self->lock);
        pthread_join(self->reaper, NULL);
    }
    /* the server has stopped: every CLOSED notification has come */
    assert(self->head == NULL);
    pthread_cond_destroy(&self->wake);
    pthread_mutex_destroy(&self->lock);
    free(self);
    *self_p = NULL;
}

/* ----------------------------------------------------------- connections */

static void s_address_text(struct MHD_Connection *conn, char *out, size_t len)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = info ? info->client_addr : NULL;
    const void *bytes = NULL;
    if (sa && sa->sa_family == AF_INET)
        bytes = &((const struct sockaddr_in *)sa)->sin_addr;
    else if (sa && sa->sa_family == AF_INET6)
        bytes = &((const struct sockaddr_in6 *)sa)->sin6_addr;
    if (!bytes || !inet_ntop(sa->sa_family, bytes, out, (socklen_t)len))
        snprintf(out, len, "?");
}

static void s_started(gw_guard_t *self, struct MHD_Connection *conn,
                      void **socket_context)
{
    gw_conn_t *c = calloc(1, sizeof *c);
    *socket_context = c;
    if (!c)
        return; /* unguarded: counted nowhere, closed by the idle timeout */
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    c->fd = info ? info->connect_fd : -1;
    s_address_text(conn, c->addr, sizeof c->addr);
    c->waiting_since_ms = monotime_ms();
    atomic_init(&c->handed_ms, 0);
    pthread_mutex_lock(&self->lock);
    c->next = self->head;
    if (self->head)
        self->head->prev = c;
    self->head = c;
    self->open++;
    s_make_room(self, c);
    pthread_mutex_unlock(&self->lock);
    atomic_fetch_add(&self->gw->counters.connections_open, 1);
}

static void s_closed(gw_guard_t *self, gw_conn_t *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&self->lock);
    if (c->prev)
        c->prev->next = c->next;
    else
        self->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    if (c->admitted)
        self->admitted--; /* no COMPLETED notification came */
    self->open--;
    self->closing -= c->closing;
    pthread_mutex_unlock(&self->lock);
    atomic_fetch_sub(&self->gw->counters.connections_open, 1);
    free(c);
}

void gw_guard_notify(void *cls, struct MHD_Connection *conn,
                     void **socket_context,
                     enum MHD_ConnectionNotificationCode code)
{
    gw_guard_t *self = ((gw_t *)cls)->guard;
    if (code == MHD_CONNECTION_NOTIFY_STARTED)
        s_started(self, conn, socket_context);
    else
        s_closed(self, *socket_context);
}

gw_conn_t *gw_guard_conn(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? info->socket_context : NULL;
}

/*  Requests admitted from 'addr' (the lock held). */
static unsigned s_from(const gw_guard_t *self, const char *addr)
{
    unsigned n = 0;
    for (const gw_conn_t *c = self->head; c; c = c->next)
        n += c->admitted && strcmp(c->addr, addr) == 0;
    return n;
}

gw_admit_t gw_guard_admit(gw_guard_t *self, struct MHD_Connection *conn,
                          bool exempt)
{
    gw_conn_t *c = gw_guard_conn(conn);
    const gw_options_t *o = &self->gw->options;
    gw_admit_t verdict = GW_ADMIT_EXEMPT;
    pthread_mutex_lock(&self->lock);
    if (c)
        c->waiting_since_ms = 0; /* the headers are in */
    if (!exempt && c) {
        if (self->admitted >= o->max_connections)
            verdict = GW_ADMIT_BUSY;
        else if (s_from(self, c->addr) >= o->max_per_client)
            verdict = GW_ADMIT_CLIENT;
        else {
            verdict = GW_ADMIT_OK;
            c->admitted = true;
            self->admitted++;
        }
    }
    pthread_mutex_unlock(&self->lock);
    if (verdict == GW_ADMIT_BUSY || verdict == GW_ADMIT_CLIENT)
        atomic_fetch_add(&self->gw->counters.refused[verdict == GW_ADMIT_BUSY
                                                         ? GW_REFUSED_BUSY
                                                         : GW_REFUSED_CLIENT],
                         1);
    return verdict;
}

void gw_guard_done(gw_guard_t *self, struct MHD_Connection *conn)
{
    gw_conn_t *c = gw_guard_conn(conn);
    if (!c)
        return;
    pthread_mutex_lock(&self->lock);
    if (c->admitted)
        self->admitted--;
    c->admitted = false;
    /* a kept-alive connection has header-timeout seconds for the next */
    c->waiting_since_ms = monotime_ms();
    atomic_store(&c->handed_ms, 0);
    pthread_mutex_unlock(&self->lock);
}

void gw_guard_handed(gw_conn_t *conn, bool handed)
{
    if (conn)
        atomic_store(&conn->handed_ms, handed ? monotime_ms() : 0);
}
