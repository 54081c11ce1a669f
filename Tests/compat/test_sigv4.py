"""AWS Signature Version 4 on the Invoke API, as boto3 and the AWS CLI meet it: with `--invoke-credentials` only the
configured key's signatures are accepted, and wrong ones fail with the exceptions Lambda raises; without it the
Invoke API takes any signature."""

import pytest
from botocore.exceptions import ClientError

from conftest import ACCESS_KEY_ID, SIGV4, make_lambda_client
from test_aws_cli import run_cli

PAYLOAD = b'{"name":"Ada"}'


def test_the_configured_key_is_accepted(lambda_client):
    response = lambda_client.invoke(FunctionName="greet", Payload=PAYLOAD)
    assert response["StatusCode"] == 200
    assert b"Ada" in response["Payload"].read()


@pytest.mark.parametrize(
    "access_key_id, secret, code",
    [
        (ACCESS_KEY_ID, "not-the-secret", "InvalidSignatureException"),
        ("AKIDNOBODY", "whatever", "UnrecognizedClientException"),
    ],
)
def test_a_wrong_key(invoker, access_key_id, secret, code):
    client = make_lambda_client(invoker, access_key_id, secret)
    if not SIGV4:
        # Without --invoke-credentials the Invoke API is open: any signature goes.
        assert client.invoke(FunctionName="greet", Payload=PAYLOAD)["StatusCode"] == 200
        return
    with pytest.raises(ClientError) as raised:
        client.invoke(FunctionName="greet", Payload=PAYLOAD)
    assert raised.value.response["Error"]["Code"] == code
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_the_aws_cli_with_a_wrong_secret(aws_cli, invoker, tmp_path):
    result = run_cli(
        aws_cli, invoker, tmp_path,
        "--function-name", "greet", "--payload", '{"name":"Ada"}', str(tmp_path / "out.json"),
        secret_access_key="not-the-secret",
    )
    if SIGV4:
        assert result.returncode != 0
        assert "InvalidSignatureException" in result.stderr, result.stderr
    else:
        assert result.returncode == 0, result.stderr
