"""What a measuring child process reports, and how the parent runs one and reads it back.

A child prints one JSON object as its last line of stdout. Peak memory is the child's own
peak resident set size: VmHWM from /proc/self/status on Linux, the whole process, interpreter
and imports included, not just what the measured code allocated. (Not getrusage's ru_maxrss:
on Linux a child started by fork and exec inherits the parent's maximum from before the exec,
so every measurement would read at least the parent's size.)
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any


def peak_rss_mb(pid: int | str = "self") -> float:
    """The process's peak resident set so far, in MB (VmHWM; ru_maxrss where there is no /proc)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError(f"/proc/{pid}/status has no VmHWM line")


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
