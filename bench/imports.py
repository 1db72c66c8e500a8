"""The import benchmark as table rows: both children, the ratio, and their memory."""

from __future__ import annotations

from pathlib import Path

from bench.child import run_child
from bench.table import Row, memory_row

TARGET_RATIO = 2.0


def run_import(csv_path: Path, work: Path) -> tuple[list[Row], dict]:
    """Import the file twice into fresh databases (floor first) and compare the wall times."""
    floor = run_child("bench.import_bench", "sqlite3", str(csv_path), str(work / "floor.db"))
    ours = run_child("bench.import_bench", "debtdesk", str(csv_path), str(work / "imported.db"))
    ratio = ours["seconds"] / floor["seconds"]
    rows = [
        Row(f"import {ours['rows']:,} rows: debtdesk importer",
            f"{ours['rows_per_second']:,} rows/s ({ours['seconds']:.1f} s)"),
        Row(f"import {floor['rows']:,} rows: plain sqlite3 executemany floor",
            f"{floor['rows_per_second']:,} rows/s ({floor['seconds']:.1f} s)"),
        Row("import: debtdesk time / floor time", f"{ratio:.2f}x", f"<= {TARGET_RATIO:.0f}x",
            ratio <= TARGET_RATIO),
        memory_row("import (debtdesk)", ours["peak_rss_mb"]),
        memory_row("import (sqlite3 floor)", floor["peak_rss_mb"]),
    ]
    return rows, {"debtdesk": ours, "sqlite3": floor, "ratio": round(ratio, 3)}
