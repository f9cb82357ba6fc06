"""Waiting for something asynchronous to become true, with a deadline instead of a sleep."""

import time
from collections.abc import Callable


def eventually(check: Callable[[], object], timeout: float = 30, what: str = "condition"):
    """Return check()'s first truthy value; fail with `what` if none comes before the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.1)
