#!/usr/bin/env python3
"""A response streamed by a Swift function, over each worker transport: time to first byte against time to last
byte; prints one Markdown table.

Usage: python3 Benchmarks/stream.py [--transports native,runtime-api] [--trials 3] [--pause-ms 20] [--binaries DIR]

Builds `invoker` and `Functions` in release mode (.build-release) unless `--binaries` names a folder that holds them
(a debug build's `.build/debug` works too, for a quick check). For each transport it starts `invoker serve` with the
example `stream` function (Sources/Functions/Lines.swift, scaling min 1) and, over one keep-alive connection
(Python's http.client), after one warm-up request, times `--trials` requests of 1 MiB each, in two shapes:

- `1 MiB, no pauses`: `GET /stream?lines=16&lineBytes=65536&delayMs=0`, sixteen 64 KiB writes back to back;
- `1 MiB, paused`: the same sixteen writes `--pause-ms` apart, where streaming shows: the first byte arrives at once,
  the last after the function's last write.

Columns: the medians of the trials' time to the first byte of the body (after the request was sent) and to the last,
and the throughput of the whole response. Every trial checks that the body is the 1 MiB the function wrote.
"""
import argparse
import http.client
import os
import statistics
import sys
import tempfile
import time

from common import build, start, stop, write_manifest

LINES = 16
LINE_BYTES = 65536


def expected_body():
    """The body `Lines` writes for `lines=16&lineBytes=65536`."""
    body = bytearray()
    for number in range(1, LINES + 1):
        line = f"line {number}"
        body += (line + "." * (LINE_BYTES - len(line) - 1) + "\n").encode()
    return bytes(body)


def trial(connection, path, expected):
    """One request: the seconds to the first byte of the body and to the last."""
    began = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    first = response.read(1)
    first_byte = time.perf_counter() - began
    body = first + response.read()
    last_byte = time.perf_counter() - began
    if response.status != 200 or body != expected:
        sys.exit(f"GET {path} answered {response.status} with {len(body)} bytes, expected 200 and {len(expected)}")
    return first_byte, last_byte


def measure(binaries, transport, trials, pause_ms):
    """The rows of one transport: (shape, median first byte, median last byte)."""
    with tempfile.TemporaryDirectory(prefix="invoker-stream-") as folder:
        manifest = write_manifest(folder, {
            "stream": {"handler": "stream", "http": [{"path": "/stream", "methods": ["GET"]}], "timeout": 60,
                       "transport": transport, "scaling": {"min": 1, "max": 1, "idleTimeout": 60}},
        })
        process, port = start(binaries, manifest, os.path.join(folder, "invocations.sqlite"))
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        expected = expected_body()
        rows = []
        for shape, pause in (("1 MiB, no pauses", 0), (f"1 MiB, {LINES} writes {pause_ms} ms apart", pause_ms)):
            path = f"/stream?lines={LINES}&lineBytes={LINE_BYTES}&delayMs={pause}"
            trial(connection, path, expected)
            times = [trial(connection, path, expected) for _ in range(trials)]
            rows.append((shape, statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)))
        connection.close()
        stop(process)
        return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--transports", default="native,runtime-api", help="transports (default: %(default)s)")
    parser.add_argument("--trials", type=int, default=3, help="timed requests per shape (default: %(default)s)")
    parser.add_argument("--pause-ms", type=int, default=20, help="pause between writes (default: %(default)s)")
    parser.add_argument("--binaries", help="use the invoker and Functions in this folder instead of building them")
    arguments = parser.parse_args()
    binaries = arguments.binaries or build("invoker", "Functions")
    print("| Transport | Response | First byte (median) | Last byte (median) | Throughput |")
    print("|---|---|---|---|---|")
    for transport in arguments.transports.split(","):
        for shape, first, last in measure(binaries, transport, arguments.trials, arguments.pause_ms):
            throughput = LINES * LINE_BYTES / last / 2**20
            print(f"| {transport} | {shape} | {first * 1000:.2f} ms | {last * 1000:.2f} ms | {throughput:.0f} MiB/s |",
                  flush=True)


if __name__ == "__main__":
    main()
