"""Amounts in a typed message, as each language writes them: "1.500,50", "1,500.50", "¥500",
"500元", "五百块", "R$ 300", "300 рублей", "Rp 150.000", "150rb", "2k", and words: half, all of
it, the minimum, the overdue amount.

A number that reads two ways ("1.500" where a dot is the decimal mark), two different numbers,
or another currency than the account's is reported as unclear, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel.numbers import get_decimal_symbol

from debt.money import MoneyError, round_minor

UNCLEAR = "unclear"

# Currency marks -> ISO code ("" = a mark many currencies share, like $: not checked).
_CURRENCY_MARKS = (
    (r"r\$|reais|real|brl", "BRL"),
    (r"rp\.?|rupiah|idr", "IDR"),
    (r"₽|руб\w*|р\.?|rub|rubles?|roubles?", "RUB"),
    (r"¥|￥|rmb|cny|人民币", "CNY"),
    (r"nt\$|twd|台币|新台币", "TWD"),
    (r"元|块钱|块|yuan|kuai", ""),
    (r"£|gbp|pounds?|quid|фунт\w*|libras?|英镑", "GBP"),
    (r"€|eur|euros?|евро|欧元", "EUR"), (r"us\$|usd|dollars?|bucks|доллар\w*|dolares|美元|美金", "USD"),
    (r"\$|pesos?|mxn", "$"),
)
# The currencies a $ may stand for: another one is not the account's.
_DOLLARS = frozenset({"USD", "MXN", "CAD", "AUD", "NZD", "SGD", "HKD", "TWD", "ARS", "CLP", "COP", "BRL"})
_MARK = "|".join(f"(?:{m})" for m, _ in _CURRENCY_MARKS)
_SCALE = (r"k|rb|ribu|jt|juta|mil|тыс\.?|тысяч\w*|тыщ\w*|千|万|w")
_NUMBER = re.compile(
    rf"(?<![a-zа-я0-9_.,/])(?:(?P<pre>{_MARK}) ?)?"
    r"(?P<num>\d{1,3}(?:(?:[.,]|(?: |\u00a0|\u202f)(?=\d{3}\b))\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
    r"|\d+[.,]\d{3,})"
    rf"(?: ?(?P<scale>{_SCALE})(?![a-zа-я]))?(?: ?(?P<post>{_MARK})(?![a-zа-я]))?(?![a-zа-я0-9_/])",
)
_SCALES = {"k": 1000, "rb": 1000, "ribu": 1000, "mil": 1000, "тыс": 1000, "тыс.": 1000, "千": 1000,
           "jt": 1000000, "juta": 1000000, "万": 10000, "w": 10000}
_ZH_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_ZH_NUMBER = re.compile(
    r"([零一二两三四五六七八九十百千万]{2,})(?=元|块|人民币)"
    r"|([零一二两三四五六七八九十]*[百千万][零一二两三四五六七八九十百千万]*)")

# Words for an amount the account decides: (pattern, kind) per language.
WORDS = {
    "en": ((r"half|50 ?%", "half"),
           (r"the minimum|minimum(?: payment| amount| due)?|min payment|the min", "minimum"),
           (r"the overdue(?: amount)?|what'?s overdue|the arrears|overdue amount|arrears", "overdue"),
           (r"all of it|everything|the (?:whole|full|entire) (?:amount|balance|thing|debt|lot)|in full"
               r"|full amount"
            r"|all i owe|the lot|whole amount|full balance|all at once|all", "full")),
    "es": ((r"(?:la )?mitad", "half"), (r"(?:el )?(?:pago )?minimo", "minimum"),
           (r"lo vencido|lo atrasado|el atraso|lo que esta vencido", "overdue"),
           (r"todo|(?:la )?totalidad|el total|completo|toda la deuda", "full")),
    "pt": ((r"(?:a )?metade", "half"), (r"(?:o )?(?:pagamento )?minimo", "minimum"),
           (r"o atrasado|o valor atrasado|o vencido|o que esta atrasado", "overdue"),
           (r"tudo|o total|valor total|integral|a divida toda|toda a divida", "full")),
    "id": ((r"setengah(?:nya)?|separuh(?:nya)?|separo", "half"),
           (r"minimum(?:nya)?|minimal(?:nya)?", "minimum"),
           (r"tunggakan(?:nya)?", "overdue"), (r"semua(?:nya)?|seluruh(?:nya)?|lunas|full", "full")),
    "ru": ((r"половин\w*|пол суммы|полсуммы", "half"), (r"минимал\w*(?: \w+)?|минимум", "minimum"),
           (r"просрочк\w*|просроченн\w*(?: \w+)?", "overdue"),
           (r"вс[её] сразу|всю сумму|полностью|вс[её]|целиком", "full")),
    "zh": ((r"一半", "half"),
           (r"最低(?:还款)?(?:额|金额)?|最少", "minimum"),
           (r"逾期(?:的)?(?:部分|金额|款)", "overdue"),
           (r"全部|全额|所有|一次性还清|还清|结清", "full")),
}


@dataclass(frozen=True)
class AmountFound:
    """A number (Decimal), a kind the account decides ("half", "full", "minimum", "overdue"),
    or UNCLEAR; start and end in the plain text."""

    value: Decimal | str
    start: int
    end: int


def _zh_number(text: str) -> int | None:
    """五百 500, 两千五 2500, 一万 10000, 三千五百 3500."""
    total, section, digit, last_unit = 0, 0, 0, 1
    for ch in text:
        if ch in _ZH_DIGITS:
            digit = _ZH_DIGITS[ch]
        elif ch == "万":
            total += (section + digit) * 10000
            section, digit, last_unit = 0, 0, 10000
        elif ch in _ZH_UNITS:
            section += (digit or 1) * _ZH_UNITS[ch]
            digit, last_unit = 0, _ZH_UNITS[ch]
        else:
            return None
    if digit and last_unit >= 100 and not text.endswith(("零" + str(digit),)):
        digit *= last_unit // 10  # 两千五: the five is hundreds
    return total + section + digit or None


def _number(raw: str, locale_decimal: str) -> Decimal | None:
    """The digits as a Decimal, or None when the marks read two ways."""
    raw = re.sub(r"[ \u00a0\u202f]", "", raw)
    marks = [c for c in raw if c in ".,"]
    if not marks:
        return Decimal(raw)
    if len(set(marks)) == 2:
        decimal_mark = raw.rstrip("0123456789")[-1]
        whole, _, cents = raw.rpartition(decimal_mark)
        return Decimal(whole.replace(".", "").replace(",", "") + "." + cents)
    mark = marks[0]
    head, _, tail = raw.rpartition(mark)
    if len(marks) > 1:
        return Decimal(raw.replace(mark, "")) if len(tail) == 3 else None
    if len(tail) == 3:  # 1.500: a thousand and a half, or fifteen hundred?
        return None if mark == locale_decimal else Decimal(raw.replace(mark, ""))
    if len(tail) in (1, 2):
        return Decimal(head + "." + tail)
    return None


def _currency_of(mark: str | None) -> str:
    if not mark:
        return ""
    for pattern, code in _CURRENCY_MARKS:
        if re.fullmatch(pattern, mark):
            return code
    return ""


@lru_cache(maxsize=16)
def _word_patterns(lang: str) -> list[tuple[re.Pattern[str], str]]:
    if lang == "zh":
        return [(re.compile(p), kind) for p, kind in WORDS["zh"]]
    return [(re.compile(rf"(?<!\w)(?:{p})(?!\w)"), kind) for p, kind in WORDS.get(lang, ())]


@lru_cache(maxsize=16)
def _decimal_mark(locale: str) -> str:
    return get_decimal_symbol(locale)


def find_amount(text: str, lang: str, locale: str, currency: str) -> AmountFound | None:
    """The amount a message names, in the account's currency and minor units."""
    decimal_mark = _decimal_mark(locale)
    values: list[tuple[Decimal | None, int, int]] = []
    digits = any(c.isdigit() for c in text)
    for match in _NUMBER.finditer(text) if digits else ():
        value = _number(match.group("num"), decimal_mark)
        scale = (match.group("scale") or "").rstrip(".")
        if scale.startswith("тыс") or scale.startswith("тыщ"):
            scale = "тыс"
        if value is not None and scale:
            value *= _SCALES.get(scale, 1)
        named = _currency_of(match.group("pre")) or _currency_of(match.group("post"))
        if named and named != currency and not (named == "$" and currency in _DOLLARS):
            value = None
        values.append((value, match.start(), match.end()))
    for match in _ZH_NUMBER.finditer(text) if lang == "zh" else ():
        found = _zh_number(match.group(0))
        if found:
            values.append((Decimal(found), match.start(), match.end()))
    if values:
        distinct = {v for v, _, _ in values}
        start, end = values[0][1], values[-1][2]
        if len(distinct) != 1 or None in distinct:
            return AmountFound(UNCLEAR, start, end)
        value = distinct.pop()
        assert value is not None
        try:
            exact = value > 0 and round_minor(value, currency) == value
        except (MoneyError, InvalidOperation):
            exact = False
        return AmountFound(value if exact else UNCLEAR, start, end)
    for pattern, kind in _word_patterns(lang):
        match = pattern.search(text)
        if match:
            return AmountFound(kind, match.start(), match.end())
    return None
