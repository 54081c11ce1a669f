"""A handler module that cannot be imported: its worker reports an init error and exits."""

import module_that_is_not_installed  # noqa: F401


def handler(event, context):
    return "never reached"
