"""Several instances on one database as table rows: the webhook journeys through 1, 2 and 3
`debtdesk serve` processes sharing one PostgreSQL database (a fresh schema of its own on the
server DEBTDESK_BENCH_PG names, the local test server by default), beside one process on a
SQLite file, in the same run."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

from bench.child import run_child
from bench.journeys import CONCURRENCY, _speed
from bench.table import Row, memory_row

SERVER = os.environ.get("DEBTDESK_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
INSTANCES = (1, 2, 3)


def _schema(name: str) -> str:
    """A fresh schema on the server, and the URL that works in it."""
    import psycopg  # the benchmark's PostgreSQL part only

    with psycopg.connect(SERVER, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")
        conn.execute(f"CREATE SCHEMA {name}")
    joiner = "&" if "?" in SERVER else "?"
    return f"{SERVER}{joiner}options={quote(f'-csearch_path={name}')}"


def _drop(name: str) -> None:
    import psycopg

    with psycopg.connect(SERVER, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")


def _run(instances: int, journeys: int, db: str) -> dict:
    return run_child("bench.cluster_journeys", str(instances), str(journeys), str(CONCURRENCY), db)


def run_cluster(work: Path, journeys: int) -> tuple[list[Row], dict]:
    results = {"sqlite": _run(1, journeys, str(work / "cluster-sqlite.db"))}
    for n in INSTANCES:
        name = f"debtdesk_bench_{os.getpid()}_{n}"
        try:
            results[f"postgresql-{n}"] = _run(n, journeys, _schema(name))
        finally:
            _drop(name)
    updates = results["sqlite"]["updates"]
    rows = [Row(f"journeys by webhook, {updates:,} updates, {CONCURRENCY} debtors at once: one instance "
                "on SQLite", _speed(results["sqlite"]))]
    for n in INSTANCES:
        label = "one instance" if n == 1 else f"{n} instances, each update to one at random"
        rows.append(Row(f"the same on PostgreSQL, {label}", _speed(results[f"postgresql-{n}"])))
    peak = max(r["bot_peak_rss_mb"] for r in results.values())
    rows.append(memory_row("cluster journeys (largest serve process)", peak))
    return rows, {**results, "concurrency": CONCURRENCY}
