"""Starts the already-built invoker for the whole session and drives Debian's headless Chromium against its
dashboard with Selenium. Nothing is built here: run `swift build --build-tests` (or `.ci/run`) first, and install
`chromium` and `chromium-driver`. Screenshots go to Tests/browser/screenshots/ (not committed)."""

import json
import os
import queue
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

REPOSITORY = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
ADMIN_KEY = "browser-admin-key"
SERVING = re.compile(r"^invoker: serving .* on (http://127\.0\.0\.1:\d+)$")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")


def binary_directory():
    """Where `swift build` put the invoker and the worker binaries (debug, unless INVOKER_BIN_PATH says)."""
    if "INVOKER_BIN_PATH" in os.environ:
        return Path(os.environ["INVOKER_BIN_PATH"])
    output = subprocess.run(
        ["swift", "build", "--show-bin-path"], cwd=REPOSITORY, capture_output=True, text=True, check=True
    )
    return Path(output.stdout.strip())


def manifest(bin_path):
    fixtures = str(bin_path / "FixtureFunctions")
    return {
        "functions": {
            # The README's example functions.
            "hello": {"handler": "hello", "http": [{"path": "/hello", "methods": ["GET", "POST"]}]},
            "greet": {"handler": "greet", "http": [{"path": "/greet", "methods": ["POST"]}]},
            # Prints its lines: its output shows on the invocation's page.
            "print": {"command": [fixtures], "handler": "print", "http": [{"path": "/print", "methods": ["POST"]}]},
            # Fails every message of its queue at once: dead letters to redrive.
            "jobs": {
                "command": [fixtures],
                "handler": "fail",
                "queue": {"name": "jobs", "maxRetries": 0},
            },
        }
    }


class Invoker:
    """A running `invoker serve` process."""

    def __init__(self, process, url, bin_path, functions):
        self.process = process
        self.url = url
        self.bin_path = bin_path
        self.functions = functions

    def request(self, method, path, body=None, headers=None):
        """Sends a request; returns (status, body text)."""
        data = body.encode() if isinstance(body, str) else body
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def login_link(self):
        """A login link, from `invoker dashboard` as a user runs it."""
        result = subprocess.run(
            [str(self.bin_path / "invoker"), "dashboard", "--url", self.url, "--api-key", ADMIN_KEY],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()


@pytest.fixture(scope="session")
def invoker():
    bin_path = binary_directory()
    if not (bin_path / "invoker").exists() or not (bin_path / "FixtureFunctions").exists():
        pytest.exit(f"no invoker in {bin_path}: run `swift build --build-tests` first", returncode=2)
    directory = Path(tempfile.mkdtemp(prefix="invoker-browser-"))
    functions = manifest(bin_path)
    (directory / "functions.json").write_text(json.dumps(functions, indent=2))
    stderr = open(directory / "invoker.stderr", "w")
    process = subprocess.Popen(
        [
            str(bin_path / "invoker"), "serve", "--port", "0", "--manifest", str(directory / "functions.json"),
            "--db", str(directory / "invocations.sqlite"), "--functions-binary", str(bin_path / "Functions"),
            "--log-level", "warning", "--api-key", ADMIN_KEY,
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
    yield Invoker(process, url, bin_path, functions["functions"])
    process.send_signal(signal.SIGTERM)
    try:
        code = process.wait(timeout=60)
    finally:
        stderr.close()
    # An open dashboard must not hold the shutdown up: its event stream ends with the server.
    assert code == 0, f"invoker exited with {code}:\n{(directory / 'invoker.stderr').read_text()}"
    shutil.rmtree(directory, ignore_errors=True)


def make_browser(width=1366, height=900):
    """Debian's Chromium, headless, through Debian's chromedriver."""
    options = Options()
    options.binary_location = CHROMIUM
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={width},{height}", "--force-device-scale-factor=1"]:
        options.add_argument(argument)
    return webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))


@pytest.fixture(scope="session")
def browser():
    driver = make_browser()
    yield driver
    driver.quit()


@pytest.fixture
def fresh_browser():
    """A browser with no cookies at all."""
    driver = make_browser()
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def screenshot():
    SCREENSHOTS.mkdir(exist_ok=True)

    def save(driver, name):
        path = SCREENSHOTS / f"{name}.png"
        driver.save_screenshot(str(path))
        return path

    return save
