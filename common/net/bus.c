/*  bus: libzmq helpers. */
#include "bus.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct bus {
    void *zmq;    /* the ZeroMQ context */
    keys_t *keys; /* the client's credentials; NULL: plain */
};

int bus_error(void)
{
    switch (zmq_errno()) {
    case EINTR:
        return OPCAT_EINTR;
    case EAGAIN:
        return OPCAT_ETIMEDOUT;
    case EHOSTUNREACH:
        return OPCAT_ENOTFOUND;
    case EMSGSIZE:
        return OPCAT_ETOOBIG;
    case ENOMEM:
        return OPCAT_ENOMEM;
    case ETERM:
        return OPCAT_EINTR;
    default:
        return OPCAT_EIO;
    }
}

bus_t *bus_new(err_t *err)
{
    keys_t *keys = keys_client_new(err);
    return keys ? bus_new_with(&keys, err) : NULL;
}

bus_t *bus_new_with(keys_t **keys, err_t *err)
{
    bus_t *self = calloc(1, sizeof *self);
    if (self && keys) {
        self->keys = *keys; /* taken, whatever happens next */
        *keys = NULL;
    }
    if (!self || !(self->zmq = zmq_ctx_new())) {
        err_set(err, OPCAT_ENOMEM, "", "cannot create a ZeroMQ context");
        if (keys)
            keys_destroy(keys);
        bus_destroy(&self);
    }
    return self;
}

void bus_destroy(bus_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    bus_t *self = *self_p;
    if (self->zmq)
        zmq_ctx_term(self->zmq);
    keys_destroy(&self->keys);
    free(self);
    *self_p = NULL;
}

void *bus_zmq(bus_t *self)
{
    return self->zmq;
}

/*  CURVE on a client socket, with the keys read when the bus was made. */
static int s_client_keys(const bus_t *self, void *socket, err_t *err)
{
    if (!self->keys || !keys_enabled(self->keys))
        return OPCAT_OK;
    if (zmq_setsockopt(socket, ZMQ_CURVE_SERVERKEY,
                       keys_server_public(self->keys), KEYS_LEN + 1) ||
        zmq_setsockopt(socket, ZMQ_CURVE_PUBLICKEY, keys_public(self->keys),
                       KEYS_LEN + 1) ||
        zmq_setsockopt(socket, ZMQ_CURVE_SECRETKEY, keys_secret(self->keys),
                       KEYS_LEN + 1))
        return err_set(err, OPCAT_EAUTH, "key", "CURVE keys refused: %s",
                       zmq_strerror(zmq_errno()));
    return OPCAT_OK;
}

/*  Linger, heartbeats and reconnect intervals (bus.h says why). */
static void s_common_options(void *socket)
{
    int linger = BUS_LINGER_MS, ivl = BUS_HEARTBEAT_IVL_MS,
        timeout = BUS_HEARTBEAT_TIMEOUT_MS, reconnect = BUS_RECONNECT_IVL_MS,
        reconnect_max = BUS_RECONNECT_MAX_MS,
        connect_timeout = BUS_CONNECT_TIMEOUT_MS;
    zmq_setsockopt(socket, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(socket, ZMQ_HEARTBEAT_IVL, &ivl, sizeof ivl);
    zmq_setsockopt(socket, ZMQ_HEARTBEAT_TIMEOUT, &timeout, sizeof timeout);
    zmq_setsockopt(socket, ZMQ_HEARTBEAT_TTL, &timeout, sizeof timeout);
    zmq_setsockopt(socket, ZMQ_RECONNECT_IVL, &reconnect, sizeof reconnect);
    zmq_setsockopt(socket, ZMQ_RECONNECT_IVL_MAX, &reconnect_max,
                   sizeof reconnect_max);
    zmq_setsockopt(socket, ZMQ_CONNECT_TIMEOUT, &connect_timeout,
                   sizeof connect_timeout);
}

void *bus_socket(bus_t *bus, int type, const char *endpoint, bool bind,
                 err_t *err)
{
    void *socket = zmq_socket(bus->zmq, type);
    if (!socket) {
        err_set(err, bus_error(), "", "zmq_socket: %s",
                zmq_strerror(zmq_errno()));
        return NULL;
    }
    s_common_options(socket);
    if (!bind && s_client_keys(bus, socket, err)) {
        zmq_close(socket);
        return NULL;
    }
    int rc = bind ? zmq_bind(socket, endpoint) : zmq_connect(socket, endpoint);
    if (rc) {
        err_set(err, bus_error(), "endpoint", "%s %s: %s",
                bind ? "bind" : "connect", endpoint, zmq_strerror(zmq_errno()));
        zmq_close(socket);
        return NULL;
    }
    return socket;
}

void *bus_server(bus_t *bus, int type, const char *endpoint,
                 const bus_server_options_t *options, err_t *err)
{
    void *socket = zmq_socket(bus->zmq, type);
    if (!socket) {
        err_set(err, bus_error(), "", "zmq_socket: %s",
                zmq_strerror(zmq_errno()));
        return NULL;
    }
    int one = 1;
    s_common_options(socket);
    if (options && options->max_message)
        zmq_setsockopt(socket, ZMQ_MAXMSGSIZE, &options->max_message,
                       sizeof options->max_message);
    if (options && options->router_mandatory)
        zmq_setsockopt(socket, ZMQ_ROUTER_MANDATORY, &one, sizeof one);
    if (options && options->send_hwm)
        zmq_setsockopt(socket, ZMQ_SNDHWM, &options->send_hwm,
                       sizeof options->send_hwm);
    if (options && options->curve_secret) {
        zmq_setsockopt(socket, ZMQ_CURVE_SERVER, &one, sizeof one);
        zmq_setsockopt(socket, ZMQ_CURVE_SECRETKEY, options->curve_secret,
                       strlen(options->curve_secret) + 1);
        zmq_setsockopt(socket, ZMQ_ZAP_DOMAIN, options->zap_domain,
                       strlen(options->zap_domain));
    }
    if (zmq_bind(socket, endpoint)) {
        err_set(err, bus_error(), "endpoint", "bind %s: %s", endpoint,
                zmq_strerror(zmq_errno()));
        zmq_close(socket);
        return NULL;
    }
    return socket;
}

void bus_close(void **socket)
{
    if (socket && *socket) {
        zmq_close(*socket);
        *socket = NULL;
    }
}

void bus_message_close(bus_message_t *message)
{
    for (size_t i = 0; i < message->count; i++)
        zmq_msg_close(&message->frames[i]);
    message->count = 0;
}

static void s_drain(void *socket)
{
    int more = 1;
    size_t len = sizeof more;
    while (more) {
        zmq_msg_t junk;
        zmq_msg_init(&junk);
        if (zmq_msg_recv(&junk, socket, 0) < 0)
            more = 0;
        else
            zmq_getsockopt(socket, ZMQ_RCVMORE, &more, &len);
        zmq_msg_close(&junk);
    }
}

int bus_recv(void *socket, bus_message_t *message, int flags)
{
    message->count = 0;
    for (;;) {
        zmq_msg_t *frame = &message->frames[message->count];
        zmq_msg_init(frame);
        if (zmq_msg_recv(frame, socket, message->count ? 0 : flags) < 0) {
            int rc = bus_error();
            zmq_msg_close(frame);
            bus_message_close(message);
            return rc;
        }
        message->count++;
        if (!zmq_msg_more(frame))
            return OPCAT_OK;
        if (message->count == BUS_MAX_FRAMES) {
            /* keep the first frame (a ROUTER's peer identity) so that the
               sender can still be told what was wrong */
            s_drain(socket);
            for (size_t i = 1; i < message->count; i++)
                zmq_msg_close(&message->frames[i]);
            message->count = 1;
            return OPCAT_EPROTO;
        }
    }
}

int bus_send(void *socket, const void *const *data, const size_t *len,
             size_t count, int flags)
{
    for (size_t i = 0; i < count; i++) {
        int more = i + 1 < count ? ZMQ_SNDMORE : 0;
        if (zmq_send(socket, data[i], len[i], flags | more) < 0)
            return bus_error();
    }
    return OPCAT_OK;
}

bool bus_endpoint_is_local(const char *endpoint)
{
    if (strncmp(endpoint, "ipc://", 6) == 0 ||
        strncmp(endpoint, "inproc://", 9) == 0)
        return true;
    if (strncmp(endpoint, "tcp://", 6) != 0)
        return false;
    const char *host = endpoint + 6;
    return strncmp(host, "127.", 4) == 0 ||
           strncmp(host, "localhost:", 10) == 0 ||
           strncmp(host, "[::1]:", 6) == 0;
}
