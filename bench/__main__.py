"""`python -m bench [--quick | --rows N] [--only import,queue,journeys,webhook,api,understanding,cluster]
[--postgresql URL]`: run, print, save. `cluster` needs a PostgreSQL server (DEBTDESK_BENCH_PG, the
local one by default); with --postgresql URL the import is measured there too (against plain COPY)."""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.api_upsert import run_api_upsert
from bench.cluster_rows import run_cluster
from bench.imports import run_import
from bench.journeys import run_journeys
from bench.portfolio_file import write_portfolio
from bench.queues import run_queue
from bench.table import Row, render
from bench.understanding_bench import run_understanding
from bench.webhook_rows import run_webhook

RESULTS = Path(__file__).resolve().parent / "results"
FULL_ROWS = 1_000_000
QUICK_ROWS = 50_000
PARTS = ("import", "queue", "journeys", "webhook", "api", "understanding", "cluster")


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--rows", type=int, default=FULL_ROWS, help="portfolio size (default 1,000,000)")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_ROWS:,} rows and shorter journeys")
    parser.add_argument("--only", default=",".join(PARTS), help="comma-separated: " + ", ".join(PARTS))
    parser.add_argument("--journeys", type=int, default=0,
                        help="debtor journeys to run (default 200, quick 50)")
    parser.add_argument("--postgresql", metavar="URL", default="",
                        help="also import into this PostgreSQL server (a schema of its own, dropped after)")
    parser.add_argument("--keep", metavar="DIR", help="keep the generated files and databases in DIR")
    args = parser.parse_args(argv)
    if args.quick:
        args.rows = min(args.rows, QUICK_ROWS)
    args.journeys = args.journeys or (50 if args.quick else 200)
    args.only = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = sorted(set(args.only) - set(PARTS))
    if unknown:
        parser.error(f"unknown part {unknown[0]!r}; known: {', '.join(PARTS)}")
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    return args


def main(argv: list[str]) -> int:
    args = _arguments(argv)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="debtdesk-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    details: dict = {}
    try:
        csv_path = work / f"portfolio-{args.rows}.csv"
        if ("import" in args.only or "queue" in args.only) and not csv_path.exists():
            print(f"generating {args.rows:,} accounts ...", file=sys.stderr, flush=True)
            write_portfolio(csv_path, args.rows)
        for part in args.only:
            print(f"running {part} ...", file=sys.stderr, flush=True)
            started = time.perf_counter()
            new_rows, details[part] = _run_part(part, args, csv_path, work)
            details[part]["wall_seconds"] = round(time.perf_counter() - started, 1)
            rows += new_rows
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    _save(args, rows, details)
    print(render(rows))
    return 0


def _run_part(part: str, args: argparse.Namespace, csv_path: Path, work: Path) -> tuple[list[Row], dict]:
    if part == "import":
        return run_import(csv_path, work, args.postgresql)
    if part == "queue":
        return run_queue(csv_path, work)
    if part == "journeys":
        return run_journeys(work, args.journeys)
    if part == "webhook":
        return run_webhook(work, args.journeys)
    if part == "api":
        return run_api_upsert(work, args.rows)
    if part == "understanding":
        return run_understanding(50 if args.quick else 200)
    if part == "cluster":
        return run_cluster(work, args.journeys)
    raise ValueError(part)


def _save(args: argparse.Namespace, rows: list[Row], details: dict) -> None:
    RESULTS.mkdir(exist_ok=True)
    result = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": _cpus()},
        "rows": args.rows,
        "journeys": args.journeys,
        "table": [r.as_dict() for r in rows],
        "details": details,
    }
    (RESULTS / "latest.json").write_text(json.dumps(result, indent=2) + "\n", "utf-8")


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
