#!/usr/bin/env python3
"""The invoker's benchmarks, side by side with an in-process baseline, in one run: prints one Markdown table.

Usage: python3 Benchmarks/run.py [--transports native,runtime-api] [--duration 5] [--repeat 1] [--workers 4]
                                 [--cold-trials 50] [--log-records 200000] [--connections 1,32,64] [--warmup 2]

Builds `invoker`, `Functions`, `Baseline` and `LogWriterBenchmark` in release mode into .build-release, then measures (progress goes to
stderr, the table to stdout). Load comes from `wrk` (Debian's `wrk` package), one thread: `wrk -t1 -cC -dDs
--latency`. With `--repeat N` every wrk figure is the median of N runs, taken in N rounds (at least 3 for the
logging comparison, see below).

Rows of the table:

- `hello` (GET /hello?name=Ada) and `echo` (POST /echo with a 1,024-byte text/plain body), at each concurrency C:
  - `baseline`: the `Baseline` executable (Benchmarks/Baseline), a Hummingbird server that runs the same `Hello`
    and `Echo` handlers in process: it builds the same Function URL event from each request, calls the handler and
    writes its response; no worker process, no JSON round trip, no record. This is the physical limit the targets
    are ratios of.
  - `bare Hummingbird` (`hello` only): the same `Baseline` process answering the same text from a plain route
    (`GET /bare/hello`), without building the event: the difference to `baseline` is what the event costs, the
    difference from `baseline` to the invoker what the hop to a worker costs.
  - `native`, `runtime-api`: `invoker serve` running the functions in worker processes of the `Functions` binary,
    with the manifest field `"transport"` set to the mode (`scaling` min 1, max `--workers`, idleTimeout 60), every
    invocation recorded in the invocation log.
  - columns: requests per second, wrk's p50 and p99 latency (at c=1 with the difference to the baseline's in
    brackets: the latency the invoker adds), the invoker's requests per second over the baseline's, and the CPU time
    per request from /proc/PID/stat (utime + stime before and after the run, over the requests wrk completed): the
    server process, and for the invoker its workers' in brackets (live children plus waited-for ones); and the
    server's sleeps per request: its threads' voluntary context switches (each a thread that waits until something
    wakes it, a hop between threads costs two) over the requests.
  Every server runs during the whole section; before the first concurrency of each function, each one gets a
  `--warmup`-second wrk run at the highest concurrency, which also starts its workers up to `--workers`.
- cold start, per transport: the time from sending `GET /hello?name=Ada` while `hello` has no worker (scaling min 0,
  idleTimeout 0; the script polls GET /system/functions until the pool is at zero) to the complete response, over a
  keep-alive connection to a warm invoker (Python's http.client): p50, p95 (Result column) and p99 of
  `--cold-trials` trials. It includes spawning the worker (with its own user id and limits when run as root), its
  start, its first connection and the invocation.
- log writer: `LogWriterBenchmark` (Benchmarks/LogWriter, built from the invoker's own log sources) appends
  `--log-records` records of warm invocations to the invocation log's real batched writer and times them until they
  are committed to a new SQLite file.
- logging on / off: warm `hello` at c=32 on the first transport, on two invokers started side by side, one with
  `--no-invocation-log`; the cost is how much lower the throughput is with the log on. Its target (5%) is within
  the noise of one run on a shared machine, so this takes the medians of at least 3 pairs of runs (more with
  `--repeat`), alternating which goes first.
- idle RSS: an invoker serving a manifest of 10 functions (copies of `hello`, scaling min 0, no worker running),
  VmRSS from /proc/PID/status 2 s after it answers GET /readyz; and an idle native `Functions` worker (`hello`,
  scaling min 1), 2 s after its pool reports it idle, with in brackets the part that is its own (RssAnon: heap,
  stacks); the rest is pages of the `Functions` binary and the shared libraries, shared by every worker of a
  generation.

The Target column holds the targets of issue 17 (and of issue 6 where issue 17 set none); Met says whether this run
meets them.
"""
import argparse
import datetime
import http.client
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

from common import (ServerError, build, children_cpu_seconds, context_switches, cpu_seconds, functions_status,
                    functions_worker_pids, launch, percentile, request, require_wrk, rss_bytes, start, stop,
                    wait_until, wrk, write_manifest)

TRANSPORTS = ("native", "runtime-api")
ECHO_BODY_BYTES = 1024
FUNCTIONS = {
    "hello": {"handler": "hello", "http": [{"path": "/hello", "methods": ["GET"]}]},
    "echo": {"handler": "echo", "http": [{"path": "/echo", "methods": ["POST"]}]},
}
# What wrk requests of each function.
LOADS = {
    "hello": ("/hello?name=Ada", None),
    "echo": ("/echo", f'wrk.method = "POST"\nwrk.body = string.rep("x", {ECHO_BODY_BYTES})\n'
                      'wrk.headers["Content-Type"] = "text/plain"\n'),
}
LABELS = {"hello": "`hello` GET /hello?name=Ada", "echo": f"`echo` POST /echo, {ECHO_BODY_BYTES} B"}
# The targets of issue 17 (issue 6's where 17 set none): the limit in the unit the script measures, and how the table
# says it. The throughput ratios, the added latency and the CPU per request are for `hello`; the latency and the CPU
# only for the native transport, the CPU at c=32.
RATIO_TARGETS = {"native": (0.6, "≥ 0.6×"), "runtime-api": (0.3, "≥ 0.3×")}
CPU_TARGET = (100e-6, "invoker CPU ≤ 100 µs")
ADDED_LATENCY_TARGET = (50e-6, 300e-6, "+p50 ≤ 50 µs, +p99 ≤ 300 µs")
COLD_P50_TARGETS = {"native": (5e-3, "p50 ≤ 5 ms"), "runtime-api": (8e-3, "p50 ≤ 8 ms")}
LOG_WRITER_TARGET = (100_000, "≥ 100,000 records/s")
LOG_COST_TARGET = (0.05, "cost ≤ 5%")
RSS_TARGET = (50e6, "≤ 50 MB")
WORKER_RSS_TARGET = (8e6, "≤ 8 MB")
# The bare route of the baseline, for the functions that have one.
BARE_PATHS = {"hello": "/bare/hello?name=Ada"}


def main():
    arguments = parse_arguments()
    require_wrk()
    print("building invoker, Functions and Baseline (release)…", file=sys.stderr)
    binaries = build("invoker", "Functions", "Baseline", "LogWriterBenchmark")
    rows = []
    with tempfile.TemporaryDirectory(prefix="invoker-bench-") as folder:
        rows += throughput(binaries, folder, arguments)
        rows += cold_starts(binaries, folder, arguments)
        rows.append(log_writer(binaries, folder, arguments))
        rows += logging_cost(binaries, folder, arguments)
        rows.append(idle_memory(binaries, folder, arguments))
        rows.append(idle_worker_memory(binaries, folder))
    print(header(arguments))
    print()
    print("| Benchmark | Server | c | Result | p50 | p99 | × baseline | CPU / request | Sleeps / request | Target | Met |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--transports", default=",".join(TRANSPORTS),
                        help="the invoker's transports to measure, comma-separated (default: %(default)s)")
    parser.add_argument("--duration", type=int, default=5, help="seconds of each wrk run (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=1, help="wrk runs per figure, medians taken (default: 1)")
    parser.add_argument("--workers", type=int, default=4, help="scaling.max of the functions (default: 4)")
    parser.add_argument("--cold-trials", type=int, default=50, help="cold starts per transport (default: 50)")
    parser.add_argument("--log-records", type=int, default=200_000, help="records for the log writer")
    parser.add_argument("--connections", default="1,32,64", help="wrk concurrencies (default: %(default)s)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of each warm-up run (default: 2)")
    arguments = parser.parse_args()
    arguments.transports = [name.strip() for name in arguments.transports.split(",") if name.strip()]
    unknown = [name for name in arguments.transports if name not in TRANSPORTS]
    if unknown or not arguments.transports:
        parser.error(f"--transports takes {' and/or '.join(TRANSPORTS)}, got {arguments.transports}")
    arguments.connections = [int(number) for number in arguments.connections.split(",")]
    if min(arguments.duration, arguments.repeat, arguments.workers, arguments.cold_trials, arguments.warmup,
           arguments.log_records, *arguments.connections) < 1:
        parser.error("every number must be at least 1")
    return arguments


def header(arguments):
    model = ""
    try:
        with open("/proc/cpuinfo") as file:
            model = next((line.split(":", 1)[1].strip() for line in file if line.startswith("model name")), "")
    except OSError:
        pass
    now = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    median = f"median of {arguments.repeat}" if arguments.repeat > 1 else "one run each"
    return (f"**{now}** · {os.cpu_count()} cores{f' ({model})' if model else ''} · Linux {platform.release()} · "
            f"release build · `wrk -t1 -d{arguments.duration}s --latency`, {median} · "
            f"{arguments.workers} workers per function")


# MARK: servers


def invoker_manifest(folder, name, transport, functions, scaling):
    """Writes a manifest of `functions` (name → settings) into a fresh subfolder `name` of `folder`, each with
    `scaling` and the manifest field `"transport"`; returns the manifest's and the log database's paths."""
    subfolder = os.path.join(folder, name)
    os.makedirs(subfolder)
    manifest = write_manifest(subfolder, {
        function: {**settings, "transport": transport, "scaling": dict(scaling)}
        for function, settings in functions.items()
    })
    return manifest, os.path.join(subfolder, "invocations.sqlite")


def start_invoker(binaries, manifest, database, transport, *extra):
    """Starts an invoker; explains a manifest that sets a transport this invoker does not know yet."""
    try:
        return start(binaries, manifest, database, *extra)
    except ServerError as error:
        if 'field "transport"' in error.output:
            sys.exit(f'This invoker does not accept the manifest field "transport" (here "{transport}"), which the'
                     " benchmark sets for every mode: it needs the invoker's transports of issue 6.")
        raise


class Server:
    """One server under load: its name, process and port, and the paths it serves the functions at when they are not
    the invoker's routes."""

    def __init__(self, name, process, port, paths=None):
        self.name, self.process, self.port = name, process, port
        self.paths = paths or {function: path for function, (path, _) in LOADS.items()}

    @property
    def is_invoker(self):
        return self.name not in ("baseline", "bare Hummingbird")

    def serves(self, function):
        return function in self.paths

    def run(self, function, connections, duration, scripts):
        """One wrk run against `function`, with the CPU the server (and its workers) used per request."""
        path = self.paths[function]
        pid = self.process.pid
        before = (cpu_seconds(pid), children_cpu_seconds(pid), context_switches(pid))
        result = wrk(f"http://127.0.0.1:{self.port}{path}", connections, duration, scripts.get(function))
        after = (cpu_seconds(pid), children_cpu_seconds(pid), context_switches(pid))
        requests = max(result["requests"], 1)
        result["cpu"] = (after[0] - before[0]) / requests
        result["workers_cpu"] = (after[1] - before[1]) / requests
        result["switches"] = (after[2] - before[2]) / requests
        return result


def lua_scripts(folder):
    """The wrk Lua scripts of the loads that need one, written to `folder`; by function."""
    scripts = {}
    for function, (_, script) in LOADS.items():
        if script:
            scripts[function] = os.path.join(folder, f"{function}.lua")
            with open(scripts[function], "w") as file:
                file.write(script)
    return scripts


def medians(results):
    """The median of each figure over several wrk runs; errors are summed."""
    merged = {key: statistics.median(result[key] for result in results)
              for key in ("rps", "p50", "p99", "cpu", "workers_cpu", "switches")}
    merged["non2xx"] = sum(result["non2xx"] for result in results)
    merged["errors"] = sum(result["errors"] for result in results)
    return merged


# MARK: sections


def throughput(binaries, folder, arguments):
    """Baseline and invoker, each transport, both functions, every concurrency."""
    scripts = lua_scripts(folder)
    baseline = launch([os.path.join(binaries, "Baseline"), "--port", "0"])
    servers = [Server("bare Hummingbird", *baseline, paths=BARE_PATHS), Server("baseline", *baseline)]
    scaling = {"min": 1, "max": arguments.workers, "idleTimeout": 60}
    for transport in arguments.transports:
        manifest, database = invoker_manifest(folder, f"throughput-{transport}", transport, FUNCTIONS, scaling)
        servers.append(Server(transport, *start_invoker(binaries, manifest, database, transport)))
    results = {}
    try:
        for round_number in range(arguments.repeat):
            for function in FUNCTIONS:
                for server in servers:
                    if not server.serves(function):
                        continue
                    progress(f"warm-up: {function} on {server.name}")
                    server.run(function, max(arguments.connections), arguments.warmup, scripts)
                for connections in arguments.connections:
                    for server in servers:
                        if not server.serves(function):
                            continue
                        progress(f"round {round_number + 1}/{arguments.repeat}: {function}, c={connections},"
                                 f" {server.name}")
                        result = server.run(function, connections, arguments.duration, scripts)
                        results.setdefault((function, connections, server.name), []).append(result)
    finally:
        for server in servers:
            stop(server.process)
    rows = []
    for function in FUNCTIONS:
        for connections in arguments.connections:
            baseline = medians(results[(function, connections, "baseline")])
            for server in servers:
                if not server.serves(function):
                    continue
                figures = medians(results[(function, connections, server.name)])
                rows.append(throughput_row(function, connections, server, figures, baseline))
    return rows


def throughput_row(function, connections, server, figures, baseline):
    result = f"{figures['rps']:,.0f} req/s"
    if figures["non2xx"] or figures["errors"]:
        result += f" ({figures['non2xx']} non-2xx, {figures['errors']} socket errors)"
    p50, p99 = duration(figures["p50"]), duration(figures["p99"])
    cpu = microseconds(figures["cpu"])
    ratio = target = met = ""
    if server.name == "bare Hummingbird":
        ratio = f"{figures['rps'] / baseline['rps']:.2f}×"
    if server.is_invoker:
        added_p50, added_p99 = figures["p50"] - baseline["p50"], figures["p99"] - baseline["p99"]
        cpu += f" (+{microseconds(figures['workers_cpu'])})"
        ratio = f"{figures['rps'] / baseline['rps']:.2f}×"
        if connections == 1:
            p50 += f" ({signed(added_p50)})"
            p99 += f" ({signed(added_p99)})"
        if function == "hello" and connections == 1 and server.name == "native":
            p50_limit, p99_limit, target = ADDED_LATENCY_TARGET
            met = yes(added_p50 <= p50_limit and added_p99 <= p99_limit)
        elif function == "hello" and connections == 32 and server.name == "native":
            limit, target = RATIO_TARGETS[server.name]
            cpu_limit, cpu_target = CPU_TARGET
            target += f", {cpu_target}"
            met = yes(figures["rps"] / baseline["rps"] >= limit and figures["cpu"] <= cpu_limit)
        elif function == "hello" and connections > 1:
            limit, target = RATIO_TARGETS[server.name]
            met = yes(figures["rps"] / baseline["rps"] >= limit)
    return [LABELS[function], server.name, str(connections), result, p50, p99, ratio, cpu,
            f"{figures['switches']:.2f}", target, met]


def cold_starts(binaries, folder, arguments):
    """First request at zero workers, per transport."""
    rows = []
    for transport in arguments.transports:
        manifest, database = invoker_manifest(folder, f"cold-{transport}", transport, {"hello": FUNCTIONS["hello"]},
                                              {"min": 0, "max": arguments.workers, "idleTimeout": 0})
        process, port = start_invoker(binaries, manifest, database, transport)
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port)
            for _ in range(100):
                request(connection, "GET", "/healthz")
            times = []
            for trial in range(arguments.cold_trials):
                progress(f"cold start {trial + 1}/{arguments.cold_trials}, {transport}")

                def no_worker():
                    """hello's pool to reach zero workers"""
                    return sum(functions_status(port)["hello"]["workers"].values()) == 0

                wait_until(no_worker)
                times.append(request(connection, "GET", "/hello?name=Ada")[0])
            connection.close()
        finally:
            stop(process)
        p50 = statistics.median(times)
        limit, target = COLD_P50_TARGETS[transport]
        rows.append([
            f"cold start: first `hello` at zero workers (n={len(times)})", transport, "1",
            f"p95 {duration(percentile(times, 0.95))}", duration(p50), duration(percentile(times, 0.99)), "", "", "",
            target, yes(p50 <= limit),
        ])
    return rows


def log_writer(binaries, folder, arguments):
    """Records per second through the invocation log's batched writer."""
    progress(f"log writer: {arguments.log_records:,} records")
    output = subprocess.run(
        [os.path.join(binaries, "LogWriterBenchmark"), "--records", str(arguments.log_records),
         "--db", os.path.join(folder, "log-writer.sqlite")],
        check=True, capture_output=True, text=True).stdout
    rate = json.loads(output)["recordsPerSecond"]
    return [f"invocation log writer, {arguments.log_records:,} records", "invoker", "", f"{rate:,.0f} records/s",
            "", "", "", "", "", LOG_WRITER_TARGET[1], yes(rate >= LOG_WRITER_TARGET[0])]


def logging_cost(binaries, folder, arguments):
    """Warm `hello` at c=32 with the invocation log on and off, side by side."""
    transport = arguments.transports[0]
    scaling = {"min": 1, "max": arguments.workers, "idleTimeout": 60}
    functions = {"hello": FUNCTIONS["hello"]}
    servers = []
    try:
        for name, extra in (("log on", ()), ("log off", ("--no-invocation-log",))):
            manifest, database = invoker_manifest(folder, f"logging-{name.replace(' ', '-')}", transport, functions,
                                                  scaling)
            servers.append(Server(name, *start_invoker(binaries, manifest, database, transport, *extra)))
        for server in servers:
            progress(f"warm-up: hello on the invoker with {server.name}")
            server.run("hello", 32, arguments.warmup, {})
        results = {server.name: [] for server in servers}
        rounds = max(3, arguments.repeat)
        for round_number in range(rounds):
            # Alternate the order, so that a drift of the machine's speed falls on both alike.
            for server in servers if round_number % 2 == 0 else reversed(servers):
                progress(f"round {round_number + 1}/{rounds}: hello, c=32, {server.name}")
                results[server.name].append(server.run("hello", 32, arguments.duration, {}))
    finally:
        for server in servers:
            stop(server.process)
    on, off = medians(results["log on"]), medians(results["log off"])
    cost = 1 - on["rps"] / off["rps"]
    rows = []
    for name, figures in (("log off", off), ("log on", on)):
        row = [f"warm `hello`, invocation log {name.split()[1]}", transport, "32", f"{figures['rps']:,.0f} req/s",
               duration(figures["p50"]), duration(figures["p99"]), "",
               f"{microseconds(figures['cpu'])} (+{microseconds(figures['workers_cpu'])})",
               f"{figures['switches']:.2f}", "", ""]
        if name == "log on":
            row[3] += f" (log costs {cost:.1%})"
            row[9], row[10] = LOG_COST_TARGET[1], yes(cost <= LOG_COST_TARGET[0])
        rows.append(row)
    return rows


def idle_memory(binaries, folder, arguments):
    """The invoker's resident memory, idle, with 10 functions."""
    transport = arguments.transports[0]
    functions = {f"hello-{number:02}": {"handler": "hello"} for number in range(1, 11)}
    manifest, database = invoker_manifest(folder, "idle", transport, functions, {"min": 0})
    progress("idle memory with 10 functions")
    process, port = start_invoker(binaries, manifest, database, transport)
    try:
        def ready():
            """GET /readyz to answer 200"""
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                connection.request("GET", "/readyz")
                return connection.getresponse().status == 200
            except OSError:
                return False
            finally:
                connection.close()

        wait_until(ready)
        time.sleep(2)
        rss = rss_bytes(process.pid)
    finally:
        stop(process)
    return ["invoker RSS, idle, 10 functions registered", transport, "", f"{rss / 1e6:.1f} MB", "", "", "", "", "",
            RSS_TARGET[1], yes(rss <= RSS_TARGET[0])]


def idle_worker_memory(binaries, folder):
    """The resident memory of one idle native `Functions` worker."""
    manifest, database = invoker_manifest(folder, "idle-worker", "native", {"hello": FUNCTIONS["hello"]},
                                          {"min": 1, "max": 1})
    progress("idle worker memory")
    process, port = start_invoker(binaries, manifest, database, "native")
    try:
        def worker_idle():
            """hello's worker to be idle"""
            return functions_status(port)["hello"]["workers"].get("idle", 0) == 1

        wait_until(worker_idle)
        time.sleep(2)
        workers = functions_worker_pids(process.pid)
        if len(workers) != 1:
            sys.exit(f"expected one worker process under the invoker, found {workers}")
        rss, anonymous = rss_bytes(workers[0]), rss_bytes(workers[0], "RssAnon")
    finally:
        stop(process)
    return ["worker RSS, idle (`Functions`, `hello`)", "native", "",
            f"{rss / 1e6:.1f} MB ({anonymous / 1e6:.1f} MB its own)", "", "", "", "", "",
            WORKER_RSS_TARGET[1], yes(rss <= WORKER_RSS_TARGET[0])]


# MARK: formatting


def progress(message):
    print(f"  {message}", file=sys.stderr, flush=True)


def duration(seconds):
    """Microseconds below a millisecond, else milliseconds."""
    return microseconds(seconds) if abs(seconds) < 1e-3 else f"{seconds * 1e3:.2f} ms"


def microseconds(seconds):
    return f"{seconds * 1e6:,.0f} µs"


def signed(seconds):
    """A difference, with its sign."""
    return ("+" if seconds >= 0 else "−") + duration(abs(seconds))


def yes(condition):
    return "yes" if condition else "**no**"


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("interrupted; the servers were stopped")
