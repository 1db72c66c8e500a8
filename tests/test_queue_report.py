"""The call queue (who to call, in order, and who not to call) and the bank's report."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

from loop_seed import SEEDED, add_account, add_case, add_promise

from bot.queue_export import top_entries, write_queue
from bot.sweeper import sweep
from debt.policy import load_policy
from debt.portfolio import parse_account_row
from store.accounts import upsert_accounts

POLICY = load_policy("cn")  # grace 3 days; weights: stage 10, per 1000 overdue 1, broken 50
AS_OF = date(2026, 3, 10)


async def export(store, fmt="csv", as_of=AS_OF):
    out, err = io.StringIO(), io.StringIO()
    summary = await write_queue(store, POLICY, as_of, fmt, out, err)
    return out.getvalue(), err.getvalue(), summary


def refs_and_reasons(text: str) -> list[tuple[str, str]]:
    return [(row["account_ref"], row["reason"]) for row in csv.DictReader(io.StringIO(text))]


async def test_deeper_accounts_come_first_and_a_broken_promise_tops_the_queue(store):
    await add_account(store, "SHALLOW", oldest_due_date="2026-03-01", overdue_amount="100.00")
    await add_account(store, "DEEP", oldest_due_date="2025-11-01", overdue_amount="4000.00")
    text, _, _ = await export(store)
    assert refs_and_reasons(text) == [("DEEP", "overdue"), ("SHALLOW", "overdue")]
    await add_promise(store, "SHALLOW", "100.00", date(2026, 3, 3))
    await sweep(store, POLICY, AS_OF, lambda: datetime(2026, 3, 10, 4, tzinfo=UTC))
    text, err, summary = await export(store)
    assert refs_and_reasons(text) == [("SHALLOW", "broken_promise"), ("DEEP", "overdue")]
    assert summary.listed == {"broken_promise": 1, "overdue": 1}
    assert "2 to call" in err


async def test_a_pending_promise_leaves_the_account_out_until_grace_ends(store):
    await add_account(store, "A-1")
    await add_promise(store, "A-1", "500.00", date(2026, 3, 7))
    text, _, summary = await export(store, as_of=date(2026, 3, 10))  # due + 3 days of grace
    assert refs_and_reasons(text) == [] and summary.left_out == {"pending_promise": 1}
    # The day after grace it is back, as broken, even before the sweep has run.
    text, _, summary = await export(store, as_of=date(2026, 3, 11))
    assert refs_and_reasons(text) == [("A-1", "broken_promise")]


async def test_disputes_hardship_and_callbacks_are_left_out_while_open(store):
    for ref, kind in (("D", "dispute"), ("H", "hardship"), ("C", "callback")):
        await add_account(store, ref)
        await add_case(store, ref, kind)
    await add_account(store, "CLOSED-CASE")
    await add_case(store, "CLOSED-CASE", "dispute", status="closed")
    await add_account(store, "PAID-UP", overdue_amount="0", oldest_due_date="")
    text, _, summary = await export(store, fmt="json")
    data = json.loads(text)
    assert [a["account_ref"] for a in data["accounts"]] == ["CLOSED-CASE"]
    assert data["summary"]["left_out"] == {"callback": 1, "dispute": 1, "hardship": 1}
    assert data["summary"]["total_left_out"] == 3 and data["accounts"][0]["rank"] == 1


async def test_thousands_of_accounts_stream_through_the_disk_sort_in_order(store):
    rows = []
    for i in range(2500):  # more than one insert batch
        rows.append(parse_account_row({
            "account_ref": f"R{i:05d}", "customer_name": "X", "date_of_birth": "1980-01-01",
            "national_id_last4": "1234", "phone": "+8613812345678", "locale": "en", "timezone": "",
            "currency": "CNY", "product": "card", "credit_limit": "1000", "balance": "1000",
            "minimum_due": "10", "overdue_amount": str(100 + i % 700),
            "oldest_due_date": (date(2026, 3, 1) - timedelta(days=i % 200)).isoformat(),
            "fees_charged": "0", "interest_charged": "0", "last_payment_date": "",
            "last_payment_amount": "", "status": "open",
        }))
    async with store.unit() as db:
        await upsert_accounts(db, rows, SEEDED)
    text, _, summary = await export(store)
    listed = list(csv.DictReader(io.StringIO(text)))
    assert len(listed) == 2500 == summary.listed["overdue"]
    keys = [(-float(r["priority"]), r["account_ref"]) for r in listed]
    assert keys == sorted(keys)
    top, _ = await top_entries(store, POLICY, AS_OF, 10)
    assert [e.account_ref for e in top] == [r["account_ref"] for r in listed[:10]]
