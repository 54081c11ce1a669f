"""Python handlers for the compatibility tests, run by awslambdaric as workers of the invoker."""

import os
import time


def echo(event, context):
    """Returns the event as it arrived."""
    return event


def fail(event, context):
    """Raises, so the error document (with its stack trace) reaches the caller."""
    raise ValueError(event.get("message", "bad input"))


def sleep(event, context):
    """Sleeps `seconds`, then says how long."""
    time.sleep(float(event.get("seconds", 0)))
    return {"slept": event.get("seconds", 0), "pid": os.getpid()}


def crash(event, context):
    """Ends the worker process at once, without answering."""
    os._exit(int(event.get("exitCode", 3)))


def print_lines(event, context):
    """Prints each line: what a function prints is captured with its invocation."""
    for line in event.get("lines", []):
        print(line, flush=True)
    return {"printed": len(event.get("lines", []))}


def context_info(event, context):
    """Returns what the context says about the invocation."""
    client_context = context.client_context
    return {
        "requestId": context.aws_request_id,
        "functionName": context.function_name,
        "functionArn": context.invoked_function_arn,
        "memoryLimitInMB": context.memory_limit_in_mb,
        "remainingMs": context.get_remaining_time_in_millis(),
        "custom": client_context.custom if client_context else None,
        "env": client_context.env if client_context else None,
    }
