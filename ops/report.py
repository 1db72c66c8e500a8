"""The bank's report: what self-service did, gathered as one JSON-ready dict.

Counts run up to the end of as_of (UTC). Promises made in the chat and plan instalments are
counted apart, so a 12-month plan does not count as twelve promises. Calls saved are the
accounts the call queue leaves out on that day because of something done in the chat: an
account the bank's own file marks disputed is left out too, but no call was saved by the bot,
so it is counted apart. Links issued leave out those revoked by a newer link. The operators'
text, the JSON output and the chart (`debtdesk report`) are bot/cli_report.py and
bot/report_chart.py.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from debt.policy import Policy
from ops.queue_export import summarise
from store import report_counts as stats
from store.db import Store
from store.promise_rows import iter_promises

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
    refused = queue.left_out["refused_contact"]
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
        # a refusal of contact is the debtor's right, not a call the bot saved
        "calls_saved": max(sum(queue.left_out.values()) - bank_disputed - refused, 0),
        "left_out": dict(sorted(queue.left_out.items())),
        "disputed_by_bank": bank_disputed,
        "weeks": [{"week": w, "made": c["made"], "kept": c["kept"]} for w, c in sorted(weeks.items())],
    }
