"""The journey benchmarks as table rows: over HTTP beside the echo bot, then in process, then
the send rate the limiter allows under a burst of debtors."""

from __future__ import annotations

from pathlib import Path

from bench.child import run_child
from bench.table import Row, memory_row

TARGET_RATIO = 0.8
CONCURRENCY = 10  # debtors mid-journey at any moment
SEND_RATES = (30.0, 100.0)  # DEBTDESK_SEND_RATE: Telegram's free limit, and a bank that pays for more
SEND_SHARE = 0.95  # of the configured rate: then the limiter, not the bot, is the ceiling
DEBTORS_PER_RATE = 1.2  # a journey sends about 9 messages: a burst of about ten seconds


def _speed(r: dict) -> str:
    return f"{r['updates_per_second']:,.1f} updates/s; p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms"


def _in_process(r: dict) -> str:
    return f"{_speed(r)}; {r['cpu_ms_per_update']:.2f} ms CPU an update"


def _send_rate_row(r: dict) -> Row:
    rate, debtors, messages = r["configured_per_second"], r["debtors"], r["messages"]
    label = f"sends under a burst of {debtors} debtors, DEBTDESK_SEND_RATE={rate:g} ({messages:,} messages)"
    measured = f"{r['measured_per_second']:,.1f} messages/s ({r['share']:.0%} of the rate)"
    return Row(label, measured, f">= {SEND_SHARE:.0%} of the rate", r["share"] >= SEND_SHARE)


def _ratio_row(label: str, ours: dict, echo: dict) -> Row:
    ratio = ours["updates_per_second"] / echo["updates_per_second"]
    return Row(label, f"{ratio:.2f}", f">= {TARGET_RATIO}", ratio >= TARGET_RATIO)


def _stop_row(result: dict, journeys: int) -> Row:
    """Each journey leaves one notice for the collectors' group, which Telegram (and so the rate
    limiter) lets through at 20 a minute; how long does SIGTERM then take?"""
    seconds = result["stop_seconds"]
    label = (f"debtdesk exits on SIGTERM after the journeys ({result['collectors_messages']} of "
             f"{journeys + 1} collectors' notices delivered by then)")
    measured = f"{seconds:.1f} s" if seconds is not None else "killed after 30 s"
    return Row(label, measured, "< 30 s (the stop grace period)", seconds is not None)


def run_journeys(work: Path, journeys: int) -> tuple[list[Row], dict]:
    http = {kind: run_child("bench.journeys_http", kind, str(journeys), str(CONCURRENCY),
                            str(work / f"http-{kind}.db"))
            for kind in ("echo", "debtdesk", "debtdesk-nolimit")}
    local = {kind: run_child("bench.journeys_inproc", kind, str(journeys), str(work / f"local-{kind}.db"))
             for kind in ("echo", "debtdesk")}
    sends = [run_child("bench.send_rate", str(rate), str(int(rate * DEBTORS_PER_RATE)),
                       str(work / f"send-rate-{rate:g}.db")) for rate in SEND_RATES]
    updates = http["debtdesk"]["updates"]
    rows = [
        Row(f"journeys over HTTP, {updates:,} updates, {CONCURRENCY} debtors at once: debtdesk",
            _speed(http["debtdesk"])),
        Row("journeys over HTTP: bare echo bot, same updates", _speed(http["echo"])),
        _ratio_row("journeys over HTTP: debtdesk / echo throughput", http["debtdesk"], http["echo"]),
        Row("journeys over HTTP: debtdesk with its rate limiter off", _speed(http["debtdesk-nolimit"])),
        _ratio_row("journeys over HTTP: debtdesk (limiter off) / echo", http["debtdesk-nolimit"],
                   http["echo"]),
        Row("journeys in process (process_update, no HTTP): debtdesk", _in_process(local["debtdesk"])),
        Row("journeys in process: bare echo bot", _in_process(local["echo"])),
        *[_send_rate_row(r) for r in sends],
        _stop_row(http["debtdesk"], journeys),
        memory_row("journeys over HTTP (debtdesk bot process)", http["debtdesk"]["bot_peak_rss_mb"]),
        memory_row("journeys in process (debtdesk)", local["debtdesk"]["peak_rss_mb"]),
    ]
    return rows, {"http": http, "in_process": local, "send_rate": sends, "concurrency": CONCURRENCY}
