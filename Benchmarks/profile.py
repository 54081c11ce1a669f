#!/usr/bin/env python3
"""Where the invoker's CPU goes on the warm path: a sampling profile of `invoker serve` under wrk, printed as tables.

Usage: python3 Benchmarks/profile.py [--transport native] [--connections 32] [--duration 10] [--workers 4]
                                     [--frequency 1999] [--top 30] [--keep PATH]

Builds `invoker` and `Functions` in release mode into .build-release, starts the invoker with `hello` (GET
/hello?name=Ada, scaling min 1, max `--workers`, every invocation recorded, as in Benchmarks/run.py), warms it up,
then runs `wrk -t1 -cC -dDs` while `perf record -e cpu-clock -g` samples the invoker and its workers (Debian's
`linux-perf`; the software clock works where hardware counters are not offered). Symbols are demangled with
`swift demangle`. Prints (Markdown):

- the CPU per request of the invoker and of its workers over the profiled run (from /proc, as run.py measures it);
- the invoker's samples by thread;
- the invoker's samples by where they were spent (self time): the kernel, malloc and free, Swift reference
  counting, the rest of the Swift runtime and standard library, SwiftNIO, Hummingbird and HTTP types, Foundation,
  SQLite and GRDB, our own `Invoker` and `Runtime` modules, the rest;
- the invoker's stages: each sample counts for the stage of the innermost frame of its call stack that belongs to
  one, so the kernel's and the runtime's time counts for the stage that called them;
- the hottest symbols by self time, and the kernel's hottest.

`--keep PATH` keeps perf's data file there for `perf report -i PATH`.
"""
import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile

from common import build, children_cpu_seconds, cpu_seconds, functions_worker_pids, stop, wrk
from run import start_invoker, invoker_manifest, FUNCTIONS, LOADS, TRANSPORTS

# Self time, by where it is spent: the first category whose test matches a sample's top frame (symbol, library).
CATEGORIES = [
    ("kernel (system calls, network stack, scheduler)", lambda symbol, library: library == "[kernel.kallsyms]"),
    ("malloc and free", lambda symbol, library: library.startswith("libc") and re.search(
        r"malloc|free|_int_|tcache|calloc|realloc|memalign", symbol)),
    ("Swift reference counting", lambda symbol, library: re.match(
        r"swift_(unknownObject|bridgeObject|nonatomic_)?(retain|release|tryRetain)|_swift_(retain|release)", symbol)),
    ("Swift allocation and metadata", lambda symbol, library: re.match(
        r"swift_(allocObject|deallocObject|slowAlloc|slowDealloc|getGenericMetadata|checkMetadataState|"
        r"conformsToProtocol|dynamicCast|getAssociated|getWitnessTable|allocBox|deallocUninitialized|"
        r"task_alloc|task_dealloc|initStackObject|beginAccess|endAccess)", symbol) or "Metadata" in symbol),
    ("Swift concurrency (tasks, executors)", lambda symbol, library: re.search(
        r"swift_task|swift_job|swift_continuation|swift_asyncLet|Executor|_Concurrency|"
        r"libswift_Concurrency", symbol + library)),
    ("SwiftNIO", lambda symbol, library: re.search(r"\bNIO\w*\.|NIOCore|NIOPosix|NIOHTTP1|CNIO", symbol)),
    ("Hummingbird and HTTP types", lambda symbol, library: re.search(
        r"Hummingbird\w*\.|HTTPTypes\.|NIOHTTPTypes", symbol)),
    ("Foundation", lambda symbol, library: re.search(r"Foundation", symbol + library)),
    ("SQLite and GRDB", lambda symbol, library: re.search(r"sqlite3|GRDB\.", symbol)),
    ("Logging and Metrics", lambda symbol, library: re.search(r"\bLogging\.|\bMetrics\.|Prometheus\.", symbol)),
    ("our code (Invoker, Runtime)", lambda symbol, library: re.search(r"\b(Invoker|Runtime)\.", symbol)),
    ("Swift standard library", lambda symbol, library: re.search(r"\bSwift\.|swift_|libswiftCore", symbol + library)),
    ("libc (memcpy, locks, other)", lambda symbol, library: library.startswith(("libc", "ld-linux"))),
]
# The invoker's stages: a sample counts for the stage of the innermost frame of its stack that matches one (the
# kernel's time counts for the stage that made the system call).
STAGES = [
    ("writing the invocation record (log writer thread, SQLite)", r"InvocationLog|InvocationInsertStatement|sqlite3"),
    ("metrics, live activity, debug log line", r"InvokerMetrics|LiveActivity|Dispatcher\.record"),
    ("building the Function URL event", r"FunctionURLRequest\.init\(request|FunctionURLRequest.*bodyText"),
    ("the native frame (encoding the event, decoding the answer)", r"NativeFrame|NativeHTTPCoding"),
    ("the worker pool (state machine, handoff)", r"WorkerPool|InvocationHandoff|HandingOffConnection"),
    ("the HTTP answer (Response.functionURL)", r"Response\.functionURL|FunctionURLResponse"),
    ("Hummingbird's router and request loop", r"Hummingbird\w*\.(Router|Trie|RouterResponder|Middleware)"),
    ("the edge handler (timeouts, limits)", r"HTTPEdgeHandler"),
    ("HTTP/1.1 parsing and writing (NIOHTTP1, llhttp)", r"NIOHTTP1|llhttp|HTTPResponseEncoder|HTTPDecoder"),
    ("Hummingbird's request loop and router", r"\bHummingbird\w*\."),
    ("our routing and dispatch (FunctionRoutes, Dispatcher)", r"\bInvoker\.(FunctionRoutes|Dispatcher|RouteTable)"),
    ("the event loop's own work (channel pipeline, socket calls)", r"\bNIO(Posix|Core)\."),
]
# Where a sample whose stack holds none of the stages' frames is counted: the runtime's own work between them.
UNSTAGED = [
    ("Swift concurrency (task switches, executors, continuations)", r"swift_task|swift_job|swift_continuation|"
     r"swift::AsyncTask|withStatusRecordLock|StackAllocator|swift::runJob|_Concurrency"),
]


def main():
    arguments = parse_arguments()
    if shutil.which("perf") is None:
        sys.exit("perf is not installed; install it with `apt-get install linux-perf` (Debian), then run again")
    print("building invoker and Functions (release)…", file=sys.stderr)
    binaries = build("invoker", "Functions")
    with tempfile.TemporaryDirectory(prefix="invoker-profile-") as folder:
        os.chmod(folder, 0o755)
        scaling = {"min": 1, "max": arguments.workers, "idleTimeout": 60}
        functions = {"hello": FUNCTIONS["hello"]}
        manifest, database = invoker_manifest(folder, "profile", arguments.transport, functions, scaling)
        process, port = start_invoker(binaries, manifest, database, arguments.transport)
        url = f"http://127.0.0.1:{port}{LOADS['hello'][0]}"
        try:
            print("warming up…", file=sys.stderr)
            wrk(url, arguments.connections, 2)
            pids = [process.pid] + functions_worker_pids(process.pid)
            data = arguments.keep or os.path.join(folder, "perf.data")
            recorder = subprocess.Popen(
                ["perf", "record", "-q", "-e", "cpu-clock", "-F", str(arguments.frequency), "-g", "-o", data,
                 "-p", ",".join(map(str, pids))], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            before = (cpu_seconds(process.pid), children_cpu_seconds(process.pid))
            print(f"profiling {arguments.duration} s at c={arguments.connections}…", file=sys.stderr)
            result = wrk(url, arguments.connections, arguments.duration)
            after = (cpu_seconds(process.pid), children_cpu_seconds(process.pid))
            recorder.send_signal(2)
            if recorder.wait(timeout=120) not in (0, -2):
                sys.exit(f"perf record failed: {recorder.stderr.read()}")
        finally:
            stop(process)
        samples = read_samples(data, process.pid)
    requests = max(result["requests"], 1)
    print(f"`hello` on the {arguments.transport} transport, wrk c={arguments.connections} for {arguments.duration} s:"
          f" {result['rps']:,.0f} req/s; CPU per request: invoker {(after[0] - before[0]) / requests * 1e6:.0f} µs,"
          f" workers {(after[1] - before[1]) / requests * 1e6:.0f} µs")
    print_tables(samples, arguments.top)


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--transport", default="native", choices=TRANSPORTS)
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default: %(default)s)")
    parser.add_argument("--duration", type=int, default=10, help="seconds profiled (default: %(default)s)")
    parser.add_argument("--workers", type=int, default=4, help="scaling.max of hello (default: %(default)s)")
    parser.add_argument("--frequency", type=int, default=999, help="samples per second (default: %(default)s)")
    parser.add_argument("--top", type=int, default=30, help="hottest symbols listed (default: %(default)s)")
    parser.add_argument("--keep", help="where to keep perf's data file")
    return parser.parse_args()


Sample = collections.namedtuple("Sample", "process thread frames")


def read_samples(data, invoker_pid):
    """perf's samples: for each, whether it is the invoker's or a worker's, its thread's name, and its stack as
    (symbol, library) pairs, innermost first, with Swift symbols demangled."""
    script = subprocess.run(["perf", "script", "-i", data, "-F", "pid,comm,ip,sym,dso"],
                            capture_output=True, text=True, check=True).stdout
    demangled = subprocess.run(["swift", "demangle", "--compact"], input=script,
                               capture_output=True, text=True, check=True).stdout
    samples = []
    for block in demangled.split("\n\n"):
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        header = re.match(r"\s*(.*?)\s+(\d+)\s*$", lines[0])
        if not header:
            continue
        thread, pid = header.group(1), int(header.group(2))
        frames = []
        for line in lines[1:]:
            match = re.match(r"\s*[0-9a-f]+\s+(.*)\s+\((.*)\)\s*$", line)
            if match:
                frames.append((re.sub(r"\+0x[0-9a-f]+$", "", match.group(1)), os.path.basename(match.group(2))))
        if frames:
            samples.append(Sample("invoker" if pid == invoker_pid else "worker", thread, frames))
    return samples


def print_tables(samples, top):
    invoker = [sample for sample in samples if sample.process == "invoker"]
    total = max(len(invoker), 1)
    print(f"\n{len(invoker):,} samples in the invoker, {len(samples) - len(invoker):,} in its workers.\n")

    def table(title, counts, limit=None):
        print(f"| {title} | Samples | Share |\n|---|---|---|")
        for name, count in counts.most_common(limit):
            print(f"| {name} | {count:,} | {count / total:.1%} |")
        print()

    table("Invoker thread", collections.Counter(re.sub(r"\d+", "N", sample.thread) for sample in invoker))
    categories = collections.Counter()
    for sample in invoker:
        symbol, library = sample.frames[0]
        categories[next((name for name, test in CATEGORIES if test(symbol, library)), "other")] += 1
    table("Invoker self time, by where", categories)
    stages = collections.Counter()
    for sample in invoker:
        stages[next((name for symbol, _ in sample.frames for name, pattern in STAGES if re.search(pattern, symbol)),
                    None) or next((name for name, pattern in UNSTAGED if re.search(pattern, sample.frames[0][0])),
                                  "elsewhere")] += 1
    table("Invoker stage (innermost)", stages)
    table("Invoker symbol (self time)", collections.Counter(
        f"`{symbol[:110]}` ({library})" for symbol, library in (sample.frames[0] for sample in invoker)), top)
    kernel = collections.Counter(sample.frames[0][0] for sample in invoker
                                 if sample.frames[0][1] == "[kernel.kallsyms]")
    table("Invoker kernel symbol (self time)", kernel, 15)


if __name__ == "__main__":
    main()
