"""Issue 11, item 4 (what /next, /balance and /plans say must not contradict itself) and item 9
(the credit report after a cure; `show` in words). The account is flows_kit's: £2,400, £300
overdue since 2026-01-15, seen on 2026-03-01 (45 days late) unless a test changes it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from flows_kit import Clock, has, make_flows, msgids, param, seed, texts, verified

from bot.cli_show import as_text
from bot.i18n import translator
from bot.render import render_text
from debt.arrangements import quote
from debt.money import Money
from debt.policy import load_policy
from debt.portfolio import PaymentRow
from ops.staff_view import account_view
from store.accounts import get_account
from store.arrangement_rows import insert_arrangement
from store.cases import open_case
from store.payments import insert_payments
from store.promise_rows import insert_promise


@pytest.fixture
def clock():
    return Clock()


# --- issue 11 item 4 ----------------------------------------------------------------------------

async def test_next_after_a_dispute_says_what_it_pauses_and_what_it_does_not(store, clock):
    ref = await seed(store, clock, status="disputed")  # a dispute from the bank's file
    chat = await verified(make_flows(store, clock), ref)
    out = await chat.cmd("next")
    ids = msgids(out)
    assert has(out, "Your dispute is open") and has(out, "The dispute does not change"), ids
    paused = next(i for i, m in enumerate(ids) if m.startswith("Your dispute is open"))
    terms = next(i for i, m in enumerate(ids) if m.startswith("The dispute does not change"))
    fee = next(i for i, m in enumerate(ids) if "a fee of" in m)
    assert "no reminders" in ids[paused] and paused < terms < fee  # said before the dated steps


async def test_next_lists_pending_promises_and_plans(store, clock):
    ref = await seed(store, clock)
    chat = await verified(make_flows(store, clock), ref)
    async with store.unit() as db:
        await insert_promise(db, ref, Money("50", "GBP"), date(2026, 3, 5), "chat", clock())
    out = await chat.cmd("next")
    assert param(out, "You promised to pay", "amount") == Money("50", "GBP")
    assert param(out, "You promised to pay", "date") == date(2026, 3, 5)

    await chat.cmd("plans")
    await chat.tap("{months} month")  # 6 months, the first payment a week out: 03-08
    await chat.tap("Confirm this plan")
    out = await chat.cmd("next")
    assert param(out, "Your repayment plan is active", "date") == date(2026, 3, 8)
    assert param(out, "Your repayment plan is active", "amount") == Money("400", "GBP")  # 2400 / 6


async def test_next_says_a_plan_awaiting_approval_asks_for_nothing_yet(store, clock):
    ref = await seed(store, clock)
    chat = await verified(make_flows(store, clock), ref)
    async with store.unit() as db:
        record = await get_account(db, ref)
        full = quote(record.account, load_policy("uk"), date(2026, 3, 1), "full")
        await insert_arrangement(db, ref, full, "pending_approval", clock())
    out = await chat.cmd("next")
    assert has(out, "waiting for the bank's approval")


async def test_an_up_to_date_account_gets_the_minimum_payments_due_date(store, clock):
    ref = await seed(store, clock, overdue_amount="0", oldest_due_date="", payment_due_date="2026-03-20")
    chat = await verified(make_flows(store, clock), ref)
    out = await chat.cmd("balance")
    assert param(out, "Minimum payment due", "date") == date(2026, 3, 20)
    out = await chat.cmd("next")
    assert param(out, "Your next minimum payment", "date") == date(2026, 3, 20)
    assert param(out, "Your next minimum payment", "amount") == Money("150", "GBP")
    assert not has(out, "Nothing is scheduled")


async def test_at_m7_plus_nothing_speaks_of_a_next_stage(store, clock):
    ref = await seed(store, clock, oldest_due_date="2025-08-01")  # 212 days late: M7+
    chat = await verified(make_flows(store, clock), ref)
    out = await chat.cmd("next")
    assert has(out, "Pay {amount} by {date}")
    assert not any("next stage" in m or "moves to" in m for m in msgids(out))


async def test_the_plan_summary_says_the_date_of_the_first_payment(store, clock):
    ref = await seed(store, clock)
    chat = await verified(make_flows(store, clock), ref)
    out = await chat.cmd("plans")
    firsts = [t for t in texts(out) if t.plural and "the first of {amount} on {date}" in t.plural]
    assert firsts and {t.params["date"] for t in firsts} == {date(2026, 3, 8)}  # 03-01 + 7
    assert not any(" now" in m for m in msgids(out))


async def test_plans_say_whether_interest_keeps_accruing(store, clock):
    ref = await seed(store, clock, currency="USD", phone="+12025550123", timezone="America/New_York")
    chat = await verified(make_flows(store, clock, policy="us"), ref)
    out = await chat.cmd("plans")
    costs = [t for t in texts(out) if "interest keeps accruing" in t.msgid]
    assert costs and all(t.params["interest"].amount > 0 for t in costs)
    uk = await seed(store, clock, account_ref="UK-0002")
    chat = await verified(make_flows(store, clock), uk, chat_id=43)
    out = await chat.cmd("plans")
    assert has(out, "no interest accrues while you keep to the plan")


async def test_next_tells_the_us_debtor_interest_on_the_whole_balance(store, clock):
    ref = await seed(store, clock, currency="USD", phone="+12025550123", timezone="America/New_York",
                     balance="3000.00", overdue_amount="600.00")
    chat = await verified(make_flows(store, clock, policy="us"), ref)
    out = await chat.cmd("next")
    # 3000 x 0.000822 = 2.466 -> $2.47 a day, on the balance of $3,000
    assert param(out, "a day on your balance", "amount") == Money("2.47", "USD")
    assert param(out, "a day on your balance", "base") == Money("3000", "USD")
    assert has(out, "charged interest too")  # us compounds monthly
    # pay by the day before it is reported 60 days late (01-15 + 60 = 03-16)
    assert param(out, "Pay {amount} by {date}", "date") == date(2026, 3, 15)


async def test_the_language_is_named_inside_a_sentence_as_that_language_writes_it(store, clock):
    ref = await seed(store, clock)
    chat = await verified(make_flows(store, clock), ref)
    await chat.cmd("language")
    out = await chat.tap("Español")
    said = [render_text(t, "es", translator("es")) for r in out.replies for t in r.parts]
    assert "Listo. Le escribiré en español." in said


# --- issue 11 item 9 ----------------------------------------------------------------------------

async def _cured_cn_account(store, clock) -> str:
    """A cn account 31 days overdue on 03-01 (since 01-29), then paid in full that day."""
    ref = await seed(store, clock, account_ref="CN-0001", currency="CNY", phone="+8613812345678",
                     locale="zh-CN", timezone="Asia/Shanghai", oldest_due_date="2026-01-29")
    async with store.unit() as db:
        await insert_payments(db, [PaymentRow("P-1", ref, Decimal("300.00"), "CNY", "2026-03-01")], clock())
    return ref


async def test_a_cured_account_shows_the_record_kept_and_its_end_date(store, clock):
    ref = await _cured_cn_account(store, clock)
    chat = await verified(make_flows(store, clock, policy="cn"), ref)
    out = await chat.cmd("next")
    # cn reports from the first day late (01-30) and keeps it 5 years after the arrears end (03-01)
    assert param(out, "was cleared on", "date") == date(2026, 1, 30)
    assert param(out, "was cleared on", "ended") == date(2026, 3, 1)
    assert param(out, "was cleared on", "until") == date(2031, 3, 1)
    assert not has(out, "nothing is reported")

    view = await account_view(store, load_policy("cn"), ref, date(2026, 3, 2))
    report = view["timeline"]["credit_report"]
    assert (report["status"], report["arrears_ended"], report["kept_until"]) == (
        "cleared", "2026-03-01", "2031-03-01")


async def test_a_cured_us_30_day_late_is_kept_7_years_from_its_own_date(store, clock):
    ref = await seed(store, clock, currency="USD", phone="+12025550123", timezone="America/New_York")
    async with store.unit() as db:  # 45 days late, reported 30 days late on 02-14, then paid
        await insert_payments(db, [PaymentRow("P-1", ref, Decimal("300.00"), "USD", "2026-03-01")], clock())
    view = await account_view(store, load_policy("us"), ref, date(2026, 3, 2))
    assert view["timeline"]["credit_report"]["kept_until"] == "2033-02-14"


async def test_show_text_speaks_words_not_codes(store, clock):
    ref = await seed(store, clock, oldest_due_date="2026-02-20")  # 9 days late: not yet reported (uk: 30)
    async with store.unit() as db:
        await open_case(db, ref, "hardship", "income", "", clock())
    text = as_text(await account_view(store, load_policy("uk"), ref, date(2026, 3, 1)))
    for code in ("will_be_reported", "hardship_review", "reported_60", "inst6", "not_reported"):
        assert code not in text, code
    assert "hardship under review" in text and "to be reported late on 2026-03-22" in text
