/*  query: JSON over ROUTER/DEALER. */
#include "query.h"

#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "bus.h"
#include "log.h"

void *query_bind_with(bus_t *bus, const char *endpoint,
                      bus_server_options_t options, err_t *err)
{
    options.max_message = BUS_HARD_LIMIT(QUERY_MAX_REQUEST);
    options.router_mandatory = true;
    return bus_server(bus, ZMQ_ROUTER, endpoint, &options, err);
}

void *query_bind(bus_t *bus, const char *endpoint, err_t *err)
{
    return query_bind_with(bus, endpoint, (bus_server_options_t){0}, err);
}

json_t *query_error_reply(const err_t *err)
{
    return json_pack("{s:{s:i,s:s,s:s}}", "error", "code", err->code, "field",
                     err->field, "message", err->message);
}

/*  The reply to a request that is not one frame of at most
    QUERY_MAX_REQUEST bytes ('rc' from bus_recv), or NULL if it is. */
static json_t *s_refuse_frames(int rc, const bus_message_t *msg)
{
    err_t err;
    if (rc || msg->count != 2)
        err_set(&err, OPCAT_EPROTO, "",
                "a request is one frame: a JSON object (this one had %s)",
                rc ? "too many frames" : "more than one frame");
    else if (zmq_msg_size((zmq_msg_t *)&msg->frames[1]) > QUERY_MAX_REQUEST)
        err_set(&err, OPCAT_ETOOBIG, "",
                "a request is at most %d bytes (this one had %zu)",
                QUERY_MAX_REQUEST, zmq_msg_size((zmq_msg_t *)&msg->frames[1]));
    else
        return NULL;
    log_warnx("query: %s", err.message);
    return query_error_reply(&err);
}

static json_t *s_answer(const zmq_msg_t *frame, query_fn fn, void *arg)
{
    err_t err;
    err_clear(&err);
    json_error_t jerr;
    json_t *request = json_loadb(zmq_msg_data((zmq_msg_t *)frame),
                                 zmq_msg_size((zmq_msg_t *)frame), 0, &jerr);
    json_t *reply = NULL;
    if (!json_is_object(request))
        err_set(&err, OPCAT_EPROTO, "", "a request is one JSON object: %s",
                request ? "not an object" : jerr.text);
    else if (!json_is_string(json_object_get(request, "op")))
        err_set(&err, OPCAT_EINVAL, "op", "op: is required (a string)");
    else
        reply = fn(arg, request, &err);
    json_decref(request);
    if (!reply) {
        if (!err.code)
            err_set(&err, OPCAT_EIO, "", "the service could not answer");
        reply = query_error_reply(&err);
    }
    return reply;
}

int query_serve(void *socket, int max, query_fn fn, void *arg)
{
    int answered = 0;
    for (; answered < max; answered++) {
        bus_message_t msg;
        int rc = bus_recv(socket, &msg, ZMQ_DONTWAIT);
        if (rc == OPCAT_ETIMEDOUT || rc == OPCAT_EINTR)
            break;
        if (rc && rc != OPCAT_EPROTO) {
            log_warnx("query: receive: %s", err_strerror(rc));
            break;
        }
        json_t *reply = s_refuse_frames(rc, &msg);
        if (!reply)
            reply = s_answer(&msg.frames[1], fn, arg);
        char *text = json_dumps(reply, JSON_COMPACT);
        json_decref(reply);
        if (text) {
            const void *data[] = {zmq_msg_data(&msg.frames[0]), text};
            size_t lens[] = {zmq_msg_size(&msg.frames[0]), strlen(text)};
            if (bus_send(socket, data, lens, 2, ZMQ_DONTWAIT))
                log_warnx("query: could not answer a client");
            free(text);
        }
        bus_message_close(&msg);
    }
    return answered;
}

static int s_parse_reply(zmq_msg_t *frame, json_t **reply, err_t *err)
{
    json_error_t jerr;
    *reply = json_loadb(zmq_msg_data(frame), zmq_msg_size(frame), 0, &jerr);
    if (!json_is_object(*reply)) {
        json_decref(*reply);
        *reply = NULL;
        return err_set(err, OPCAT_EPROTO, "", "the answer is not JSON: %s",
                       jerr.text);
    }
    json_t *error = json_object_get(*reply, "error");
    if (!error)
        return OPCAT_OK;
    json_int_t code = json_integer_value(json_object_get(error, "code"));
    err_set(err, code ? (int)code : OPCAT_EIO,
            json_string_value(json_object_get(error, "field")), "%s",
            json_string_value(json_object_get(error, "message")));
    json_decref(*reply);
    *reply = NULL;
    return err->code;
}

int query_call(bus_t *bus, const char *endpoint, const json_t *request,
               int timeout_ms, json_t **reply, err_t *err)
{
    *reply = NULL;
    void *socket = bus_socket(bus, ZMQ_DEALER, endpoint, false, err);
    if (!socket)
        return err->code;
    char *text = json_dumps(request, JSON_COMPACT);
    int rc = text && zmq_send(socket, text, strlen(text), 0) >= 0
                 ? OPCAT_OK
                 : err_set(err, OPCAT_EIO, "", "send to %s failed", endpoint);
    free(text);
    zmq_pollitem_t item = {socket, 0, ZMQ_POLLIN, 0};
    if (!rc && zmq_poll(&item, 1, timeout_ms) <= 0)
        rc = err_set(err, OPCAT_ETIMEDOUT, "", "no answer from %s within %d ms",
                     endpoint, timeout_ms);
    bus_message_t msg;
    if (!rc && (rc = bus_recv(socket, &msg, 0)) == 0) {
        rc = msg.count == 1 ? s_parse_reply(&msg.frames[0], reply, err)
                            : err_set(err, OPCAT_EPROTO, "",
                                      "the answer has %zu frames", msg.count);
        bus_message_close(&msg);
    }
    int zero = 0;
    zmq_setsockopt(socket, ZMQ_LINGER, &zero, sizeof zero);
    bus_close(&socket);
    return rc;
}
