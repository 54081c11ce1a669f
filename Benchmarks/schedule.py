#!/usr/bin/env python3
"""How punctual schedules are: runs a `rate(1 second)` schedule for some minutes and prints one Markdown table of how
late its slots fired.

Usage: python3 Benchmarks/schedule.py [--minutes 10] [--binaries DIR]

Builds `invoker` and `Functions` in release mode (.build-release), starts `invoker serve` with one function, the
`heartbeat` example (it decodes the Scheduled Event), on a `rate(1 second)` schedule, lets it run for `--minutes`,
stops it with SIGTERM (which flushes the invocation log), then reads:

- from the queue database's `schedule_firings`: when each slot was recorded and its invocation queued (`fired_at`);
- from the invocation log: when each slot's invocation started in a worker (`started_at`, first attempts).

Lateness is that time minus the slot (`scheduled_at`). The table also counts slots that fired twice (duplicates) and
slots between the first and the last that never fired (gaps); both must be 0.
"""
import argparse
import os
import sqlite3
import tempfile
import time

from common import build, percentile, start, stop, write_manifest


def run(binaries, minutes):
    """Serves the schedule for `minutes`; returns the lateness of the firings and of the invocations (milliseconds),
    the duplicates and the gaps."""
    with tempfile.TemporaryDirectory(prefix="invoker-schedule-") as folder:
        functions = {"heartbeat": {"handler": "heartbeat",
                                   "schedules": [{"name": "tick", "expression": "rate(1 second)"}]}}
        manifest = write_manifest(folder, functions)
        log = os.path.join(folder, "invocations.sqlite")
        process, _ = start(binaries, manifest, log)
        time.sleep(minutes * 60)
        stop(process)
        queue = sqlite3.connect(os.path.join(folder, ".invoker", "queue.sqlite"))
        firings = queue.execute("SELECT scheduled_at, fired_at FROM schedule_firings").fetchall()
        records = sqlite3.connect(log).execute(
            "SELECT scheduled_at, started_at FROM invocations WHERE trigger = 'schedule' AND attempt = 1"
        ).fetchall()
    slots = sorted(slot for slot, _ in records)
    duplicates = len(slots) - len(set(slots))
    gaps = (slots[-1] - slots[0]) // 1000 + 1 - len(set(slots)) if slots else 0
    return ([fired - slot for slot, fired in firings], [started - slot for slot, started in records], duplicates, gaps)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10, help="how long the schedule runs (default: %(default)s)")
    parser.add_argument("--binaries", help="measure the invoker in this folder instead of building one")
    arguments = parser.parse_args()
    binaries = arguments.binaries or build("invoker", "Functions")
    fired, started, duplicates, gaps = run(binaries, arguments.minutes)
    print("| Slots | Duplicates | Gaps | Queued p50 | Queued p99 | Started p50 | Started p99 | Started max |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| {len(started):,} | {duplicates} | {gaps} | {percentile(fired, 0.5)} ms | {percentile(fired, 0.99)} ms |"
          f" {percentile(started, 0.5)} ms | {percentile(started, 0.99)} ms | {max(started)} ms |")


if __name__ == "__main__":
    main()
