"""/approvals, /approve ID and /decline ID REASON in the collectors' chat, through a real PTB
Application and the stand-in Bot API server: the same use cases as `debtdesk approvals`, in the
collectors' language, answered in their chat only; bad input gets one plain line."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from collectors_kit import collectors_app, command
from flows_kit import rows
from loop_seed import SEEDED, add_account, outbox_rows

from debt.arrangements import Instalment, Quote
from debt.money import Money
from store.arrangement_rows import insert_arrangement

COLLECTORS, DEBTOR = -100501, 102
NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def make_app(api, store, locale: str = "en"):
    return collectors_app(api, store, COLLECTORS, lambda: NOW, locale)


@pytest.fixture
async def app(api, store):
    async with make_app(api, store) as application:
        yield application


def cny(amount: str) -> Money:
    return Money(Decimal(amount), "CNY")


async def ask_settlement(store, ref: str) -> int:
    """A debtor chose a settlement on 1 March, to pay by the 8th: it awaits the bank."""
    await add_account(store, ref)
    q = Quote(key="settlement", kind="settlement", months=0, amount_now=cny("3500.00"),
              schedule=(Instalment(1, date(2026, 3, 8), cny("3500.00")),), total=cny("3500.00"),
              fees=cny("0"), discount=cny("1500.00"), needs_approval=True, interest=cny("0"))
    async with store.unit() as db:
        return await insert_arrangement(db, ref, q, "pending_approval", SEEDED)


async def test_approvals_lists_what_awaits_with_ids(app, api, store):
    first, second = await ask_settlement(store, "A-1"), await ask_settlement(store, "A-2")
    [text] = await command(app, api, COLLECTORS, "approvals")
    assert api.sent[-1].chat_id == COLLECTORS
    assert text.startswith("Awaiting approval (2): /approve ID or /decline ID REASON.")
    assert (f"{first}. A-1: a settlement for less than the balance, CN¥3,500.00 in all, the first "
            f"CN¥3,500.00 by Mar 8, 2026; asked on Mar 1, 2026.") in text
    assert f"{second}. A-2:" in text
    assert app.debtor_updates == []


async def test_approvals_with_nothing_waiting_says_so(app, api, store):
    assert await command(app, api, COLLECTORS, "approvals") == ["No plan is awaiting approval."]


async def test_approve_from_the_collectors_chat_makes_the_plan_active(app, api, store):
    arrangement = await ask_settlement(store, "A-1")
    [text] = await command(app, api, COLLECTORS, "approve", str(arrangement))
    # Decided nine days after it was asked: the date moves on by those nine days (debt.approval).
    assert text == (f"Plan {arrangement} (account A-1) is approved; the first payment is CN¥3,500.00 by "
                    "Mar 17, 2026. The debtor will be told.")
    assert await rows(store, "SELECT status FROM arrangements") == [{"status": "active"}]
    assert len(await outbox_rows(store, "approved")) == 1
    [audit] = await rows(store, "SELECT actor, action FROM audit WHERE action = 'arrangement_approved'")
    assert audit == {"actor": "collectors", "action": "arrangement_approved"}
    [again] = await command(app, api, COLLECTORS, "approve", str(arrangement))
    assert again == f"Plan {arrangement} is not awaiting approval: it is active."


async def test_decline_from_the_collectors_chat_keeps_the_reason_for_staff(app, api, store):
    arrangement = await ask_settlement(store, "A-1")
    [text] = await command(app, api, COLLECTORS, "decline", f"{arrangement} discount above the limit")
    assert text == f"Plan {arrangement} (account A-1) is declined. The debtor will be told."
    assert await rows(store, "SELECT status, decision_note FROM arrangements") == [
        {"status": "declined", "decision_note": "discount above the limit"}]
    [again] = await command(app, api, COLLECTORS, "decline", f"{arrangement} twice")
    assert again == f"Plan {arrangement} is not awaiting approval: it is declined."


@pytest.mark.parametrize("name,args,answer", [
    ("approve", "999", "There is no plan 999. /approvals lists those awaiting approval."),
    ("approve", "", "Use /approve ID, with an ID from /approvals."),
    ("approve", "seven", "Use /approve ID, with an ID from /approvals."),
    ("decline", "999 a reason", "There is no plan 999. /approvals lists those awaiting approval."),
    ("decline", "{id}", "Use /decline ID REASON, for example /decline 7 income not verified. The reason is "
                        "for staff; the debtor is only told that the bank declined."),
    ("decline", "", "Use /decline ID REASON, for example /decline 7 income not verified. The reason is "
                    "for staff; the debtor is only told that the bank declined."),
])
async def test_bad_input_gets_one_plain_line(app, api, store, name, args, answer):
    arrangement = await ask_settlement(store, "A-1")
    assert await command(app, api, COLLECTORS, name, args.format(id=arrangement)) == [answer]
    assert await rows(store, "SELECT status FROM arrangements") == [{"status": "pending_approval"}]


@pytest.mark.parametrize("name,args", [("approvals", ""), ("approve", "1"), ("decline", "1 no")])
async def test_a_debtors_chat_cannot_decide_approvals(app, api, store, name, args):
    await ask_settlement(store, "A-1")
    assert await command(app, api, DEBTOR, name, args) == []
    assert app.debtor_updates == [DEBTOR]
    assert await rows(store, "SELECT status FROM arrangements") == [{"status": "pending_approval"}]


async def test_approvals_in_the_collectors_language(api, store):
    arrangement = await ask_settlement(store, "A-1")
    async with make_app(api, store, "es") as app:
        [listed] = await command(app, api, COLLECTORS, "approvals")
        [missing] = await command(app, api, COLLECTORS, "approve", "999")
        [approved] = await command(app, api, COLLECTORS, "approve", str(arrangement))
    assert listed.startswith("En espera de aprobación (1)")
    assert missing.startswith("No existe el plan 999.")
    assert approved.startswith(f"Plan {arrangement} (cuenta A-1) aprobado")
