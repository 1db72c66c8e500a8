"""Promises to pay: amounts and dates by button or typed, every refusal with its reason."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from flows_kit import Clock, buttons, has, make_flows, param, rows, seed, verified

from debt.money import Money


@pytest.fixture
def clock():
    return Clock()  # `store` comes from conftest: a real SQLite file in tmp_path


def gbp(amount: str) -> Money:
    return Money(Decimal(amount), "GBP")


async def test_a_promise_by_buttons_is_recorded_with_its_notice(store, clock):
    ref = await seed(store, clock)
    chat = await verified(make_flows(store, clock), ref)
    out = await chat.cmd("promise")
    labels = [b.label.msgid for b in buttons(out)]
    assert "The overdue amount: {amount}" in labels and "Everything you owe: {amount}" in labels
    out = await chat.tap("The overdue amount")
    dates = [b for b in buttons(out) if ".date:" in b.data]
    assert len(dates) == 7 and dates[0].label.params["date"] == date(2026, 3, 1)
    assert dates[-1].label.params["date"] == date(2026, 3, 31)  # the policy's 30 days ahead
    out = await chat.press(dates[3].data)
    assert param(out, "You promise to pay", "amount") == gbp("300.00")
    out = await chat.tap("Yes, I promise")
    assert has(out, "is recorded")
    [promise] = await rows(store, "SELECT amount, currency, due_date, status, source FROM promises")
    assert promise == {"amount": "300.00", "currency": "GBP", "due_date": "2026-03-04", "status": "pending",
                       "source": "chat"}
    [notice] = await rows(store, "SELECT kind, payload FROM outbox")
    payload = json.loads(notice["payload"])
    assert notice["kind"] == "promise"
    assert (payload["amount"], payload["currency"], payload["due"], payload["stage"]) == \
        ("300.00", "GBP", "2026-03-04", "M2")


@pytest.mark.parametrize("account_locale, typed", [("es-ES", "1.234,50"), ("en-GB", "1,234.50"),
                                                   ("ru-RU", "1 234,50"), ("pt-BR", "R$ 1.234,50"),
                                                   ("zh-CN", "¥1,234.50")])
async def test_typed_amounts_follow_the_users_language(store, clock, account_locale, typed):
    ref = await seed(store, clock, locale=account_locale)
    chat = await verified(make_flows(store, clock), ref)
    await chat.cmd("promise")
    out = await chat.text(typed)
    assert has(out, "By which date will you pay")
    assert param(out, "By which date", "amount") == gbp("1234.50")


async def test_typed_dates_and_unreadable_ones(store, clock):
    ref = await seed(store, clock)
    chat = await verified(make_flows(store, clock), ref)
    await chat.cmd("promise")
    await chat.text("100")
    out = await chat.text("next week")
    assert has(out, "could not read that date") and has(out, "for example")
    out = await chat.text("March 10, 2026")
    assert param(out, "You promise to pay", "date") == date(2026, 3, 10)


@pytest.mark.parametrize("amount, when, reason, limit", [
    ("100", "2026-04-15", "too far ahead", date(2026, 3, 31)),
    ("100", "2026-02-20", "already passed", date(2026, 3, 1)),
    ("4", None, "too small", gbp("5.00")),
    ("5000", None, "more than you owe", gbp("2400.00")),
])
async def test_each_refusal_names_its_reason_and_limit_and_asks_again(
    store, clock, amount, when, reason, limit
):
    ref = await seed(store, clock)
    chat = await verified(make_flows(store, clock), ref)
    await chat.cmd("promise")
    out = await chat.text(amount)
    if when:
        out = await chat.text(when)
        assert has(out, "By which date")  # the correction: the date question again
    else:
        assert has(out, "How much will you pay?")  # the amount question again
    assert has(out, reason) and param(out, reason, "limit") == limit
    assert await rows(store, "SELECT id FROM promises") == []


async def test_too_many_broken_promises_send_the_debtor_to_a_person(store, clock):
    ref = await seed(store, clock)
    async with store.unit() as db:
        for due in ("2026-02-01", "2026-02-15"):
            await db.execute("INSERT INTO promises (account_ref, amount, currency, due_date, status, source,"
                             " created_at) VALUES (?, '50', 'GBP', ?, 'broken', 'chat', ?)", (ref, due, due))
    chat = await verified(make_flows(store, clock), ref)
    out = await chat.cmd("promise")
    refusal = next(t for r in out.replies for t in r.parts if t.plural)
    assert "broken promises in a row" in refusal.plural and refusal.n == 2
    assert any(b.data == "person" for b in buttons(out))
    assert not any(".amt:" in b.data for b in buttons(out))


async def test_nothing_owed_means_no_promise(store, clock):
    ref = await seed(store, clock, balance="0", minimum_due="0", overdue_amount="0", oldest_due_date="")
    chat = await verified(make_flows(store, clock), ref)
    out = await chat.cmd("promise")
    assert has(out, "nothing to pay")


async def test_change_goes_back_to_the_amount(store, clock):
    ref = await seed(store, clock)
    chat = await verified(make_flows(store, clock), ref)
    await chat.cmd("promise")
    await chat.text("50")
    await chat.text("2026-03-05")
    out = await chat.tap("Change it")
    assert has(out, "How much will you pay?")
    assert await rows(store, "SELECT id FROM promises") == []
