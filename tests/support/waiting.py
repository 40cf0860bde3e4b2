"""Waiting on a condition with a deadline, never on a fixed sleep."""
from __future__ import annotations

import time


def wait_for(condition, timeout: float = 20.0, interval: float = 0.05, message: str = "condition"):
    """Poll ``condition()`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {message}")
        time.sleep(interval)
