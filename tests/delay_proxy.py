#!/usr/bin/env python3
"""A TCP proxy that delays every chunk by a given time, for tests.

    delay_proxy.py DELAY_FILE LISTEN_PORT:TARGET_HOST:TARGET_PORT ...

Listens on 127.0.0.1:LISTEN_PORT and forwards each connection to
TARGET_HOST:TARGET_PORT.  Every chunk read in either direction is written
on after the number of milliseconds DELAY_FILE holds when it is read (0 or
no file: at once); order is kept.  This kernel has no netem, so a test
adds latency to a link this way.
"""
import asyncio
import sys


def delay_s(path):
    try:
        with open(path) as f:
            return int(f.read().strip() or 0) / 1000.0
    except (OSError, ValueError):
        return 0.0


async def pump(reader, writer, path):
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def send():
        while True:
            due, data = await queue.get()
            if data is None:
                break
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
        writer.close()

    sender = asyncio.create_task(send())
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            await queue.put((loop.time() + delay_s(path), data))
    except (ConnectionError, OSError):
        pass
    await queue.put((0, None))
    try:
        await sender
    except (ConnectionError, OSError):
        pass


async def serve(path, spec):
    port, host, tport = spec.split(":")

    async def handle(reader, writer):
        # a connection attempt into a partition would wait for TCP's SYN
        # retries (minutes): give up after 2 s, as a ZeroMQ client does
        try:
            treader, twriter = await asyncio.wait_for(
                asyncio.open_connection(host, int(tport)), 2)
        except (OSError, asyncio.TimeoutError) as e:
            print(f"proxy {port}: connect {host}:{tport}: {e!r}", flush=True)
            writer.close()
            return
        print(f"proxy {port}: connected to {host}:{tport}", flush=True)
        await asyncio.gather(pump(reader, twriter, path),
                             pump(treader, writer, path))

    server = await asyncio.start_server(handle, "127.0.0.1", int(port))
    await server.serve_forever()


async def main():
    path = sys.argv[1]
    await asyncio.gather(*(serve(path, s) for s in sys.argv[2:]))


if __name__ == "__main__":
    asyncio.run(main())
