"""The database file: migrations, the append-only audit log, and the store modules on it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import accounts_kit
import pytest
from db_kit import database, newer

from debt.portfolio import PaymentRow
from store.accounts import account_phone, get_account, iter_accounts, upsert_accounts
from store.db import SchemaTooNew, Store, migrations
from store.db_errors import IntegrityError
from store.payments import insert_payments
from store.tokens import check_factor, issue_link, redeem_token, store_factors

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def account_row(ref: str = "A-1", **changes: str):
    return accounts_kit.account_row("cn", account_ref=ref, locale="zh-CN", **changes)


async def test_fresh_database_gets_latest_schema_version(tmp_path):
    store = await Store.open(database(tmp_path, "fresh.db"))
    try:
        assert await store.schema_version() == migrations()[-1][0] >= 1
    finally:
        await store.close()


async def test_newer_schema_is_refused_with_a_clear_message(tmp_path):
    target = database(tmp_path, "newer.db")
    newer(target, 999)
    with pytest.raises(SchemaTooNew, match="schema version 999"):
        await Store.open(target)


async def test_audit_log_refuses_update_and_delete(store):
    async with store.unit() as db:
        sql = "INSERT INTO audit (at, actor, action) VALUES (?, 'cli', 'import')"
        await db.execute(sql, (NOW.isoformat(),))
    for sql in ("UPDATE audit SET action = 'x'", "DELETE FROM audit"):
        with pytest.raises(IntegrityError, match="append-only"):
            async with store.unit() as db:
                await db.execute(sql)
    async with store.read() as db:
        async with db.execute("SELECT action FROM audit") as cur:
            assert [r[0] for r in await cur.fetchall()] == ["import"]


async def test_upsert_counts_only_real_changes_and_round_trips(store):
    async with store.unit() as db:
        assert await upsert_accounts(db, [account_row("A-1"), account_row("A-2")], NOW) == 2
    async with store.unit() as db:
        assert await upsert_accounts(db, [account_row("A-1"), account_row("A-2")], NOW) == 0
        assert await upsert_accounts(db, [account_row("A-1", balance="4000")], NOW) == 1
    async with store.read() as db:
        rec = await get_account(db, "A-1")
        assert rec.account.balance == Decimal("4000")
        assert rec.account.oldest_due_date == date(2026, 2, 1)
        assert rec.account.locale == "zh-CN" and rec.customer_name == "Li Wei"
        assert await account_phone(db, "A-2") == "+8613812345678"
        assert await get_account(db, "nope") is None
        assert [r.account_ref async for r in iter_accounts(db)] == ["A-1", "A-2"]


async def test_factors_match_only_the_right_value_and_account(store, secret):
    async with store.unit() as db:
        await upsert_accounts(db, [account_row("A-1"), account_row("A-2")], NOW)
        await store_factors(db, secret, "A-1", date(1985, 4, 12), "1234", "+86 138 1234 5678")
    async with store.read() as db:
        assert await check_factor(db, secret, "A-1", "dob", "1985-04-12")
        assert not await check_factor(db, secret, "A-1", "dob", "1985-04-13")
        assert await check_factor(db, secret, "A-1", "id_last4", "1234")
        assert await check_factor(db, secret, "A-1", "phone", "+8613812345678")
        assert not await check_factor(db, secret, "A-2", "dob", "1985-04-12")  # no factors stored
        assert not await check_factor(db, b"another-secret-0123456", "A-1", "dob", "1985-04-12")


async def test_links_are_single_use_expire_and_revoke_older_ones(store, secret, tmp_path):
    async with store.unit() as db:
        await upsert_accounts(db, [account_row("A-1")], NOW)
        first = await issue_link(db, secret, "A-1", NOW, expires_days=30)
        second = await issue_link(db, secret, "A-1", NOW, expires_days=30)
    assert len(second) <= 64 and set(second) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
    async with store.unit() as db:
        assert await redeem_token(db, secret, first, NOW) == ("expired", None)
        assert await redeem_token(db, secret, "no-such-token", NOW) == ("unknown", None)
        assert await redeem_token(db, secret, second, NOW) == ("ok", "A-1")
        assert await redeem_token(db, secret, second, NOW) == ("used", None)
        third = await issue_link(db, secret, "A-1", NOW, expires_days=30)
        assert await redeem_token(db, secret, third, NOW + timedelta(days=30)) == ("expired", None)
        async with db.execute("SELECT COUNT(*) FROM links_issued") as cur:
            assert (await cur.fetchone())[0] == 3
    await store.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("debtdesk.db*"))
    for token in (first, second, third):
        assert token.encode() not in raw


async def test_payments_are_applied_once_and_clear_overdue(store):
    async with store.unit() as db:
        await upsert_accounts(db, [account_row("A-1")], NOW)
    pay = [PaymentRow("P-1", "A-1", Decimal("300"), "CNY", "2026-02-20"),
           PaymentRow("P-2", "A-1", Decimal("600"), "CNY", "2026-02-25T10:00:00")]
    async with store.unit() as db:
        assert await insert_payments(db, pay, NOW) == ["P-1", "P-2"]
    async with store.unit() as db:
        assert await insert_payments(db, pay, NOW) == []
    async with store.read() as db:
        acc = (await get_account(db, "A-1")).account
    assert acc.balance == Decimal("4100.00")
    assert acc.overdue_amount == Decimal(0) and acc.oldest_due_date is None
    assert acc.minimum_due == Decimal(0)
    assert acc.last_payment_date == date(2026, 2, 25) and acc.last_payment_amount == Decimal("600")
