#!/usr/bin/env python3
"""What an idle invoker costs as its number of functions grows: prints one Markdown table.

Usage: python3 Benchmarks/idle.py [--functions 10,200,1000] [--seconds 10] [--binaries DIR]

Builds `invoker` and `Functions` in release mode (.build-release), then for each count N starts `invoker serve` with a
manifest of N copies of `hello` (each with its own HTTP route and, like every function, its asynchronous queue;
scaling min 0, so no worker runs) and measures, once it answers GET /readyz:

- idle CPU: the invoker's user + system CPU time over `--seconds` seconds of no traffic, as a share of one core
  (from /proc/PID/stat), after 3 seconds to settle;
- /healthz: the median and the worst of 20 GET /healthz round trips on one keep-alive connection;
- RSS: VmRSS from /proc/PID/status;
- SIGTERM: the time from SIGTERM until the process has exited.

Targets (issue 12): 1,000 functions idle under 2% CPU, /healthz under 5 ms, SIGTERM under 2 s.
"""
import argparse
import http.client
import os
import signal
import statistics
import tempfile
import time

from common import build, cpu_seconds, rss_bytes, start, write_manifest


def measure(binaries, count, seconds):
    with tempfile.TemporaryDirectory(prefix="invoker-idle-") as folder:
        functions = {f"f{i}": {"handler": "hello", "http": [{"path": f"/f{i}"}]} for i in range(count)}
        manifest = write_manifest(folder, functions)
        process, port = start(binaries, manifest, os.path.join(folder, "invocations.sqlite"))
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/readyz")
        connection.getresponse().read()
        time.sleep(3)
        before = cpu_seconds(process.pid)
        time.sleep(seconds)
        cpu = (cpu_seconds(process.pid) - before) / seconds
        rtts = []
        for _ in range(20):
            started = time.perf_counter()
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            rtts.append(time.perf_counter() - started)
        rss = rss_bytes(process.pid)
        started = time.perf_counter()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=120)
        stopped = time.perf_counter() - started
        return cpu, statistics.median(rtts), max(rtts), rss, stopped


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--functions", default="10,200,1000", help="function counts (default: %(default)s)")
    parser.add_argument("--seconds", type=int, default=10, help="seconds of idle measured (default: %(default)s)")
    parser.add_argument("--binaries", help="measure the invoker in this folder instead of building one (to compare"
                        " with an earlier build)")
    arguments = parser.parse_args()
    binaries = arguments.binaries or build("invoker", "Functions")
    print("| Functions | Idle CPU | /healthz p50 | /healthz max | RSS | SIGTERM to exit |")
    print("|---|---|---|---|---|---|")
    for count in (int(value) for value in arguments.functions.split(",")):
        cpu, p50, worst, rss, stopped = measure(binaries, count, arguments.seconds)
        print(f"| {count:,} | {cpu * 100:.1f}% | {p50 * 1000:.2f} ms | {worst * 1000:.2f} ms |"
              f" {rss / 2**20:.1f} MB | {stopped:.2f} s |", flush=True)


if __name__ == "__main__":
    main()
