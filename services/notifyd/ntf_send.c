/*  send: one curl multi handle, a fixed array of transfer slots. */
#include "ntf_send.h"

#include <curl/curl.h>
#include <stdio.h>
#include <zmq.h>
#include <stdlib.h>
#include <string.h>

#include "ntf_message.h"
#include "version.h"

#define CONNECT_TIMEOUT_MAX_MS 5000

/*  One attempt. */
typedef struct {
    bool used;
    bool ended; /* could not start: 'error' says why */
    CURL *easy; /* NULL when ended before starting */
    ntf_delivery_t delivery;
    char *payload; /* the mail or the JSON body */
    size_t len, off;
    struct curl_slist *list; /* HTTP headers or SMTP recipients */
    char error[NTF_ERROR_MAX];
    char curl_error[CURL_ERROR_SIZE];
} transfer_t;

struct ntf_sender {
    const ntf_settings_t *settings;
    CURLM *multi;
    transfer_t slots[NTF_MAX_IN_FLIGHT];
    loop_t *loop;   /* attached: curl's sockets and timer are here */
    uint64_t timer; /* the loop timer curl asked for, or 0 */
    int running;    /* transfers curl reported running */
    void (*ended)(void *arg);
    void *ended_arg;
};

ntf_sender_t *ntf_sender_new(const ntf_settings_t *settings, err_t *err)
{
    ntf_sender_t *self = calloc(1, sizeof *self);
    if (!self || !(self->multi = curl_multi_init())) {
        free(self);
        err_set(err, OPCAT_ENOMEM, "", "curl_multi_init failed");
        return NULL;
    }
    self->settings = settings;
    return self;
}

/*  Frees what a slot holds and marks it free. */
static void s_release(ntf_sender_t *self, transfer_t *t)
{
    if (t->easy) {
        curl_multi_remove_handle(self->multi, t->easy);
        curl_easy_cleanup(t->easy);
    }
    curl_slist_free_all(t->list);
    free(t->payload);
    memset(t, 0, sizeof *t);
}

void ntf_sender_destroy(ntf_sender_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    ntf_sender_t *self = *self_p;
    for (size_t i = 0; i < NTF_MAX_IN_FLIGHT; i++)
        if (self->slots[i].used)
            s_release(self, &self->slots[i]);
    curl_multi_cleanup(self->multi);
    free(self);
    *self_p = NULL;
}

/*  After curl acted: tells the owner when a transfer ended. */
static void s_after_action(ntf_sender_t *self, int running)
{
    bool ended = running < self->running;
    self->running = running;
    if (ended && self->ended)
        self->ended(self->ended_arg);
}

static void s_on_socket(loop_t *loop, void *socket, int fd, short revents,
                        void *arg)
{
    (void)loop, (void)socket;
    ntf_sender_t *self = arg;
    int mask = (revents & ZMQ_POLLIN ? CURL_CSELECT_IN : 0) |
               (revents & ZMQ_POLLOUT ? CURL_CSELECT_OUT : 0) |
               (revents & ZMQ_POLLERR ? CURL_CSELECT_ERR : 0);
    int running = 0;
    curl_multi_socket_action(self->multi, fd, mask, &running);
    s_after_action(self, running);
}

static int64_t s_on_timer(loop_t *loop, uint64_t id, void *arg)
{
    (void)loop, (void)id;
    ntf_sender_t *self = arg;
    self->timer = 0; /* curl may ask for a new one while acting */
    int running = 0;
    curl_multi_socket_action(self->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    s_after_action(self, running);
    return LOOP_TIMER_DONE;
}

/*  CURLMOPT_SOCKETFUNCTION: curl says which events it waits for on 's'. */
static int s_socket_fn(CURL *easy, curl_socket_t s, int what, void *arg,
                       void *known)
{
    (void)easy;
    ntf_sender_t *self = arg;
    if (what == CURL_POLL_REMOVE) {
        loop_remove_fd(self->loop, s);
        return 0;
    }
    short events = (what & CURL_POLL_IN ? ZMQ_POLLIN : 0) |
                   (what & CURL_POLL_OUT ? ZMQ_POLLOUT : 0);
    if (known)
        return loop_set_fd_events(self->loop, s, events) ? -1 : 0;
    if (loop_add_fd(self->loop, s, events, s_on_socket, self))
        return -1;
    curl_multi_assign(self->multi, s, self); /* 'known' from now on */
    return 0;
}

/*  CURLMOPT_TIMERFUNCTION: curl wants to act in 'ms' (-1: never). */
static int s_timer_fn(CURLM *multi, long ms, void *arg)
{
    (void)multi;
    ntf_sender_t *self = arg;
    if (ms < 0) {
        loop_remove_timer(self->loop, self->timer);
        self->timer = 0;
    } else if (!self->timer || loop_timer_at(self->loop, self->timer, ms)) {
        self->timer = loop_add_timer(self->loop, ms, s_on_timer, self);
    }
    return self->timer || ms < 0 ? 0 : -1;
}

int ntf_sender_attach(ntf_sender_t *self, loop_t *loop,
                      void (*ended)(void *arg), void *arg)
{
    self->loop = loop;
    self->ended = ended;
    self->ended_arg = arg;
    CURLM *m = self->multi;
    if (curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, s_socket_fn) ||
        curl_multi_setopt(m, CURLMOPT_SOCKETDATA, self) ||
        curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, s_timer_fn) ||
        curl_multi_setopt(m, CURLMOPT_TIMERDATA, self))
        return OPCAT_EIO;
    return OPCAT_OK;
}

/*  CURLOPT_READFUNCTION: the mail, in pieces. */
static size_t s_read(char *out, size_t size, size_t n, void *arg)
{
    transfer_t *t = arg;
    size_t room = size * n, left = t->len - t->off;
    size_t k = left < room ? left : room;
    memcpy(out, t->payload + t->off, k);
    t->off += k;
    return k;
}

/*  CURLOPT_WRITEFUNCTION: a webhook's answer body is not needed (and
    curl's default would print it on stdout). */
static size_t s_discard(char *data, size_t size, size_t n, void *arg)
{
    (void)data, (void)arg;
    return size * n;
}

/*  Sets up an SMTP submission.  Returns a message on failure, else NULL. */
static const char *s_setup_mail(const ntf_settings_t *s, transfer_t *t)
{
    char rcpt[NTF_DEST_MAX + 3], from[NTF_DEST_MAX + 3];
    if (!s->smtp_url || !s->smtp_from)
        return "no SMTP server configured (smtp.url, smtp.from)";
    t->payload =
        ntf_message_mail(&t->delivery, s->smtp_from, ntf_now_ms(), &t->len);
    snprintf(rcpt, sizeof rcpt, "<%s>", t->delivery.destination);
    snprintf(from, sizeof from, "<%s>", s->smtp_from);
    if (!t->payload || !(t->list = curl_slist_append(NULL, rcpt)))
        return "out of memory";
    CURL *e = t->easy;
    curl_easy_setopt(e, CURLOPT_URL, s->smtp_url);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(e, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(e, CURLOPT_MAIL_RCPT, t->list);
    curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(e, CURLOPT_READFUNCTION, s_read);
    curl_easy_setopt(e, CURLOPT_READDATA, t);
    curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)t->len);
    if (s->smtp_username)
        curl_easy_setopt(e, CURLOPT_USERNAME, s->smtp_username);
    if (s->smtp_password)
        curl_easy_setopt(e, CURLOPT_PASSWORD, s->smtp_password);
    if (s->smtp_starttls)
        curl_easy_setopt(e, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    return NULL;
}

/*  Sets up a webhook POST.  Returns a message on failure, else NULL. */
static const char *s_setup_webhook(transfer_t *t)
{
    char key[EVENT_ID_MAX + 40], id[NTF_ID_TEXT_MAX + 40];
    char token[EVENT_ID_MAX + 1], did[NTF_ID_TEXT_MAX];
    ntf_message_token(t->delivery.reminder.id, token, sizeof token);
    ntf_delivery_id(&t->delivery, did);
    snprintf(key, sizeof key, "Idempotency-Key: %s", token);
    snprintf(id, sizeof id, "X-Opcat-Delivery-Id: %s", did);
    if (!(t->payload = ntf_message_webhook(&t->delivery)))
        return "out of memory";
    t->len = strlen(t->payload);
    const char *headers[] = {"Content-Type: application/json", key, id,
                             "Expect:"};
    for (size_t i = 0; i < 4; i++) {
        struct curl_slist *l = curl_slist_append(t->list, headers[i]);
        if (!l)
            return "out of memory";
        t->list = l;
    }
    CURL *e = t->easy;
    curl_easy_setopt(e, CURLOPT_URL, t->delivery.destination);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->list);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->payload);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)t->len);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, s_discard);
    return NULL;
}

/*  The options every attempt has; then the channel's. */
static const char *s_setup(ntf_sender_t *self, transfer_t *t)
{
    const ntf_settings_t *s = self->settings;
    long timeout = s->timeout_ms;
    if (!(t->easy = curl_easy_init()))
        return "curl_easy_init failed";
    CURL *e = t->easy;
    /* no signals: curl must never touch our SIGTERM handling */
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                     timeout < CONNECT_TIMEOUT_MAX_MS ? timeout
                                                      : CONNECT_TIMEOUT_MAX_MS);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->curl_error);
    curl_easy_setopt(e, CURLOPT_PRIVATE, t);
    curl_easy_setopt(e, CURLOPT_USERAGENT,
                     "opcat-notifyd/" OPCAT_VERSION_STRING);
    if (s->tls_ca_file)
        curl_easy_setopt(e, CURLOPT_CAINFO, s->tls_ca_file);
    const char *why = t->delivery.channel == NTF_EMAIL ? s_setup_mail(s, t)
                                                       : s_setup_webhook(t);
    if (!why && curl_multi_add_handle(self->multi, e) != CURLM_OK)
        why = "curl_multi_add_handle failed";
    if (!why)
        self->running++; /* until curl_multi_socket_action counts it */
    return why;
}

int ntf_sender_start(ntf_sender_t *self, const ntf_delivery_t *d)
{
    transfer_t *t = NULL;
    for (size_t i = 0; i < NTF_MAX_IN_FLIGHT && !t; i++)
        if (!self->slots[i].used)
            t = &self->slots[i];
    if (!t)
        return OPCAT_ESTATE;
    t->used = true;
    t->delivery = *d;
    const char *why = s_setup(self, t);
    if (why) {
        /* ends at once; the next poll reports it as a failed attempt */
        if (t->easy)
            curl_easy_cleanup(t->easy);
        t->easy = NULL;
        t->ended = true;
        snprintf(t->error, sizeof t->error, "%s", why);
    }
    return OPCAT_OK;
}

bool ntf_sender_busy(const ntf_sender_t *self, uint64_t sequence,
                     unsigned index)
{
    for (size_t i = 0; i < NTF_MAX_IN_FLIGHT; i++) {
        const transfer_t *t = &self->slots[i];
        if (t->used && t->delivery.sequence == sequence &&
            t->delivery.index == index)
            return true;
    }
    return false;
}

size_t ntf_sender_count(const ntf_sender_t *self)
{
    size_t n = 0;
    for (size_t i = 0; i < NTF_MAX_IN_FLIGHT; i++)
        n += self->slots[i].used;
    return n;
}

/*  What ended transfer 't' with 'code' means. */
static void s_outcome(transfer_t *t, CURLcode code, ntf_result_t *r)
{
    long status = 0;
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
    const char *detail =
        *t->curl_error ? t->curl_error : curl_easy_strerror(code);
    bool email = t->delivery.channel == NTF_EMAIL;
    r->outcome = ntf_outcome(t->delivery.channel, code == CURLE_OK, status);
    if (r->outcome == NTF_SENT)
        r->error[0] = '\0';
    else if (code == CURLE_OK)
        snprintf(r->error, sizeof r->error, "HTTP %ld", status);
    else if (status > 0)
        snprintf(r->error, sizeof r->error, "%s %ld: %.200s",
                 email ? "SMTP" : "HTTP", status, detail);
    else
        snprintf(r->error, sizeof r->error, "%s", detail);
}

/*  Moves the slot's end into 'r' and frees the slot. */
static void s_finish(ntf_sender_t *self, transfer_t *t, CURLcode code,
                     ntf_result_t *r)
{
    r->delivery = t->delivery;
    r->ended_ms = ntf_now_ms();
    if (t->ended) {
        r->outcome = NTF_RETRY;
        snprintf(r->error, sizeof r->error, "%s", t->error);
    } else {
        s_outcome(t, code, r);
    }
    s_release(self, t);
}

size_t ntf_sender_poll(ntf_sender_t *self, ntf_result_t *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < NTF_MAX_IN_FLIGHT && n < max; i++)
        if (self->slots[i].used && self->slots[i].ended)
            s_finish(self, &self->slots[i], CURLE_OK, &out[n++]);
    int left = 0;
    CURLMsg *msg;
    while (n < max && (msg = curl_multi_info_read(self->multi, &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        transfer_t *t = NULL;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
        CURLcode code = msg->data.result;
        if (t)
            s_finish(self, t, code, &out[n++]);
    }
    return n;
}
