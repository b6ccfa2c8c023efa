#!/usr/bin/env python3
"""gw_load: hostile and careless HTTP clients for opcat-gatewayd's tests.

Every client is bounded in number and in time (--deadline).  Clients bind
source addresses in 127.0.0.0/8 so that the per-address limit sees several
clients; /healthz is asked from 127.0.0.1.

  gw_load.py limits  ...  the limits answer 503 with Retry-After, health
                          answers from the reserve, slow headers are closed
  gw_load.py load    ...  streams, slow headers and non-readers together
                          while events are imported (see it_gateway_load.sh)

Prints one JSON object (the measures) on stdout; exits 1 with the reasons
on stderr if an expectation failed."""
import argparse
import asyncio
import re
import json
import socket
import sys
import time

FAILS = []


def fail(why):
    FAILS.append(why)
    print("gw_load: " + why, file=sys.stderr, flush=True)


async def connect(args, source, rcvbuf=None):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.bind((source, 0))
    await asyncio.get_running_loop().sock_connect(sock, (args.host, args.port))
    return await asyncio.open_connection(sock=sock)


def request(path, headers=()):
    # HTTP/1.0: a stream's body comes as it is, not in chunks whose size
    # lines would fall inside its lines
    lines = ["GET %s HTTP/1.0" % path, "Host: gw"] + list(headers)
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def read_head(reader):
    """The status and the headers (lower-case names); (0, {}) if the
    connection closed before an answer."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        return 0, {}
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    return status, headers


async def get(args, path, source="127.0.0.1", timeout=5.0):
    """(status, headers, body, seconds) of a GET; status 0 if no answer."""
    t0 = time.monotonic()
    try:
        reader, writer = await asyncio.wait_for(connect(args, source), timeout)
        writer.write(request(path, ["Connection: close"]))
        status, headers = await asyncio.wait_for(read_head(reader), timeout)
        body = await asyncio.wait_for(reader.read(), timeout) if status else b""
        writer.close()
    except (asyncio.TimeoutError, ConnectionError, OSError):
        status, headers, body = 0, {}, b""
    return status, headers, body, time.monotonic() - t0


class Health:
    """Asks /healthz every 'every' seconds; keeps the slowest answer."""

    def __init__(self, args, source="127.0.0.1"):
        self.args, self.source = args, source
        self.slowest, self.asked, self.bad = 0.0, 0, []

    async def run(self, stop, every=0.25):
        while not stop.is_set():
            status, _, body, secs = await get(self.args, "/healthz",
                                              self.source, timeout=3)
            self.asked += 1
            self.slowest = max(self.slowest, secs)
            if status != 200 or secs > self.args.health_max:
                self.bad.append((status, round(secs, 3), body[:300].decode()))
            await asyncio.sleep(every)


class Rss:
    """Samples the gateway's resident memory; keeps the peak."""

    def __init__(self, pid):
        self.pid, self.peak_kb = pid, 0

    def sample(self):
        try:
            with open("/proc/%d/status" % self.pid) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        self.peak_kb = max(self.peak_kb, int(line.split()[1]))
        except OSError:
            pass

    async def run(self, stop, bound_kb):
        while not stop.is_set():
            self.sample()
            if bound_kb and self.peak_kb > bound_kb:
                fail("gateway RSS %d MiB is over the bound %d MiB"
                     % (self.peak_kb // 1024, bound_kb // 1024))
                stop.set()
            await asyncio.sleep(0.2)


async def slowloris(args, source, stop, closed_after):
    """Sends a header line every second, never the end of the headers;
    reconnects when closed and notes after how long it was closed."""
    while not stop.is_set():
        try:
            reader, writer = await connect(args, source)
        except OSError:
            await asyncio.sleep(0.2)
            continue
        t0 = time.monotonic()
        writer.write(b"GET /api/stats HTTP/1.0\r\nHost: gw\r\n")
        try:
            while not stop.is_set():
                await writer.drain()
                try:
                    data = await asyncio.wait_for(reader.read(1024), 1.0)
                    if not data:
                        closed_after.append(time.monotonic() - t0)
                        break
                except asyncio.TimeoutError:
                    writer.write(b"X-Slow: 1\r\n")
        except ConnectionError:
            closed_after.append(time.monotonic() - t0)
        writer.close()
        await asyncio.sleep(0.2)  # and again: it holds, it does not flood


class Reader:
    """An SSE client that reads everything and checks the ids it gets."""

    def __init__(self, topic=None, last=None):
        self.topic, self.last = topic, last
        self.ids, self.status, self.headers = [], None, {}
        self.eof = False

    def path(self):
        return "/api/stream" + ("?topic=" + self.topic if self.topic else "")

    async def open(self, args, source):
        headers = ["Last-Event-ID: %d" % self.last] if self.last is not None else []
        self.reader, self.writer = await connect(args, source)
        self.writer.write(request(self.path(), headers))
        self.status, self.headers = await read_head(self.reader)
        return self.status

    async def run(self, want, stop):
        buf = b""
        while len(self.ids) < want and not stop.is_set():
            try:
                data = await asyncio.wait_for(self.reader.read(65536), 0.5)
            except asyncio.TimeoutError:
                continue
            except ConnectionError:
                data = b""
            if not data:
                self.eof = True
                break
            buf += data
            lines = buf.split(b"\n")
            buf = lines.pop()
            self.ids += [int(l[4:]) for l in lines if l.startswith(b"id: ")]
        self.writer.close()


async def sse_open(args, readers, sources):
    """Opens every reader, round robin over the sources."""
    statuses = await asyncio.gather(*[
        r.open(args, sources[i % len(sources)]) for i, r in enumerate(readers)],
        return_exceptions=True)
    return [s if isinstance(s, int) else 0 for s in statuses]


async def nonreader(args, source, stop_reading, result):
    """Asks for every event from the first, reads the answer's head, then
    stops reading until 'stop_reading'; then drains: the gateway must have
    closed the connection (EOF).  The last complete id goes in 'result'."""
    reader, writer = await connect(args, source, rcvbuf=16384)
    writer.write(request("/api/stream", ["Last-Event-ID: 0"]))
    status, _ = await read_head(reader)
    result["status"] = status
    await stop_reading.wait()
    buf, t0 = b"", time.monotonic()
    while time.monotonic() - t0 < 30:
        try:
            data = await asyncio.wait_for(reader.read(1 << 20), 5)
        except (asyncio.TimeoutError, ConnectionError):
            break
        if not data:
            result["eof"] = True
            break
        buf += data
    events = buf.rsplit(b"\n\n", 1)[0].split(b"\n")
    ids = [int(l[4:]) for l in events
           if l.startswith(b"id: ") and l[4:].isdigit()]
    result["last"] = ids[-1] if ids else 0
    writer.close()


def sources(first, count):
    base = first.rsplit(".", 1)
    return ["%s.%d" % (base[0], int(base[1]) + i) for i in range(count)]


# ------------------------------------------------------------------ limits


async def open_connections_at_most(args, n, seconds=10.0):
    """Waits until the gateway counts at most 'n' open connections, the
    asking one (/metrics, from the reserve) included."""
    deadline = time.monotonic() + seconds
    while True:
        _, _, body, _ = await get(args, "/metrics")
        m = re.search(rb"^opcat_gateway_connections_open(?:\{[^}]*\})? (\d+)",
                      body, re.M)
        if m and int(m.group(1)) <= n:
            return
        if time.monotonic() > deadline:
            fail("the gateway still counts %s open connections"
                 % (m.group(1).decode() if m else "?"))
        await asyncio.sleep(0.05)


async def limits(args):
    """With --max-connections args.max and --max-per-client args.per:
    'per' streams from one address, the next from it is 503; the rest
    up to 'max' from others, the next is 503; health and metrics answer
    meanwhile; slow headers are closed."""
    out = {}
    a, others = "127.0.0.2", sources("127.0.0.3", 16)
    first = [Reader() for _ in range(args.per)]
    st = await sse_open(args, first, [a])
    if st.count(200) != args.per:
        fail("streams within the per-client limit: %s" % st)
    status, headers, body, _ = await get(args, "/api/stream", a)
    out["per_client"] = [status, headers.get("retry-after"), body.decode()]
    if status != 503 or not headers.get("retry-after", "").isdigit():
        fail("a stream over the per-client limit: %d %s %r"
             % (status, headers, body[:200]))
    # the refused request's connection counts until the gateway has seen
    # it close: wait for that before filling the rest up to the limit
    await open_connections_at_most(args, args.per + 1)
    rest = [Reader() for _ in range(args.max - args.per)]
    st = await sse_open(args, rest, others)
    if st.count(200) != len(rest):
        fail("streams within the overall limit: %s" % st)
    status, headers, body, _ = await get(args, "/api/stats", others[-1])
    out["overall"] = [status, headers.get("retry-after"), body.decode()]
    if status != 503 or not headers.get("retry-after", "").isdigit():
        fail("a request over the overall limit: %d %s %r"
             % (status, headers, body[:200]))
    for path in ("/healthz", "/metrics"):
        status, _, body, secs = await get(args, path)
        out[path] = [status, round(secs, 3)]
        if status != 200 or secs > args.health_max:
            fail("%s at the limit: %d in %.2f s" % (path, status, secs))
    for r in first + rest:
        r.writer.close()
    # slow headers, fewer than the caps: closed after --header-timeout
    closed, health = await slow_phase(args, sources("127.0.0.30", 3),
                                      args.slow // 3, args.header_timeout + 2.5)
    out["slow_closed"] = len(closed)
    out["slow_closed_after_s"] = [round(min(closed, default=0), 2),
                                  round(max(closed, default=0), 2)]
    out["health_slowest_s"] = round(health.slowest, 3)
    if len(closed) < args.slow:
        fail("%d of %d slow connections closed within %.1f s"
             % (len(closed), args.slow, args.header_timeout + 2.5))
    if closed and not (args.header_timeout - 0.5 < min(closed)
                       and max(closed) < args.header_timeout + 2.5):
        fail("slow connections closed after %.1f to %.1f s"
             % (min(closed), max(closed)))
    if health.bad:
        fail("health during slow headers: %s" % health.bad[:5])
    # more slow connections from one address than --max-per-client: the
    # oldest are closed at once, and /healthz from that address answers
    crowd = "127.0.0.40"
    closed, health = await slow_phase(args, [crowd], 3 * args.per, 3, crowd)
    out["crowded_closed"] = len(closed)
    out["crowded_health_slowest_s"] = round(health.slowest, 3)
    if len(closed) < 2 * args.per:
        fail("only %d slow connections crowded out" % len(closed))
    if health.bad:
        fail("health among slow connections from its address: %s"
             % health.bad[:5])
    return out


async def slow_phase(args, addrs, per_addr, seconds, health_from="127.0.0.1"):
    """'per_addr' slow connections from each of 'addrs' for 'seconds',
    /healthz asked meanwhile: (times to close, Health)."""
    stop, closed = asyncio.Event(), []
    tasks = [asyncio.create_task(slowloris(args, a, stop, closed))
             for a in addrs for _ in range(per_addr)]
    health = Health(args, health_from)
    htask = asyncio.create_task(health.run(stop))
    await asyncio.sleep(seconds)
    stop.set()
    await asyncio.gather(*tasks, htask)
    return closed, health


# -------------------------------------------------------------------- load


async def load(args):
    out, stop, ready = {}, asyncio.Event(), asyncio.Event()
    rss, health = Rss(args.pid), Health(args)
    watch = [asyncio.create_task(rss.run(stop, args.rss_bound_mb * 1024)),
             asyncio.create_task(health.run(stop))]
    full = [Reader(last=0) for _ in range(args.full)]
    part = [Reader(topic=args.topic, last=0)
            for _ in range(args.sse - args.full)]
    st = await sse_open(args, full + part, sources("127.0.0.2", 40))
    out["sse_opened"] = st.count(200)
    if st.count(200) != args.sse:
        fail("streams opened: %d of %d (statuses %s)"
             % (st.count(200), args.sse, sorted(set(st))))
    stop_reading = asyncio.Event()
    nr = [{} for _ in range(args.stalled)]
    nsrc = sources("127.0.0.50", 10)
    ntasks = [asyncio.create_task(nonreader(args, nsrc[i % 10], stop_reading,
                                            nr[i])) for i in range(args.stalled)]
    closed = []
    ssrc = sources("127.0.0.70", 10)
    slow = [asyncio.create_task(slowloris(args, ssrc[i % 10], stop, closed))
            for i in range(args.slow)]
    await asyncio.sleep(0.5)
    open(args.ready, "w").close()
    t0 = time.monotonic()
    reads = [asyncio.create_task(r.run(args.events, stop)) for r in full]
    reads += [asyncio.create_task(r.run(args.topic_events, stop)) for r in part]
    try:
        await asyncio.wait_for(asyncio.gather(*reads), args.deadline)
    except asyncio.TimeoutError:
        fail("readers did not finish within %d s" % args.deadline)
    out["read_s"] = round(time.monotonic() - t0, 1)
    # the stalled ones stay stalled long enough to be noticed
    await asyncio.sleep(args.stall_timeout + 1.5)
    stop_reading.set()
    await asyncio.gather(*ntasks)
    stop.set()
    await asyncio.gather(*slow, *watch)
    check_readers(full, part, args, out)
    check_nonreaders(nr, args, out)
    out["slow_closed"] = len(closed)
    out["health_asked"], out["health_slowest_s"] = health.asked, round(
        health.slowest, 3)
    if health.bad:
        fail("health answers not 200 within %.1f s: %d, e.g. %s"
             % (args.health_max, len(health.bad), health.bad[:5]))
    rss.sample()
    out["rss_peak_mb"] = rss.peak_kb // 1024
    await resume(args, nr, out)
    return out


def check_readers(full, part, args, out):
    want = list(range(1, args.events + 1))
    bad = [i for i, r in enumerate(full) if r.ids != want]
    out["full_readers_complete"] = len(full) - len(bad)
    for i in bad[:3]:
        r = full[i]
        fail("full reader %d: %d ids, %d distinct, eof %s"
             % (i, len(r.ids), len(set(r.ids)), r.eof))
    badp = [r for r in part if len(r.ids) != args.topic_events
            or len(set(r.ids)) != len(r.ids) or r.ids != sorted(r.ids)]
    out["topic_readers_complete"] = len(part) - len(badp)
    if badp:
        fail("%d topic readers incomplete, e.g. %d ids"
             % (len(badp), len(badp[0].ids)))


def check_nonreaders(nr, args, out):
    out["nonreaders_disconnected"] = sum(1 for r in nr if r.get("eof"))
    if out["nonreaders_disconnected"] != args.stalled:
        fail("non-reading clients disconnected: %d of %d"
             % (out["nonreaders_disconnected"], args.stalled))


async def resume(args, nr, out):
    """A few disconnected non-readers resume with Last-Event-ID and get
    the rest, once each."""
    ok = 0
    for r in nr[:3]:
        last = r.get("last", 0)
        rd = Reader(last=last)
        if await rd.open(args, "127.0.0.60") != 200:
            fail("resume after %d: status %s" % (last, rd.status))
            continue
        await rd.run(args.events - last, asyncio.Event())
        if rd.ids == list(range(last + 1, args.events + 1)):
            ok += 1
        else:
            fail("resume after %d: %d ids" % (last, len(rd.ids)))
    out["resumed_complete"] = ok


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["limits", "load"])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--pid", type=int, default=0)
    p.add_argument("--max", type=int, default=20)
    p.add_argument("--per", type=int, default=8)
    p.add_argument("--slow", type=int, default=15)
    p.add_argument("--header-timeout", type=int, default=2)
    p.add_argument("--stall-timeout", type=int, default=2)
    p.add_argument("--health-max", type=float, default=1.0)
    p.add_argument("--sse", type=int, default=500)
    p.add_argument("--full", type=int, default=4)
    p.add_argument("--topic", default="")
    p.add_argument("--topic-events", type=int, default=0)
    p.add_argument("--stalled", type=int, default=100)
    p.add_argument("--events", type=int, default=100000)
    p.add_argument("--rss-bound-mb", type=int, default=0)
    p.add_argument("--ready", default="/dev/null")
    p.add_argument("--deadline", type=int, default=120)
    args = p.parse_args()
    run = limits if args.mode == "limits" else load
    out = asyncio.run(asyncio.wait_for(run(args), args.deadline + 60))
    print(json.dumps(out))
    sys.exit(1 if FAILS else 0)


if __name__ == "__main__":
    main()
