/*  ask: the questions the gateway puts to the services (OPCAT_STATS,
    OPCAT_REMINDERS), one at a time or several at once on one DEALER.
    Each call opens its socket in the calling connection's thread and
    closes it before returning (gw.h, Threads). */
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "bus.h"
#include "gw.h"
#include "monotime.h"
#include "query.h"

int gw_query(gw_t *gw, const char *endpoint, json_t *request, json_t **reply,
             err_t *err)
{
    err_clear(err);
    *reply = NULL;
    int rc = request ? query_call(gw->bus, endpoint, request,
                                  gw->options.timeout_ms, reply, err)
                     : err_set(err, OPCAT_ENOMEM, NULL, "out of memory");
    json_decref(request);
    return rc;
}

/*  Parses one reply frame into 'replies'; a service's error reply
    becomes 'err'. */
static int s_take_reply(zmq_msg_t *frame, json_t *replies, err_t *err)
{
    json_error_t jerr;
    json_t *reply =
        json_loadb(zmq_msg_data(frame), zmq_msg_size(frame), 0, &jerr);
    json_t *error = json_object_get(reply, "error");
    if (!json_is_object(reply) || error) {
        json_int_t code = json_integer_value(json_object_get(error, "code"));
        err_set(err, error && code ? (int)code : OPCAT_EPROTO,
                json_string_value(json_object_get(error, "field")), "%s",
                error ? json_string_value(json_object_get(error, "message"))
                      : "the answer is not a JSON object");
        json_decref(reply);
        return err->code;
    }
    return json_array_append_new(replies, reply) ? OPCAT_ENOMEM : OPCAT_OK;
}

/*  Sends every request of 'requests' on 'socket', then reads as many
    replies into 'replies' before the deadline. */
static int s_exchange(gw_t *gw, void *socket, const json_t *requests,
                      json_t *replies, err_t *err)
{
    size_t i, n = json_array_size(requests);
    json_t *request;
    json_array_foreach(requests, i, request)
    {
        char *text = json_dumps(request, JSON_COMPACT);
        int rc = text ? zmq_send(socket, text, strlen(text), 0) : -1;
        free(text);
        if (rc < 0)
            return err_set(err, OPCAT_EIO, "", "send failed");
    }
    int64_t deadline = monotime_ms() + gw->options.timeout_ms;
    zmq_pollitem_t item = {socket, 0, ZMQ_POLLIN, 0};
    while (json_array_size(replies) < n) {
        int64_t left = deadline - monotime_ms();
        if (left <= 0 || zmq_poll(&item, 1, (long)left) <= 0)
            return err_set(err, OPCAT_ETIMEDOUT, "", "no answer within %d ms",
                           gw->options.timeout_ms);
        bus_message_t msg;
        int rc = bus_recv(socket, &msg, 0);
        if (rc)
            return err_set(err, rc, "", "receive failed");
        rc = msg.count == 1 ? s_take_reply(&msg.frames[0], replies, err)
                            : err_set(err, OPCAT_EPROTO, "",
                                      "an answer of %zu frames", msg.count);
        bus_message_close(&msg);
        if (rc)
            return rc;
    }
    return OPCAT_OK;
}

int gw_query_many(gw_t *gw, const char *endpoint, const json_t *requests,
                  json_t **replies, err_t *err)
{
    err_clear(err);
    *replies = NULL;
    void *socket = bus_socket(gw->bus, ZMQ_DEALER, endpoint, false, err);
    if (!socket)
        return err->code;
    json_t *list = json_array();
    int rc = list ? s_exchange(gw, socket, requests, list, err)
                  : err_set(err, OPCAT_ENOMEM, NULL, "out of memory");
    int zero = 0;
    zmq_setsockopt(socket, ZMQ_LINGER, &zero, sizeof zero);
    bus_close(&socket);
    if (rc) {
        json_decref(list);
        if (!err->message[0])
            err_set(err, rc, NULL, "%s: no answer", endpoint);
        return rc;
    }
    *replies = list;
    return OPCAT_OK;
}
