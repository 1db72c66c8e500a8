"""Amounts and dates as people type them in each supported language."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from hypothesis import given
from hypothesis import strategies as st

from flows.languages import SUPPORTED_LOCALES
from flows.parsing import parse_amount, parse_date_text


@pytest.mark.parametrize("typed, locale, expected", [
    ("1.234,50", "es", "1234.50"), ("1,234.50", "en", "1234.50"), ("1 234,50", "ru", "1234.50"),
    ("R$ 1.234,50", "pt_BR", "1234.50"), ("Rp1.234,50", "id", "1234.50"), ("¥1,234.50", "zh_Hans", "1234.50"),
    ("50", "en", "50"), ("１００", "zh_Hant", "100"),
])
def test_amounts_in_each_language(typed, locale, expected):
    assert parse_amount(typed, locale, "EUR") == Decimal(expected)


@pytest.mark.parametrize("typed", ["", "abc", "-5", "0", "1.234", "12.345", "1,2,3.4.5"])
def test_amounts_that_are_not_refused_silently(typed):
    """A third decimal in en (1.234) is not rounded to 1.23: it is asked again."""
    assert parse_amount(typed, "en", "GBP") is None


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999.99"), places=2),
       st.sampled_from(SUPPORTED_LOCALES))
def test_an_amount_as_babel_writes_it_reads_back(amount, locale):
    assert parse_amount(format_currency(amount, "EUR", locale=locale), locale, "EUR") == amount
    assert parse_amount(format_decimal(amount, locale=locale), locale, "EUR") == amount


@given(st.dates(min_value=date(1920, 1, 1), max_value=date(2099, 12, 31)),
       st.sampled_from(SUPPORTED_LOCALES), st.sampled_from(("short", "medium", "long")))
def test_a_date_as_babel_writes_it_reads_back(day, locale, width):
    written = format_date(day, width, locale=locale)
    found = parse_date_text(written, locale)
    if locale == "en" and width == "short" and day.day <= 12 and day.day != day.month:
        assert found is None  # 4/5/85 is April or May depending on the country: asked again
        return
    # Two-digit years (short formats) may land in another century; everything else is exact.
    assert found == day or (width == "short" and found and (found.month, found.day) == (day.month, day.day))


@pytest.mark.parametrize(("typed", "locale", "expected"), [
    ("12/04/1985", "en", None),  # 12 April in London, 4 December in New York: asked again
    ("12/13/1985", "en", date(1985, 12, 13)),  # only one way to read it
    ("12/04/1985", "es", date(1985, 4, 12)),  # Spanish is always day first
    ("04/04/1985", "en", date(1985, 4, 4)),
])
def test_a_day_and_month_that_could_swap_are_not_guessed_in_english(typed, locale, expected):
    assert parse_date_text(typed, locale) == expected


@pytest.mark.parametrize("typed", ["12/04", "April 1985", "yesterday", "31/31/1985", "2026-02-30", "1/2/3/4"])
def test_incomplete_or_impossible_dates_are_none(typed):
    assert parse_date_text(typed, "en") is None
