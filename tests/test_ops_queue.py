"""The collectors' call order."""

from __future__ import annotations

import csv
import io
import json
import random
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from accounts_kit import account_row
from loop_seed import SEEDED

from debt.money import Money
from debt.policy import load_policy
from debt.queue_rule import Entry, classify, priority
from ops.queue_export import summarise, top_entries, write_queue
from store.accounts import upsert_accounts
from store.cases import open_case
from store.chats import Chat, save_chat
from store.promise_rows import insert_promise
from store.queue_sql import iter_queue_facts


def test_priority_by_hand_with_the_preset_weights():
    weights = load_policy("cn").queue_weights  # stage 10, per 1000 overdue 1, broken 50, per day 0.5
    # M3 (index 3) x 10 = 30; 2500 / 1000 x 1 = 2.5; 1 broken x 50 = 50; 4 days x 0.5 = 2 -> 84.5
    assert priority(3, Money("2500", "CNY"), 1, 4, weights) == Decimal("84.5")


def test_deeper_more_overdue_and_more_broken_come_first():
    w = load_policy("us").queue_weights
    base = priority(2, Money("1000", "USD"), 0, 3, w)
    assert priority(3, Money("1000", "USD"), 0, 3, w) > base
    assert priority(2, Money("5000", "USD"), 0, 3, w) > base
    assert priority(2, Money("1000", "USD"), 1, 3, w) > base
    assert priority(2, Money("1000", "USD"), 0, 9, w) > base


def test_missing_weights_count_for_nothing():
    assert priority(5, Money("900", "GBP"), 2, 10, {"stage": Decimal(1)}) == Decimal(5)


# --- the SQL ranking (store.queue_sql) against the one rule (debt.queue_rule.classify) ----- -------

CSV_COLUMNS = ("rank", "account_ref", "reason", "priority", "stage", "dpd", "overdue", "currency",
               "broken_in_row", "days_since_contact")
AMOUNTS = {  # per currency: amounts as a bank's file might write them (the store keeps str(Decimal))
    "CNY": ("0", "0.05", "80", "1234.5", "2500.00", "999999.99", "1E+3", "123456789012.34"),
    "JPY": ("0", "7", "120000", "5E+4"),
    "BHD": ("0.005", "12.345", "700.1"),
}


def odd_policy(base, weights: dict[str, str], rename: dict[str, str]):
    """The preset with other queue weights and stage names (a name with a comma and a quote
    tests the CSV quoting)."""
    stages = tuple(replace(s, name=rename.get(s.name, s.name)) for s in base.stages)
    return replace(base, stages=stages, queue_weights={k: Decimal(v) for k, v in weights.items()})


POLICIES = {
    "cn preset": load_policy("cn"),
    "many decimals": odd_policy(load_policy("cn"), {
        "stage": "7.25", "overdue_per_1000": "1.3333333", "broken_promise": "49.99999",
        "days_since_contact": "0.5",
    }, {"M1": 'M1, "early"'}),
    "ties to even": odd_policy(load_policy("uk"), {"overdue_per_1000": "0.5"}, {}),
    "too big for 64 bits": odd_policy(load_policy("us"), {
        "stage": "1000000000000", "overdue_per_1000": "0.0001", "days_since_contact": "3",
    }, {}),
}


async def seed_varied(store, rng: random.Random, count: int) -> None:
    """Accounts of three currencies, every status, with promises of every status around the
    grace cut-off, open and closed cases, and chats seen on various days."""
    rows, today = [], date(2026, 3, 10)
    for i in range(count):
        currency = rng.choice(tuple(AMOUNTS))
        overdue = rng.choice(AMOUNTS[currency])
        oldest = "" if Decimal(overdue) == 0 else (today - timedelta(days=rng.randint(-5, 400))).isoformat()
        rows.append(account_row(
            "cn-plain", account_ref=f"V-{i:04d}", currency=currency, credit_limit="0", balance="200000000000",
            minimum_due="0", overdue_amount=overdue, oldest_due_date=oldest,
            status=rng.choice(("open", "open", "open", "disputed", "closed", "charged_off")),
        ))
    async with store.unit() as db:
        await upsert_accounts(db, rows, SEEDED)
        for i, row in enumerate(rows):
            ref = row.account.account_ref
            for _ in range(rng.choice((0, 0, 1, 2, 4))):
                due = today - timedelta(days=rng.randint(-10, 40))
                pid = await insert_promise(db, ref, Money("10", "CNY"), due, "chat", SEEDED)
                status = rng.choice(("pending", "kept", "partial", "broken", "broken", "cancelled"))
                await db.execute("UPDATE promises SET status = ? WHERE id = ?", (status, pid))
            if rng.random() < 0.15:
                kind = rng.choice(("dispute", "hardship", "callback"))
                case = await open_case(db, ref, kind, "other", "", SEEDED)
                if rng.random() < 0.5:  # answered by the bank
                    await db.execute("UPDATE cases SET status = 'closed' WHERE id = ?", (case,))
            for n in range(rng.choice((0, 0, 1, 2))):
                seen = datetime(2026, 3, 10, 12, tzinfo=UTC) - timedelta(days=rng.randint(-3, 90), hours=n)
                await save_chat(db, Chat(10_000 * i + n, ref, last_seen_at=seen), SEEDED)


async def by_the_rules(store, policy, as_of) -> tuple[list[Entry], Counter, Counter]:
    """The queue as debt.queue_rule.classify says it, one account at a time, sorted in Python."""
    entries, listed, left_out = [], Counter(), Counter()
    async with store.read() as db:
        async for facts in iter_queue_facts(db):
            result = classify(facts, policy, as_of)
            if isinstance(result, Entry):
                entries.append(result)
                listed[result.reason] += 1
            elif result is not None:
                left_out[result] += 1
    entries.sort(key=lambda e: e.account_ref)
    entries.sort(key=Entry.sort_key, reverse=True)  # stable: equal priorities keep A before B
    return entries, listed, left_out


def as_rows(entries: list[Entry]) -> list[tuple]:
    return [(rank, e.account_ref, e.reason, str(e.priority), e.stage, e.dpd, str(e.overdue), e.currency,
             e.broken_in_row, e.days_since_contact) for rank, e in enumerate(entries, start=1)]


def as_csv(entries: list[Entry]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(as_rows(entries))
    return out.getvalue()


@pytest.mark.parametrize("name", POLICIES)
async def test_the_sql_ranking_agrees_with_the_rules_and_with_priority(store, name):
    policy = POLICIES[name]
    await seed_varied(store, random.Random(20260310), 400)
    for as_of in (date(2026, 3, 1), date(2026, 3, 10), date(2026, 6, 30)):
        entries, listed, left_out = await by_the_rules(store, policy, as_of)
        assert len(entries) > 100 and listed["broken_promise"] > 10
        waiting = {"pending_promise"} if as_of.month == 3 else set()  # promises fall due by 20 March
        assert set(left_out) == {"dispute", "hardship", "callback"} | waiting
        out, err = io.StringIO(), io.StringIO()
        summary = await write_queue(store, policy, as_of, "csv", out, err)
        assert out.getvalue() == as_csv(entries)  # same rows, order, priorities and quoting
        out = io.StringIO()
        await write_queue(store, policy, as_of, "json", out, err)
        accounts = json.loads(out.getvalue())["accounts"]
        assert accounts == [dict(zip(CSV_COLUMNS, row, strict=True)) for row in as_rows(entries)]
        assert all(list(a) == list(CSV_COLUMNS) for a in accounts)
        assert (summary.listed, summary.left_out) == (listed, left_out)
        top, top_summary = await top_entries(store, policy, as_of, 25)
        assert top == entries[:25] and top_summary == summary
        assert await summarise(store, policy, as_of) == summary
        for e in entries:  # each listed priority is debt.queue_rule.priority's, from the row's own facts
            stage = [s.name for s in policy.stages].index(e.stage)
            assert e.priority == priority(stage, Money(e.overdue, e.currency), e.broken_in_row,
                                          e.days_since_contact, policy.queue_weights)
