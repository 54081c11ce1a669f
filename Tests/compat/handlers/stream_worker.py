"""A minimal Lambda runtime client, standard library only, that streams its responses the way Lambda's response
streaming runtimes do: `Lambda-Runtime-Function-Response-Mode: streaming`, a chunked body that starts with an HTTP
prelude (`application/vnd.awslambda.http-integration-response`), and error trailers when asked to fail.

The event (or, over HTTP, the query string) says `parts` (how many lines), `delayMs` (between lines) and `fail`.
"""

import base64
import http.client
import json
import os
import time

API = os.environ["AWS_LAMBDA_RUNTIME_API"]


def options(event):
    if "requestContext" in event:
        event = event.get("queryStringParameters") or {}
    return int(event.get("parts", 3)), int(event.get("delayMs", 0)), str(event.get("fail", "")) in ("1", "true", "True")


def send_chunk(connection, data):
    connection.send(b"%x\r\n%s\r\n" % (len(data), data))


def main():
    connection = http.client.HTTPConnection(API)
    while True:
        connection.request("GET", "/2018-06-01/runtime/invocation/next")
        response = connection.getresponse()
        event = json.loads(response.read() or b"{}")
        request_id = response.getheader("Lambda-Runtime-Aws-Request-Id")
        parts, delay_ms, fail = options(event)

        connection.putrequest("POST", f"/2018-06-01/runtime/invocation/{request_id}/response")
        connection.putheader("Lambda-Runtime-Function-Response-Mode", "streaming")
        connection.putheader("Content-Type", "application/vnd.awslambda.http-integration-response")
        connection.putheader("Transfer-Encoding", "chunked")
        connection.putheader("Trailer", "Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body")
        connection.endheaders()
        prelude = {"statusCode": 201, "headers": {"content-type": "text/plain", "x-streamed": "yes"}, "cookies": ["a=1"]}
        send_chunk(connection, json.dumps(prelude).encode() + b"\0" * 8)
        for index in range(parts):
            print(f"streaming part {index}", flush=True)
            send_chunk(connection, f"part {index}\n".encode())
            time.sleep(delay_ms / 1000)
        if fail:
            document = json.dumps({"errorType": "StreamError", "errorMessage": "failed while streaming"})
            trailers = (
                "Lambda-Runtime-Function-Error-Type: StreamError\r\n"
                f"Lambda-Runtime-Function-Error-Body: {base64.b64encode(document.encode()).decode()}\r\n"
            )
            connection.send(b"0\r\n" + trailers.encode() + b"\r\n")
        else:
            connection.send(b"0\r\n\r\n")
        answer = connection.getresponse()
        answer.read()
        if answer.status != 202:
            raise SystemExit(f"the Runtime API answered the streamed response with {answer.status}")


if __name__ == "__main__":
    main()
