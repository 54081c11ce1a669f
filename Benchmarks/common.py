"""What the benchmark scripts share: release builds, starting and stopping an invoker, timing requests."""
import http.client
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRATCH = os.path.join(ROOT, ".build-release")


def build(*products):
    """Builds `products` in release mode; returns the folder that holds the binaries."""
    for product in products:
        subprocess.run(
            ["swift", "build", "-c", "release", "--scratch-path", SCRATCH, "--product", product],
            cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return subprocess.run(
        ["swift", "build", "-c", "release", "--scratch-path", SCRATCH, "--show-bin-path"],
        cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()


def write_manifest(folder, functions):
    """Writes a manifest with `functions` into `folder`; returns its path."""
    path = os.path.join(folder, "functions.json")
    with open(path, "w") as file:
        json.dump({"functions": functions}, file)
    return path


def start(binaries, manifest, database):
    """Starts `invoker serve` on a free port; returns the process and the port."""
    process = subprocess.Popen(
        [os.path.join(binaries, "invoker"), "serve", "--port", "0", "--manifest", manifest, "--db", database,
         "--functions-binary", os.path.join(binaries, "Functions"), "--log-level", "warning"],
        stdout=subprocess.PIPE, text=True)
    banner = process.stdout.readline()
    if "serving" not in banner:
        process.kill()
        sys.exit(f"the invoker did not start: {banner!r}")
    return process, int(banner.rsplit(":", 1)[1])


def stop(process):
    """Stops an invoker gracefully."""
    process.terminate()
    process.wait(timeout=60)


def request(connection, method, path, body=None):
    """Sends one request; returns the seconds it took and the response body."""
    began = time.perf_counter()
    connection.request(method, path, body=body)
    response = connection.getresponse()
    data = response.read()
    elapsed = time.perf_counter() - began
    if response.status != 200:
        sys.exit(f"{method} {path} answered {response.status}: {data!r}")
    return elapsed, data


def functions_status(port):
    """The invoker's `/system/functions`, by function name."""
    connection = http.client.HTTPConnection("127.0.0.1", port)
    _, data = request(connection, "GET", "/system/functions")
    connection.close()
    return {function["name"]: function for function in json.loads(data)}


def percentile(values, fraction):
    """The nearest-rank percentile of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(-(-fraction * len(ordered) // 1)) - 1))]


def ms(seconds):
    """Seconds as milliseconds with three decimals."""
    return f"{seconds * 1000:.3f} ms"
