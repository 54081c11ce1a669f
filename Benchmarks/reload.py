#!/usr/bin/env python3
"""The edit loop, measured on a release build: how long `invoker serve --watch` takes from a saved change to the first
response from the new code, and whether any request fails during the swap.

Usage: python3 Benchmarks/reload.py [--reloads 10] [--rate 200]

Copies the small package of the `serve --watch` tests (Tests/WatchPackage: one Runtime API function, no dependency)
into a temporary folder and serves it with `invoker serve --watch`. A client sends `--rate` requests per second to
the function over four keep-alive connections the whole time. Then, `--reloads` times each:

1. Source edit: `Greeting.swift` is rewritten with a new greeting. Total is the time from the write to the first
   response carrying the new greeting; build is the `swift build` the invoker ran (from its log), and the rest is
   everything else: the watcher's 200 ms quiet period, the reload (manifest, binary snapshot, the new generation's
   first worker) and the switch.
2. Manifest-only edit: the function's `LABEL` environment variable changes in `functions.json` (a new generation, no
   build). Total is again write to first new response; reload is what the invoker reports for the reload itself.

Prints medians (and the worst) per kind, and the requests sent and failed (any status but 200, or no answer).
"""
import argparse
import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from common import ROOT, build

BUILD_MS = re.compile(r"build\.duration_ms=([0-9.]+)")
RELOAD_MS = re.compile(r"reloaded in ([0-9]+) ms")


class Client:
    """Sends GET /greet at a steady rate over a few connections; remembers when each answer body was first seen."""

    def __init__(self, port, rate, connections=4):
        self.port, self.interval, self.connections = port, connections / rate, connections
        self.first_seen, self.sent, self.failed = {}, 0, []
        self.lock, self.running = threading.Lock(), True
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(connections)]
        for thread in self.threads:
            thread.start()

    def run(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        next_at = time.monotonic()
        while self.running:
            try:
                connection.request("GET", "/greet")
                response = connection.getresponse()
                body, status = response.read().decode(), response.status
            except (OSError, http.client.HTTPException) as error:
                body, status = "", f"no answer: {error}"
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            now = time.monotonic()
            with self.lock:
                self.sent += 1
                if status != 200:
                    self.failed.append(status)
                self.first_seen.setdefault(body, now)
            next_at += self.interval
            time.sleep(max(0, next_at - time.monotonic()))

    def wait_for(self, body, timeout=300):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if body in self.first_seen:
                    return self.first_seen[body]
            time.sleep(0.001)
        sys.exit(f"no response {body!r} within {timeout} s; seen: {sorted(self.first_seen)[:5]}, failures: {self.failed[:3]}")

    def stop(self):
        self.running = False
        for thread in self.threads:
            thread.join()


class Log:
    """The invoker's standard error, line by line, kept with the time each line arrived."""

    def __init__(self, stream):
        self.lines, self.lock = [], threading.Lock()
        threading.Thread(target=self.read, args=(stream,), daemon=True).start()

    def read(self, stream):
        for line in stream:
            with self.lock:
                self.lines.append(line)

    def last(self, pattern, after):
        """The last number `pattern` matched in the lines from index `after` on."""
        with self.lock:
            found = [pattern.search(line) for line in self.lines[after:]]
        numbers = [float(match.group(1)) for match in found if match]
        return numbers[-1] if numbers else None

    def count(self):
        with self.lock:
            return len(self.lines)


def manifest(label):
    return ('{"functions": {"greet": {"handler": "greet", "transport": "runtime-api", "environment": {"LABEL": "'
            + label + '"}, "http": [{"path": "/greet", "methods": ["GET"]}]}}}\n')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reloads", type=int, default=10)
    parser.add_argument("--rate", type=int, default=200)
    options = parser.parse_args()
    binaries = build("invoker")
    folder = tempfile.mkdtemp(prefix="invoker-reload-")
    os.chmod(folder, 0o755)  # workers run under user ids of their own (as root) and must reach the binary
    for item in ["Package.swift", "Sources"]:
        copy = shutil.copytree if item == "Sources" else shutil.copy
        copy(os.path.join(ROOT, "Tests/WatchPackage", item), os.path.join(folder, item))
    greeting = os.path.join(folder, "Sources/Functions/Greeting.swift")
    manifest_path = os.path.join(folder, "functions.json")
    with open(manifest_path, "w") as file:
        file.write(manifest("m0"))
    process = subprocess.Popen(
        [os.path.join(binaries, "invoker"), "serve", "--watch", "--port", "0", "--manifest", manifest_path,
         "--api-key", "benchmark-admin-key", "--log-level", "notice"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        banner = process.stdout.readline()
        if "serving" not in banner:
            sys.exit("invoker serve --watch did not start:\n" + process.stderr.read())
        log = Log(process.stderr)
        client = Client(int(banner.rsplit(":", 1)[1]), options.rate)
        client.wait_for("version 1 m0")
        sources, manifests = [], []
        for round in range(1, options.reloads + 1):
            mark = log.count()
            written = time.monotonic()
            with open(greeting, "w") as file:
                file.write(f'/// What every invocation answers.\nlet greeting = "version {round + 1}"\n')
            seen = client.wait_for(f"version {round + 1} m{round - 1}")
            total = (seen - written) * 1000
            build_ms = log.last(BUILD_MS, mark) or 0
            sources.append((total, build_ms, total - build_ms))

            mark = log.count()
            written = time.monotonic()
            with open(manifest_path, "w") as file:
                file.write(manifest(f"m{round}"))
            seen = client.wait_for(f"version {round + 1} m{round}")
            time.sleep(0.05)  # the reload's log line follows its switch
            manifests.append(((seen - written) * 1000, log.last(RELOAD_MS, mark) or 0))
        time.sleep(0.5)
        client.stop()
    finally:
        process.terminate()
        process.wait()
        shutil.rmtree(folder, ignore_errors=True)

    def row(name, values):
        return f"| {name} | " + " | ".join(f"{statistics.median(v):,.0f} ({max(v):,.0f})" for v in values) + " |"

    print(f"\n{options.reloads} reloads of each kind, {options.rate} requests/s throughout; median (worst), ms\n")
    print("| Change | Total: write to first new response | Build | Everything else |")
    print("|---|---|---|---|")
    print(row("Source edit", list(zip(*sources))))
    print("\n| Change | Total: write to first new response | The reload itself |")
    print("|---|---|---|")
    print(row("Manifest only", list(zip(*manifests))))
    print(f"\nRequests: {client.sent:,} sent, {len(client.failed)} failed{': ' + str(client.failed[:10]) if client.failed else ''}")


if __name__ == "__main__":
    main()
