"""Issue 11, item 11: the bank's report counts only what the bot did, and reads as English."""

from __future__ import annotations

from datetime import date, timedelta

from loop_seed import SEEDED, add_account, add_promise, bind_chat

from bot.cli_report import as_text
from debt.policy import load_policy
from ops.report import gather
from store.tokens import issue_link

POLICY = load_policy("cn")
AS_OF = date(2026, 3, 10)
SECRET = b"test-secret-0123456789abcdef"


async def test_calls_saved_leave_out_a_dispute_from_the_banks_file(store):
    await add_account(store, "BANK-DISPUTED", status="disputed")
    await add_account(store, "PROMISED")
    await add_promise(store, "PROMISED", "300.00", date(2026, 3, 12))
    data = await gather(store, POLICY, AS_OF)
    assert data["left_out"] == {"dispute": 1, "pending_promise": 1}  # the queue leaves out both
    assert data["calls_saved"] == 1 and data["disputed_by_bank"] == 1  # the bot saved one call
    assert "1 account the bot kept out of the queue" in as_text(data)
    assert "of them 1 account disputed in the bank's file" in as_text(data)


async def test_links_issued_leave_out_links_revoked_by_a_newer_one(store):
    await add_account(store, "A-1")
    await add_account(store, "A-2")
    async with store.unit() as db:
        await issue_link(db, SECRET, "A-1", SEEDED, 30)
        await issue_link(db, SECRET, "A-1", SEEDED + timedelta(days=2), 30)  # replaces the first
        await issue_link(db, SECRET, "A-2", SEEDED, 30)
    assert (await gather(store, POLICY, AS_OF))["links_issued"] == 2
    # On the first day both first links were live: the later revocation does not rewrite history.
    assert (await gather(store, POLICY, SEEDED.date()))["links_issued"] == 2


async def test_no_verified_chat_reads_as_words_not_n_a(store):
    await add_account(store, "A-1")
    text = as_text(await gather(store, POLICY, AS_OF))
    assert "n/a" not in text
    assert "self-served:         0 (no chat verified yet)" in text
    assert "no promise resolved yet" in text
    assert "0 accounts the bot kept out of the queue" in text


async def test_rates_read_as_a_share_of_the_verified_accounts(store):
    await add_account(store, "A-1")
    await bind_chat(store, 7, "A-1")
    await add_promise(store, "A-1", "300.00", date(2026, 3, 12))
    text = as_text(await gather(store, POLICY, AS_OF))
    assert "self-served:         1 (100.0% of the accounts verified)" in text
    assert "1 account the bot kept out of the queue" in text  # one, not "1 accounts"
