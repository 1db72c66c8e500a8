"""One row of the bank's portfolio or payments file, checked and turned into typed values.

Pure: a row is a dict of strings in, a frozen dataclass or a RowError naming every column that
is wrong out (RowProblems when there are several). The importer adds line numbers and passes the
day and instant to check against; nothing here reads files or the clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
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
AS_OF = "as_of"  # optional portfolio column: the day the row's figures are as of

# A payment's local date may run ahead of UTC's by up to 14 hours (Kiribati): later is the future.
_AHEAD = timedelta(hours=14)

MAX_REF = 64
_REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*")


# Columns whose values never appear in an error message: the report may be kept or logged.
PERSONAL = frozenset({"customer_name", "date_of_birth", "national_id_last4", "phone"})


class RowError(ValueError):
    """A value the row cannot carry: which column, and why."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(f"{column}: {reason}")
        self.column, self.reason = column, reason

    @property
    def problems(self) -> tuple[RowError, ...]:
        return (self,)


class RowProblems(RowError):
    """Every problem of a row, so the bank fixes them all at once; column and reason are the first's."""

    def __init__(self, problems: list[RowError]) -> None:
        super().__init__(problems[0].column, problems[0].reason)
        self.all = tuple(problems)

    @property
    def problems(self) -> tuple[RowError, ...]:
        return self.all

    def __str__(self) -> str:
        return "; ".join(f"{p.column}: {p.reason}" for p in self.all)


_BAD = object()  # what _Problems.take answers for a value that was wrong (None is a valid empty value)


class _Problems:
    """Collects the problems of one row as its columns are read."""

    def __init__(self) -> None:
        self.found: list[RowError] = []

    def take(self, read, *args):  # noqa: ANN001, ANN202 - any reader and its arguments
        try:
            return read(*args)
        except RowError as exc:
            self.found.append(exc)
            return _BAD

    def add(self, column: str, reason: str) -> None:
        self.found.append(RowError(column, reason))

    def check(self) -> None:
        if self.found:
            raise RowProblems(self.found)


@dataclass(frozen=True)
class AccountRow:
    """A portfolio row: the account, plus the personal data that never enters `debt` logic."""

    account: Account
    customer_name: str
    phone: str  # E.164
    date_of_birth: date
    national_id_last4: str
    as_of: date | None = None  # the day the figures are as of (the import gives one; see debt/reconcile)

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


def reference_like(text: str) -> bool:
    """Whether text is written as a reference may be (its characters; length aside): what the
    chat may tell from the text alone, never from the accounts."""
    return bool(_REF.fullmatch(text))


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


def _amount(row: dict[str, str], column: str, currency: object, required: bool = True,
            signed: bool = False) -> Decimal | None:
    """An amount (never negative unless `signed`) with no more decimals than the currency has."""
    value = _text(row, column, required)
    if not value:
        return None
    try:  # what debt.money.to_decimal does, minus its checks for values that are not text
        amount = Decimal(value)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise RowError(column, f"not a number: {value!r}")
    if amount < 0 and not signed:
        raise RowError(column, f"must not be negative: {value}")
    if isinstance(currency, str) and amount != amount.quantize(quantum(currency)):  # else currency was bad
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


def _accepted(currency: object, accepted: tuple[str, ...]) -> None:
    """The policy's rules (fees, limits, minor units) are in its currency: another one is refused."""
    if accepted and isinstance(currency, str) and currency not in accepted:
        raise RowError("currency", f"{currency} is not the policy's currency ({', '.join(accepted)}); "
                                   "the account was not imported")


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
    text = _text(row, "phone")  # its RowError is a ValueError too: kept out of the try
    try:
        return normalise_phone(text)
    except ValueError as exc:
        raise RowError("phone", str(exc)) from None


def _balances(row: dict[str, str], currency: object, as_of: date | None, p: _Problems) -> dict:
    zero = Decimal(0)
    values = {
        "credit_limit": p.take(_amount, row, "credit_limit", currency, False) or zero,
        "balance": p.take(_amount, row, "balance", currency),
        "minimum_due": p.take(_amount, row, "minimum_due", currency),
        "overdue_amount": p.take(_amount, row, "overdue_amount", currency),
        "fees_charged": p.take(_amount, row, "fees_charged", currency, False) or zero,
        "interest_charged": p.take(_amount, row, "interest_charged", currency, False) or zero,
        "oldest_due_date": p.take(_date, row, "oldest_due_date", False),
        "last_payment_date": p.take(_date, row, "last_payment_date", False),
        "last_payment_amount": p.take(_amount, row, "last_payment_amount", currency, False),
        # optional column: when the minimum is due
        "payment_due_date": p.take(_date, row, "payment_due_date", False),
    }
    balance, overdue, oldest = values["balance"], values["overdue_amount"], values["oldest_due_date"]
    if _BAD in (balance, overdue, oldest):
        return values  # the checks between columns need all three
    if overdue > balance:
        p.add("overdue_amount", "must not exceed balance")
    if overdue > 0 and oldest is None:
        p.add("oldest_due_date", "missing value: required when overdue_amount is above 0")
    if overdue == 0 and oldest is not None:
        p.add("oldest_due_date", "must be empty when overdue_amount is 0")
    if overdue > 0 and oldest is not None and as_of is not None and oldest > as_of:
        p.add("oldest_due_date", f"{oldest} is after the file's as-of date {as_of}: "
                                 "nothing is overdue before it falls due")
    return values


def _as_of(row: dict[str, str], default: date | None, today: date | None) -> date | None:
    """The row's as_of column, else the date the import was given."""
    value = _date(row, AS_OF, required=False) or default
    if value is not None and today is not None and value > today:
        raise RowError(AS_OF, f"{value} is in the future")
    return value


def _dob(row: dict[str, str]) -> date:
    dob = _date(row, "date_of_birth")
    if dob.year < 1900:
        raise RowError("date_of_birth", "implausible date of birth (before 1900)")
    return dob


def parse_account_row(
    row: dict[str, str], as_of: date | None = None, today: date | None = None,
    currencies: tuple[str, ...] = (),
) -> AccountRow:
    """The row as an AccountRow, or RowProblems naming every column that is wrong.

    as_of: the file's as-of date when the row has no as_of column; today: the import's day, after
    which no as-of date may be; currencies: those the policy accepts (empty: any)."""
    p = _Problems()
    ref = p.take(_ref, row, "account_ref")
    name = p.take(_text, row, "customer_name")
    dob = p.take(_dob, row)
    last4, phone, locale = p.take(_last4, row), p.take(_phone, row), p.take(_locale, row)
    tz = p.take(_timezone, row)
    currency = p.take(_currency, row)
    p.take(_accepted, currency, currencies)
    product = p.take(_choice, row, "product", PRODUCTS)
    day = p.take(_as_of, row, as_of, today)
    balances = _balances(row, currency, None if day is _BAD else day, p)
    status = p.take(_choice, row, "status", STATUSES)
    p.check()
    account = Account(
        account_ref=ref, currency=currency, product=product, status=status, locale=locale,
        timezone=tz, **balances,
    )
    return AccountRow(account, name, phone, dob, last4, day)


def _instant(row: dict[str, str], column: str, now: datetime | None) -> str:
    value = _text(row, column)
    try:
        parsed = date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    except ValueError:
        raise RowError(column, f"not an ISO 8601 date or date-time: {value!r}") from None
    if now is not None and _after(parsed, now):
        raise RowError(column, f"{value} is in the future: a payment not yet made is not applied")
    return parsed.isoformat()


def _after(when: date | datetime, now: datetime) -> bool:
    """Whether a payment's date or time is later than `now` (aware) anywhere on earth."""
    if isinstance(when, datetime) and when.tzinfo is not None:
        return when > now
    # a local date or time: compared in the zone furthest ahead
    latest = now.astimezone(UTC).replace(tzinfo=None) + _AHEAD
    return when > latest if isinstance(when, datetime) else when > latest.date()


def parse_payment_row(row: dict[str, str], now: datetime | None = None) -> PaymentRow:
    """The row as a PaymentRow, or RowProblems naming every column that is wrong; with `now`
    (aware), a payment dated later is refused."""
    p = _Problems()
    payment_id = p.take(_ref, row, "payment_id")
    ref = p.take(_ref, row, "account_ref")
    currency = p.take(_currency, row)
    amount = p.take(_amount, row, "amount", currency, True, True)  # negative: a reversal
    if amount == 0:
        p.add("amount", "must not be 0 (a negative amount reverses the payment of that payment_id)")
    paid_at = p.take(_instant, row, "paid_at", now)
    p.check()
    return PaymentRow(payment_id, ref, amount, currency, paid_at)
