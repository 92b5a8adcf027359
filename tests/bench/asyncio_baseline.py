#!/usr/bin/python3
"""The reference client for bench_http: a plain asyncio + aiohttp script that does what Overtext's client does with
the same requests (OpenAI-compatible chat completions, streamed) against the same fake server, with the same
concurrency: read each SSE stream to its end, decode every event's JSON, gather delta.content and decode the answer's
JSON object. Prints one JSON line: wall and CPU seconds of the requests (interpreter start-up and imports left out)
and the number of translations read.

usage: asyncio_baseline.py URL REQUESTS CONCURRENCY BODY_FILE [--raw]
  --raw: only read the streams line by line, decoding nothing (the least any client can do).
(Debian's python3-aiohttp; scripts/deps installs it.)
"""
import asyncio
import json
import resource
import sys
import time

import aiohttp


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def main(url, requests, concurrency, body, raw):
    connector = aiohttp.TCPConnector(limit=concurrency)
    semaphore = asyncio.Semaphore(concurrency)
    translations = 0

    async def one(session):
        nonlocal translations
        async with semaphore:
            async with session.post(url, data=body, headers={"Content-Type": "application/json"}) as r:
                if raw:
                    async for _ in r.content:
                        pass
                    return
                parts = []
                async for line in r.content:
                    if not line.startswith(b"data:"):
                        continue
                    data = line[5:].strip()
                    if data == b"[DONE]":
                        continue
                    for choice in json.loads(data).get("choices", []):
                        content = choice.get("delta", {}).get("content")
                        if content:
                            parts.append(content)
                translations += len(json.loads("".join(parts)))

    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(one(session) for _ in range(requests)))
    return translations


if __name__ == "__main__":
    url, requests, concurrency, body_file = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    raw = "--raw" in sys.argv[5:]
    body = open(body_file, "rb").read()
    cpu = cpu_seconds()
    start = time.monotonic()
    translations = asyncio.run(main(url, requests, concurrency, body, raw))
    wall = time.monotonic() - start
    print(json.dumps({"wall_s": wall, "cpu_s": cpu_seconds() - cpu, "translations": translations}))
