#!/usr/bin/env python3
"""Many invocations per worker: an I/O-bound function (it waits 50 ms, then answers: the example `wait`) under 512
concurrent clients, served by `concurrency` 1 with `max` 64 workers against `concurrency` 128 with `max` 4. For each:
requests per second, p50 and p99 latency, how many workers served, and their total resident memory at the end of
the run. Three runs each, interleaved, medians shown.

Usage: python3 Benchmarks/concurrency.py [--duration SECONDS] [--runs N]
Needs wrk (`apt-get install wrk`)."""
import argparse
import os
import statistics
import tempfile

import common

SETTINGS = {
    "concurrency 1, max 64": {"concurrency": 1, "scaling": {"max": 64, "maxQueue": 1000, "idleTimeout": 600}},
    "concurrency 128, max 4": {"concurrency": 128, "scaling": {"max": 4, "maxQueue": 1000, "idleTimeout": 600}},
}


def measure(binaries, folder, settings, duration):
    """One run of `wrk -c512` against the `wait` function with `settings`; a dict of the figures."""
    function = {"handler": "wait", "http": [{"path": "/wait", "methods": ["GET"]}], "timeout": 10, **settings}
    manifest = common.write_manifest(folder, {"wait": function})
    database = os.path.join(folder, f"log-{settings['concurrency']}.sqlite")
    process, port = common.start(binaries, manifest, database, "--max-workers", "128")
    try:
        url = f"http://127.0.0.1:{port}/wait?ms=50"
        common.wrk(url, 512, 3)  # warm up: the pool grows to the load
        result = common.wrk(url, 512, duration)
        workers = common.functions_worker_pids(process.pid)
        rss = 0
        for pid in workers:
            try:
                rss += common.rss_bytes(pid)
            except (FileNotFoundError, ProcessLookupError, ValueError):
                pass
        return {"rps": result["rps"], "p50": result["p50"], "p99": result["p99"], "workers": len(workers),
                "rss": rss, "failed": result["non2xx"] + result["errors"]}
    finally:
        common.stop(process)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement (default 10)")
    parser.add_argument("--runs", type=int, default=3, help="runs per setting (default 3)")
    arguments = parser.parse_args()
    common.require_wrk()
    binaries = common.build("invoker", "Functions")
    results = {name: [] for name in SETTINGS}
    # Workers run under other users' ids: the folder must be readable by them.
    with tempfile.TemporaryDirectory() as folder:
        os.chmod(folder, 0o755)
        for _ in range(arguments.runs):
            for name, settings in SETTINGS.items():
                results[name].append(measure(binaries, folder, settings, arguments.duration))
    print(f"I/O-bound function (waits 50 ms), 512 concurrent clients, {arguments.duration} s per run, "
          f"medians of {arguments.runs}")
    print()
    print("| Setting | Requests/s | p50 | p99 | Workers | Worker RSS, total | Failed |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, runs in results.items():
        def median(key):
            return statistics.median(run[key] for run in runs)
        print(f"| {name} | {median('rps'):,.0f} | {median('p50') * 1000:.1f} ms | {median('p99') * 1000:.1f} ms "
              f"| {median('workers'):.0f} | {median('rss') / 1048576:.1f} MiB | {median('failed'):.0f} |")


if __name__ == "__main__":
    main()
