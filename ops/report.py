"""The bank's report: what self-service did, as text or JSON, with an optional bar chart (PNG).

`debtdesk report [--as-of DATE] [--format text|json] [--chart FILE.png]`. Counts run up to the
end of as_of (UTC). Promises made in the chat and plan instalments are counted apart, so a
12-month plan does not count as twelve promises. Calls saved are the accounts the call queue
leaves out on that day because of something done in the chat: an account the bank's own file
marks disputed is left out too, but no call was saved by the bot, so it is counted apart. Links
issued leave out those revoked by a newer link. The chart is drawn by bot/report_chart.py.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from bot.report_chart import ChartUnavailable, weekly_chart
from debt.policy import Policy
from ops.queue_export import summarise
from ops.settings import Config
from store import report_counts as stats
from store.db import Store
from store.promises import iter_promises

RESOLVED = ("kept", "partial", "broken")


@dataclass
class PromiseStats:
    by_status: Counter = field(default_factory=Counter)
    promised: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))  # by currency
    collected: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    @property
    def made(self) -> int:
        return sum(self.by_status.values())

    @property
    def kept_rate(self) -> Decimal | None:
        resolved = sum(self.by_status[s] for s in RESOLVED)
        return (Decimal(self.by_status["kept"]) / resolved).quantize(Decimal("0.001")) if resolved else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "made": self.made, **{s: self.by_status[s] for s in ("pending", *RESOLVED, "cancelled")},
            "kept_rate": str(self.kept_rate) if self.kept_rate is not None else None,
            "promised": {c: str(v) for c, v in sorted(self.promised.items())},
            "collected": {c: str(v) for c, v in sorted(self.collected.items())},
        }


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


async def gather(store: Store, policy: Policy, as_of: date) -> dict[str, Any]:
    before = stats.end_of(as_of)
    promises: dict[str, PromiseStats] = defaultdict(PromiseStats)
    weeks: dict[str, Counter] = defaultdict(Counter)
    async with store.read() as db:
        links = await stats.links_issued(db, before)
        verified = await stats.accounts_verified(db, before)
        served = await stats.accounts_self_served(db, before)
        bank_disputed = await stats.accounts_disputed_by_bank(db)
        arrangements = await stats.grouped(db, "arrangements", "kind", before)
        cases = await stats.grouped(db, "cases", "kind", before)
        async for row in iter_promises(db, made_before=before):
            s = promises[row.source]
            s.by_status[row.status] += 1
            s.promised[row.amount.currency] += row.amount.amount
            s.collected[row.paid.currency] += row.paid.amount
            if row.source == "chat":
                week = weeks[iso_week(row.created_at.date())]
                week["made"] += 1
                week["kept"] += row.status == "kept"
    queue = await summarise(store, policy, as_of)
    rate = (Decimal(served) / verified).quantize(Decimal("0.001")) if verified else None
    return {
        "as_of": as_of.isoformat(),
        "links_issued": links,
        "chats_verified": verified,
        "self_served": served,
        "self_service_rate": str(rate) if rate is not None else None,
        "promises": promises["chat"].as_dict(),
        "instalments": promises["plan"].as_dict(),
        "arrangements": arrangements,
        "disputes": cases.get("dispute", 0),
        "hardship": cases.get("hardship", 0),
        "callbacks": cases.get("callback", 0),
        "calls_saved": max(sum(queue.left_out.values()) - bank_disputed, 0),
        "left_out": dict(sorted(queue.left_out.items())),
        "disputed_by_bank": bank_disputed,
        "weeks": [{"week": w, "made": c["made"], "kept": c["kept"]} for w, c in sorted(weeks.items())],
    }


def _money(amounts: dict[str, str]) -> str:
    return ", ".join(f"{v} {c}" for c, v in amounts.items()) or "0"


def _percent(rate: str) -> str:
    return f"{Decimal(rate) * 100:.1f}%"


def _n(count: int, one: str, many: str) -> str:
    """'1 account', '2 accounts': the report is the operators' plain English, counted right."""
    return f"{count} {one if count == 1 else many}"


def _statuses(counts: dict[str, Any]) -> str:
    return f"kept {counts['kept']}, partly kept {counts['partial']}, broken {counts['broken']}"


def _served(data: dict[str, Any]) -> str:
    if data["self_service_rate"] is None:
        return f"{data['self_served']} (no chat verified yet)"
    return f"{data['self_served']} ({_percent(data['self_service_rate'])} of the accounts verified)"


def _kept_rate(p: dict[str, Any]) -> str:
    if p["kept_rate"] is None:
        return "no promise resolved yet"
    return f"kept rate {_percent(p['kept_rate'])}"


def _saved(data: dict[str, Any]) -> str:
    reasons = ", ".join(f"{k} {v}" for k, v in data["left_out"].items()) or "none"
    saved = _n(data["calls_saved"], "account", "accounts")
    line = f"{saved} the bot kept out of the queue (left out: {reasons}"
    if data["disputed_by_bank"]:
        line += f"; of them {_n(data['disputed_by_bank'], 'account', 'accounts')} disputed in the bank's file"
    return line + ")"


def as_text(data: dict[str, Any]) -> str:
    """Plain English for the bank's operators (a CLI report, not a message to a debtor)."""
    p, i = data["promises"], data["instalments"]
    lines = [
        f"debtdesk report as of {data['as_of']}",
        f"links issued:        {data['links_issued']}",
        f"chats verified:      {data['chats_verified']}",
        f"self-served:         {_served(data)}",
        f"promises made:       {p['made']} ({_statuses(p)}, pending {p['pending']}); {_kept_rate(p)}",
        f"  promised:          {_money(p['promised'])}",
        f"  collected:         {_money(p['collected'])}",
        f"plan instalments:    {i['made']} ({_statuses(i)}); collected {_money(i['collected'])}",
        "arrangements:        " + (", ".join(f"{k} {v}" for k, v in data["arrangements"].items()) or "none"),
        f"disputes:            {data['disputes']}",
        f"hardship reviews:    {data['hardship']}",
        f"call-back requests:  {data['callbacks']}",
        f"calls saved:         {_saved(data)}",
        "",
        "week       made  kept",
    ]
    lines += [f"{w['week']}  {w['made']:>4}  {w['kept']:>4}" for w in data["weeks"]]
    return "\n".join(lines) + "\n"


async def run_report(config: Config, as_of: date | None, fmt: str = "text", chart: str | None = None,
                     out: TextIO | None = None) -> int:
    """`debtdesk report`; the exit code."""
    out = out or sys.stdout
    if fmt not in ("text", "json"):
        print(f"unknown format {fmt!r}: use text or json", file=sys.stderr)
        return 2
    store = await Store.open(config.db_path)
    try:
        data = await gather(store, config.policy, as_of or datetime.now(UTC).date())
    finally:
        await store.close()
    out.write(as_text(data) if fmt == "text" else json.dumps(data, indent=2) + "\n")
    if chart:
        try:
            Path(chart).write_bytes(weekly_chart(data["weeks"], data["as_of"]))
        except ChartUnavailable as exc:
            print(str(exc), file=sys.stderr)
            return 1
        except OSError as exc:
            print(f"cannot write the chart to {chart}: {exc.strerror}", file=sys.stderr)
            return 1
    return 0
