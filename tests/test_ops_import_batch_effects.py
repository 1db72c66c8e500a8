"""What one batch of the bank's file does, the same on SQLite and on PostgreSQL (where a batch goes
by COPY into a staging table and a few set-based statements): each payment of a batch passes the
cleared-arrears trigger as if applied alone, and a batch that fails leaves nothing written."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import ops.import_writers
from ops.importer import import_accounts, import_payments
from store.accounts import count_accounts, get_account
from store.cleared_arrears import last_cleared
from store.tokens import check_factor

DATA = Path(__file__).parent / "data"


def _payments(tmp_path: Path, *lines: str) -> str:
    path = tmp_path / "payments.csv"
    path.write_text("payment_id,account_ref,amount,currency,paid_at\n" + "\n".join(lines) + "\n")
    return str(path)


async def test_two_payments_of_one_account_in_one_file_clear_the_arrears_on_the_first_ones_day(
    store, secret, now, tmp_path
):
    await import_accounts(store, secret, str(DATA / "portfolio.csv"), now, progress=False,
                          as_of=date(2026, 2, 15))  # CN-0001 owes 5000.00, 800.00 overdue since 2026-02-01
    path = _payments(tmp_path, "P-1,CN-0001,800.00,CNY,2026-02-20", "P-2,CN-0001,4500.00,CNY,2026-02-25",
                     "P-3,CN-0002,100.00,CNY,2026-02-21")
    report = await import_payments(store, path, now, progress=False)
    assert (report.read, report.changed, report.rejected) == (3, 3, 0)
    assert report.notes == ["line 3: amount: 4500.00 CNY is 300.00 more than the balance; "
                            "the balance is now 0 and the rest is kept as a credit on the account"]
    async with store.read() as db:
        first = await get_account(db, "CN-0001")
        cleared = await last_cleared(db, "CN-0001")
        second = await get_account(db, "CN-0002")
    assert (first.account.balance, first.account.overdue_amount, first.credit_balance) == (
        Decimal("0.00"), Decimal("0.00"), Decimal("300.00"))
    assert first.account.last_payment_amount == Decimal("4500.00")
    assert (cleared.since, cleared.ended) == (date(2026, 2, 1), date(2026, 2, 20))  # the day P-1 cleared it
    assert second.account.balance == Decimal("1100.00")
    again = await import_payments(store, path, now, progress=False)
    assert (again.changed, again.unchanged) == (0, 3)


async def test_a_portfolio_batch_that_fails_while_written_leaves_nothing_of_it(
    store, secret, now, monkeypatch
):
    real = ops.import_writers.write_portfolio

    async def written_then_broken(db, rows, existing):
        await real(db, rows, existing)
        raise OSError("the disk went away")

    monkeypatch.setattr(ops.import_writers, "write_portfolio", written_then_broken)
    with pytest.raises(OSError, match="disk went away"):
        await import_accounts(store, secret, str(DATA / "portfolio.csv"), now, progress=False)
    async with store.read() as db:
        assert await count_accounts(db) == 0
        async with db.execute("SELECT COUNT(*) FROM factors") as cur:
            assert (await cur.fetchone())[0] == 0
    monkeypatch.setattr(ops.import_writers, "write_portfolio", real)
    report = await import_accounts(store, secret, str(DATA / "portfolio.csv"), now, progress=False)
    assert (report.changed, report.rejected) == (5, 0)  # run again, the whole file goes in


async def test_one_batch_of_new_changed_and_unchanged_accounts_writes_each_as_it_should(
    store, secret, now, tmp_path
):
    # On PostgreSQL the new accounts go straight in by COPY and the others through the staging
    # table's upsert: one file mixing them must come out as if each row were upserted alone.
    first = (DATA / "portfolio.csv").read_text().splitlines()
    await import_accounts(store, secret, str(DATA / "portfolio.csv"), now, progress=False)
    changed = first[2].replace("1200.00,120.00", "1100.00,110.00").replace("+8613912345678", "+8613912345000")
    new = [first[1].replace("CN-0001", "CN-0101").replace("Li Wei", "Li Na"),
           first[4].replace("CN-0004", "CN-0104").replace("1969-07-01", "1970-01-02")]
    path = tmp_path / "second.csv"
    path.write_text("\n".join([first[0], new[0], first[1], changed, *first[3:], new[1]]) + "\n")
    report = await import_accounts(store, secret, str(path), now, progress=False)
    assert (report.read, report.changed, report.unchanged, report.rejected) == (7, 3, 4, 0)
    async with store.read() as db:
        assert await count_accounts(db) == 7
        moved = await get_account(db, "CN-0002")
        added = await get_account(db, "CN-0101")
        assert (moved.account.balance, moved.phone) == (Decimal("1100.00"), "+8613912345000")
        assert (added.customer_name, added.account.balance) == ("Li Na", Decimal("5000.00"))
        assert await check_factor(db, secret, "CN-0002", "phone", "+8613912345000")
        assert not await check_factor(db, secret, "CN-0002", "phone", "+8613912345678")
        assert await check_factor(db, secret, "CN-0104", "dob", "1970-01-02")
        assert await check_factor(db, secret, "CN-0004", "dob", "1969-07-01")
        async with db.execute("SELECT COUNT(*) FROM factors") as cur:
            assert (await cur.fetchone())[0] == 21
    again = await import_accounts(store, secret, str(path), now, progress=False)
    assert (again.changed, again.unchanged) == (0, 7)


async def test_a_payments_batch_that_fails_after_writing_applies_nothing(store, secret, now, monkeypatch):
    from debt.policy import load_policy

    await import_accounts(store, secret, str(DATA / "portfolio.csv"), now, progress=False,
                          as_of=date(2026, 2, 15))

    async def broken(*args, **kwargs):
        raise OSError("the disk went away")

    monkeypatch.setattr(ops.import_writers, "apply_new_payments", broken)  # after the payments are written
    with pytest.raises(OSError):
        await import_payments(store, str(DATA / "payments.csv"), now, progress=False,
                              policy=load_policy("cn"))
    async with store.read() as db:
        async with db.execute("SELECT COUNT(*) FROM payments") as cur:
            assert (await cur.fetchone())[0] == 0
        assert (await get_account(db, "CN-0001")).account.balance == Decimal("5000.00")
