"""What a measuring child process reports, and how the parent runs one and reads it back.

A child prints one JSON object as its last line of stdout. Peak memory is the child's own
maximum resident set size (`resource.getrusage(RUSAGE_SELF).ru_maxrss`, kilobytes on Linux):
the whole process, interpreter and imports included, not just what the measured code allocated.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from typing import Any


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def report(**values: Any) -> None:
    """The child's answer: the values given plus its peak memory, as the last line of stdout."""
    print(json.dumps({**values, "peak_rss_mb": peak_rss_mb()}), flush=True)


def run_child(module: str, *args: str, timeout: float = 3600) -> dict[str, Any]:
    """Run `python -m <module> <args>` and return its JSON answer; its stderr passes through."""
    command = [sys.executable, "-m", module, *args]
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, timeout=timeout, check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{module} {' '.join(args)} failed with exit code {done.returncode}")
    return json.loads(lines[-1])
