"""The demo portfolio: invented, deterministic, every stage populated, seeded once."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from debt.policy import load_policy
from ops.demo_data import DEMO_SECRET, LOCALES, demo_rows, seed_demo
from store.accounts import count_accounts, get_account, iter_accounts
from store.tokens import check_factor

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


async def test_the_portfolio_spans_every_stage_locale_and_the_policy_currency(store):
    policy = load_policy("cn")
    identities = await seed_demo(store, DEMO_SECRET, policy, NOW)
    today = NOW.date()
    async with store.read() as db:
        records = [r async for r in iter_accounts(db)]
    assert 150 <= len(records) <= 250
    stages = Counter(policy.stage_for(r.account.days_past_due(today)).name for r in records)
    assert set(stages) == {s.name for s in policy.stages} and min(stages.values()) >= 10
    assert {r.account.currency for r in records} == {"CNY"}
    assert set(LOCALES) == {r.account.locale for r in records}
    assert all(r.account.overdue_amount <= r.account.balance for r in records)
    assert [i.stage for i in identities] == [s.name for s in policy.stages]


async def test_the_identities_printed_actually_verify(store):
    identities = await seed_demo(store, DEMO_SECRET, load_policy("us"), NOW)
    async with store.read() as db:
        for who in identities:
            assert (await get_account(db, who.account_ref)).account.currency == "USD"
            assert await check_factor(db, DEMO_SECRET, who.account_ref, "dob", who.date_of_birth.isoformat())
            assert await check_factor(db, DEMO_SECRET, who.account_ref, "id_last4", who.id_last4)


async def test_seeding_is_deterministic_and_happens_once(store):
    policy = load_policy("uk")
    assert demo_rows(policy, NOW.date()) == demo_rows(policy, NOW.date())
    first = await seed_demo(store, DEMO_SECRET, policy, NOW)
    async with store.read() as db:
        before = (await get_account(db, "DEMO-0007"), await count_accounts(db))
    later = datetime(2026, 4, 1, tzinfo=UTC)
    again = await seed_demo(store, DEMO_SECRET, policy, later)
    async with store.read() as db:
        assert (await get_account(db, "DEMO-0007"), await count_accounts(db)) == before
    assert [i.account_ref for i in again] == [i.account_ref for i in first]


@pytest.mark.parametrize(("preset", "currency", "locale", "zones"), [
    ("ru", "RUB", "ru", {"Europe/Moscow", "Asia/Vladivostok"}),
    ("id", "IDR", "id", {"Asia/Jakarta", "Asia/Jayapura"}),
    ("br", "BRL", "pt-BR", {"America/Sao_Paulo", "America/Manaus"}),
])
async def test_the_markets_demos_speak_their_language_in_their_currency_and_zones(store, preset, currency,
                                                                                   locale, zones):
    """Issue 16: `debtdesk demo --policy ru|id|br`: most people speak the country's language, in
    its time zones; IDR amounts are whole rupiah."""
    policy = load_policy(preset)
    identities = await seed_demo(store, DEMO_SECRET, policy, NOW)
    async with store.read() as db:
        records = [r async for r in iter_accounts(db)]
    assert {r.account.currency for r in records} == {currency}
    locales = Counter(r.account.locale for r in records)
    assert locales[locale] > len(records) * 0.7
    assert zones <= {r.account.timezone for r in records if r.account.locale == locale}
    assert [i.stage for i in identities] == [s.name for s in policy.stages]
    if currency == "IDR":
        assert all(r.account.balance == r.account.balance.to_integral_value() for r in records)
