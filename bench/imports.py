"""The import benchmark as table rows: both children, the ratio, and their memory.

On SQLite the floor is plain sqlite3 `executemany` of the same rows; on PostgreSQL (`--postgresql
URL`) plain `COPY` of the same rows into the same tables, and, for scale, plain `COPY` of the file
into a bare table of text columns (bench/import_bench.py says what each floor does). Each child
gets a fresh database: a new file, or a new schema on the server (dropped afterwards).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from bench.child import run_child
from bench.portfolio_file import write_payments
from bench.table import Row, memory_row

TARGET_RATIO = 2.0


def run_import(csv_path: Path, work: Path, postgresql: str = "") -> tuple[list[Row], dict]:
    """Import the file twice into fresh databases (floor first) and compare the wall times; then
    a payments file of a tenth as many rows into debtdesk's database."""
    accounts = sum(1 for _ in csv_path.open(encoding="utf-8")) - 1
    payments = write_payments(work / f"payments-{accounts // 10}.csv", accounts // 10, accounts)
    for name in ("floor.db", "imported.db"):  # a run kept with --keep leaves them: start afresh
        for suffix in ("", "-wal", "-shm"):
            (work / f"{name}{suffix}").unlink(missing_ok=True)
    floor = run_child("bench.import_bench", "sqlite3", str(csv_path), str(work / "floor.db"))
    ours = run_child("bench.import_bench", "debtdesk", str(csv_path), str(work / "imported.db"))
    paid = run_child("bench.import_bench", "payments", str(payments), str(work / "imported.db"))
    rows, details = _compare("sqlite", "plain sqlite3 executemany floor", ours, floor)
    rows.append(_payments_row("sqlite", paid))
    details["payments"] = paid
    if postgresql:
        with _schema(postgresql, "bare") as url:
            bare = run_child("bench.import_bench", "copy", str(csv_path), url)
        with _schema(postgresql, "floor") as url:
            floor = run_child("bench.import_bench", "copy-tables", str(csv_path), url)
        with _schema(postgresql, "ours") as url:
            ours = run_child("bench.import_bench", "debtdesk", str(csv_path), url)
            paid = run_child("bench.import_bench", "payments", str(payments), url)
        pg_rows, details["postgresql"] = _compare(
            "postgresql", "plain COPY of the same rows into the same tables", ours, floor)
        pg_rows.insert(2, Row(f"import {bare['rows']:,} rows (postgresql): plain COPY of the file into a "
                              "bare table (no key, no digest)",
                              f"{bare['rows_per_second']:,} rows/s ({bare['seconds']:.1f} s); debtdesk "
                              f"{ours['seconds'] / bare['seconds']:.1f}x"))
        pg_rows.append(_payments_row("postgresql", paid))
        details["postgresql"]["bare_copy"], details["postgresql"]["payments"] = bare, paid
        rows += pg_rows
    return rows, details


def _compare(engine: str, floor_name: str, ours: dict, floor: dict) -> tuple[list[Row], dict]:
    ratio = ours["seconds"] / floor["seconds"]
    rows = [
        Row(f"import {ours['rows']:,} rows ({engine}): debtdesk importer",
            f"{ours['rows_per_second']:,} rows/s ({ours['seconds']:.1f} s)"),
        Row(f"import {floor['rows']:,} rows ({engine}): {floor_name}",
            f"{floor['rows_per_second']:,} rows/s ({floor['seconds']:.1f} s)"),
        Row(f"import ({engine}): debtdesk time / floor time", f"{ratio:.2f}x", f"<= {TARGET_RATIO:.0f}x",
            ratio <= TARGET_RATIO),
        memory_row(f"import ({engine}, debtdesk)", ours["peak_rss_mb"]),
    ]
    return rows, {"debtdesk": ours, "floor": floor, "ratio": round(ratio, 3)}


def _payments_row(engine: str, paid: dict) -> Row:
    return Row(f"import {paid['rows']:,} payments ({engine}): debtdesk importer, each applied to its account",
               f"{paid['rows_per_second']:,} rows/s ({paid['seconds']:.1f} s)")


@contextmanager
def _schema(server: str, name: str) -> Iterator[str]:
    """A URL on `server` whose tables go into a new schema of their own, dropped afterwards."""
    import psycopg

    schema = f"debtdesk_bench_{os.getpid()}_{name}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.execute(f"CREATE SCHEMA {schema}")
    joiner = "&" if "?" in server else "?"
    try:
        yield f"{server}{joiner}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
