"""What the benchmark scripts share: release builds, starting and stopping servers (every server started here is
stopped when the script ends, also on Ctrl-C, SIGTERM or an error), timing requests, running `wrk`, and reading a
process's CPU time and memory from /proc."""
import atexit
import collections
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRATCH = os.path.join(ROOT, ".build-release")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

_started = []


class ServerError(SystemExit):
    """A server that exited before it served. `output` holds the end of what it wrote to stderr (which was passed on
    to ours already). Uncaught, it ends the script with its message, as `sys.exit` does."""

    def __init__(self, message, output):
        super().__init__(message)
        self.output = output


def build(*products):
    """Builds `products` in release mode; returns the folder that holds the binaries. The compiler's output is shown
    only when a build fails."""
    for product in products:
        result = subprocess.run(
            ["swift", "build", "-c", "release", "--scratch-path", SCRATCH, "--product", product],
            cwd=ROOT, capture_output=True, text=True)
        if result.returncode != 0:
            sys.stderr.write(result.stdout + result.stderr)
            sys.exit(f"building {product} failed")
    return subprocess.run(
        ["swift", "build", "-c", "release", "--scratch-path", SCRATCH, "--show-bin-path"],
        cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()


def write_manifest(folder, functions):
    """Writes a manifest with `functions` into `folder`; returns its path."""
    path = os.path.join(folder, "functions.json")
    with open(path, "w") as file:
        json.dump({"functions": functions}, file)
    return path


def launch(command):
    """Starts a server that prints a banner ending in `:PORT` with the word "serving" once it listens (`invoker
    serve`, `Baseline`); returns the process and the port. What it writes to stderr is passed on to ours; if it
    exits before the banner, raises `ServerError`."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _started.append(process)
    tail = collections.deque(maxlen=20)

    def relay():
        for line in process.stderr:
            tail.append(line)
            sys.stderr.write(line)

    relay_thread = threading.Thread(target=relay, daemon=True)
    relay_thread.start()
    banner = process.stdout.readline()
    if "serving" not in banner:
        stop(process)
        relay_thread.join(timeout=5)
        raise ServerError(f"{os.path.basename(command[0])} did not start (exit status {process.returncode})",
                          "".join(tail))
    return process, int(banner.rsplit(":", 1)[1])


# The admin API key the benchmarks' invokers require (the admin API always needs one).
ADMIN_KEY = "benchmark-admin-key"


def start(binaries, manifest, database, *arguments):
    """Starts `invoker serve` on a free port, with more `arguments` if given; returns the process and the port."""
    return launch(
        [os.path.join(binaries, "invoker"), "serve", "--port", "0", "--manifest", manifest, "--db", database,
         "--functions-binary", os.path.join(binaries, "Functions"), "--log-level", "warning",
         "--api-key", ADMIN_KEY, *arguments])


def stop(process):
    """Stops a server gracefully (SIGTERM), or kills it after a minute."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process in _started:
        _started.remove(process)


def _stop_all():
    for process in list(_started):
        stop(process)


atexit.register(_stop_all)
# SIGTERM ends the script like Ctrl-C does: with the servers stopped.
signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))


def wait_until(condition, timeout=30, interval=0.02):
    """Polls `condition` until it returns something true, which is returned; exits the script after `timeout`
    seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            sys.exit(f"gave up waiting after {timeout} s for {condition.__doc__ or condition}")
        time.sleep(interval)


def require_wrk():
    """Exits with how to install `wrk` when it is missing."""
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed; install it with `apt-get install wrk` (Debian and Ubuntu), then run again")


def wrk(url, connections, duration, script=None):
    """Runs `wrk -t1 -c{connections} -d{duration}s --latency` against `url` (with a Lua `script` if given); returns
    what `parse_wrk` reads from its report."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency"]
    if script:
        command += ["-s", script]
    output = subprocess.run(command + [url], check=True, capture_output=True, text=True).stdout
    return parse_wrk(output)


_WRK_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_wrk(output):
    """Reads a `wrk --latency` report: a dict with `requests` (completed), `seconds`, `rps`, `p50`, `p75`, `p90`,
    `p99` (seconds), `non2xx` (responses that were not 2xx or 3xx) and `errors` (socket errors)."""
    def duration(text):
        number, unit = re.fullmatch(r"([\d.]+)([a-z]+)", text).groups()
        return float(number) * _WRK_UNITS[unit]

    result = {"non2xx": 0, "errors": 0}
    for percent, value in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)$", output, re.MULTILINE):
        result[f"p{percent}"] = duration(value)
    requests, seconds = re.search(r"(\d+) requests in ([\d.]+[a-z]+)", output).groups()
    result["requests"], result["seconds"] = int(requests), duration(seconds)
    result["rps"] = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        result["non2xx"] = int(match.group(1))
    if match := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        result["errors"] = sum(int(number) for number in match.groups())
    if "p50" not in result or "p99" not in result:
        sys.exit(f"no latency distribution in wrk's report:\n{output}")
    return result


def _stat_fields(pid):
    """The fields of /proc/PID/stat after the command name: field n of proc(5) is at index n - 3."""
    with open(f"/proc/{pid}/stat") as file:
        return file.read().rpartition(")")[2].split()


def cpu_seconds(pid):
    """The CPU time (user + system) process `pid` used so far, in seconds."""
    fields = _stat_fields(pid)
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _descendants(pid):
    """The live processes under process `pid`: its children, theirs, and so on."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parents[int(entry)] = int(_stat_fields(entry)[1])
            except (FileNotFoundError, ProcessLookupError):
                continue
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, ppid in parents.items() if ppid == parent]
        found += children
        frontier += children
    return found


def children_cpu_seconds(pid):
    """The CPU time used so far by the processes under process `pid` (its workers, and whatever they started):
    the live ones, and the children each of them has waited for, in seconds."""
    fields = _stat_fields(pid)
    ticks = int(fields[13]) + int(fields[14])
    for child in _descendants(pid):
        try:
            child_fields = _stat_fields(child)
        except (FileNotFoundError, ProcessLookupError):
            continue
        ticks += sum(int(field) for field in child_fields[11:15])
    return ticks / CLOCK_TICKS


def functions_worker_pids(invoker_pid):
    """The invoker's live worker processes that run the `Functions` binary (or a snapshot of it)."""
    workers = []
    for pid in _descendants(invoker_pid):
        try:
            if os.path.basename(os.readlink(f"/proc/{pid}/exe")).startswith((".Functions", "Functions")):
                workers.append(pid)
        except OSError:
            continue
    return workers


def context_switches(pid):
    """How many times the threads of process `pid` have given up the CPU to wait (voluntary context switches: each
    is a thread going to sleep until something wakes it), summed over its live threads."""
    total = 0
    for thread in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{thread}/status") as file:
                for line in file:
                    if line.startswith("voluntary_ctxt_switches:"):
                        total += int(line.split()[1])
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def rss_bytes(pid, field="VmRSS"):
    """The resident memory of process `pid` (VmRSS, or another field of /proc/PID/status such as RssAnon), in
    bytes."""
    with open(f"/proc/{pid}/status") as file:
        for line in file:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024
    raise ValueError(f"no {field} for process {pid}")


def request(connection, method, path, body=None, headers=None):
    """Sends one request; returns the seconds it took and the response body."""
    began = time.perf_counter()
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    data = response.read()
    elapsed = time.perf_counter() - began
    if response.status != 200:
        sys.exit(f"{method} {path} answered {response.status}: {data!r}")
    return elapsed, data


def functions_status(port):
    """The invoker's `/system/functions`, by function name."""
    connection = http.client.HTTPConnection("127.0.0.1", port)
    _, data = request(connection, "GET", "/system/functions", headers={"Authorization": f"Bearer {ADMIN_KEY}"})
    connection.close()
    return {function["name"]: function for function in json.loads(data)}


def percentile(values, fraction):
    """The nearest-rank percentile of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(-(-fraction * len(ordered) // 1)) - 1))]


def ms(seconds):
    """Seconds as milliseconds with three decimals."""
    return f"{seconds * 1000:.3f} ms"
