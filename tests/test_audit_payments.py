"""Issue 10 item 4: payments are neither counted twice nor undone by the bank's next portfolio.

The reconciliation: each portfolio row is as of a date (an `as_of` column or `--as-of`);
payments dated after it are applied on top, those on or before it are already in it; an
older portfolio than the one loaded is refused; a payment_id seen with other values is an error.
"""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from accounts_kit import account_dict
from db_kit import database

from bot.cli import main
from debt.portfolio import ACCOUNT_COLUMNS, PAYMENT_COLUMNS
from ops.importer import import_accounts, import_payments
from store.accounts import get_account

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def account(balance: str, overdue: str = "800.00", oldest: str = "2026-02-01", **more: str) -> dict[str, str]:
    return account_dict("cn-file", balance=balance, overdue_amount=overdue,
                        oldest_due_date=oldest if overdue != "0" else "", **more)


def write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> str:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, columns)
        writer.writeheader()
        writer.writerows(rows)
    return str(path)


def portfolio(tmp_path: Path, name: str, *rows: dict[str, str]) -> str:
    return write_csv(tmp_path / name, (*ACCOUNT_COLUMNS, "as_of"), list(rows))


def payments(tmp_path: Path, name: str, *rows: tuple[str, str, str]) -> str:
    """rows: (payment_id, amount, paid_at) for CN-0001 in CNY."""
    return write_csv(tmp_path / name, PAYMENT_COLUMNS, [
        {"payment_id": pid, "account_ref": "CN-0001", "amount": amount, "currency": "CNY", "paid_at": paid}
        for pid, amount, paid in rows])


async def load(store, secret, path: str, **options):
    return await import_accounts(store, secret, path, NOW, progress=False, **options)


async def pay(store, path: str):
    return await import_payments(store, path, NOW, progress=False)


async def balance(store) -> Decimal:
    async with store.read() as db:
        return (await get_account(db, "CN-0001")).account.balance


async def test_a_payment_the_portfolio_already_reflects_is_not_subtracted_twice(store, secret, tmp_path):
    # the bank's file as of 25 Feb already holds the 300 paid on 20 Feb: 5000 - 300 = 4700
    await load(store, secret, portfolio(tmp_path, "p.csv", account("4700.00", as_of="2026-02-25")))
    report = await pay(store, payments(tmp_path, "pay.csv", ("PAY-1", "300.00", "2026-02-20")))
    assert (report.changed, report.failed) == (1, False)  # recorded (and matched to promises) ...
    assert await balance(store) == Decimal("4700.00")  # ... but not subtracted again


async def test_a_payment_after_the_portfolio_date_is_applied_on_top(store, secret, tmp_path):
    await load(store, secret, portfolio(tmp_path, "p.csv", account("5000.00", as_of="2026-02-15")))
    await pay(store, payments(tmp_path, "pay.csv", ("PAY-1", "300.00", "2026-02-20")))
    assert await balance(store) == Decimal("4700.00")


async def test_payments_loaded_earlier_are_reapplied_on_a_newer_portfolio_that_lacks_them(
    store, secret, tmp_path
):
    await load(store, secret, portfolio(tmp_path, "p1.csv", account("5000.00", as_of="2026-02-10")))
    await pay(store, payments(tmp_path, "pay.csv", ("PAY-1", "300.00", "2026-02-20"),
                                          ("PAY-2", "100.00", "2026-02-12")))
    assert await balance(store) == Decimal("4600.00")
    # as of 15 Feb the bank holds PAY-2 (and charged 50 of interest), not yet PAY-1
    newer = portfolio(tmp_path, "p2.csv", account("4950.00", as_of="2026-02-15"))
    report = await load(store, secret, newer)
    assert report.failed is False
    assert await balance(store) == Decimal("4650.00")  # 4950 - PAY-1's 300; PAY-2 not twice
    again = await load(store, secret, newer)
    assert (again.changed, again.unchanged) == (0, 1)  # the same file again changes nothing


async def test_an_older_portfolio_than_the_one_loaded_is_refused_and_undoes_nothing(
    store, secret, tmp_path
):
    await load(store, secret, portfolio(tmp_path, "p1.csv", account("5000.00", as_of="2026-02-20")))
    await pay(store, payments(tmp_path, "pay.csv", ("PAY-1", "300.00", "2026-02-25")))
    heard: list[str] = []
    older = portfolio(tmp_path, "p0.csv", account("5200.00", as_of="2026-02-01"))
    report = await load(store, secret, older, on_error=heard.append)
    assert report.errors == heard == [
        "line 2: as_of: 2026-02-01 is older than the portfolio already loaded for this account "
        "(2026-02-20); nothing written for it"]
    assert (report.changed, report.rejected, report.failed) == (0, 1, True)
    assert await balance(store) == Decimal("4700.00")  # the payment stays applied


async def test_the_same_payment_id_with_another_amount_is_a_reported_error(store, secret, tmp_path):
    await load(store, secret, portfolio(tmp_path, "p.csv", account("5000.00", as_of="2026-02-15")))
    await pay(store, payments(tmp_path, "a.csv", ("PAY-1", "300.00", "2026-02-20")))
    changed = payments(tmp_path, "b.csv", ("PAY-1", "3000.00", "2026-02-20"),
                       ("PAY-2", "10.00", "2026-02-21"))
    report = await pay(store, changed)
    assert report.errors == [
        "line 2: payment_id: PAY-1 was loaded before with a different amount; not applied"]
    assert (report.changed, report.rejected, report.failed) == (1, 1, True)
    assert await balance(store) == Decimal("4690.00")  # 300 and 10, not 3000
    same = await pay(store, payments(tmp_path, "c.csv", ("PAY-1", "300", "2026-02-20")))
    assert (same.unchanged, same.failed) == (1, False)  # the same payment written as "300" is the same


def test_debtdesk_import_payments_exits_1_on_a_conflicting_payment_id(tmp_path, secret, monkeypatch, capsys):
    monkeypatch.setenv("DEBTDESK_SECRET", secret.decode())
    monkeypatch.setenv("DEBTDESK_DB", database(tmp_path, "cli.db"))
    monkeypatch.delenv("DEBTDESK_POLICY", raising=False)
    path = portfolio(tmp_path, "p.csv", account("5000.00"))
    assert main(["import", "accounts", path, "--as-of", "2026-02-15", "--no-progress"]) == 0
    assert main(["import", "payments", payments(tmp_path, "a.csv", ("PAY-1", "300.00", "2026-02-20")),
                 "--no-progress"]) == 0
    assert main(["import", "payments", payments(tmp_path, "b.csv", ("PAY-1", "30.00", "2026-02-20")),
                 "--no-progress"]) == 1
    assert "PAY-1 was loaded before with a different amount" in capsys.readouterr().err


async def test_as_of_falls_back_to_the_option_and_refuses_the_future(store, secret, tmp_path):
    path = portfolio(tmp_path, "p.csv", account("5000.00"))
    report = await load(store, secret, path, as_of=date(2026, 3, 9))
    assert report.fatal == "as_of: 2026-03-09 is in the future; nothing imported"
    await load(store, secret, path, as_of=date(2026, 2, 15))
    async with store.read() as db:
        assert (await get_account(db, "CN-0001")).as_of == date(2026, 2, 15)
