"""Importing the bank's portfolio and payments files: bad rows named, good rows kept, no repeats."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from accounts_kit import account_dict

import ops.importer
from bot.cli_import import TerminalProgress, summary_line
from debt.portfolio import ACCOUNT_COLUMNS, RowError, parse_account_row
from ops.importer import import_accounts, import_payments
from store.accounts import count_accounts, get_account
from store.tokens import check_factor

DATA = Path(__file__).parent / "data"


@pytest.fixture(params=["inline", "workers"])
def checking(request, monkeypatch) -> SimpleNamespace:
    """Check rows in this process, or (as for a big file) in worker processes; `pools` lists those made."""
    pools: list = []
    if request.param == "workers":
        class Spied(ops.importer.ProcessPoolExecutor):
            def __init__(self, *args, **kwargs) -> None:
                super().__init__(*args, **kwargs)
                pools.append(self)

        monkeypatch.setattr(ops.importer, "POOL_MIN_BYTES", 0)
        monkeypatch.setattr(ops.importer, "ProcessPoolExecutor", Spied)
    return SimpleNamespace(mode=request.param, pools=pools)


async def test_broken_rows_are_named_by_line_and_column_and_the_rest_imported(store, secret, now, checking):
    heard: list[str] = []
    report = await import_accounts(store, secret, str(DATA / "portfolio_broken.csv"), now,
                                   progress=False, on_error=heard.append)
    assert report.errors == [
        "line 3: date_of_birth: not a date YYYY-MM-DD",
        "line 4: currency: unknown currency 'XYZ'",
        "line 5: balance: must not be negative: -5000.00",
        "line 6: customer_name: missing value",
        "line 7: account_ref: duplicate of line 2",
    ]
    assert heard == report.errors
    assert (report.read, report.changed, report.rejected, report.failed) == (7, 2, 5, True)
    async with store.read() as db:
        assert await count_accounts(db) == 2
        first = await get_account(db, "CN-1001")
        assert first.customer_name == "Good One"  # the first of the duplicates, not the second
        assert await get_account(db, "CN-1006") is not None


async def test_reimporting_the_same_file_changes_nothing(store, secret, now):
    path = str(DATA / "portfolio.csv")
    first = await import_accounts(store, secret, path, now, progress=False)
    assert (first.changed, first.unchanged, first.failed) == (5, 0, False)
    again = await import_accounts(store, secret, path, now, progress=False)
    assert (again.read, again.changed, again.unchanged, again.failed) == (5, 0, 5, False)
    assert "0 changed, 5 unchanged" in summary_line(again)


async def test_imported_values_and_factors_are_usable(store, secret, now):
    await import_accounts(store, secret, str(DATA / "portfolio.csv"), now, progress=False)
    async with store.read() as db:
        rec = await get_account(db, "CN-0003")
        assert rec.customer_name == "Chen, Jun" and rec.account.locale == "zh-TW"
        assert rec.account.overdue_amount == Decimal("4500.00")
        assert rec.account.oldest_due_date == date(2025, 11, 15)
        assert await check_factor(db, secret, "CN-0003", "dob", "1978-02-28")
        assert await check_factor(db, secret, "CN-0003", "id_last4", "9876")
        assert not await check_factor(db, secret, "CN-0003", "id_last4", "1234")


async def test_a_missing_column_is_one_clear_error_and_imports_nothing(store, secret, now, tmp_path):
    path = tmp_path / "no_phone.csv"
    rows = (DATA / "portfolio.csv").read_text().splitlines()
    cut = ACCOUNT_COLUMNS.index("phone")
    path.write_text("\n".join(",".join(c for i, c in enumerate(r.split(",")) if i != cut) for r in rows[:1]))
    report = await import_accounts(store, secret, str(path), now, progress=False)
    assert report.fatal == "line 1: missing column(s): phone" and report.failed
    async with store.read() as db:
        assert await count_accounts(db) == 0


async def test_a_row_that_is_not_utf8_is_named_and_the_rest_imported(store, secret, now, tmp_path, checking):
    path = tmp_path / "latin1.csv"
    lines = (DATA / "portfolio.csv").read_bytes().splitlines(keepends=True)
    lines[2] = lines[2].replace(b"Wang Fang", "Jos\xe9".encode("latin-1"))
    path.write_bytes(b"".join(lines))
    report = await import_accounts(store, secret, str(path), now, progress=False)
    assert report.errors == ["line 3: customer_name: not UTF-8 text"]
    assert (report.changed, report.fatal) == (4, None)


def _generated_row(i: int) -> dict[str, str]:
    overdue = Decimal(i % 7) * 100
    return account_dict(
        "cn-file", account_ref=f"G-{i:06d}", customer_name=f"Person {i}", date_of_birth="1980-01-31",
        national_id_last4=f"{i % 10000:04d}", phone=f"+86139{i:08d}", credit_limit="10000",
        minimum_due="300.00", overdue_amount=str(overdue), oldest_due_date="2026-01-05" if overdue else "",
    )


def _portfolio(path: Path, rows: Iterable[dict[str, str]], tail: str = "") -> str:
    """A portfolio file of `rows` (header first), then `tail` as written; its path as text."""
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, ACCOUNT_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
        f.write(tail)
    return str(path)


async def test_twenty_thousand_rows_stream_in_batches_and_duplicates_across_batches_are_caught(
    store, secret, now, tmp_path, checking
):
    path = tmp_path / "big.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, ACCOUNT_COLUMNS)
        writer.writeheader()
        writer.writerows(_generated_row(i) for i in range(20_000))
        writer.writerow(_generated_row(10))  # line 20002 repeats line 12, four batches earlier
    report = await import_accounts(store, secret, str(path), now, progress=False)
    assert report.errors == ["line 20002: account_ref: duplicate of line 12"]
    assert (report.read, report.changed) == (20_001, 20_000)
    async with store.read() as db:
        assert await count_accounts(db) == 20_000
        assert (await get_account(db, "G-019998")).account.overdue_amount == Decimal("600")


async def test_payments_are_checked_applied_and_idempotent(store, secret, now, checking):
    # the portfolio's figures are as of before the payments, so they are applied on top
    await import_accounts(store, secret, str(DATA / "portfolio.csv"), now, progress=False,
                          as_of=date(2026, 2, 15))
    path = str(DATA / "payments.csv")
    report = await import_payments(store, path, now, progress=False)
    assert report.errors == [
        "line 4: account_ref: unknown account CN-9999",
        "line 5: currency: USD is not the account's CNY",
        "line 6: amount: must not be 0 (a negative amount reverses the payment of that payment_id)",
    ]
    assert (report.changed, report.rejected) == (2, 3)
    again = await import_payments(store, path, now, progress=False)
    assert (again.changed, again.unchanged, again.rejected) == (0, 2, 3)
    async with store.read() as db:
        acc = (await get_account(db, "CN-0001")).account
    assert acc.balance == Decimal("4200.00") and acc.overdue_amount == Decimal(0)
    assert acc.oldest_due_date is None and acc.last_payment_amount == Decimal("500.00")


def _row(**changes: str) -> dict[str, str]:
    return {**_generated_row(1), **changes}


@pytest.mark.parametrize(
    ("changes", "column", "reason"),
    [
        ({"phone": "13912345678"}, "phone", "must start with +"),
        ({"phone": "+86 1"}, "phone", "not a"),
        ({"locale": "xx-QQ"}, "locale", "not a known language tag"),
        ({"timezone": "Mars/Olympus"}, "timezone", "not an IANA time zone"),
        ({"oldest_due_date": ""}, "oldest_due_date", "required when overdue_amount is above 0"),
        ({"balance": "10.001"}, "balance", "more decimals than CNY has"),
        ({"currency": "JPY", "balance": "5000.5"}, "balance", "more decimals than JPY has"),
        ({"overdue_amount": "6000", "balance": "5000"}, "overdue_amount", "must not exceed balance"),
        ({"product": "mortgage"}, "product", "must be one of card, loan"),
        ({"national_id_last4": "12a4"}, "national_id_last4", "exactly 4 digits"),
    ],
)
def test_row_errors_name_the_column(changes, column, reason):
    with pytest.raises(RowError) as caught:
        parse_account_row(_row(**changes))
    assert caught.value.column == column and reason in caught.value.reason


def test_a_good_row_is_normalised():
    row = parse_account_row(_row(phone="+86 139 0000 0001", currency="cny", locale="pt-BR", timezone=""))
    assert row.phone == "+8613900000001" and row.account.currency == "CNY"
    assert row.account.locale == "pt-BR" and row.account.timezone == ""


async def test_progress_counts_are_drawn_on_stderr(store, secret, now, tmp_path, capsys):
    path = tmp_path / "thousand.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, ACCOUNT_COLUMNS)
        writer.writeheader()
        writer.writerows(_generated_row(i) for i in range(1000))
    await import_accounts(store, secret, str(path), now, progress=TerminalProgress("accounts", sys.stderr))
    assert "\raccounts: 1,000 rows read (" in capsys.readouterr().err


async def test_imported_payments_keep_the_promise_they_pay(store, secret, now):
    from debt.money import Money
    from debt.policy import load_policy
    from store.promise_rows import insert_promise, promises_for

    await import_accounts(store, secret, str(DATA / "portfolio.csv"), now, progress=False)
    made = datetime(2026, 2, 15, 9, 0, tzinfo=UTC)  # before the payments: only later ones count
    async with store.unit() as db:
        await insert_promise(db, "CN-0001", Money(Decimal("800"), "CNY"), date(2026, 2, 26), "chat", made)
    await import_payments(store, str(DATA / "payments.csv"), now, progress=False, policy=load_policy("cn"))
    async with store.read() as db:
        [promise] = await promises_for(db, "CN-0001")
        async with db.execute("SELECT kind, account_ref FROM outbox") as cur:
            notices = [tuple(row) for row in await cur.fetchall()]
    assert promise.status == "kept" and notices == [("kept", "CN-0001")]


async def test_a_strict_e164_phone_in_no_numbering_range_is_named_by_line(store, secret, now, tmp_path):
    rows = [_generated_row(1), {**_generated_row(2), "phone": "+8612345678901"}, _generated_row(3)]
    path = _portfolio(tmp_path / "phones.csv", rows)  # no such range as line 3's in China
    report = await import_accounts(store, secret, path, now, progress=False)
    assert report.errors == ["line 3: phone: not a valid phone number for its country code"]
    assert (report.read, report.changed) == (3, 2)


async def test_checking_in_worker_processes_gives_the_same_database(store, secret, now, tmp_path, checking):
    rows = (_generated_row(i) if i % 1000 else {**_generated_row(i), "balance": "x"} for i in range(12_000))
    # a blank line is skipped, and the row after it named by its own line
    tail = "\nG-099999,Short Row\n" + ",".join(["G-100000"] * (len(ACCOUNT_COLUMNS) + 1)) + "\n"
    path = _portfolio(tmp_path / "mixed.csv", rows, tail)
    report = await import_accounts(store, secret, path, now, progress=False)
    bad_balance = "balance: not a number: 'x'"
    assert report.errors[:2] == [f"line 2: {bad_balance}", f"line 1002: {bad_balance}"]
    assert report.errors[-2].startswith("line 12003: date_of_birth: missing value; national_id_last4: ")
    assert report.errors[-1] == "line 12004: (row): more fields than the header has"
    assert (report.read, report.changed, report.rejected) == (12_002, 11_988, 14)
    assert len(checking.pools) == (1 if checking.mode == "workers" else 0)
    async with store.read() as db:
        assert await count_accounts(db) == 11_988
        assert await check_factor(db, secret, "G-011999", "phone", "+8613900011999")
        assert (await get_account(db, "G-011999")).account.overdue_amount == Decimal("100")
