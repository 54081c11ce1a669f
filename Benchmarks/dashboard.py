#!/usr/bin/env python3
"""What an open dashboard costs warm throughput (issue 16): `wrk -t1 -c32` against `hello` with no dashboard open,
and with one dashboard's event stream (`GET /system/events`, as the browser's EventSource reads it) open and read the
whole time, on the same invoker, in the same run, alternating which goes first; medians of {repeat} pairs.

    python3 Benchmarks/dashboard.py [--duration 10] [--repeat 3] [--bin-path .build/release]

The stream gets a `stats` event each second and every invocation's summary (`invocation` events, at most 25 every
quarter second): the script counts what it read, to show it streamed. Without --bin-path the release binaries are
built into .build-release. Needs wrk (`apt-get install wrk`).
"""
import argparse
import json
import os
import socket
import statistics
import tempfile
import threading

from common import ADMIN_KEY, build, cpu_seconds, require_wrk, start, stop, wrk, write_manifest


class EventStream:
    """One dashboard's event stream, read on a thread until `close()`; counts the events by name."""

    def __init__(self, port):
        self.counts = {}
        self.closed = threading.Event()
        self.socket = socket.create_connection(("127.0.0.1", port))
        self.socket.sendall(f"GET /system/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                            f"Authorization: Bearer {ADMIN_KEY}\r\n\r\n".encode())
        self.socket.settimeout(0.5)
        self.thread = threading.Thread(target=self.read, daemon=True)
        self.thread.start()

    def read(self):
        pending = b""
        while not self.closed.is_set():
            try:
                data = self.socket.recv(65536)
            except socket.timeout:
                continue
            if not data:
                break
            pending += data
            *lines, pending = pending.split(b"\n")
            for line in lines:
                if line.startswith(b"event: "):
                    name = line[7:].decode().strip()
                    self.counts[name] = self.counts.get(name, 0) + 1

    def close(self):
        self.closed.set()
        self.thread.join()
        self.socket.close()


def measure(process, port, duration, dashboard):
    stream = EventStream(port) if dashboard else None
    before = cpu_seconds(process.pid)
    result = wrk(f"http://127.0.0.1:{port}/hello?name=Ada", 32, duration)
    result["cpu"] = (cpu_seconds(process.pid) - before) / max(result["requests"], 1)
    if stream:
        stream.close()
        result["events"] = stream.counts
        if not stream.counts.get("stats") or not stream.counts.get("invocation"):
            raise SystemExit(f"the event stream did not stream: {stream.counts}")
    if result["non2xx"] or result["errors"]:
        raise SystemExit(f"{result['non2xx']} non-2xx responses, {result['errors']} socket errors")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--bin-path", help="use the invoker and Functions binaries in this folder instead of building"
                        " them (figures from a debug build are not comparable)")
    arguments = parser.parse_args()
    require_wrk()
    binaries = os.path.abspath(arguments.bin_path) if arguments.bin_path else build("invoker", "Functions")
    results = {"none": [], "open": []}
    with tempfile.TemporaryDirectory() as folder:
        manifest = write_manifest(folder, {
            "hello": {"handler": "hello", "scaling": {"min": 1, "max": 4},
                      "http": [{"path": "/hello", "methods": ["GET"]}]},
        })
        process, port = start(binaries, manifest, os.path.join(folder, "invocations.sqlite"))
        measure(process, port, 2, dashboard=False)  # warm-up: starts the workers
        for round in range(arguments.repeat):
            order = ["none", "open"] if round % 2 == 0 else ["open", "none"]
            for name in order:
                results[name].append(measure(process, port, arguments.duration, dashboard=name == "open"))
        stop(process)
    medians = {name: {key: statistics.median(run[key] for run in runs) for key in ("rps", "p50", "p99", "cpu")}
               for name, runs in results.items()}
    none, open_ = medians["none"], medians["open"]
    events = [json.dumps(run["events"], sort_keys=True) for run in results["open"]]
    kind = f"binaries from {arguments.bin_path}" if arguments.bin_path else "release build"
    print(f"`hello` GET /hello?name=Ada, c=32, wrk -t1 -d{arguments.duration}s, median of {arguments.repeat}, {kind}\n")
    print("| Dashboard | req/s | p50 | p99 | invoker CPU / request |")
    print("|---|---|---|---|---|")
    for label, row in (("none open", none), ("one open, streaming", open_)):
        print(f"| {label} | {row['rps']:,.0f} | {row['p50'] * 1e3:.2f} ms | {row['p99'] * 1e3:.2f} ms | "
              f"{row['cpu'] * 1e6:.0f} µs |")
    cost = (none["rps"] - open_["rps"]) / none["rps"]
    print(f"\nCost of an open dashboard: {cost * 100:+.1f}% throughput (target: under 2%). "
          f"Events read per run: {', '.join(events)}")


if __name__ == "__main__":
    main()
