"""Fuzz the bank API's own OpenAPI document with schemathesis against a running server.

`.venv/bin/python tests/fuzz_api.py` (run by .ci/run after pytest): a database with the sample
portfolio, a write key, uvicorn on a loopback port, then `st run` with every check. Exit status
non-zero on any 5xx or any answer that does not match the document. About a minute.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_kit import ROOT, api_env, debtdesk, new_key, serving  # noqa: E402

MAX_EXAMPLES = "100"  # per operation and phase: enough to find a 5xx, short enough for CI


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        env = api_env(Path(tmp) / "fuzz.db", DEBTDESK_BOT_USERNAME="debtdesk_fuzz_bot",
                      DEBTDESK_API_RATE="1000000")
        sample = str(ROOT / "tests/data/portfolio.csv")
        imported = debtdesk(env, "import", "accounts", sample, "--no-progress")
        if imported.returncode != 0:
            print(imported.stderr, file=sys.stderr)
            return 1
        key = new_key(env, "fuzz", "write")
        with serving(env) as base:
            st = Path(sys.executable).with_name("st")
            return subprocess.call(
                [str(st), "--config-file", str(ROOT / "tests/schemathesis.toml"),
                 "run", f"{base}/openapi.json",
                 "--header", f"Authorization: Bearer {key}",
                 "--checks", "all", "--max-examples", MAX_EXAMPLES, "--seed", "13", "--workers", "1",
                 "--generation-database", "none", "--no-color", "--report-dir", str(Path(tmp) / "report")],
                cwd=tmp,
            )


if __name__ == "__main__":
    sys.exit(main())
