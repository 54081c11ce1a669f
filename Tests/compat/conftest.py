"""Starts the already-built invoker once for the whole session, with a manifest of Swift and Python functions, and
gives the tests real clients for it. Nothing is built here: run `swift build --build-tests` (or `.ci/run`) first,
and install the Python example's runtime client (see the README, "Coming from AWS Lambda")."""

import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

REPOSITORY = Path(__file__).resolve().parents[2]
HANDLERS = Path(__file__).resolve().parent / "handlers"
PYTHON_EXAMPLE = REPOSITORY / "examples" / "python"
# The example's virtual environment, made from a system Python so that isolated workers (other users) can run it.
WORKER_PYTHON = PYTHON_EXAMPLE / ".venv" / "bin" / "python"
# The admin API key the invoker is started with (the admin API always needs one).
ADMIN_KEY = "compat-admin-key"
SERVING = re.compile(r"^invoker: serving .* on (http://127\.0\.0\.1:\d+)$")
# The access key every client here signs with.
ACCESS_KEY_ID = "AKIDEXAMPLE"
SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
# With INVOKER_COMPAT_SIGV4=1 the invoker requires AWS Signature Version 4 from that key on the Invoke API
# (`serve --invoke-credentials`); without it the Invoke API is open. CI runs the suite both ways.
SIGV4 = os.environ.get("INVOKER_COMPAT_SIGV4") == "1"


def binary_directory():
    """Where `swift build` put the invoker and the worker binaries (debug)."""
    if "INVOKER_BIN_PATH" in os.environ:
        return Path(os.environ["INVOKER_BIN_PATH"])
    output = subprocess.run(
        ["swift", "build", "--show-bin-path"], cwd=REPOSITORY, capture_output=True, text=True, check=True
    )
    return Path(output.stdout.strip())


def awslambdaric(handler, directory=HANDLERS, **settings):
    """A function run by the AWS Lambda runtime interface client for Python."""
    return {"command": [str(WORKER_PYTHON), "-m", "awslambdaric", handler], "workingDirectory": str(directory), **settings}


def manifest(bin_path):
    fixtures = str(bin_path / "FixtureFunctions")
    return {
        "functions": {
            # Swift: a typed handler of the example functions, and a slow fixture with room for one call only.
            "greet": {"handler": "greet", "http": [{"path": "/greet", "methods": ["POST"]}]},
            "slow": {
                "command": [fixtures],
                "handler": "sleep",
                "timeout": 10,
                "scaling": {"min": 1, "max": 1, "maxQueue": 0},
            },
            "swift-fail": {"command": [fixtures], "handler": "fail"},
            # Python, through awslambdaric: the README's example and the test handlers.
            "hello-python": awslambdaric("app.handler", PYTHON_EXAMPLE, http=[{"path": "/py", "methods": ["GET", "POST"]}]),
            "py-echo": awslambdaric("handlers.echo"),
            "py-fail": awslambdaric("handlers.fail"),
            "py-sleep": awslambdaric("handlers.sleep", timeout=1),
            "py-crash": awslambdaric("handlers.crash"),
            "py-print": awslambdaric("handlers.print_lines"),
            "py-context": awslambdaric("handlers.context_info", memory=256, timeout=5),
            "py-scale": awslambdaric("handlers.sleep", timeout=10, scaling={"max": 4}),
            "py-broken": awslambdaric("broken.handler"),
            # A raw runtime client that streams its responses.
            "py-stream": {
                "command": [str(WORKER_PYTHON), str(HANDLERS / "stream_worker.py")],
                "workingDirectory": str(HANDLERS),
                "timeout": 2,
                "http": [{"path": "/stream"}],
            },
        }
    }


class Invoker:
    """A running `invoker serve` process."""

    def __init__(self, process, url, database, bin_path):
        self.process = process
        self.url = url
        self.database = database
        self.bin_path = bin_path

    def record(self, invocation_id, timeout=10):
        """The invocation's record, as `invoker logs ID --json` prints it (the log is written in batches)."""
        deadline = time.monotonic() + timeout
        while True:
            result = subprocess.run(
                [str(self.bin_path / "invoker"), "logs", invocation_id, "--json", "--db", str(self.database)],
                capture_output=True,
                text=True,
            )
            if result.returncode == 0 and result.stdout.strip():
                return json.loads(result.stdout.strip().splitlines()[0])
            if time.monotonic() > deadline:
                raise AssertionError(f"no record {invocation_id}: {result.stderr}")
            time.sleep(0.1)

    def records(self, function):
        """Every record of `function`, newest first."""
        result = subprocess.run(
            [
                str(self.bin_path / "invoker"), "logs", "--json", "--db", str(self.database),
                "--function", function, "--limit", "1000",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]

    def function(self, name):
        """`GET /system/functions`: the pool of function `name`, live."""
        request = urllib.request.Request(self.url + "/system/functions", headers={"Authorization": f"Bearer {ADMIN_KEY}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            status = json.load(response)
        functions = status["functions"] if isinstance(status, dict) else status
        return next(function for function in functions if function["name"] == name)


@pytest.fixture(scope="session")
def invoker():
    if not os.access(WORKER_PYTHON, os.X_OK):
        pytest.exit(
            f"{WORKER_PYTHON} is missing: install the Python example's runtime client first:\n"
            "  /usr/bin/python3 -m venv examples/python/.venv && examples/python/.venv/bin/pip install awslambdaric",
            returncode=2,
        )
    bin_path = binary_directory()
    if not (bin_path / "invoker").exists() or not (bin_path / "FixtureFunctions").exists():
        pytest.exit(f"no invoker in {bin_path}: run `swift build --build-tests` first", returncode=2)
    directory = Path(tempfile.mkdtemp(prefix="invoker-compat-"))
    (directory / "functions.json").write_text(json.dumps(manifest(bin_path), indent=2))
    database = directory / "invocations.sqlite"
    stderr = open(directory / "invoker.stderr", "w")
    signing = []
    if SIGV4:
        credentials = directory / "invoke-credentials"
        credentials.write_text(
            f"[default]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\n"
        )
        signing = ["--invoke-credentials", str(credentials)]
    process = subprocess.Popen(
        [
            str(bin_path / "invoker"), "serve", "--port", "0", "--manifest", str(directory / "functions.json"),
            "--db", str(database), "--functions-binary", str(bin_path / "Functions"), "--log-level", "warning",
            "--api-key", ADMIN_KEY,
            *signing,
        ],
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )
    # Read its output on a thread (so a full pipe never blocks it), and wait for the line with its address.
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout] + [lines.put(None)], daemon=True).start()
    url = None
    deadline = time.monotonic() + 120
    while url is None and time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            break
        if line is None:
            break
        match = SERVING.match(line.strip())
        url = match.group(1) if match else None
    if url is None:
        process.kill()
        process.wait()
        stderr.close()
        pytest.exit(f"the invoker did not start:\n{(directory / 'invoker.stderr').read_text()}", returncode=2)
    yield Invoker(process, url, database, bin_path)
    process.send_signal(signal.SIGTERM)
    try:
        code = process.wait(timeout=60)
    finally:
        stderr.close()
    assert code == 0, f"invoker exited with {code}:\n{(directory / 'invoker.stderr').read_text()}"
    shutil.rmtree(directory, ignore_errors=True)


def make_lambda_client(invoker, access_key_id=ACCESS_KEY_ID, secret_access_key=SECRET_ACCESS_KEY):
    """boto3's Lambda client pointed at the invoker, signing with the given key, with no retries."""
    return boto3.client(
        "lambda",
        endpoint_url=invoker.url,
        region_name="us-east-1",
        aws_access_key_id=access_key_id,
        aws_secret_access_key=secret_access_key,
        config=Config(retries={"max_attempts": 0}, read_timeout=60, connect_timeout=10),
    )


@pytest.fixture(scope="session")
def lambda_client(invoker):
    """boto3's Lambda client pointed at the invoker, with the test key and no retries."""
    return make_lambda_client(invoker)


@pytest.fixture(scope="session")
def aws_cli():
    """The AWS CLI (v1, from PyPI) of this Python environment."""
    beside = Path(sys.executable).parent / "aws"
    path = str(beside) if beside.exists() else shutil.which("aws")
    if path is None:
        pytest.fail("the AWS CLI is not installed: pip install -r Tests/compat/requirements.txt")
    return path
