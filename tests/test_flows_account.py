"""A verified debtor: balance, what happens next, how to pay, and choosing a plan."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from flows_kit import Chat, Clock, buttons, has, link, make_flows, param, rows, seed, texts, verified

from debt.money import Money


@pytest.fixture
def clock():
    return Clock()  # `store` comes from conftest: a real SQLite file in tmp_path


async def test_deep_link_verify_balance_next_plans_confirm(store, clock):
    ref = await seed(store, clock)
    flows = make_flows(store, clock)
    chat = Chat(flows)
    await chat.cmd("start", await link(store, clock, ref))
    await chat.text("1985-04-12")

    out = await chat.cmd("balance")
    assert param(out, "Total outstanding", "amount") == Money(Decimal("2400.00"), "GBP")
    assert param(out, "Overdue now", "amount") == Money(Decimal("300.00"), "GBP")
    assert param(out, "Minimum payment due", "amount") == Money(Decimal("150.00"), "GBP")
    late = next(t for r in out.replies for t in r.parts if t.plural)
    assert late.n == 45 and late.params == {"days": 45}  # 15 January to 1 March
    stage = param(out, "Stage:", "stage")
    assert stage.plural == "{stage}: your payment is {low} to {high} days late" and stage.n == 60
    assert stage.params == {"stage": "M2", "low": 31, "high": 60}
    assert param(out, "Fees charged", "interest") == Money(Decimal("31.20"), "GBP")

    out = await chat.cmd("next")
    assert has(out, "moves to {stage}") and param(out, "moves to", "date") == date(2026, 3, 17)  # day 61: M3
    assert has(out, "reported since") and has(out, "record stays")
    assert param(out, "Pay {amount} by {date}", "amount") == Money(Decimal("300.00"), "GBP")

    out = await chat.cmd("plans")
    data = [b.data for b in buttons(out)]
    assert any(d.endswith(".plan:inst12") for d in data) and all(len(d.encode()) <= 64 for d in data)
    out = await chat.tap("{months} month")  # the first instalment plan: 6 months
    assert has(out, "{number}. {date}: {amount}") and has(out, "Do you want this plan?")
    out = await chat.tap("Confirm this plan")
    assert has(out, "Your plan is set up")

    [plan] = await rows(store, "SELECT kind, quote_key, months, total, status FROM arrangements")
    assert plan == {"kind": "instalments", "quote_key": "inst6", "months": 6, "total": "2400.00",
                    "status": "active"}
    promises = await rows(store, "SELECT amount, source, status FROM promises ORDER BY due_date")
    assert len(promises) == 6 and {p["source"] for p in promises} == {"plan"}
    assert sum(Decimal(p["amount"]) for p in promises) == Decimal("2400.00")
    [notice] = await rows(store, "SELECT kind, account_ref, payload FROM outbox")
    payload = json.loads(notice["payload"])
    assert notice["kind"] == "arrangement" and notice["account_ref"] == ref
    assert payload["stage"] == "M2" and payload["total"] == "2400.00" and payload["currency"] == "GBP"
    assert len(payload["schedule"]) == 6
    # Pressing confirm again (a double tap) finds a stale button and records nothing twice.
    out = await chat.press(next(d for d in data if d.endswith(".plan:inst12")))
    assert has(out, "older message")
    assert len(await rows(store, "SELECT id FROM arrangements")) == 1


async def test_settlement_needing_approval_is_pending(store, clock):
    # 130 days late (M5): the UK preset offers a settlement that the bank must approve.
    ref = await seed(store, clock, oldest_due_date="2025-10-22")
    chat = await verified(make_flows(store, clock), ref)
    await chat.cmd("plans")
    await chat.tap("Settle for less")
    out = await chat.tap("Confirm this plan")
    assert has(out, "A person at the bank will look at this plan")
    [plan] = await rows(store, "SELECT kind, status FROM arrangements")
    assert plan == {"kind": "settlement", "status": "pending_approval"}


async def test_back_from_a_schedule_shows_the_plans_again(store, clock):
    ref = await seed(store, clock)
    chat = await verified(make_flows(store, clock), ref)
    await chat.cmd("plans")
    await chat.tap("Pay in full")
    out = await chat.tap("Back")
    assert has(out, "These are the ways you can repay")
    assert await rows(store, "SELECT id FROM arrangements") == []


async def test_pay_names_the_payee_and_this_accounts_reference(store, clock):
    ref = await seed(store, clock)
    chat = await verified(make_flows(store, clock), ref)
    out = await chat.cmd("pay")
    assert param(out, "Pay to {payee}", "reference") == ref
    assert param(out, "Pay to {payee}", "payee") == "Demo Bank Cards"
    assert has(out, "In the bank's app") and has(out, "By bank transfer") and has(out, "By debit card")


async def test_an_account_up_to_date_has_nothing_coming(store, clock):
    ref = await seed(store, clock, overdue_amount="0", oldest_due_date="")
    chat = await verified(make_flows(store, clock), ref)
    out = await chat.cmd("balance")
    assert param(out, "Stage:", "stage").msgid == "{stage}: your account is up to date"
    assert not any(t.plural for r in out.replies for t in r.parts)
    out = await chat.cmd("next")
    assert has(out, "Your account is up to date") and not has(out, "fee of")


async def test_a_plan_that_changed_since_it_was_shown_is_shown_again_before_it_counts(store, clock):
    ref = await seed(store, clock)
    chat = await verified(make_flows(store, clock), ref)
    await chat.cmd("plans")
    await chat.tap("Pay in full")
    clock.advance(days=1)  # a new day: the schedule's dates move
    out = await chat.tap("Confirm this plan")
    assert has(out, "Your account has changed") and await rows(store, "SELECT id FROM arrangements") == []
    out = await chat.tap("Confirm this plan")
    assert has(out, "Your plan is set up")
    assert len(await rows(store, "SELECT id FROM arrangements")) == 1


async def test_a_chinese_account_under_the_cn_policy_sees_plan_fees_in_its_language(store, clock):
    ref = await seed(store, clock, account_ref="CN-0001", locale="zh-CN", timezone="Asia/Shanghai",
                     currency="CNY", phone="+8613812345678")
    chat = await verified(make_flows(store, clock, policy="cn"), ref, language_code="en")
    out = await chat.cmd("plans")
    assert out.locale == "zh_Hans"
    costs = [t for t in texts(out) if "in fees" in t.msgid]
    assert costs and all(t.params["fees"].currency == "CNY" and t.params["fees"].amount > 0 for t in costs)
