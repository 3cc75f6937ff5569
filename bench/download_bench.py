#!/usr/bin/python3
"""`clip-retrieval download` against a local HTTP server that waits before answering (issue 15,
benchmark b): downloads/s, wall time, CPU seconds per 1,000 samples, at several thread_counts.

  download_bench.py CLI [--urls 2000] [--delay 0.05] [--threads 64,256] [--cpu 0] [--server-cpu 1]
                    [--wrk-seconds 10] [--work DIR]
  download_bench.py serve DIR DELAY      (internal: the server; prints its port, then serves)

The server (asyncio, one process, pinned to --server-cpu) reads a request, sleeps DELAY seconds
without blocking the others, then answers 200 image/jpeg with one of the ~20 KB JPEGs of
bench/make_download_images.py serve (url /N.jpg gets file N mod count), HTTP/1.1 keep-alive.
It is first measured alone with wrk at each concurrency so its own ceiling is known; the
download's latency bound is thread_count / DELAY samples/s.

Each download run: the CLI pinned to --cpu with taskset (one core, so CPU seconds and samples/s
are per core), img2dataset's defaults (border 256, jpg q95, sha256, EXIF) with output_format
webdataset, --max_per_host 1000 (every url is on one host), a fresh output folder; then the same
with --disable_all_reencoding True (fetch + hash + write only: the network side's cost). CPU
time is the child's rusage (user + sys, all its threads). Prints a table and one JSON line.
"""
import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


# ---- the server ----

def serve(folder, delay):
    bodies = []
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), "rb") as f:
            bodies.append(f.read())
    responses = [b"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n"
                 % len(body) + body for body in bodies]

    async def handle(reader, writer):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                stem = head.split(b" ", 2)[1].strip(b"/").split(b".")[0]
                await asyncio.sleep(delay)
                writer.write(responses[int(stem) % len(responses) if stem.isdigit() else 0])
                await writer.drain()
                if b"connection: close" in head.lower():
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    async def main():
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        server = await asyncio.start_server(handle, sock=sock, backlog=4096)
        print(sock.getsockname()[1], flush=True)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


# ---- the driver ----

def run_measured(cmd):
    """Runs cmd; returns (wall seconds, user + sys CPU seconds of it and its threads, stderr)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"{cmd} failed ({proc.returncode}): {stderr.decode(errors='replace')[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, stderr.decode(errors="replace")


def wrk(port, connections, seconds, cpu):
    out = subprocess.run(["taskset", "-c", str(cpu), "wrk", "-t1", f"-c{connections}",
                          f"-d{seconds}s", "--latency", f"http://127.0.0.1:{port}/7.jpg"],
                         capture_output=True, text=True, check=True).stdout
    rate = float(next(line for line in out.splitlines() if line.startswith("Requests/sec")).split()[1])
    p50 = next(line.split()[1] for line in out.splitlines() if line.strip().startswith("50%"))
    return {"requests_per_s": rate, "p50": p50}


def successes(output):
    total = 0
    for name in os.listdir(output):
        if name.endswith("_stats.json"):
            with open(os.path.join(output, name)) as f:
                total += json.load(f)["successes"]
    return total


def main(argv):
    if len(argv) >= 2 and argv[1] == "serve":
        serve(argv[2], float(argv[3]))
        return
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("cli")
    p.add_argument("--urls", type=int, default=2000)
    p.add_argument("--delay", type=float, default=0.05)
    p.add_argument("--threads", default="64,256")
    p.add_argument("--cpu", type=int, default=0)
    p.add_argument("--server-cpu", type=int, default=1)
    p.add_argument("--wrk-seconds", type=int, default=10)
    p.add_argument("--work")
    a = p.parse_args(argv[1:])
    threads = [int(t) for t in a.threads.split(",")]
    work = a.work or tempfile.mkdtemp(prefix="download_bench.")
    images = os.path.join(work, "images")
    if not os.path.isdir(images):
        subprocess.run([sys.executable, os.path.join(HERE, "make_download_images.py"), "serve",
                        images], check=True)
    server = subprocess.Popen(["taskset", "-c", str(a.server_cpu), sys.executable,
                               os.path.abspath(__file__), "serve", images, str(a.delay)],
                              stdout=subprocess.PIPE)
    result = {"urls": a.urls, "delay_s": a.delay, "server_alone": {}, "runs": []}
    try:
        port = int(server.stdout.readline())
        for t in threads:
            result["server_alone"][t] = wrk(port, t, a.wrk_seconds, a.cpu)
        url_list = os.path.join(work, "urls.txt")
        with open(url_list, "w") as f:
            f.writelines(f"http://127.0.0.1:{port}/{i}.jpg\n" for i in range(a.urls))
        for reencode in (True, False):
            for t in threads:
                output = os.path.join(work, "out")
                shutil.rmtree(output, ignore_errors=True)
                cmd = ["taskset", "-c", str(a.cpu), a.cli, "download", "--url_list", url_list,
                       "--output_folder", output, "--output_format", "webdataset",
                       "--thread_count", str(t), "--max_per_host", "1000", "--quiet"]
                if not reencode:
                    cmd += ["--disable_all_reencoding", "True"]
                wall, cpu, _ = run_measured(cmd)
                ok = successes(output)
                result["runs"].append({
                    "thread_count": t, "reencode": reencode, "wall_s": wall, "successes": ok,
                    "samples_per_s": a.urls / wall, "latency_bound_per_s": t / a.delay,
                    "cpu_s": cpu, "cpu_s_per_1000": cpu / a.urls * 1000,
                    "samples_per_cpu_s": a.urls / cpu})
    finally:
        server.kill()
        server.wait()
    print(f"{a.urls} urls, {a.delay * 1000:.0f} ms per request; server alone (wrk, 1 thread):")
    for t, w in result["server_alone"].items():
        print(f"  {t} connections: {w['requests_per_s']:.0f} requests/s, p50 {w['p50']}")
    print("thread_count reencode  wall_s  samples/s  bound/s  successes  cpu_s  cpu_s/1000  samples/cpu_s")
    for r in result["runs"]:
        print(f"{r['thread_count']:12d} {str(r['reencode']):8s} {r['wall_s']:7.2f} {r['samples_per_s']:10.0f}"
              f" {r['latency_bound_per_s']:8.0f} {r['successes']:10d} {r['cpu_s']:6.2f}"
              f" {r['cpu_s_per_1000']:11.2f} {r['samples_per_cpu_s']:14.0f}")
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv)
