"""The call queue (who to call, in order, and who not to call) and the bank's report."""

from __future__ import annotations

import csv
import io
import json
import struct
from datetime import UTC, date, datetime, timedelta

from accounts_kit import account_row
from loop_seed import SEEDED, add_account, add_case, add_payments, add_promise, bind_chat

from bot.cli_report import as_text, run_report
from bot.report_chart import weekly_figure
from debt.arrangements import quote
from debt.policy import load_policy
from ops.queue_export import top_entries, write_queue
from ops.report import gather
from ops.sweeper import apply_new_payments, sweep
from store.accounts import get_account, seen_reset, upsert_accounts
from store.arrangement_rows import insert_arrangement
from store.tokens import issue_link

POLICY = load_policy("cn")  # grace 3 days; weights: stage 10, per 1000 overdue 1, broken 50
AS_OF = date(2026, 3, 10)
SECRET = b"test-secret-0123456789abcdef"


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


async def test_the_queue_exports_on_a_connection_that_has_run_an_import(store):
    """An import leaves a temporary table on its connection; the export must still work there."""
    await add_account(store, "SHALLOW", oldest_due_date="2026-03-01", overdue_amount="100.00")
    await add_account(store, "DEEP", oldest_due_date="2025-11-01", overdue_amount="4000.00")
    async with store.unit() as db:
        await seen_reset(db)  # what `debtdesk import` does first
    text, _, _ = await export(store)
    assert refs_and_reasons(text) == [("DEEP", "overdue"), ("SHALLOW", "overdue")]
    entries, _ = await top_entries(store, POLICY, AS_OF, 5)
    assert [e.account_ref for e in entries] == ["DEEP", "SHALLOW"]


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
        rows.append(account_row(
            "cn-plain", account_ref=f"R{i:05d}", overdue_amount=str(100 + i % 700),
            oldest_due_date=(date(2026, 3, 1) - timedelta(days=i % 200)).isoformat(),
        ))
    async with store.unit() as db:
        await upsert_accounts(db, rows, SEEDED)
    text, _, summary = await export(store)
    listed = list(csv.DictReader(io.StringIO(text)))
    assert len(listed) == 2500 == summary.listed["overdue"]
    keys = [(-float(r["priority"]), r["account_ref"]) for r in listed]
    assert keys == sorted(keys)
    top, _ = await top_entries(store, POLICY, AS_OF, 10)
    assert [e.account_ref for e in top] == [r["account_ref"] for r in listed[:10]]


async def seed_report(store):
    """Three chat promises (kept, broken, pending), a plan, a dispute, a link, a verified chat."""
    await add_account(store, "A-1")
    await add_account(store, "A-2")
    await add_account(store, "A-3")
    await bind_chat(store, 101, "A-1")
    async with store.unit() as db:
        await issue_link(db, SECRET, "A-1", SEEDED, 30)
    await add_promise(store, "A-1", "300.00", date(2026, 3, 2))
    await add_promise(store, "A-2", "200.00", date(2026, 3, 3))
    await add_promise(store, "A-3", "100.00", date(2026, 3, 20), created=SEEDED + timedelta(days=7))
    ids = await add_payments(store, ("P1", "A-1", "300.00", "2026-03-02"))
    async with store.unit() as db:
        await apply_new_payments(db, ids, POLICY, SEEDED)
        plan = quote((await get_account(db, "A-3")).account, POLICY, date(2026, 3, 1), "inst6")
        await insert_arrangement(db, "A-3", plan, "active", SEEDED)
    await add_case(store, "A-2", "dispute")
    await sweep(store, POLICY, AS_OF, lambda: datetime(2026, 3, 10, 4, tzinfo=UTC))


async def test_the_report_counts_what_self_service_did(store):
    await seed_report(store)
    data = await gather(store, POLICY, AS_OF)
    assert (data["links_issued"], data["chats_verified"], data["self_served"]) == (1, 1, 3)
    p = data["promises"]
    assert (p["made"], p["kept"], p["broken"], p["pending"]) == (3, 1, 1, 1)
    assert p["kept_rate"] == "0.500"  # one kept of two resolved
    assert p["promised"] == {"CNY": "600.00"} and p["collected"] == {"CNY": "300.00"}
    assert data["instalments"]["made"] == 6 and data["arrangements"] == {"instalments": 1}
    assert data["disputes"] == 1
    assert data["calls_saved"] == 2 and data["left_out"] == {"dispute": 1, "pending_promise": 1}
    assert data["weeks"] == [{"week": "2026-W09", "made": 2, "kept": 1},
                             {"week": "2026-W10", "made": 1, "kept": 0}]
    text = as_text(data)
    assert "kept rate 50.0%" in text and "calls saved:         2" in text and "2026-W09     2     1" in text
    earlier = await gather(store, POLICY, date(2026, 2, 28))  # before anything happened
    assert earlier["promises"]["made"] == 0 and earlier["links_issued"] == 0


async def test_the_chart_is_one_a_manager_can_read(store, tmp_path):
    await seed_report(store)
    path = tmp_path / "weeks.png"

    class Settings:
        db_path, policy = store.path, POLICY

    out = io.StringIO()
    assert await run_report(Settings, AS_OF, "json", str(path), out) == 0
    data = json.loads(out.getvalue())
    png = path.read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    assert width >= 800 and height >= 400
    ax = weekly_figure(data["weeks"], data["as_of"]).axes[0]
    assert ax.get_xlabel() and ax.get_ylabel() and "2026-03-10" in ax.get_title()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["promises made", "promises kept"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2026-W09", "2026-W10"]
    heights = [round(bar.get_height()) for bar in ax.patches]
    assert heights == [2, 1, 1, 0]  # made per week, then kept per week


def test_a_chart_with_no_data_says_so_instead_of_a_blank_image():
    figure = weekly_figure([], "2026-03-10")
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert any("No promises were made in the chat up to 2026-03-10" in t for t in texts)
