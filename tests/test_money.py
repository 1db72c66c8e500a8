"""Money: amounts always in the currency's minor units, currencies never mixed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from debt.money import Money, MoneyError, quantum


@pytest.mark.parametrize(
    "raw,currency,expected",
    [
        ("1.005", "CNY", "1.01"),  # half up to fen
        ("1.004", "CNY", "1.00"),
        ("-1.005", "CNY", "-1.01"),  # half away from zero
        ("100.5", "JPY", "101"),  # yen has no minor unit
        ("100.4", "JPY", "100"),
        ("7", "usd", "7.00"),  # codes are upper-cased
    ],
)
def test_amounts_round_to_minor_units(raw, currency, expected):
    m = Money(raw, currency)
    assert m.amount == Decimal(expected) and m.amount.as_tuple() == Decimal(expected).as_tuple()
    assert m.currency == currency.upper()


def test_quantum_per_currency():
    assert (quantum("CNY"), quantum("JPY"), quantum("GBP")) == (Decimal("0.01"), Decimal(1), Decimal("0.01"))


def test_arithmetic_stays_in_minor_units():
    assert Money("0.10", "CNY") * Decimal("0.333") == Money("0.03", "CNY")  # 0.0333 -> 0.03
    assert Money("10", "CNY") - Money("0.01", "CNY") == Money("9.99", "CNY")


@pytest.mark.parametrize(
    "operation",
    [
        lambda a, b: a + b,
        lambda a, b: a - b,
        lambda a, b: a < b,
        lambda a, b: a >= b,
        lambda a, b: a.min(b),
    ],
)
def test_mixing_currencies_raises(operation):
    with pytest.raises(MoneyError, match="cannot mix CNY and USD"):
        operation(Money("1", "CNY"), Money("1", "USD"))


@pytest.mark.parametrize("bad", [("1.5", "XYZ"), ("1", ""), (1.5, "CNY"), ("abc", "CNY"), ("NaN", "CNY")])
def test_bad_money_is_refused(bad):
    with pytest.raises(MoneyError):
        Money(*bad)


@pytest.mark.parametrize(
    "total,currency,parts,expected",
    [
        ("100", "CNY", 3, ["33.33", "33.33", "33.34"]),
        ("100", "JPY", 3, ["33", "33", "34"]),
        ("0.05", "GBP", 2, ["0.02", "0.03"]),
        ("10", "USD", 1, ["10"]),
    ],
)
def test_split_sums_exactly_with_the_rest_on_the_last(total, currency, parts, expected):
    shares = Money(total, currency).split(parts)
    assert shares == [Money(e, currency) for e in expected]
    assert sum((s.amount for s in shares), Decimal(0)) == Money(total, currency).amount


def test_split_into_nothing_is_refused():
    with pytest.raises(MoneyError):
        Money("10", "CNY").split(0)
