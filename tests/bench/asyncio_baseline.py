#!/usr/bin/python3
"""The reference client for bench_scheduler: a plain asyncio + aiohttp script that sends the same requests as
Overtext (OpenAI-compatible chat completions, streamed) to the same fake server, with the same concurrency, and
reads every SSE stream to its end. Prints one JSON line: wall and CPU seconds.

usage: asyncio_baseline.py URL REQUESTS CONCURRENCY BODY_FILE
(Debian's python3-aiohttp; scripts/deps installs it.)
"""
import asyncio
import json
import resource
import sys
import time

import aiohttp


async def main(url, requests, concurrency, body):
    connector = aiohttp.TCPConnector(limit=concurrency)
    semaphore = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def one():
            async with semaphore:
                async with session.post(url, data=body, headers={"Content-Type": "application/json"}) as r:
                    async for _ in r.content:
                        pass

        await asyncio.gather(*(one() for _ in range(requests)))


if __name__ == "__main__":
    url, requests, concurrency, body_file = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    body = open(body_file, "rb").read()
    start = time.monotonic()
    asyncio.run(main(url, requests, concurrency, body))
    wall = time.monotonic() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime}))
