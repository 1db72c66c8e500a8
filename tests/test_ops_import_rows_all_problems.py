"""Issue 11 item 7: every problem of a row is reported at once, never a personal value."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from accounts_kit import account_dict

from debt.portfolio import ACCOUNT_COLUMNS, RowError, parse_account_row, parse_payment_row
from ops.importer import import_accounts

ROW = account_dict("cn-file")
THREE = {"date_of_birth": "1985-13-45", "national_id_last4": "123", "balance": "-5000.00"}


async def test_a_row_with_a_bad_date_three_id_digits_and_a_negative_balance_reports_all_three(
    store, secret, now, tmp_path: Path
):
    path = tmp_path / "p.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, ACCOUNT_COLUMNS)
        writer.writeheader()
        writer.writerows([{**ROW, **THREE}, {**ROW, "account_ref": "CN-0002"}])
    report = await import_accounts(store, secret, str(path), now, progress=False)
    assert report.errors == [
        "line 2: date_of_birth: not a date YYYY-MM-DD; national_id_last4: must be exactly 4 digits; "
        "balance: must not be negative: -5000.00"]
    assert (report.rejected, report.changed) == (1, 1)  # one row refused, counted once
    assert "1985" not in report.errors[0] and "123;" not in report.errors[0]  # no personal values


def test_every_problem_keeps_its_column_and_the_first_leads():
    with pytest.raises(RowError) as caught:
        parse_account_row({**ROW, **THREE, "status": "lost", "phone": "12"})
    columns = [p.column for p in caught.value.problems]
    assert columns == ["date_of_birth", "national_id_last4", "phone", "balance", "status"]
    assert caught.value.column == "date_of_birth"


def test_a_payment_row_reports_every_problem():
    with pytest.raises(RowError) as caught:
        parse_payment_row({"payment_id": "", "account_ref": "CN-0001", "amount": "x", "currency": "CNY",
                           "paid_at": "yesterday"})
    assert [p.column for p in caught.value.problems] == ["payment_id", "amount", "paid_at"]
