#!/usr/bin/env python3
"""The HTTP edge under abuse (issue 12, items 1 and 2), for one or more builds of the invoker side by side.

leak:    N POSTs of a 6 MiB + 1 byte body to /queue/words with `Connection: close`, which the server answers (413)
         before reading the body; then the invoker's open descriptors and RSS, once things settle.
nofile:  the invoker under `prlimit --nofile=LIMIT`: one keep-alive connection, then more idle connections than the
         limit allows, then the same leak as above; whether the invoker is still alive, still answers on the first
         connection, accepts again once the idle connections close, and what /metrics counted.

    python3 Benchmarks/edge.py --invoker before=/tmp/invoker-before --invoker after=.build/debug/invoker

Debug builds are fine: nothing here measures speed. `--functions-binary` defaults to the one beside each invoker.
"""
import argparse
import os
import socket
import tempfile
import threading
import time

from common import launch, stop, write_manifest

BODY = 6 * 1024 * 1024 + 1
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def descriptors(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def alive(process):
    return process.poll() is None


def request(port, text, timeout=5.0, connection=None):
    """Sends `text` on `connection` (or a new one); returns the status code, or None."""
    try:
        sock = connection or socket.create_connection(("127.0.0.1", port), timeout=timeout)
    except OSError:
        return None
    try:
        sock.settimeout(timeout)
        sock.sendall(text.encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(rest) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            rest += chunk
        return int(head.split(b" ")[1])
    except OSError:
        return None
    finally:
        if connection is None:
            sock.close()


def oversized_post(port):
    """One POST the server answers before reading its body; returns the status, or None."""
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    except OSError:
        return None
    head = (f"POST /queue/words HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {BODY}\r\n\r\n").encode()

    def send():
        try:
            sock.sendall(head + b"x" * BODY)
        except OSError:
            pass

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    status = None
    try:
        data = b""
        while b"\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
        status = int(data.split(b" ")[1]) if data else None
    except (OSError, ValueError, IndexError):
        pass
    sock.close()
    sender.join(timeout=5)
    return status


def settle(pid, seconds=5):
    time.sleep(seconds)
    return descriptors(pid), rss_mb(pid)


def serve(invoker, functions_binary, folder, limit=None):
    manifest = write_manifest(folder, {
        "echo": {"handler": "echo", "http": [{"path": "/echo", "methods": ["POST"]}]},
        "wordcount": {"handler": "wordcount", "queue": {"name": "words"}},
    })
    command = [invoker, "serve", "--port", "0", "--manifest", manifest, "--functions-binary", functions_binary,
               "--log-level", "warning"]
    if limit:
        command = ["prlimit", f"--nofile={limit}", "--"] + command
    return launch(command)


def leak(name, invoker, functions_binary, count):
    with tempfile.TemporaryDirectory() as folder:
        process, port = serve(invoker, functions_binary, folder)
        request(port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        fds_before, rss_before = settle(process.pid, 1)
        statuses = {}
        for _ in range(count):
            status = oversized_post(port)
            statuses[status] = statuses.get(status, 0) + 1
        fds_after, rss_after = settle(process.pid)
        stop(process)
        return [name, count, fds_before, fds_after, f"{rss_before:.0f}", f"{rss_after:.0f}",
                " ".join(f"{k}×{v}" for k, v in statuses.items())]


def nofile(name, invoker, functions_binary, limit, count):
    with tempfile.TemporaryDirectory() as folder:
        process, port = serve(invoker, functions_binary, folder, limit)
        first = socket.create_connection(("127.0.0.1", port), timeout=5)
        healthz = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
        request(port, healthz, connection=first)
        idle = []
        for _ in range(limit + 100):
            try:
                idle.append(socket.create_connection(("127.0.0.1", port), timeout=1))
            except OSError:
                break
        time.sleep(1)
        existing = request(port, healthz, connection=first)
        new_while_full = request(port, healthz, timeout=2)
        for sock in idle:
            sock.close()
        time.sleep(2)
        statuses = {}
        for _ in range(count):
            status = oversized_post(port)
            statuses[status] = statuses.get(status, 0) + 1
        time.sleep(2)
        new_after = request(port, healthz, timeout=5)
        failures = "-"
        if alive(process) and new_after is not None:
            metrics = socket.create_connection(("127.0.0.1", port), timeout=5)
            metrics.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            text = b""
            while chunk := metrics.recv(65536):
                text += chunk
            metrics.close()
            failures = str(sum(float(line.split()[-1]) for line in text.decode(errors="replace").splitlines()
                               if line.startswith("invoker_accept_failures")))
        first.close()
        survived = alive(process)
        exit_status = "alive" if survived else f"died ({process.returncode})"
        if survived:
            stop(process)
        return [name, limit, exit_status, existing, new_while_full, new_after,
                " ".join(f"{k}×{v}" for k, v in statuses.items()), failures]


def table(header, rows):
    widths = [max(len(str(row[i])) for row in [header] + rows) for i in range(len(header))]
    for row in [header] + rows:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)))
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--invoker", action="append", metavar="NAME=PATH",
                        help="an invoker build to measure (repeat to compare); default after=.build/debug/invoker")
    parser.add_argument("--functions-binary", default=os.path.join(ROOT, ".build/debug/Functions"))
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--nofile", type=int, default=300)
    parser.add_argument("--only", choices=["leak", "nofile"], help="run one of the two measurements")
    arguments = parser.parse_args()
    builds = [entry.split("=", 1) for entry in arguments.invoker or [f"after={ROOT}/.build/debug/invoker"]]
    if arguments.only != "nofile":
        table(["build", "requests", "fds before", "fds after", "RSS MB before", "RSS MB after", "answers"],
              [leak(name, path, arguments.functions_binary, arguments.requests) for name, path in builds])
    if arguments.only == "leak":
        return
    table(["build", "nofile", "invoker", "existing conn", "new conn when full", "new conn after", "answers",
           "accept failures"],
          [nofile(name, path, arguments.functions_binary, arguments.nofile, arguments.requests)
           for name, path in builds])


if __name__ == "__main__":
    main()
