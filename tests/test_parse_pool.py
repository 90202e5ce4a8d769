"""The parser process never outlives the process that started it, however early that one
dies: killed before the parser's first task reached it, or once it is up."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
# Starts the parser process, prints its pid, and dies at once without any cleanup (as a
# server worker killed by SIGKILL would), either at once or once the parser is up.
SCRIPT = """
import os, sys
from api.parsing.pool import _PROCESSES
executor, started = _PROCESSES.current()
if sys.argv[1] == "up":
    started.result(timeout=60)
print(*[p.pid for p in executor._processes.values()], flush=True)
os._exit(0)
"""
LIVENESS_SECONDS = 20.0


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has exited; only its parent's wait is missing


@pytest.mark.parametrize("when", ["at-once", "up"])
def test_the_parser_process_exits_when_its_parent_is_killed(when: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, when],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    pids = [int(p) for p in done.stdout.split()]
    assert pids, done.stderr
    deadline = time.monotonic() + LIVENESS_SECONDS
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [p for p in pids if _alive(p)]
