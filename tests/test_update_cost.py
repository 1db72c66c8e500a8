"""Issue 9, item 4: one update costs seven echo updates.

The cost is measured by `python -m bench` (never by a timed test); these tests pin what made it
cheaper: one trip to the database thread per debtor update, the plans and the timeline worked
out once per account terms, policy and day, babel's Locale parsed once per language, and a
unit on the database thread that still rolls back when it fails or its caller is cancelled.
"""

from __future__ import annotations

import asyncio
import threading

import aiosqlite
import pytest
from db_kit import sqlite_only
from flows_kit import Clock, has, make_flows, rows, seed, verified

from bot.i18n import translator
from bot.render import render
from debt.arrangements import quotes
from debt.policy import load_policy
from debt.timeline import timeline
from flows.types import Reply, Text
from store.onthread import Suspended
from store.updates import mark


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def hops(monkeypatch):
    """Every call aiosqlite queues to its connection's thread, by the name of what it runs."""
    seen: list[str] = []
    queue = aiosqlite.Connection._execute

    async def counted(self, fn, *args, **kwargs):
        seen.append(getattr(getattr(fn, "func", fn), "__name__", repr(fn)))
        return await queue(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return seen


@sqlite_only  # aiosqlite's thread and its one-hop units (store/onthread.py) are SQLite's
async def test_one_update_costs_one_trip_to_the_database_thread(store, clock, hops):
    ref = await seed(store, clock)
    chat = await verified(make_flows(store, clock), ref)
    for step in (chat.cmd("balance"), chat.cmd("next"), chat.cmd("plans"), chat.tap("{months} month")):
        hops.clear()
        out = await step
        assert out.replies and len(hops) == 1, hops  # was about twenty: each statement, fetch, close


async def test_a_step_on_the_database_thread_still_rolls_back_on_a_fault(store, clock, monkeypatch):
    ref = await seed(store, clock)
    chat = await verified(make_flows(store, clock), ref)
    before = await rows(store, "SELECT COUNT(*) AS n FROM processed_updates")

    async def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("flows.plans.insert_arrangement", broken)
    await chat.cmd("plans")
    await chat.tap("{months} month")
    out = await chat.tap("Confirm this plan")
    assert has(out, "something went wrong")
    assert await rows(store, "SELECT id FROM arrangements") == []
    # the two steps before the fault were recorded; the failed one was not
    assert (await rows(store, "SELECT COUNT(*) AS n FROM processed_updates"))[0]["n"] == before[0]["n"] + 2


@sqlite_only  # aiosqlite's thread and its one-hop units (store/onthread.py) are SQLite's
async def test_a_unit_that_waits_on_anything_but_the_database_is_refused_and_rolled_back(store, clock):
    async def wanders(db):
        await mark(db, 77, clock())
        await asyncio.sleep(0)  # not the database: it cannot run on the database's thread

    with pytest.raises(Suspended):
        await store.run_unit(wanders)
    assert await rows(store, "SELECT update_id FROM processed_updates WHERE update_id = 77") == []


@sqlite_only  # aiosqlite's thread and its one-hop units (store/onthread.py) are SQLite's
async def test_a_cancelled_update_is_rolled_back_not_committed_without_its_replies(store, clock):
    """A stopping bot cancels the update it is handling; the update must stay unmarked, so that
    it is fetched again and answered after the restart (tests/test_polling.py)."""
    inside, release = threading.Event(), threading.Event()

    async def slow(db):
        await mark(db, 78, clock())
        inside.set()
        release.wait(5)  # the database thread is busy with this unit when the cancel comes

    task = asyncio.create_task(store.run_unit(slow))
    await asyncio.to_thread(inside.wait, 5)
    task.cancel()
    await asyncio.sleep(0)
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await rows(store, "SELECT update_id FROM processed_updates WHERE update_id = 78") == []


def test_plans_and_timeline_are_worked_out_once_per_account_terms_policy_and_day():
    from datetime import date
    from decimal import Decimal

    from debt.account import Account

    policy, today = load_policy("uk"), date(2026, 3, 1)
    terms = dict(currency="GBP", product="card", balance=Decimal("2400.00"), minimum_due=Decimal("150.00"),
                 overdue_amount=Decimal("300.00"), oldest_due_date=date(2026, 1, 15))
    alice = Account(account_ref="UK-1", locale="en-GB", timezone="Europe/London", **terms)
    bob = Account(account_ref="UK-2", locale="es", timezone="Europe/Madrid", **terms)
    first = quotes(alice, policy, today)
    assert first and all(a is b for a, b in zip(first, quotes(bob, policy, today), strict=True))
    assert timeline(alice, policy, today) is timeline(bob, policy, today)
    # a different day, amount or policy is worked out afresh
    assert timeline(alice, policy, date(2026, 3, 2)) is not timeline(alice, policy, today)
    poorer = Account(account_ref="UK-3", **{**terms, "balance": Decimal("2000.00")})
    assert quotes(poorer, policy, today)[0] is not first[0]
    assert quotes(alice, load_policy("uk"), today)[0] is not first[0]


def test_rendering_keeps_babels_locale_instead_of_parsing_it_per_message(monkeypatch):
    from datetime import date
    from decimal import Decimal

    from babel import Locale

    from debt.money import Money

    reply = Reply((Text("{amount} on {date}, {n}", {"amount": Money(Decimal("12.50"), "EUR"),
                                                    "date": date(2026, 5, 1), "n": Decimal("1234")}),))
    tr = translator("es")
    first = render(reply, "es", tr).text
    parsed: list[object] = []
    parse = Locale.parse.__func__

    def counting(cls, identifier, *args, **kwargs):
        if isinstance(identifier, str):
            parsed.append(identifier)
        return parse(cls, identifier, *args, **kwargs)

    monkeypatch.setattr(Locale, "parse", classmethod(counting))
    again = Reply((Text("{amount} on {date}, {n}", {"amount": Money(Decimal("99.10"), "EUR"),
                                                    "date": date(2026, 6, 2), "n": Decimal("42")}),))
    assert render(reply, "es", tr).text == first and "12,50" in first and "€" in first
    render(again, "es", tr)
    assert parsed == []
