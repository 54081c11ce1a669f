#!/usr/bin/env python3
"""Cold start and warm latency of one invocation, measured on a release build.

Usage: python3 Benchmarks/latency.py [--trials 20] [--requests 1000]

- cold start: a fresh invoker per trial; the time from sending the first request to `hello` (no worker running yet)
  to its complete response, so it includes spawning the worker, its initialisation and the invocation;
- warm latency: sequential requests on one keep-alive connection (c=1), alternating `GET /hello?name=Ada` (through a
  worker process) with `GET /healthz` (answered inside the invoker), so the difference is the cost of the worker hop,
  measured side by side in the same run.

The client is Python's http.client, whose own overhead is part of both columns and cancels out in the difference.
"""
import argparse
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRATCH = os.path.join(ROOT, ".build-release")


def build():
    for product in ("invoker", "Functions"):
        subprocess.run(
            ["swift", "build", "-c", "release", "--scratch-path", SCRATCH, "--product", product],
            cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    binaries = subprocess.run(
        ["swift", "build", "-c", "release", "--scratch-path", SCRATCH, "--show-bin-path"],
        cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()
    return os.path.join(binaries, "invoker"), os.path.join(binaries, "Functions")


def start(invoker, functions, database):
    process = subprocess.Popen(
        [invoker, "serve", "--port", "0", "--manifest", os.path.join(ROOT, "functions.json"), "--db", database,
         "--functions-binary", functions, "--log-level", "warning"],
        stdout=subprocess.PIPE, text=True)
    banner = process.stdout.readline()
    if "serving" not in banner:
        process.kill()
        sys.exit(f"the invoker did not start: {banner!r}")
    return process, int(banner.rsplit(":", 1)[1])


def stop(process):
    process.terminate()
    process.wait(timeout=30)


def timed_get(connection, path):
    began = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - began
    if response.status != 200:
        sys.exit(f"GET {path} answered {response.status}: {body!r}")
    return elapsed


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=20, help="cold-start trials (a fresh invoker each)")
    parser.add_argument("--requests", type=int, default=1000, help="sequential warm requests per route")
    arguments = parser.parse_args()
    invoker, functions = build()
    with tempfile.TemporaryDirectory() as folder:
        database = os.path.join(folder, "invocations.sqlite")
        cold = []
        for _ in range(arguments.trials):
            process, port = start(invoker, functions, database)
            connection = http.client.HTTPConnection("127.0.0.1", port)
            connection.connect()
            cold.append(timed_get(connection, "/hello?name=Ada"))
            connection.close()
            stop(process)

        process, port = start(invoker, functions, database)
        connection = http.client.HTTPConnection("127.0.0.1", port)
        for _ in range(100):
            timed_get(connection, "/hello?name=Ada")
            timed_get(connection, "/healthz")
        worker, inside = [], []
        for _ in range(arguments.requests):
            worker.append(timed_get(connection, "/hello?name=Ada"))
            inside.append(timed_get(connection, "/healthz"))
        connection.close()
        stop(process)

    def ms(value):
        return f"{value * 1000:.3f} ms"

    print(f"| Figure (release build, {os.cpu_count()} cores) | p50 | p95 | p99 |")
    print("|---|---|---|---|")
    print(f"| cold start, first request to `hello` at zero workers (n={len(cold)}) | {ms(statistics.median(cold))}"
          f" | {ms(percentile(cold, 0.95))} | {ms(percentile(cold, 0.99))} |")
    print(f"| warm `GET /hello` through a worker, c=1 (n={len(worker)}) | {ms(statistics.median(worker))}"
          f" | {ms(percentile(worker, 0.95))} | {ms(percentile(worker, 0.99))} |")
    print(f"| warm `GET /healthz` inside the invoker, same run (n={len(inside)}) | {ms(statistics.median(inside))}"
          f" | {ms(percentile(inside, 0.95))} | {ms(percentile(inside, 0.99))} |")
    added = [w - i for w, i in zip(worker, inside)]
    print(f"| added by the worker hop (pairwise difference) | {ms(statistics.median(added))}"
          f" | {ms(percentile(added, 0.95))} | {ms(percentile(added, 0.99))} |")


if __name__ == "__main__":
    main()
