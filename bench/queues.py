"""The queue-export benchmark as table rows: seconds for the whole portfolio, and memory."""

from __future__ import annotations

from pathlib import Path

from bench.child import run_child
from bench.queue_bench import add_history
from bench.queue_pg import SERVER, copy_to_postgresql
from bench.table import Row, memory_row

TARGET_SECONDS_PER_MILLION = 10.0


def run_queue(csv_path: Path, work: Path) -> tuple[list[Row], dict]:
    """Export the queue from the imported database (or a floor-loaded one when the import part
    did not run), after adding promise, case and chat history to it; then, with
    DEBTDESK_BENCH_PG set, from the same rows copied into PostgreSQL."""
    db = work / "imported.db"
    if not db.exists():
        db = work / "queue.db"
        for suffix in ("", "-wal", "-shm"):  # a run kept with --keep leaves it: start afresh
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        run_child("bench.import_bench", "sqlite3", str(csv_path), str(db))
    accounts = add_history(str(db))
    result = run_child("bench.queue_bench", str(db), str(work / "queue.csv"))
    target = TARGET_SECONDS_PER_MILLION * accounts / 1_000_000
    scaled = "" if accounts == 1_000_000 else f" (10 s per 1,000,000, scaled to {accounts:,})"
    table = [
        Row(f"queue export over {accounts:,} accounts ({result['listed']:,} listed, "
            f"{result['left_out']:,} left out)", f"{result['seconds']:.1f} s",
            f"< {target:.1f} s{scaled}", result["seconds"] < target),
        memory_row("queue export", result["peak_rss_mb"]),
    ]
    details = {**result, "accounts": accounts}
    if SERVER:
        url = copy_to_postgresql(str(db))
        pg = run_child("bench.queue_bench", url, str(work / "queue-pg.csv"))
        same = (work / "queue-pg.csv").read_bytes() == (work / "queue.csv").read_bytes()
        table += [
            Row(f"queue export over {accounts:,} accounts on PostgreSQL (CSV {'equal to' if same else 'NOT'} "
                "SQLite's)", f"{pg['seconds']:.1f} s", f"< {target:.1f} s{scaled}",
                pg["seconds"] < target and same),
            memory_row("queue export on PostgreSQL (this process)", pg["peak_rss_mb"]),
        ]
        details["postgresql"] = {**pg, "same_csv": same}
    return table, details
