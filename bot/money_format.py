"""Money as a locale writes it, with as many decimals as ISO 4217 gives the currency.

babel's format_currency takes the digits from CLDR, which counts what people pay in cash:
Rp1.500,50 would be shown as Rp1.501. The locale's pattern is kept (symbol, grouping,
placement); only its fraction digits come from debt.money.minor_units. Where cash has no
cents (CLDR gives IDR 0 digits) a whole amount is written without them: Rp12.345, not Rp12.345,00.
"""

from __future__ import annotations

import copy
from functools import cache

from babel import Locale
from babel.numbers import NumberPattern, get_currency_precision

from debt.money import Money, minor_units


@cache  # a handful of locales and currencies; parsing them on every amount is waste
def _pattern(locale: str, digits: int) -> tuple[Locale, NumberPattern]:
    where = Locale.parse(locale)
    pattern = copy.copy(where.currency_formats["standard"])
    pattern.frac_prec = (digits, digits)
    return where, pattern


def format_money(value: Money, locale: str) -> str:
    """`locale` is a babel locale name (bot.i18n.babel_locale)."""
    digits = minor_units(value.currency)
    if get_currency_precision(value.currency) == 0 and value.amount == value.amount.to_integral_value():
        digits = 0
    where, pattern = _pattern(locale, digits)
    return pattern.apply(value.amount, where, currency=value.currency, currency_digits=False)
