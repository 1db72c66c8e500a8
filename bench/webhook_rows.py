"""Webhook against long polling as table rows: the same journeys, one after the other in the
same run, through `debtdesk serve`'s POST /telegram and through `debtdesk run`'s long polling."""

from __future__ import annotations

from pathlib import Path

from bench.child import run_child
from bench.journeys import CONCURRENCY, _speed
from bench.table import Row, memory_row

MODES = ("webhook", "polling")


def run_webhook(work: Path, journeys: int) -> tuple[list[Row], dict]:
    results = {mode: run_child("bench.webhook_journeys", mode, str(journeys), str(CONCURRENCY),
                               str(work / f"door-{mode}.db")) for mode in MODES}
    hook, poll = results["webhook"], results["polling"]
    updates = hook["updates"]
    rows = [
        Row(f"updates by webhook (`debtdesk serve`, POST /telegram), {updates:,} updates, "
            f"{CONCURRENCY} debtors at once, DEBTDESK_SEND_RATE=10000", _speed(hook)),
        Row("the same by long polling (`debtdesk run`), same run", _speed(poll)),
        Row("webhook / long polling throughput",
            f"{hook['updates_per_second'] / poll['updates_per_second']:.2f}"),
        memory_row("webhook journeys (debtdesk serve process)", hook["bot_peak_rss_mb"]),
    ]
    return rows, {**results, "concurrency": CONCURRENCY}
