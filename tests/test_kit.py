"""Issue 9, item 7: the test kit. Under CI the hypothesis tests see the same examples on every
run (a red CI run can be replayed, and a green one is not luck); elsewhere, and with
`--hypothesis-profile=nightly`, they search at random."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent

# The suite's own conftest, loaded as pytest loads it: before the hypothesis plugin reads its flag.
CONFTEST = f"""
import importlib.util, sys
sys.path.insert(0, {str(TESTS)!r})
spec = importlib.util.spec_from_file_location("suite_conftest", {str(TESTS / "conftest.py")!r})
spec.loader.exec_module(importlib.util.module_from_spec(spec))
"""

PROBE = """
from hypothesis import given, strategies as st

SEEN = []

@given(st.integers())
def test_probe(n):
    SEEN.append(n)

def test_write():
    with open({out!r}, "a") as fh:
        fh.write(repr(SEEN) + "\\n")
"""


def examples(tmp_path: Path, run: int, ci: bool, *args: str) -> str:
    out = tmp_path / f"seen-{run}.txt"
    probe = tmp_path / f"test_probe_{run}.py"
    probe.write_text(PROBE.format(out=str(out)))
    (tmp_path / "conftest.py").write_text(CONFTEST)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci:
        env["CI"] = "true"
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(probe), *args],
                   cwd=tmp_path, env=env, check=True, capture_output=True, timeout=120)
    return out.read_text()


def test_hypothesis_is_derandomised_under_ci_and_random_by_flag(tmp_path):
    assert examples(tmp_path, 1, ci=True) == examples(tmp_path, 2, ci=True)
    nightly = [examples(tmp_path, n, True, "--hypothesis-profile=nightly") for n in (3, 4)]
    assert nightly[0] != nightly[1]
    assert len(eval(nightly[0])) > 1000  # the nightly profile searches far more widely
