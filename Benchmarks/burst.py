#!/usr/bin/env python3
"""How the worker pool follows load, measured on a release build.

Usage: python3 Benchmarks/burst.py [--clients 64] [--sleep-ms 100]

1. Burst from zero: `--clients` clients each send one request at the same moment to a function that sleeps
   `--sleep-ms` (scaling max 64, no worker running). Reports the time to the first and the last response, the p50
   and p99 latency, the cold starts and the workers spawned.
2. Once the pool is back at zero, steady load in phases (4, 32, then 8 clients sending back to back, 6 s each, then
   6 s of nothing): samples the pool every 250 ms and prints the live workers per phase, showing the pool grow with
   the load (to about demand / 70% utilisation), shrink when it drops, and go back to zero after `idleTimeout`
   (2 s here).
"""
import argparse
import http.client
import os
import statistics
import tempfile
import threading
import time

from common import build, functions_status, ms, percentile, request, start, stop, write_manifest


def burst(port, clients, body):
    barrier = threading.Barrier(clients)
    latencies, finished = [], []
    lock = threading.Lock()

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port)
        connection.connect()
        barrier.wait()
        elapsed, _ = request(connection, "POST", "/function/sleep", body)
        with lock:
            latencies.append(elapsed)
            finished.append(time.perf_counter())
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, min(finished) - began, max(finished) - began


def steady(port, body, phases):
    samples = {}
    stopping = threading.Event()

    def sampler(label):
        while not stopping.is_set():
            workers = functions_status(port)["sleep"]["workers"]
            samples.setdefault(label(), []).append(workers["idle"] + workers["busy"] + workers["starting"])
            time.sleep(0.25)

    current = ["start"]
    thread = threading.Thread(target=sampler, args=(lambda: current[0],))
    thread.start()
    for clients, seconds in phases:
        current[0] = f"{clients} clients for {seconds} s"
        deadline = time.perf_counter() + seconds

        def client():
            connection = http.client.HTTPConnection("127.0.0.1", port)
            while time.perf_counter() < deadline:
                request(connection, "POST", "/function/sleep", body)
            connection.close()

        threads = [threading.Thread(target=client) for _ in range(clients)]
        for worker in threads:
            worker.start()
        for worker in threads:
            worker.join()
        if clients == 0:
            time.sleep(seconds)
    stopping.set()
    thread.join()
    return samples


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--sleep-ms", type=int, default=100)
    arguments = parser.parse_args()
    binaries = build("invoker", "Functions", "FixtureFunctions")
    body = f'{{"ms":{arguments.sleep_ms}}}'
    with tempfile.TemporaryDirectory() as folder:
        manifest = write_manifest(folder, {"sleep": {
            "command": [os.path.join(binaries, "FixtureFunctions")], "handler": "sleep", "timeout": 10,
            "scaling": {"max": 64, "idleTimeout": 2}}})
        process, port = start(binaries, manifest, os.path.join(folder, "invocations.sqlite"))
        latencies, first, last = burst(port, arguments.clients, body)
        status = functions_status(port)["sleep"]
        print(f"| Burst from zero: {arguments.clients} clients, {arguments.sleep_ms} ms function (release build) |"
              " value |")
        print("|---|---|")
        print(f"| time to first response | {ms(first)} |")
        print(f"| time to last response | {ms(last)} |")
        print(f"| latency p50 / p99 | {ms(statistics.median(latencies))} / {ms(percentile(latencies, 0.99))} |")
        print(f"| cold starts / workers spawned | {status['coldStarts']} / {status['spawned']} |")
        print()
        deadline = time.perf_counter() + 60
        while sum(functions_status(port)["sleep"]["workers"].values()) > 0 and time.perf_counter() < deadline:
            time.sleep(0.1)
        samples = steady(port, body, [(4, 6), (32, 6), (8, 6), (0, 6)])
        print("| Steady load phase | live workers, mean of 250 ms samples | min | max |")
        print("|---|---|---|---|")
        for label, values in samples.items():
            print(f"| {label} | {statistics.mean(values):.1f} | {min(values)} | {max(values)} |")
        stop(process)


if __name__ == "__main__":
    main()
