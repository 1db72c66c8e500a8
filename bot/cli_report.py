"""`debtdesk report [--as-of DATE] [--format text|json] [--chart FILE.png]`: the report that
ops.report gathers, as the operators' plain English or as JSON, with the weekly chart."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from bot.report_chart import ChartUnavailable, weekly_chart
from ops.report import gather
from ops.settings import Config
from store.db import Store


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
