#!/usr/bin/env python3
"""Cluster mode on one machine, measured on a release build: the durable queue on SQLite against PostgreSQL with
one, two and three nodes, the CPU each message costs, how fast records go into the PostgreSQL log, and kill -9 of a
node in the middle of 10,000 messages.

Usage: python3 Benchmarks/cluster.py [--messages 20000] [--connections 12] [--window 32] [--kill-messages 10000]

Starts a throwaway PostgreSQL server of its own (initdb into a temporary folder, as the `postgres` user when run as
root, on a free loopback port, default settings: every commit waits for its WAL flush) and stops it at the end.

1. Queue end to end: `--connections` HTTP/1.1 connections, spread over the nodes, post `--messages` messages (one per
   request, `--window` pipelined per connection) to a queue consumed in batches of 10 by the fixtures' `record`
   function (which appends each message to its node's file); the rate is messages from the first request sent to the
   last message's batch starting. CPU per message: the invoker processes' user + system time (not their workers'),
   and PostgreSQL's (the server and all its backends), divided by the messages.
2. The invocation log: `wrk` drives the example `hello` function on one PostgreSQL node for 5 s at 32 connections;
   the rate is records in `log_invocations` over the time from the start to the last record committed.
3. kill -9: three PostgreSQL nodes, `--kill-messages` messages sent to all of them; once a third is processed, node 3
   is killed with SIGKILL. The other two finish its leased messages once their leases (5 s) expire. Prints sent,
   acknowledged (answered 202), processed (distinct), redelivered (processed more than once) and lost (acknowledged,
   never processed).

Prints markdown tables.
"""
import argparse
import importlib.util
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time

from common import (ADMIN_KEY, build, children_cpu_seconds, cpu_seconds, launch, stop, wait_until, write_manifest,
                    wrk, require_wrk)

# queue.py's producer and record reader ("queue" would be the standard library's module).
_spec = importlib.util.spec_from_file_location("queue_benchmark", os.path.join(os.path.dirname(__file__), "queue.py"))
queue_benchmark = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(queue_benchmark)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Postgres:
    """A throwaway PostgreSQL server in `folder`."""

    def __init__(self, folder):
        versions = sorted(os.listdir("/usr/lib/postgresql"))
        if not versions:
            raise SystemExit("PostgreSQL is not installed (apt-get install postgresql)")
        self.bin = f"/usr/lib/postgresql/{versions[-1]}/bin"
        self.folder = os.path.join(folder, "postgres")
        os.makedirs(self.folder)
        self.as_root = os.geteuid() == 0
        if self.as_root:
            os.chmod(folder, 0o755)
            shutil.chown(self.folder, "postgres")
        self.port = free_port()
        self.run("initdb", "-D", f"{self.folder}/data", "-A", "trust", "-U", "postgres", "--no-sync")
        self.run("pg_ctl", "-D", f"{self.folder}/data", "-l", f"{self.folder}/server.log", "-w", "-o",
                 f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c max_connections=200", "start")
        with open(f"{self.folder}/data/postmaster.pid") as file:
            self.pid = int(file.readline())
        self.databases = 0

    def run(self, tool, *arguments):
        command = [f"{self.bin}/{tool}", *arguments]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def sql(self, database, statement):
        result = subprocess.run([f"{self.bin}/psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-tAc",
                                 statement, database], check=True, capture_output=True, text=True)
        return result.stdout.strip()

    def new_database(self):
        self.databases += 1
        name = f"bench{self.databases}"
        self.sql("postgres", f"CREATE DATABASE {name}")
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}?sslmode=disable"

    def cpu_seconds(self):
        return cpu_seconds(self.pid) + children_cpu_seconds(self.pid)

    def stop(self):
        self.run("pg_ctl", "-D", f"{self.folder}/data", "-m", "fast", "-w", "stop")


def record_file(folder):
    path = os.path.join(folder, "records.txt")
    open(path, "w").close()
    os.chmod(path, 0o666)
    return path


def start_nodes(binaries, folder, count, database, record_timeout=30):
    """Starts `count` nodes, each with its own folder and record file; returns [(process, port, records)]."""
    nodes = []
    for index in range(1, count + 1):
        node_folder = os.path.join(folder, f"node-{index}")
        os.makedirs(node_folder)
        os.chmod(node_folder, 0o755)
        records = record_file(node_folder)
        manifest = write_manifest(node_folder, {
            "rec": {"command": [os.path.join(binaries, "FixtureFunctions")], "handler": "record",
                    "environment": {"RECORD_FILE": records},
                    "queue": {"name": "bench", "batchSize": 10, "visibilityTimeout": 5},
                    "timeout": 3, "scaling": {"max": 4}},
            "hello": {"handler": "hello", "http": [{"path": "/hello", "methods": ["GET"]}], "scaling": {"max": 4}}})
        arguments = [os.path.join(binaries, "invoker"), "serve", "--port", "0", "--manifest", manifest,
                     "--db", os.path.join(node_folder, "invocations.sqlite"),
                     "--functions-binary", os.path.join(binaries, "Functions"), "--log-level", "error",
                     "--api-key", ADMIN_KEY, "--node-name", f"node-{index}"]
        if database:
            arguments += ["--database", database]
        process, port = launch(arguments)
        nodes.append((process, port, queue_benchmark.Records(records)))
    return nodes


def processed(nodes):
    return sum(records.poll() for _, _, records in nodes)


def distinct_processed(nodes):
    """The messages the nodes processed, each counted once."""
    processed(nodes)
    return {index for _, _, records in nodes for index, _, _ in records.lines}


def send(ports, messages, connections, window):
    """Posts `messages` messages over `connections` connections spread over `ports`; returns when all got 202."""
    per_connection = messages // connections
    threads = [threading.Thread(target=queue_benchmark.flood,
                                args=(ports[c % len(ports)], 1_000_000 + c * per_connection, per_connection, window))
               for c in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return per_connection * connections


def queue_run(binaries, folder, count, database, postgres, arguments):
    nodes = start_nodes(binaries, folder, count, database)
    try:
        ports = [port for _, port, _ in nodes]
        # Warm up every node's workers.
        warm = send(ports, 200 * count, count, 50)
        wait_until(lambda: processed(nodes) >= warm, timeout=60)
        for _, _, records in nodes:
            records.lines.clear()
        node_cpu = [cpu_seconds(process.pid) for process, _, _ in nodes]
        database_cpu = postgres.cpu_seconds() if database else 0
        began = time.perf_counter()
        total = send(ports, arguments.messages, arguments.connections, arguments.window)
        wait_until(lambda: processed(nodes) >= total, timeout=600, interval=0.005)
        elapsed = time.perf_counter() - began
        node_cpu = [cpu_seconds(process.pid) - before for (process, _, _), before in zip(nodes, node_cpu)]
        database_cpu = postgres.cpu_seconds() - database_cpu if database else None
        bodies = [index for _, _, records in nodes for index, _, _ in records.lines]
        return {"messages": total, "rate": total / elapsed, "node_cpu": node_cpu, "database_cpu": database_cpu,
                "duplicates": len(bodies) - len(set(bodies))}
    finally:
        for process, _, _ in nodes:
            stop(process)


def log_run(binaries, folder, postgres):
    database = postgres.new_database()
    (process, port, _), = start_nodes(binaries, folder, 1, database)
    try:
        name = database.rsplit("/", 1)[1].split("?")[0]

        def records():
            return int(postgres.sql(name, "SELECT count(*) FROM log_invocations"))

        def settled():
            """The number of records once the warm-up's are all written (two reads 50 ms apart agree)."""
            first = records()
            time.sleep(0.05)
            return first if first and records() == first else 0

        wrk(f"http://127.0.0.1:{port}/hello", 8, 1)
        before = wait_until(settled)
        began = time.perf_counter()
        result = wrk(f"http://127.0.0.1:{port}/hello", 32, 5)
        served = time.perf_counter() - began
        target = before + result["requests"]
        wait_until(lambda: records() >= target, timeout=120)
        written = time.perf_counter() - began
        return {"records": result["requests"], "rate": result["requests"] / written, "served": result["requests"] / served,
                "lag": written - served}
    finally:
        stop(process)


def kill_run(binaries, folder, postgres, arguments):
    database = postgres.new_database()
    nodes = start_nodes(binaries, folder, 3, database)
    ports = [port for _, port, _ in nodes]
    accepted = [0]

    def producer():
        accepted[0] = send(ports[:2], arguments.kill_messages, 8, 16)

    try:
        thread = threading.Thread(target=producer)
        thread.start()
        wait_until(lambda: processed(nodes) >= arguments.kill_messages // 3, timeout=120, interval=0.001)
        nodes[2][0].kill()
        nodes[2][0].wait()
        thread.join()
        sent = accepted[0]
        wait_until(lambda: len(distinct_processed(nodes)) >= sent, timeout=120)
        bodies = [index for _, _, records in nodes for index, _, _ in records.lines]
        distinct = set(bodies)
        return {"sent": arguments.kill_messages, "acknowledged": sent, "processed": len(distinct),
                "redelivered": len(bodies) - len(distinct), "lost": sent - len(distinct),
                "by_node": [len({i for i, _, _ in records.lines}) for _, _, records in nodes]}
    finally:
        for process, _, _ in nodes:
            stop(process)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--connections", type=int, default=12)
    parser.add_argument("--window", type=int, default=32)
    parser.add_argument("--kill-messages", type=int, default=10_000)
    arguments = parser.parse_args()
    require_wrk()
    binaries = build("invoker", "Functions", "FixtureFunctions")
    with tempfile.TemporaryDirectory() as folder:
        os.chmod(folder, 0o755)
        postgres = Postgres(folder)
        try:
            runs = [("SQLite, 1 node", 1, None)] + [
                (f"PostgreSQL, {count} node{'s' if count > 1 else ''}", count, postgres.new_database())
                for count in (1, 2, 3)]
            results = []
            for index, (name, count, database) in enumerate(runs):
                results.append((name, queue_run(binaries, os.path.join(folder, f"run-{index}"), count, database,
                                                postgres, arguments)))
            log = log_run(binaries, os.path.join(folder, "log"), postgres)
            kill = kill_run(binaries, os.path.join(folder, "kill"), postgres, arguments)
        finally:
            postgres.stop()

    print(f"| Queue end to end, batches of 10, {arguments.messages:,} messages, release build | messages/s |"
          " invoker CPU per message (each node) | PostgreSQL CPU per message | delivered twice |")
    print("|---|---|---|---|---|")
    for name, result in results:
        per_node = " + ".join(f"{cpu / result['messages'] * 1e6:.0f}" for cpu in result["node_cpu"])
        total = sum(result["node_cpu"]) / result["messages"] * 1e6
        nodes = f"{total:.0f} µs" + (f" ({per_node})" if len(result["node_cpu"]) > 1 else "")
        database = "—" if result["database_cpu"] is None else f"{result['database_cpu'] / result['messages'] * 1e6:.0f} µs"
        print(f"| {name} | {result['rate']:,.0f} | {nodes} | {database} | {result['duplicates']} |")
    print()
    print("| Invocation log in PostgreSQL (`hello`, wrk 32 connections, 5 s) | |")
    print("|---|---|")
    print(f"| records written | {log['records']:,} |")
    print(f"| records per second into `log_invocations` | {log['rate']:,.0f} |")
    print(f"| invocations per second served | {log['served']:,.0f} |")
    print(f"| last record committed after the load ended | {log['lag'] * 1000:.0f} ms |")
    print()
    print(f"| kill -9 of node 3 of 3 mid-run | |")
    print("|---|---|")
    for key in ("sent", "acknowledged", "processed", "redelivered", "lost"):
        print(f"| {key} | {kill[key]:,} |")
    print(f"| processed by node 1 / 2 / 3 | {' / '.join(f'{n:,}' for n in kill['by_node'])} |")


if __name__ == "__main__":
    main()
