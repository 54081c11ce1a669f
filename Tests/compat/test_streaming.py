"""Responses streamed by the worker (`Lambda-Runtime-Function-Response-Mode: streaming`) reach an HTTP caller as a
stream, with the status and headers of their prelude; the Invoke API buffers them, as Lambda's does."""

import http.client
import json
import time
from urllib.parse import urlparse


def get(invoker, path):
    address = urlparse(invoker.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    connection.request("GET", path)
    return connection, connection.getresponse()


def test_http_caller_gets_the_stream_as_it_is_written(invoker):
    connection, response = get(invoker, "/stream?parts=4&delayMs=300")
    assert response.status == 201
    assert response.getheader("x-streamed") == "yes"
    assert response.getheader("set-cookie") == "a=1"
    assert response.getheader("transfer-encoding") == "chunked"
    request_id = response.getheader("x-amzn-RequestId")
    started = time.monotonic()
    first = response.readline()
    first_after = time.monotonic() - started
    rest = response.read()
    total = time.monotonic() - started
    connection.close()
    assert first == b"part 0\n"
    assert rest == b"part 1\npart 2\npart 3\n"
    # The first part arrived long before the worker finished writing.
    assert first_after < total - 0.5, (first_after, total)
    record = invoker.record(request_id)
    assert record["status"] == "success" and record["http_status"] == 201
    assert "streaming part 3" in record["log"]
    assert record["duration_ms"] >= 900


def test_error_trailers_end_the_stream_and_the_record_says_error(invoker):
    connection, response = get(invoker, "/stream?parts=2&fail=1")
    body = response.read()
    connection.close()
    assert body == b"part 0\npart 1\n"
    record = invoker.record(response.getheader("x-amzn-RequestId"))
    assert record["status"] == "error" and record["error_type"] == "StreamError"


def test_a_stream_past_the_timeout_is_cut_and_recorded_as_timeout(invoker):
    connection, response = get(invoker, "/stream?parts=100&delayMs=100")
    assert response.status == 201
    try:
        body = response.read()
    except http.client.IncompleteRead as incomplete:
        body = incomplete.partial
    connection.close()
    assert body.startswith(b"part 0\n") and b"part 99" not in body
    record = invoker.record(response.getheader("x-amzn-RequestId"))
    assert record["status"] == "timeout"


def test_invoke_api_buffers_a_streamed_response(lambda_client):
    response = lambda_client.invoke(FunctionName="py-stream", Payload=json.dumps({"parts": 2}))
    assert "FunctionError" not in response
    body = response["Payload"].read()
    assert body.endswith(b"\0" * 8 + b"part 0\npart 1\n")
    failed = lambda_client.invoke(FunctionName="py-stream", Payload=json.dumps({"parts": 1, "fail": True}))
    assert failed["FunctionError"] == "Unhandled"
    assert json.loads(failed["Payload"].read())["errorType"] == "StreamError"
