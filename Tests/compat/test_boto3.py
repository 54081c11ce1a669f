"""boto3's Lambda client against the invoker's Invoke API, exactly as it would call AWS."""

import base64
import json
import re
import threading
import time

import pytest

from conftest import SIGV4
from botocore.exceptions import ClientError

REPORT = re.compile(
    r"^REPORT RequestId: (?P<id>[0-9a-f-]{36})\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\t"
    r"Memory Size: (?P<memory>\d+) MB\tMax Memory Used: \d+ MB\t(Init Duration: \d+\.\d\d ms\t)?$"
)


def payload(response):
    return json.loads(response["Payload"].read())


def test_request_response_runs_a_swift_typed_handler(lambda_client):
    response = lambda_client.invoke(FunctionName="greet", Payload=json.dumps({"name": "Ada"}))
    assert response["StatusCode"] == 200
    assert response["ExecutedVersion"] == "$LATEST"
    assert "FunctionError" not in response
    assert payload(response) == {"greeting": "Hello, Ada!"}


@pytest.mark.parametrize(
    "name",
    [
        "greet",
        "000000000000:function:greet",
        "arn:aws:lambda:us-east-1:000000000000:function:greet",
        "arn:aws:lambda:eu-west-1:123456789012:function:greet:$LATEST",
    ],
)
def test_function_names_and_arns(lambda_client, name):
    response = lambda_client.invoke(FunctionName=name, Payload=b'{"name":"Bo"}')
    assert payload(response) == {"greeting": "Hello, Bo!"}


def test_qualifier_latest_is_served_and_others_are_not_found(lambda_client):
    assert lambda_client.invoke(FunctionName="greet", Qualifier="$LATEST", Payload=b"{}")["StatusCode"] == 200
    with pytest.raises(lambda_client.exceptions.ResourceNotFoundException) as raised:
        lambda_client.invoke(FunctionName="greet", Qualifier="prod", Payload=b"{}")
    assert "function:greet:prod" in str(raised.value)


def test_dry_run(lambda_client):
    response = lambda_client.invoke(FunctionName="greet", InvocationType="DryRun", Payload=b"{}")
    assert response["StatusCode"] == 204
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"]


def test_event_is_queued_and_then_run(lambda_client, invoker):
    response = lambda_client.invoke(FunctionName="greet", InvocationType="Event", Payload=b'{"name":"Ev"}')
    assert response["StatusCode"] == 202
    assert response["Payload"].read() == b""
    # The queue's consumer runs it shortly after: its record has the trigger `event`.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if any(record.get("trigger") == "event" for record in invoker.records("greet")):
            return
        time.sleep(0.1)
    pytest.fail("the Event invocation was not run within 30 s")


def test_function_error_is_unhandled_with_the_error_document(lambda_client):
    response = lambda_client.invoke(FunctionName="swift-fail", Payload=b"{}")
    assert response["StatusCode"] == 200
    assert response["FunctionError"] == "Unhandled"
    assert payload(response) == {"errorType": "FixtureError", "errorMessage": "failed on purpose"}


def test_log_result_ends_with_lambdas_report_line(lambda_client):
    response = lambda_client.invoke(FunctionName="py-print", LogType="Tail", Payload=json.dumps({"lines": ["hi"]}))
    request_id = response["ResponseMetadata"]["RequestId"]
    log = base64.b64decode(response["LogResult"]).decode()
    lines = log.splitlines()
    assert lines[0] == f"START RequestId: {request_id} Version: $LATEST"
    assert "hi" in lines
    assert f"END RequestId: {request_id}" in lines
    report = REPORT.match(lines[-1])
    assert report, lines[-1]
    assert report["id"] == request_id and report["memory"] == "128"


def test_missing_function_is_resource_not_found(lambda_client):
    with pytest.raises(lambda_client.exceptions.ResourceNotFoundException) as raised:
        lambda_client.invoke(FunctionName="no-such-function", Payload=b"{}")
    error = raised.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert error["Error"]["Message"].startswith("Function not found: arn:aws:lambda:us-east-1:")


def test_a_body_that_is_not_json_is_invalid_request_content(lambda_client):
    with pytest.raises(lambda_client.exceptions.InvalidRequestContentException):
        lambda_client.invoke(FunctionName="greet", Payload=b"{not json")


def test_a_request_over_6_mb_is_request_too_large(lambda_client):
    with pytest.raises(lambda_client.exceptions.RequestTooLargeException):
        lambda_client.invoke(FunctionName="greet", Payload=json.dumps("x" * 6_291_456))


def test_throttled_call_is_too_many_requests(lambda_client, invoker):
    # `slow` has one worker and no wait queue: while it runs one call, the next is turned away.
    deadline = time.monotonic() + 30
    while invoker.function("slow")["workers"]["idle"] != 1:
        assert time.monotonic() < deadline, "the slow function's worker never became idle"
        time.sleep(0.05)
    first = {}
    running = threading.Thread(
        target=lambda: first.update(lambda_client.invoke(FunctionName="slow", Payload=b'{"ms":1500}'))
    )
    running.start()
    try:
        while invoker.function("slow")["workers"]["busy"] != 1:
            assert time.monotonic() < deadline, "the first call never started"
            time.sleep(0.01)
        with pytest.raises(lambda_client.exceptions.TooManyRequestsException) as raised:
            lambda_client.invoke(FunctionName="slow", Payload=b'{"ms":1}')
        assert raised.value.response["ResponseMetadata"]["HTTPHeaders"]["retry-after"] == "1"
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    finally:
        running.join()
    assert first["StatusCode"] == 200 and payload(first) == {"slept": 1500}


def test_client_context_reaches_the_function(lambda_client):
    context = {"custom": {"tenant": "t-1"}, "env": {"locale": "en"}, "client": {}}
    response = lambda_client.invoke(
        FunctionName="py-context",
        ClientContext=base64.b64encode(json.dumps(context).encode()).decode(),
        Payload=b"{}",
    )
    seen = payload(response)
    assert seen["custom"] == {"tenant": "t-1"} and seen["env"] == {"locale": "en"}
    assert seen["requestId"] == response["ResponseMetadata"]["RequestId"]
    assert seen["functionArn"] == "arn:aws:lambda:us-east-1:000000000000:function:py-context"
    assert seen["memoryLimitInMB"] == "256"
    assert 0 < seen["remainingMs"] <= 5000


def test_sigv4_signatures_are_accepted_without_checking(invoker):
    # boto3 signs every call; without --invoke-credentials a signature made with other credentials is not checked
    # either. With it, the forged signature is refused (test_sigv4.py checks the SDKs' side of that).
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        invoker.url + "/2015-03-31/functions/greet/invocations",
        data=b'{"name":"Sig"}',
        method="POST",
        headers={
            "Authorization": "AWS4-HMAC-SHA256 Credential=OTHER/20260101/us-east-1/lambda/aws4_request, "
            "SignedHeaders=host;x-amz-date, Signature=0000",
            "X-Amz-Date": "20260101T000000Z",
        },
    )
    if SIGV4:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 403
        assert refused.value.headers["x-amzn-ErrorType"] == "IncompleteSignatureException"
        return
    with urllib.request.urlopen(request, timeout=30) as response:
        assert json.load(response) == {"greeting": "Hello, Sig!"}


def test_client_error_carries_the_request_id(lambda_client):
    with pytest.raises(ClientError) as raised:
        lambda_client.invoke(FunctionName="greet", Payload=b"[")
    assert len(raised.value.response["ResponseMetadata"]["RequestId"]) == 36
