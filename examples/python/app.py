"""A Lambda function in Python, run by the AWS Lambda runtime interface client (awslambdaric) as a worker.

Over HTTP (GET /py?name=Ada) the event is a Function URL (payload 2.0) event; through the Invoke API it is the
payload as sent ({"name": "Ada"}). The function is the same either way, as it would be on Lambda.
"""

import json


def handler(event, context):
    name = event.get("name")
    if name is None and "requestContext" in event:
        name = (event.get("queryStringParameters") or {}).get("name")
        if name is None and event.get("body"):
            name = json.loads(event["body"]).get("name")
    name = name or "world"
    # What a function prints is captured with its invocation: `invoker logs ID` shows it.
    print(f"greeting {name} in invocation {context.aws_request_id}")
    return {"greeting": f"Hello, {name}!", "function": context.function_name}
