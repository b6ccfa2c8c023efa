/*  heartbeat_probe: counts the store's heartbeats on PUBLISH.

    heartbeat_probe ENDPOINT SECONDS: subscribes to the heartbeat topic
    ("!head", frames [topic][head]) at ENDPOINT, and prints how many
    heartbeats arrived in SECONDS, then the largest gap between two, in
    ms.  For tests/it_runtime.sh: the store must send them on time under
    steady traffic. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "monotime.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: heartbeat_probe ENDPOINT SECONDS\n");
        return 2;
    }
    void *ctx = zmq_ctx_new();
    void *sub = zmq_socket(ctx, ZMQ_SUB);
    if (!sub || zmq_connect(sub, argv[1]) ||
        zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "!head", 5)) {
        fprintf(stderr, "heartbeat_probe: %s: %s\n", argv[1],
                zmq_strerror(zmq_errno()));
        return 1;
    }
    int64_t end = monotime_ms() + (int64_t)(atof(argv[2]) * 1000);
    int64_t last = 0, gap = 0;
    int count = 0;
    for (int64_t now; (now = monotime_ms()) < end;) {
        zmq_pollitem_t item = {sub, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&item, 1, (long)(end - now)) <= 0)
            continue;
        char buf[64];
        int more = 1;
        size_t len = sizeof more;
        zmq_recv(sub, buf, sizeof buf, 0);
        while (zmq_getsockopt(sub, ZMQ_RCVMORE, &more, &len) == 0 && more)
            zmq_recv(sub, buf, sizeof buf, 0);
        now = monotime_ms();
        if (count++ && now - last > gap)
            gap = now - last;
        last = now;
    }
    printf("%d %lld\n", count, (long long)gap);
    zmq_close(sub);
    zmq_ctx_term(ctx);
    return 0;
}
