"""One row of the bank's portfolio or payments file, checked and turned into typed values.

Pure: a row is a dict of strings in, a frozen dataclass or a RowError naming the column out.
The importer adds line numbers; nothing here reads files or the clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from babel import Locale, UnknownLocaleError

from debt.account import PRODUCTS, STATUSES, Account
from debt.e164 import valid_e164
from debt.money import MoneyError, check_currency
from debt.money import quantum as _uncached_quantum

ACCOUNT_COLUMNS = (
    "account_ref", "customer_name", "date_of_birth", "national_id_last4", "phone", "locale",
    "timezone", "currency", "product", "credit_limit", "balance", "minimum_due", "overdue_amount",
    "oldest_due_date", "fees_charged", "interest_charged", "last_payment_date",
    "last_payment_amount", "status",
)
PAYMENT_COLUMNS = ("payment_id", "account_ref", "amount", "currency", "paid_at")

MAX_REF = 64
_REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*")


# Columns whose values never appear in an error message: the report may be kept or logged.
PERSONAL = frozenset({"customer_name", "date_of_birth", "national_id_last4", "phone"})


class RowError(ValueError):
    """A value the row cannot carry: which column, and why."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(f"{column}: {reason}")
        self.column, self.reason = column, reason


@dataclass(frozen=True)
class AccountRow:
    """A portfolio row: the account, plus the personal data that never enters `debt` logic."""

    account: Account
    customer_name: str
    phone: str  # E.164
    date_of_birth: date
    national_id_last4: str

    @property
    def account_ref(self) -> str:
        return self.account.account_ref


@dataclass(frozen=True)
class PaymentRow:
    payment_id: str
    account_ref: str
    amount: Decimal
    currency: str
    paid_at: str  # ISO 8601 as delivered (date or date-time); the first 10 characters are the date

    @property
    def paid_on(self) -> date:
        return date.fromisoformat(self.paid_at[:10])


def missing_columns(header: list[str] | None, required: tuple[str, ...]) -> list[str]:
    present = {name.strip() for name in header or []}
    return [name for name in required if name not in present]


def _text(row: dict[str, str], column: str, required: bool = True) -> str:
    value = (row.get(column) or "").strip()
    if required and not value:
        raise RowError(column, "missing value")
    return value


def _ref(row: dict[str, str], column: str) -> str:
    value = _text(row, column)
    if len(value) > MAX_REF or not _REF.fullmatch(value):
        raise RowError(column, f"must be 1-{MAX_REF} letters, digits or . _ / -")
    return value


def _date(row: dict[str, str], column: str, required: bool = True) -> date | None:
    value = _text(row, column, required)
    if not value:
        return None
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        # A report line may end up in a log: personal values are described, never quoted.
        shown = "" if column in PERSONAL else f": {value!r}"
        raise RowError(column, f"not a date YYYY-MM-DD{shown}") from None


def _amount(row: dict[str, str], column: str, currency: str, required: bool = True) -> Decimal | None:
    """A non-negative amount with no more decimals than the currency has minor units."""
    value = _text(row, column, required)
    if not value:
        return None
    try:  # what debt.money.to_decimal does, minus its checks for values that are not text
        amount = Decimal(value)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise RowError(column, f"not a number: {value!r}")
    if amount < 0:
        raise RowError(column, f"must not be negative: {value}")
    if amount != amount.quantize(quantum(currency)):
        raise RowError(column, f"more decimals than {currency} has: {value}")
    return amount


def _choice(row: dict[str, str], column: str, choices: tuple[str, ...]) -> str:
    value = _text(row, column).lower()
    if value not in choices:
        raise RowError(column, f"must be one of {', '.join(choices)}, not {value!r}")
    return value


def _currency(row: dict[str, str]) -> str:
    try:
        return check_currency(_text(row, "currency"))
    except MoneyError as exc:
        raise RowError("currency", str(exc)) from None


def normalise_phone(text: str) -> str:
    """E.164 for a number written with its country code; ValueError otherwise."""
    if not text.startswith("+"):
        raise ValueError("must start with + and the country code (E.164)")
    if valid_e164(text):  # the same verdict without parse's cost; see debt/e164.py
        return text
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        raise ValueError("not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError("not a valid phone number for its country code")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


quantum = lru_cache(maxsize=64)(_uncached_quantum)  # babel's lookup is slow for a million rows


@lru_cache(maxsize=512)
def _check_locale(tag: str) -> None:
    Locale.parse(tag.replace("-", "_"))


@lru_cache(maxsize=1024)
def _check_timezone(name: str) -> None:
    ZoneInfo(name)


def _locale(row: dict[str, str]) -> str:
    tag = _text(row, "locale")
    try:
        _check_locale(tag)
    except (ValueError, UnknownLocaleError):
        raise RowError("locale", f"not a known language tag (BCP 47, e.g. zh-CN): {tag!r}") from None
    return tag


def _timezone(row: dict[str, str]) -> str:
    name = _text(row, "timezone", required=False)
    if name:
        try:
            _check_timezone(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise RowError("timezone", f"not an IANA time zone (e.g. Asia/Shanghai): {name!r}") from None
    return name


def _last4(row: dict[str, str]) -> str:
    value = _text(row, "national_id_last4")
    if len(value) != 4 or not value.isascii() or not value.isdigit():
        raise RowError("national_id_last4", "must be exactly 4 digits")
    return value


def _phone(row: dict[str, str]) -> str:
    try:
        return normalise_phone(_text(row, "phone"))
    except ValueError as exc:
        raise RowError("phone", str(exc)) from None


def _balances(row: dict[str, str], currency: str) -> dict[str, Decimal | date | None]:
    zero = Decimal(0)
    values = {
        "credit_limit": _amount(row, "credit_limit", currency, required=False) or zero,
        "balance": _amount(row, "balance", currency),
        "minimum_due": _amount(row, "minimum_due", currency),
        "overdue_amount": _amount(row, "overdue_amount", currency),
        "fees_charged": _amount(row, "fees_charged", currency, required=False) or zero,
        "interest_charged": _amount(row, "interest_charged", currency, required=False) or zero,
        "oldest_due_date": _date(row, "oldest_due_date", required=False),
        "last_payment_date": _date(row, "last_payment_date", required=False),
        "last_payment_amount": _amount(row, "last_payment_amount", currency, required=False),
        # optional column: when the minimum is due
        "payment_due_date": _date(row, "payment_due_date", required=False),
    }
    if values["overdue_amount"] > values["balance"]:
        raise RowError("overdue_amount", "must not exceed balance")
    if values["overdue_amount"] > 0 and values["oldest_due_date"] is None:
        raise RowError("oldest_due_date", "missing value: required when overdue_amount is above 0")
    if values["overdue_amount"] == 0 and values["oldest_due_date"] is not None:
        raise RowError("oldest_due_date", "must be empty when overdue_amount is 0")
    return values


def parse_account_row(row: dict[str, str]) -> AccountRow:
    """The row as an AccountRow, or RowError for the first column that is wrong."""
    ref = _ref(row, "account_ref")
    name = _text(row, "customer_name")
    dob = _date(row, "date_of_birth")
    if dob.year < 1900:
        raise RowError("date_of_birth", "implausible date of birth (before 1900)")
    last4, phone, locale, tz = _last4(row), _phone(row), _locale(row), _timezone(row)
    currency = _currency(row)
    product = _choice(row, "product", PRODUCTS)
    balances = _balances(row, currency)
    status = _choice(row, "status", STATUSES)
    account = Account(
        account_ref=ref, currency=currency, product=product, status=status, locale=locale,
        timezone=tz, **balances,
    )
    return AccountRow(account, name, phone, dob, last4)


def _instant(row: dict[str, str], column: str) -> str:
    value = _text(row, column)
    try:
        parsed = date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    except ValueError:
        raise RowError(column, f"not an ISO 8601 date or date-time: {value!r}") from None
    return parsed.isoformat()


def parse_payment_row(row: dict[str, str]) -> PaymentRow:
    payment_id = _ref(row, "payment_id")
    ref = _ref(row, "account_ref")
    currency = _currency(row)
    amount = _amount(row, "amount", currency)
    if amount == 0:
        raise RowError("amount", "must be above 0")
    return PaymentRow(payment_id, ref, amount, currency, _instant(row, "paid_at"))
