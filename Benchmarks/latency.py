#!/usr/bin/env python3
"""Cold start and warm latency of one invocation, measured on a release build.

Usage: python3 Benchmarks/latency.py [--trials 20] [--requests 1000]

- cold start: the time from sending a request to `hello` while it has no worker (the pool scaled it to zero after
  `idleTimeout: 0`) to its complete response, so it includes spawning the worker (in its own process group, user id
  and limits), its initialisation and the invocation; the invoker itself is warm;
- warm latency: sequential requests on one keep-alive connection (c=1), alternating `GET /hello?name=Ada` (through a
  worker process) with `GET /healthz` (answered inside the invoker), so the difference is the cost of the worker hop,
  measured side by side in the same run.

The client is Python's http.client, whose own overhead is part of both columns and cancels out in the difference.
"""
import argparse
import http.client
import json
import os
import statistics
import tempfile
import time

from common import ROOT, build, functions_status, ms, percentile, request, start, stop, write_manifest


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=20, help="cold starts to measure")
    parser.add_argument("--requests", type=int, default=1000, help="sequential warm requests per route")
    arguments = parser.parse_args()
    binaries = build("invoker", "Functions")
    with open(os.path.join(ROOT, "functions.json")) as file:
        functions = json.load(file)["functions"]
    functions["hello"]["scaling"] = {"min": 0, "max": 4, "idleTimeout": 0}
    with tempfile.TemporaryDirectory() as folder:
        manifest = write_manifest(folder, functions)
        process, port = start(binaries, manifest, os.path.join(folder, "invocations.sqlite"))
        connection = http.client.HTTPConnection("127.0.0.1", port)
        for _ in range(100):
            request(connection, "GET", "/healthz")
        cold = []
        for _ in range(arguments.trials):
            while sum(functions_status(port)["hello"]["workers"].values()) > 0:
                time.sleep(0.05)
            cold.append(request(connection, "GET", "/hello?name=Ada")[0])
        functions["hello"]["scaling"]["idleTimeout"] = 60
        stop(process)

        manifest = write_manifest(folder, functions)
        process, port = start(binaries, manifest, os.path.join(folder, "invocations.sqlite"))
        connection = http.client.HTTPConnection("127.0.0.1", port)
        for _ in range(100):
            request(connection, "GET", "/hello?name=Ada")
            request(connection, "GET", "/healthz")
        worker, inside = [], []
        for _ in range(arguments.requests):
            worker.append(request(connection, "GET", "/hello?name=Ada")[0])
            inside.append(request(connection, "GET", "/healthz")[0])
        connection.close()
        stop(process)

    def row(label, values):
        print(f"| {label} | {ms(statistics.median(values))} | {ms(percentile(values, 0.95))}"
              f" | {ms(percentile(values, 0.99))} |")

    print(f"| Figure (release build, {os.cpu_count()} cores) | p50 | p95 | p99 |")
    print("|---|---|---|---|")
    row(f"cold start: request to `hello` at zero workers, warm invoker (n={len(cold)})", cold)
    row(f"warm `GET /hello` through a worker, c=1 (n={len(worker)})", worker)
    row(f"warm `GET /healthz` inside the invoker, same run (n={len(inside)})", inside)
    row("added by the worker hop (pairwise difference)", [w - i for w, i in zip(worker, inside)])


if __name__ == "__main__":
    main()
