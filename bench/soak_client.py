#!/usr/bin/python3
"""The load of bench/soak.sh: CONCURRENCY clients on keep-alive connections to `back`, for SECONDS,
each sending a mix of good and bad requests, while the server's RSS and open descriptors are read
from /proc every few seconds.

  soak_client.py URL BACK_PID SECONDS [CONCURRENCY=32] [IDS=100000] [DIM=512] [SLOW=8] [IDLE=48]

Mix per request (fixed seed per client): 35 % text /knn-service, 15 % embedding_input, 10 % image
(a small PNG generated here, base64), 20 % /metadata of 1-200 random ids, 20 % bad
requests (malformed JSON, wrong types, negative or huge counts, an unknown index, bad ids, JSON
nested 100,000 deep, an unknown path, paths escaping the front folder, plain and %-encoded) which
must get a 4xx. Prints one
line per minute (requests by status, p50/p99 latency of the good ones, RSS, descriptors) and a
final JSON line with the verdicts: unexpected 5xx, bad requests not answered 4xx, connection
errors, RSS and descriptor growth between the end of minute 2 and the end of the run.

Beside them, hostile connections that hold server threads: SLOW slowloris clients (a request
line, then one header byte every 0.5 s, reconnecting when cut) and IDLE connections that send
nothing (reconnecting a second after being closed). With the defaults, 32 + 8 + 48 connections
exceed back's 64 threads, so the server is under pressure. Reported: how long the server let
them hold a connection (max and p50), which --http_header_timeout and --http_keep_alive_timeout
bound.
"""
import asyncio
import base64
import json
import os
import random
import statistics
import struct
import sys
import time
import urllib.parse
import zlib

URL, PID, SECONDS = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
CONCURRENCY = int(sys.argv[4]) if len(sys.argv) > 4 else 32
IDS = int(sys.argv[5]) if len(sys.argv) > 5 else 100000
DIM = int(sys.argv[6]) if len(sys.argv) > 6 else 512
SLOW = int(sys.argv[7]) if len(sys.argv) > 7 else 8
IDLE = int(sys.argv[8]) if len(sys.argv) > 8 else 48
parsed = urllib.parse.urlparse(URL)
HOST, PORT = parsed.hostname, parsed.port
WORDS = "cat dog beach mountain city car flower portrait food sunset forest river house bird".split()


def png(width, height, seed):
    """A small RGB PNG, written by hand (no PIL in Debian's python3 by default)."""
    rng = random.Random(seed)
    raw = b"".join(b"\x00" + bytes(rng.randrange(256) for _ in range(width * 3)) for _ in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


IMAGES = [base64.b64encode(png(48, 32, s)).decode() for s in range(8)]


def good_request(rng):
    roll = rng.random()
    if roll < 0.35:
        text = f"a photo of a {rng.choice(WORDS)} and a {rng.choice(WORDS)} {rng.randrange(10**6)}"
        return "knn-text", "/knn-service", json.dumps({"text": text, "modality": "image", "num_images": 20,
                                                        "indice_name": "soak", "num_result_ids": 20})
    if roll < 0.50:
        vector = [rng.gauss(0, 1) for _ in range(DIM)]
        return "knn-embedding", "/knn-service", json.dumps({"embedding_input": vector, "modality": "image",
                                                             "num_images": 20, "indice_name": "soak"})
    if roll < 0.60:
        return "knn-image", "/knn-service", json.dumps({"image": rng.choice(IMAGES), "modality": "image",
                                                         "num_images": 10, "indice_name": "soak"})
    ids = [rng.randrange(IDS) for _ in range(rng.randrange(1, 200))]
    return "metadata", "/metadata", json.dumps({"ids": ids, "indice_name": "soak"})


def bad_request(rng):
    return rng.choice([
        ("bad-json", "/knn-service", '{"text": "unterminated'),
        ("bad-type", "/knn-service", json.dumps({"text": 5, "modality": "image", "num_images": 10})),
        ("bad-count", "/knn-service", json.dumps({"text": "a cat", "modality": "image", "num_images": -3})),
        ("bad-huge", "/knn-service", json.dumps({"text": "a cat", "modality": "image", "num_images": 10,
                                                  "num_result_ids": 10**12})),
        ("bad-index", "/knn-service", json.dumps({"text": "a cat", "modality": "image", "num_images": 10,
                                                   "indice_name": "nope"})),
        ("bad-ids", "/metadata", json.dumps({"ids": ["x"], "indice_name": "soak"})),
        ("bad-nested", "/knn-service", "[" * 100000 + "]" * 100000),
        ("bad-path", "GET /no-such-endpoint", ""),
        ("bad-traversal", "GET /../../etc/passwd", ""),
        ("bad-encoded", "GET /%2e%2e/%2e%2e/etc/passwd", ""),
    ])


async def client(index, deadline, log):
    rng = random.Random(index)
    reader = writer = None
    while time.monotonic() < deadline:
        bad = rng.random() < 0.20
        kind, path, body = bad_request(rng) if bad else good_request(rng)
        method = "POST"
        if path.startswith("GET "):
            method, path = "GET", path[4:]
        head = (f"{method} {path} HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n")
        start = time.monotonic()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(HOST, PORT)
            writer.write(head.encode() + body.encode())
            await writer.drain()
            status_line = await asyncio.wait_for(reader.readline(), 60)
            status = int(status_line.split()[1])
            length, close = 0, False
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
                if name.lower() == "connection" and value.strip().lower() == "close":
                    close = True
            await reader.readexactly(length)
            if close:
                writer.close()
                writer = None
        except Exception as error:  # noqa: BLE001 - every failure is counted, none is fatal
            log.append((time.monotonic(), kind, bad, "connection-error " + type(error).__name__, 0.0))
            if writer is not None:
                writer.close()
            writer = None
            continue
        log.append((time.monotonic(), kind, bad, status, time.monotonic() - start))
    if writer is not None:
        writer.close()


async def hostile(deadline, trickle, held):
    """A slowloris (trickle=True) or idle connection, again and again: appends how long the server
    kept each one open."""
    while time.monotonic() < deadline:
        try:
            reader, writer = await asyncio.open_connection(HOST, PORT)
        except OSError:
            await asyncio.sleep(1)
            continue
        opened = time.monotonic()
        try:
            if trickle:
                writer.write(f"GET /health HTTP/1.1\r\nHost: {HOST}\r\n".encode())
                pattern = b"X-Slow: abcdefgh\r\n"
                i = 0
                while time.monotonic() < deadline:
                    writer.write(pattern[i % len(pattern):i % len(pattern) + 1])
                    await writer.drain()
                    i += 1
                    try:  # closed by the server (after its 400) ends the wait early
                        if await asyncio.wait_for(reader.read(4096), 0.5) == b"":
                            break
                    except asyncio.TimeoutError:
                        pass
            else:
                while time.monotonic() < deadline:
                    try:
                        if await asyncio.wait_for(reader.read(4096), 1.0) == b"":
                            break
                    except asyncio.TimeoutError:
                        pass
        except OSError:
            pass
        if time.monotonic() < deadline:
            held.append(time.monotonic() - opened)
        writer.close()
        await asyncio.sleep(0 if trickle else 1)


def server_sample():
    rss = 0
    with open(f"/proc/{PID}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    return rss, len(os.listdir(f"/proc/{PID}/fd"))


async def sampler(deadline, samples):
    while time.monotonic() < deadline:
        samples.append((time.monotonic(), *server_sample()))
        await asyncio.sleep(5)
    samples.append((time.monotonic(), *server_sample()))


async def main():
    start = time.monotonic()
    deadline = start + SECONDS
    log, samples, slow_held, idle_held = [], [], [], []
    await asyncio.gather(sampler(deadline, samples), *(client(i, deadline, log) for i in range(CONCURRENCY)),
                         *(hostile(deadline, True, slow_held) for _ in range(SLOW)),
                         *(hostile(deadline, False, idle_held) for _ in range(IDLE)))
    minutes = int((SECONDS + 59) // 60)
    verdict = {"unexpected_5xx": 0, "bad_not_4xx": 0, "good_not_2xx": 0, "connection_errors": 0}
    for minute in range(minutes):
        lo, hi = start + 60 * minute, start + 60 * (minute + 1)
        rows = [r for r in log if lo <= r[0] < hi]
        by_status = {}
        for _, _, _, status, _ in rows:
            by_status[str(status)] = by_status.get(str(status), 0) + 1
        good = sorted(r[4] for r in rows if not r[2] and r[3] == 200)
        in_minute = [s for s in samples if lo <= s[0] < hi] or samples[-1:]
        p50 = 1000 * good[len(good) // 2] if good else 0
        p99 = 1000 * good[min(len(good) - 1, int(len(good) * 0.99))] if good else 0
        print(f"minute {minute + 1}: {len(rows)} requests {json.dumps(by_status, sort_keys=True)}, good p50 "
              f"{p50:.1f} ms p99 {p99:.1f} ms, RSS {in_minute[-1][1] / 1024:.1f} MiB, fds {in_minute[-1][2]}",
              flush=True)
    for _, kind, bad, status, _ in log:
        if isinstance(status, str):
            verdict["connection_errors"] += 1
        elif bad and not 400 <= status < 500:
            verdict["bad_not_4xx"] += 1
        elif not bad and status != 200:
            verdict["good_not_2xx"] += 1
        if isinstance(status, int) and status >= 500:
            verdict["unexpected_5xx"] += 1
    after_two = [s for s in samples if s[0] >= start + 120] or samples
    verdict.update({
        "requests": len(log), "seconds": SECONDS, "clients": CONCURRENCY,
        "rss_kib_minute2": after_two[0][1], "rss_kib_end": samples[-1][1],
        "rss_growth": round(samples[-1][1] / after_two[0][1] - 1, 4),
        "fds_minute2": after_two[0][2], "fds_end": samples[-1][2],
        "kinds": sorted({r[1] for r in log}),
        "slow_clients": SLOW, "slow_connections_cut": len(slow_held),
        "slow_held_max_s": round(max(slow_held, default=0), 2),
        "slow_held_p50_s": round(statistics.median(slow_held), 2) if slow_held else 0,
        "idle_connections": IDLE, "idle_connections_cut": len(idle_held),
        "idle_held_max_s": round(max(idle_held, default=0), 2),
        "idle_held_p50_s": round(statistics.median(idle_held), 2) if idle_held else 0,
    })
    print(json.dumps(verdict), flush=True)


asyncio.run(main())
