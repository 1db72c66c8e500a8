"""Issue 11 item 8 and issue 10 item 9: rows that cannot be true, or not under this policy, are refused;
an overpayment is applied up to the balance and the rest is kept as a credit and reported."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from test_audit_payments import account, payments, portfolio

from bot.cli_import import summary_line
from debt.policy import load_policy
from ops.importer import import_accounts, import_payments
from store.accounts import count_accounts, get_account

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)  # 17:00 in Shanghai


async def test_an_overdue_amount_with_an_oldest_due_date_in_the_future_is_refused(store, secret, tmp_path):
    rows = [account("5000.00", oldest="2026-04-01"), {**account("5000.00"), "account_ref": "CN-0002"}]
    report = await import_accounts(store, secret, portfolio(tmp_path, "p.csv", *rows), NOW, progress=False)
    assert report.errors == [
        "line 2: oldest_due_date: 2026-04-01 is after the file's as-of date 2026-03-01: "
        "nothing is overdue before it falls due"]
    async with store.read() as db:
        assert await get_account(db, "CN-0001") is None and await count_accounts(db) == 1


async def test_a_payment_dated_in_the_future_is_refused(store, secret, tmp_path):
    await import_accounts(store, secret, portfolio(tmp_path, "p.csv", account("5000.00", as_of="2026-02-15")),
                          NOW, progress=False)
    path = payments(tmp_path, "pay.csv", ("PAY-1", "100.00", "2026-03-05"),
                    ("PAY-2", "100.00", "2026-03-01T18:00:00+00:00"),  # nine hours from now
                    ("PAY-3", "100.00", "2026-03-01T16:30:00+08:00"),  # 08:30 UTC: already paid
                    ("PAY-4", "100.00", "2026-03-01"))  # today
    report = await import_payments(store, path, NOW, progress=False)
    assert report.errors == [
        "line 2: paid_at: 2026-03-05 is in the future: a payment not yet made is not applied",
        "line 3: paid_at: 2026-03-01T18:00:00+00:00 is in the future: a payment not yet made is not applied"]
    assert (report.changed, report.failed) == (2, True)


async def test_an_overpayment_clears_the_balance_and_the_rest_is_kept_as_a_credit(store, secret, tmp_path):
    small = account("500.00", overdue="0", as_of="2026-02-15")
    await import_accounts(store, secret, portfolio(tmp_path, "p.csv", small), NOW, progress=False)
    heard: list[str] = []
    report = await import_payments(store, payments(tmp_path, "pay.csv", ("PAY-1", "700.00", "2026-02-20")),
                                   NOW, progress=False, on_error=heard.append)
    note = ("line 2: amount: 700.00 CNY is 200.00 more than the balance; the balance is now 0 "
            "and the rest is kept as a credit on the account")
    assert report.notes == heard == [note]
    assert (report.changed, report.failed) == (1, False) and "1 noted" in summary_line(report)
    async with store.read() as db:
        record = await get_account(db, "CN-0001")
    assert record.account.balance == Decimal("0.00") and record.credit_balance == Decimal("200.00")


async def test_a_newer_portfolio_keeps_the_credit_of_a_later_overpayment(store, secret, tmp_path):
    small = account("500.00", overdue="0", as_of="2026-02-10")
    await import_accounts(store, secret, portfolio(tmp_path, "p.csv", small), NOW, progress=False)
    paid = payments(tmp_path, "pay.csv", ("PAY-1", "700.00", "2026-02-20"))
    await import_payments(store, paid, NOW, progress=False)
    newer = portfolio(tmp_path, "p2.csv", account("520.00", overdue="0", as_of="2026-02-15"))
    await import_accounts(store, secret, newer, NOW, progress=False)
    async with store.read() as db:
        record = await get_account(db, "CN-0001")
    assert record.account.balance == Decimal("0.00") and record.credit_balance == Decimal("180.00")


async def test_an_account_in_another_currency_than_the_policy_is_refused_with_the_reason(
    store, secret, tmp_path
):
    rows = [{**account("5000.00"), "currency": "USD"}, {**account("5000.00"), "account_ref": "CN-0002"}]
    report = await import_accounts(store, secret, portfolio(tmp_path, "p.csv", *rows), NOW, progress=False,
                                   policy=load_policy("cn"))
    assert report.errors == [
        "line 2: currency: USD is not the policy's currency (CNY); the account was not imported"]
    async with store.read() as db:
        assert await count_accounts(db) == 1
        assert (await get_account(db, "CN-0002")).as_of == date(2026, 3, 1)  # the import's day in Shanghai
