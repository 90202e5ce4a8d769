"""Jobs for the worker-pool tests, importable by the parser processes they run in."""

from __future__ import annotations

import os
import signal
import threading
import time


def measure(text: str) -> int:
    """The text's length; "stall" sleeps for ten minutes, "die" kills its own process,
    "fail" raises a ValueError and "lock" returns a lock (which cannot be sent back)."""
    if text == "stall":
        time.sleep(600)
    if text == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    if text == "fail":
        raise ValueError("this job fails")
    if text == "lock":
        return threading.Lock()  # type: ignore[return-value]
    return len(text)
