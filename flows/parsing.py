"""Amounts and dates typed by a person, read the way their language writes them."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal

from babel import Locale
from babel.dates import parse_date as babel_parse_date
from babel.numbers import NumberFormatError, parse_decimal

from debt.money import MoneyError, round_minor


def normal(text: str) -> str:
    """NFKC: full-width digits and letters (as Chinese and Japanese keyboards type them) become ASCII."""
    return unicodedata.normalize("NFKC", text or "").strip()


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMBER_CHARS = re.compile(r"[^0-9.,'\u00a0\u202f\u2019 -]")
_SPACES = re.compile(r"[\s\u00a0\u202f]")


def parse_amount(text: str, locale: str, currency: str) -> Decimal | None:
    return read_amount(text, locale, currency)[0]


def read_amount(text: str, locale: str, currency: str) -> tuple[Decimal | None, str]:
    """A positive amount in the currency's minor units, or None and why ("unreadable" or
    "not_positive") when it cannot be read exactly.

    Currency symbols and codes are dropped; grouping and decimal marks follow the locale, so
    "1.234,50" in es and "1,234.50" in en are both 1234.50. More decimals than the currency
    has (e.g. "1.234" in en for a 2-decimal currency) is refused rather than silently rounded.
    """
    cleaned = _SPACES.sub("", _NUMBER_CHARS.sub("", normal(text)))
    if not cleaned or not any(c.isdigit() for c in cleaned):
        return None, "unreadable"
    try:
        value = parse_decimal(cleaned, locale=locale)
    except (NumberFormatError, ValueError):
        return None, "unreadable"
    if not value.is_finite():
        return None, "unreadable"
    if value <= 0:  # "-500" or "0": readable, and worth saying why it is refused
        return None, "not_positive"
    try:
        exact = round_minor(value, currency) == value
    except MoneyError:
        return None, "unreadable"
    return (value, "") if exact else (None, "unreadable")


def _month_names(locale: str) -> list[tuple[str, int]]:
    """Every month name the locale writes (wide and abbreviated), longest first."""
    months = Locale.parse(locale).months
    names = {}
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for number, name in months[context][width].items():
                names[name.lower().rstrip(".")] = number
    return sorted(names.items(), key=lambda item: -len(item[0]))


def _with_month_name(text: str, locale: str) -> date | None:
    """A long format like "7 de marzo de 1985" or "March 7, 1985": a month word, a day, a year."""
    lowered = text.lower()
    for name, number in _month_names(locale):
        if name and name in lowered:
            numbers = [int(n) for n in re.findall(r"\d+", lowered.replace(name, " "))]
            years = [n for n in numbers if n >= 1000]
            days = [n for n in numbers if n < 1000]
            if len(years) == 1 and len(days) == 1:
                try:
                    return date(years[0], number, days[0])
                except ValueError:
                    return None
            return None
    return None


def parse_date_text(text: str, locale: str) -> date | None:
    """An ISO date (2026-11-29) or the locale's own short or long way of writing one; None when
    it is unreadable or incomplete (a missing year is never guessed)."""
    text = normal(text)
    match = _ISO.match(text)
    if match:
        try:
            return date(*(int(g) for g in match.groups()))
        except ValueError:
            return None
    if re.search(r"[^\W\d_]", text) and not re.fullmatch(r"[\d\s年月日]+", text):
        return _with_month_name(text, locale)
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    if len(numbers) != 3:
        return None
    if locale == "en" and numbers[0] != numbers[1] and max(numbers[:2]) <= 12:
        # English is written month-first in the US and day-first almost everywhere else: 04/05
        # could be either, so it is asked again (the prompt's example names the month).
        return None
    try:
        found = babel_parse_date(text, locale=locale, format="short")
    except (ValueError, IndexError):
        return None
    return found if 1900 <= found.year <= 2100 else None


def impossible_date(text: str, locale: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a date written in full that no calendar has, like 2027-02-31 or
    31.02.2027 in Russian; None for anything else (a real date, or text that is no date)."""
    text = normal(text)
    match = _ISO.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        numbers = re.findall(r"\d+", text)
        if len(numbers) != 3 or re.search(r"[^\W\d_]", text):
            return None
        # The locale's short pattern ("dd.MM.y", "M/d/yy", "y/M/d") says which number is which.
        pattern = Locale.parse(locale).date_formats["short"].pattern
        order = sorted("yMd", key=lambda field: pattern.find(field))
        found = dict(zip(order, (int(n) for n in numbers), strict=True))
        year, month, day = found["y"], found["M"], found["d"]
        if not 1 <= month <= 12 and 1 <= day <= 12:  # 31/02/2027 typed day-first in a month-first locale
            month, day = day, month
        if year < 1000:
            return None
    try:
        date(year, month, day)
    except ValueError:
        return (year, month, day) if day >= 1 else None
    return None
