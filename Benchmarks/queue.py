#!/usr/bin/env python3
"""End-to-end throughput and latency of the durable queue, measured on a release build.

Usage: python3 Benchmarks/queue.py [--messages 30000] [--connections 16] [--window 32] [--rate 1000] [--workers 4]
                                  [--database postgres://…]

Three runs, each on a fresh invoker serving one queue-triggered function, the fixtures' `record` (a `QueueHandler`:
for each message it appends the body and the time its batch started to a file, one write per batch, and reports no
failures): consumer batches of 1 and of 10 with one message per request (`POST /queue/bench`), and batches of 10
with ten messages per request (`POST /queue/bench/batch`).

1. Throughput: `--connections` HTTP/1.1 connections post `--messages` messages, each keeping `--window` requests in
   flight (pipelined), as fast as the invoker answers `202` (a `202` means the messages are committed to the queue
   database). Reports the enqueue rate, the end-to-end rate (messages from the first request sent to the last
   message's batch starting), the invocations it took, and the time from sending a message to its batch starting
   (p50 / p99) under that load.
2. Latency: one connection sends `--rate` messages per second for 3 s, so the queue is not saturated; reports the
   time from sending a message to its batch starting (p50 / p99).

With `--database`, the queue is in that PostgreSQL database (each run purges the queue first) instead of the
embedded SQLite file.

Prints a markdown table.
"""
import argparse
import os
import re
import socket
import statistics
import subprocess
import tempfile
import threading
import time

from common import build, functions_status, ms, percentile, start, stop, write_manifest

CONTENT_LENGTH = re.compile(rb"(?i)content-length: *(\d+)")


def now_us():
    return time.time_ns() // 1000


def request(body, path=b"/queue/bench"):
    return b"POST %s HTTP/1.1\r\nHost: bench\r\nContent-Length: %d\r\n\r\n%s" % (path, len(body), body)


def batch_request(first, count):
    """A `POST /queue/bench/batch` request carrying messages `first` ..< `first + count`."""
    sent = now_us()
    entries = b",".join(b'{"body":"%d %d"}' % (first + index, sent) for index in range(count))
    return request(b'{"messages":[%s]}' % entries, b"/queue/bench/batch")


class Responses:
    """Reads pipelined HTTP/1.1 responses from a socket and counts the 202s."""

    def __init__(self, sock):
        self.sock, self.buffer, self.accepted = sock, b"", 0

    def read(self):
        data = self.sock.recv(1 << 16)
        if not data:
            raise SystemExit("the invoker closed a connection")
        self.buffer += data
        count = 0
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return count
            head = self.buffer[:end]
            length = int(CONTENT_LENGTH.search(head).group(1))
            if len(self.buffer) < end + 4 + length:
                return count
            if head[9:12] != b"202":
                raise SystemExit(f"enqueue answered {head[9:12]!r}: {self.buffer[end + 4:end + 4 + length]!r}")
            self.buffer = self.buffer[end + 4 + length:]
            self.accepted += 1
            count += 1


def flood(port, first, count, window, per_request=1):
    """Posts messages `first` ..< `first + count` on one connection, `per_request` to a request, keeping `window`
    requests in flight."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    responses = Responses(sock)
    sent = pending = 0
    while sent < count or pending:
        if pending < window and sent < count:
            batch = []
            while pending < window and sent < count:
                size = min(per_request, count - sent)
                if per_request == 1:
                    batch.append(request(b"%d %d" % (first + sent, now_us())))
                else:
                    batch.append(batch_request(first + sent, size))
                sent += size
                pending += 1
            sock.sendall(b"".join(batch))
        pending -= responses.read()
    sock.close()


def paced(port, rate, seconds, first):
    """Sends `rate` messages per second for `seconds` on one connection; returns how many."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    responses = Responses(sock)
    count = int(rate * seconds)
    reader = threading.Thread(target=lambda: [responses.read() for _ in iter(lambda: responses.accepted < count, False)])
    reader.start()
    began = time.perf_counter()
    for index in range(count):
        delay = began + index / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        sock.sendall(request(b"%d %d" % (first + index, now_us())))
    reader.join()
    sock.close()
    return count


class Records:
    """The lines the `record` fixture appended: body (`index sent_us`), receive count, batch start (µs)."""

    def __init__(self, path):
        self.path, self.offset, self.lines = path, 0, []

    def poll(self):
        with open(self.path, "rb") as file:
            file.seek(self.offset)
            data = file.read()
        end = data.rfind(b"\n") + 1
        self.offset += end
        for line in data[:end].splitlines():
            body, _, started = line.split(b"\t")
            index, sent = body.split(b" ")
            self.lines.append((int(index), int(sent), int(started)))
        return len(self.lines)

    def wait_for(self, count, timeout=300):
        deadline = time.perf_counter() + timeout
        while self.poll() < count:
            if time.perf_counter() > deadline:
                raise SystemExit(f"only {len(self.lines)} of {count} messages were processed")
            time.sleep(0.005)
        return time.perf_counter()


def run(binaries, folder, batch_size, per_request, arguments):
    phase = os.path.join(folder, f"batch-{batch_size}-{per_request}")
    os.makedirs(phase)
    # Workers may run under user ids of their own: they must reach the record file.
    os.chmod(folder, 0o755)
    os.chmod(phase, 0o755)
    records = os.path.join(phase, "records.txt")
    open(records, "w").close()
    os.chmod(records, 0o666)
    manifest = write_manifest(phase, {"rec": {
        "command": [os.path.join(binaries, "FixtureFunctions")], "handler": "record",
        "environment": {"RECORD_FILE": records},
        "queue": {"name": "bench", "batchSize": batch_size},
        "scaling": {"max": arguments.workers}}})
    database = ["--database", arguments.database] if arguments.database else []
    if arguments.database:
        # What an earlier run left (on the first, there is no such queue yet, which purge reports).
        subprocess.run([os.path.join(binaries, "invoker"), "queue", "purge", "bench", "--yes", *database],
                       capture_output=True)
    process, port = start(binaries, manifest, os.path.join(phase, "invocations.sqlite"), *database)
    try:
        # Warm the workers up, so the figures are not about cold starts.
        lines = Records(records)
        flood(port, 0, 200, 200)
        lines.wait_for(200, timeout=30)
        lines.lines.clear()

        messages = arguments.messages
        per_connection = messages // arguments.connections
        threads = [threading.Thread(target=flood, args=(port, 1_000 + c * per_connection, per_connection,
                                                         arguments.window, per_request))
                   for c in range(arguments.connections)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        enqueued = time.perf_counter()
        total = per_connection * arguments.connections
        processed = lines.wait_for(total)
        indices = [index for index, _, _ in lines.lines]
        saturated = [(started - sent) / 1e6 for _, sent, started in lines.lines]
        invocations = len({started for _, _, started in lines.lines})
        result = {
            "messages": total,
            "enqueue": total / (enqueued - began),
            "end_to_end": total / (processed - began),
            "invocations": invocations,
            "duplicates": len(indices) - len(set(indices)),
            "saturated": saturated,
        }
        lines.lines.clear()
        count = paced(port, arguments.rate, 3, 10_000_000)
        lines.wait_for(count)
        result["paced"] = [(started - sent) / 1e6 for _, sent, started in lines.lines]
        result["workers"] = functions_status(port)["rec"]["spawned"]
        return result
    finally:
        stop(process)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=30_000)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--window", type=int, default=32)
    parser.add_argument("--rate", type=int, default=1_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database", help="a PostgreSQL URL for the queue (default: the embedded SQLite file)")
    arguments = parser.parse_args()
    binaries = build("invoker", "Functions", "FixtureFunctions")
    runs = [(1, 1), (10, 1), (10, 10)]
    with tempfile.TemporaryDirectory() as folder:
        results = [run(binaries, folder, batch, per_request, arguments) for batch, per_request in runs]
    store = "PostgreSQL" if arguments.database else "SQLite"
    print(f"| Durable queue on {store}, release build ({arguments.connections} connections × {arguments.window} pipelined"
          " requests) | batch 1 | batch 10 | batch 10, 10 messages per request |")
    print("|---|---|---|---|")
    rows = [
        ("messages", lambda r: f"{r['messages']:,}"),
        ("enqueue over HTTP (202 = committed)", lambda r: f"{r['enqueue']:,.0f} msg/s"),
        ("end to end: first request → last message started", lambda r: f"{r['end_to_end']:,.0f} msg/s"),
        ("invocations (batches)", lambda r: f"{r['invocations']:,}"),
        ("messages delivered twice", lambda r: f"{r['duplicates']}"),
        ("enqueue → start p50 / p99, saturated",
         lambda r: f"{ms(statistics.median(r['saturated']))} / {ms(percentile(r['saturated'], 0.99))}"),
        (f"enqueue → start p50 / p99, {arguments.rate} msg/s",
         lambda r: f"{ms(statistics.median(r['paced']))} / {ms(percentile(r['paced'], 0.99))}"),
        ("workers started", lambda r: f"{r['workers']}"),
    ]
    for label, value in rows:
        print(f"| {label} | " + " | ".join(value(result) for result in results) + " |")


if __name__ == "__main__":
    main()
