"""A Python function run by awslambdaric, the AWS Lambda runtime interface client, as the invoker's worker: it gets
the same pools, limits, captured output and records as a Swift function."""

import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor


def invoke(lambda_client, name, event):
    response = lambda_client.invoke(FunctionName=name, Payload=json.dumps(event))
    return response, json.loads(response["Payload"].read())


def test_success_over_the_invoke_api_and_http(lambda_client, invoker):
    response, result = invoke(lambda_client, "hello-python", {"name": "Ada"})
    assert "FunctionError" not in response
    assert result == {"greeting": "Hello, Ada!", "function": "hello-python"}
    with urllib.request.urlopen(invoker.url + "/py?name=Bo", timeout=30) as http:
        assert http.status == 200
        assert json.load(http) == {"greeting": "Hello, Bo!", "function": "hello-python"}


def test_raised_exception_surfaces_as_the_error_document(lambda_client, invoker):
    response, error = invoke(lambda_client, "py-fail", {"message": "no such order"})
    assert response["FunctionError"] == "Unhandled"
    assert error["errorType"] == "ValueError"
    assert error["errorMessage"] == "no such order"
    assert any("handlers.py" in line for line in error["stackTrace"])
    record = invoker.record(response["ResponseMetadata"]["RequestId"])
    assert record["status"] == "error" and record["error_type"] == "ValueError"


def test_timeout_kills_the_worker_and_the_next_call_gets_a_new_one(lambda_client, invoker):
    response, error = invoke(lambda_client, "py-sleep", {"seconds": 30})
    request_id = response["ResponseMetadata"]["RequestId"]
    assert response["FunctionError"] == "Unhandled"
    assert error == {
        "errorType": "Sandbox.Timedout",
        "errorMessage": f"RequestId: {request_id} Error: Task timed out after 1.00 seconds",
    }
    assert invoker.record(request_id)["status"] == "timeout"
    response, result = invoke(lambda_client, "py-sleep", {"seconds": 0})
    assert "FunctionError" not in response and result["slept"] == 0


def test_crash_is_a_runtime_exit_error(lambda_client, invoker):
    response, error = invoke(lambda_client, "py-crash", {"exitCode": 7})
    assert response["FunctionError"] == "Unhandled"
    assert error["errorType"] == "Runtime.ExitError"
    assert error["errorMessage"].endswith("Runtime exited with error: exit status 7")
    assert invoker.record(response["ResponseMetadata"]["RequestId"])["status"] == "crash"


def test_printed_output_is_captured_in_the_record(lambda_client, invoker):
    response, result = invoke(lambda_client, "py-print", {"lines": ["first line", "second line"]})
    assert result == {"printed": 2}
    record = invoker.record(response["ResponseMetadata"]["RequestId"])
    assert record["status"] == "success" and record["trigger"] == "invoke"
    assert "first line\nsecond line\n" in record["log"]


def test_scales_to_several_workers(lambda_client, invoker):
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: invoke(lambda_client, "py-scale", {"seconds": 1.5}), range(4)))
    assert all("FunctionError" not in response for response, _ in results)
    assert len({result["pid"] for _, result in results}) >= 2
    records = invoker.records("py-scale")
    assert len({record["worker_pid"] for record in records}) >= 2
    assert invoker.function("py-scale")["spawned"] >= 2


def test_import_error_is_reported_as_the_invocations_error(lambda_client, invoker):
    # awslambdaric reports the failed import to /runtime/init/error and exits; the pool backs off, and every call
    # gets the function's own error meanwhile.
    for _ in range(3):
        response, error = invoke(lambda_client, "py-broken", {})
        assert response["FunctionError"] == "Unhandled"
        assert error["errorType"] == "Runtime.ImportModuleError"
        assert "module_that_is_not_installed" in error["errorMessage"]
    records = invoker.records("py-broken")
    assert records and all(record["status"] == "error" for record in records)
