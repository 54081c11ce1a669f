"""The AWS CLI (v1) against the invoker, with --endpoint-url and dummy credentials."""

import base64
import json
import os
import subprocess

from conftest import ACCESS_KEY_ID, SECRET_ACCESS_KEY


def run_cli(aws_cli, invoker, tmp_path, *arguments, secret_access_key=SECRET_ACCESS_KEY):
    environment = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": secret_access_key,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "AWS_MAX_ATTEMPTS": "1",
    }
    result = subprocess.run(
        [aws_cli, "lambda", "invoke", "--endpoint-url", invoker.url, *arguments],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )
    return result


def test_invoke_round_trip(aws_cli, invoker, tmp_path):
    out = tmp_path / "out.json"
    result = run_cli(
        aws_cli, invoker, tmp_path,
        "--function-name", "greet",
        "--payload", '{"name":"Ada"}', "--log-type", "Tail", str(out),
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["StatusCode"] == 200
    assert summary["ExecutedVersion"] == "$LATEST"
    assert "FunctionError" not in summary
    assert "REPORT RequestId:" in base64.b64decode(summary["LogResult"]).decode()
    assert json.loads(out.read_text()) == {"greeting": "Hello, Ada!"}


def test_invoke_function_error(aws_cli, invoker, tmp_path):
    out = tmp_path / "error.json"
    result = run_cli(aws_cli, invoker, tmp_path, "--function-name", "py-fail", "--payload", "{}", str(out))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["FunctionError"] == "Unhandled"
    assert json.loads(out.read_text())["errorType"] == "ValueError"


def test_invoke_missing_function(aws_cli, invoker, tmp_path):
    result = run_cli(aws_cli, invoker, tmp_path, "--function-name", "nope", str(tmp_path / "none.json"))
    assert result.returncode != 0
    assert "ResourceNotFoundException" in result.stderr
