"""Money: a Decimal amount in one ISO 4217 currency, always in the currency's minor units.

Amounts are never floats. Every constructor rounds half-up to the currency's minor units as
ISO 4217 sets them (2 for CNY and IDR, 0 for JPY, 3 for KWD), so arithmetic never drifts below
a cent. CLDR (babel) knows the currencies but counts the digits people pay in cash, which for
IDR, HUF, COP and a few more is fewer than the bank's books keep.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

from babel.numbers import get_currency_precision, list_currencies
from iso4217 import Currency as Iso4217

_KNOWN = frozenset(list_currencies())


class MoneyError(ValueError):
    """An amount or currency that cannot be money."""


def check_currency(code: str) -> str:
    """The upper-cased code if babel knows it as an ISO 4217 currency, else MoneyError."""
    code = (code or "").strip().upper()
    if len(code) != 3 or code not in _KNOWN:
        raise MoneyError(f"unknown currency {code!r}")
    return code


def minor_units(currency: str) -> int:
    """ISO 4217's minor unit (IDR 2, JPY 0); a code without one (XAU) has none; babel's for old codes."""
    return _minor_units(check_currency(currency))


@cache  # every Money asks; the answer never changes
def _minor_units(code: str) -> int:
    try:
        return Iso4217(code).exponent or 0
    except ValueError:  # withdrawn codes ISO's current list no longer holds (DEM, ...)
        return get_currency_precision(code)


def quantum(currency: str) -> Decimal:
    """The smallest amount of the currency: Decimal('0.01') for CNY, Decimal('1') for JPY."""
    return Decimal(1).scaleb(-minor_units(currency))


def round_minor(amount: Decimal, currency: str, rounding: str = ROUND_HALF_UP) -> Decimal:
    """Half-up by default; ROUND_DOWN for charges that must never pass a rate (fees)."""
    return amount.quantize(quantum(currency), rounding=rounding)


def to_decimal(text: str | int | Decimal) -> Decimal:
    """A Decimal from text or int; floats are refused on purpose."""
    if isinstance(text, float):
        raise MoneyError("floats are not money")
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        raise MoneyError(f"not a number: {text!r}") from None
    if not value.is_finite():
        raise MoneyError(f"not a finite number: {text!r}")
    return value


@dataclass(frozen=True, order=False)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        currency = check_currency(self.currency)
        amount = round_minor(to_decimal(self.amount), currency)
        object.__setattr__(self, "currency", currency)
        object.__setattr__(self, "amount", amount)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise MoneyError(f"cannot mix {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        if isinstance(factor, float):
            raise MoneyError("floats are not money")
        return Money(self.amount * Decimal(factor), self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    def __bool__(self) -> bool:
        return bool(self.amount)

    def min(self, other: Money) -> Money:
        return self if self <= other else other

    def max(self, other: Money) -> Money:
        return self if self >= other else other

    def split(self, parts: int) -> list[Money]:
        """parts equal shares in minor units; the rounding difference goes to the last share."""
        if parts < 1:
            raise MoneyError("cannot split into fewer than one part")
        share = Money((self.amount / parts).quantize(quantum(self.currency), ROUND_DOWN), self.currency)
        shares = [share] * (parts - 1)
        return shares + [self - Money(share.amount * (parts - 1), self.currency)]

    def __str__(self) -> str:  # for logs and staff output only; users get babel formats
        return f"{self.amount} {self.currency}"
