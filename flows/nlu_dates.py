"""Days and times of day in a typed message, in the message's language, relative to the
debtor's local today: "next Friday", "下周五", "el 15", "15 декабря", "15/12", "besok".

A date that could be read two ways (03/04) or that no calendar has (31 February) is reported
as unclear, never guessed. Pure: the caller passes today.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from flows.nlu_calendar import (
    DAY_OF_MONTH,
    HOUR,
    IN_A_WEEK,
    IN_DAYS,
    MONTH_END,
    MONTHS,
    NEXT_AFTER,
    NEXT_BEFORE,
    ON,
    RELATIVE,
    THIS_AFTER,
    THIS_BEFORE,
    WEEKDAYS,
    WINDOW_WORDS,
)
from flows.nlu_text import blank

UNCLEAR = "unclear"  # a slot seen but not readable one way only: asked for, never guessed


@dataclass(frozen=True)
class Found:
    """What a reader found, and where in the plain text (so that no other reader reads it too)."""

    value: date | str | None  # None: seen, but unclear
    start: int
    end: int


_ZH_DAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": 5,
           "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}


def _b(pattern: str) -> str:
    """A word pattern with word edges (Chinese has none)."""
    return rf"(?<![\w])(?:{pattern})(?![\w])"


@lru_cache(maxsize=16)
def _compiled(lang: str) -> dict[str, re.Pattern[str] | list[tuple[re.Pattern[str], int]]]:
    zh = lang == "zh"
    edge = (lambda p: f"(?:{p})") if zh else _b
    found: dict = {
        "relative": [(re.compile(edge(p)), n) for p, n in RELATIVE.get(lang, ())],
        "in_days": re.compile(edge(IN_DAYS[lang])) if lang in IN_DAYS else None,
        "week": re.compile(edge(IN_A_WEEK[lang])) if lang in IN_A_WEEK else None,
        "month_end": re.compile(edge(MONTH_END[lang])) if lang in MONTH_END else None,
        "dom": re.compile(DAY_OF_MONTH[lang]) if lang in DAY_OF_MONTH else None,
    }
    if zh:
        found["weekday"] = re.compile(
            r"(下下|下|这|本|这个|下个)?(?:个)?(?:周|星期|礼拜)([一二三四五六日天末1-7])")
        found["months"] = [re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})(?:日|号)?")]
    else:
        days = "|".join(f"(?P<d{i}>{p})" for i, p in enumerate(WEEKDAYS[lang]))
        before = "|".join(filter(None, (f"(?P<next>{NEXT_BEFORE[lang]})" if NEXT_BEFORE[lang] else "",
                                        f"(?P<this>{THIS_BEFORE[lang]})" if THIS_BEFORE[lang] else "")))
        after = "|".join(filter(None, (f"(?P<nexta>{NEXT_AFTER[lang]})" if NEXT_AFTER[lang] else "",
                                       f"(?P<thisa>{THIS_AFTER[lang]})" if THIS_AFTER[lang] else "")))
        pattern = ON[lang] + (f"(?:(?:{before}) )?" if before else "") + f"(?:{days})" + \
            (f"(?: (?:{after}))?" if after else "")
        found["weekday"] = re.compile(_b(pattern))
        months = "|".join(f"(?P<m{i}>{p})" for i, p in enumerate(MONTHS[lang]))
        of = {"es": r" de", "pt": r" de", "en": r"(?:st|nd|rd|th)?(?: of)?"}.get(lang, "")
        year = r"(?:,? (?:de )?(?P<y>\d{4}))?"
        forms = [rf"(?P<a>\d{{1,2}}){of} (?:{months}){year}"]
        if lang == "en":
            forms.append(rf"(?:{months}) (?P<b>\d{{1,2}})(?:st|nd|rd|th)?{year}")
        found["months"] = [re.compile(_b(f)) for f in forms]
    seps = "/" if lang in ("en", "zh") else "[/.]"
    found["numeric"] = re.compile(
        rf"(?<![\d.,/])(\d{{1,2}}){seps}(\d{{1,2}})(?:{seps}(\d{{4}}|\d{{2}}))?(?![\d/]|[.,]\d)")
    found["iso"] = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
    return found


def _on_or_after(today: date, month: int, day: int, year: int | None = None) -> date | None:
    """The day with that month and day, this year or the next (whichever is not past)."""
    for y in ((year,) if year else (today.year, today.year + 1)):
        try:
            found = date(y, month, day)
        except ValueError:
            return None
        if year or found >= today:
            return found
    return None


def _day_of_month(today: date, day: int) -> date | None:
    """The 15th: of this month if it has not passed, else of the next; a day the month lacks is unclear."""
    year, month = today.year, today.month
    if day < today.day:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return date(year, month, day)


def _weekday(today: date, wd: int, which: str) -> date | None:
    """Plain: the next such day (today's own weekday is unclear: today, or in a week?); next:
    that day of the next week (weeks start on Monday); this: of this week."""
    if which == "next":
        return today + timedelta(days=7 - today.weekday() + wd)
    if which == "after_next":
        return today + timedelta(days=14 - today.weekday() + wd)
    if which == "this":
        return today + timedelta(days=wd - today.weekday())
    ahead = (wd - today.weekday()) % 7
    return None if ahead == 0 else today + timedelta(days=ahead)


def _numeric(today: date, a: int, b: int, year: str | None) -> date | None:
    """15/12, 12/15 or 15.12(.2026): only a reading that just one order allows."""
    full = None
    if year:
        full = int(year) + (2000 if len(year) == 2 else 0)
    readings = {r for r in ((a, b), (b, a)) if 1 <= r[1] <= 12 and 1 <= r[0] <= 31}
    found = {_on_or_after(today, m, d, full) for d, m in readings} - {None}
    return found.pop() if len(found) == 1 else None


def find_date(text: str, lang: str, today: date) -> Found | None:
    """The first date the message names, with its span; value None when it is unclear."""
    c = _compiled(lang)
    for key, pattern in (("iso", c["iso"]), ("numeric", c["numeric"]), *(("month", m) for m in c["months"]),
                         ("weekday", c["weekday"]), ("dom", c["dom"])):
        match = pattern.search(text) if pattern is not None else None
        if match:
            return Found(_read(key, match, lang, today), match.start(), match.end())
    for pattern, days in c["relative"]:
        match = pattern.search(text)
        if match:
            return Found(today + timedelta(days=days), match.start(), match.end())
    match = c["in_days"].search(text) if c["in_days"] else None
    if match:
        n = int(next(g for g in match.groups() if g))
        return Found(today + timedelta(days=n), match.start(), match.end())
    match = c["week"].search(text) if c["week"] else None
    if match:
        return Found(today + timedelta(days=7), match.start(), match.end())
    match = c["month_end"].search(text) if c["month_end"] else None
    if match:
        last = calendar.monthrange(today.year, today.month)[1]
        return Found(today.replace(day=last), match.start(), match.end())
    return None


def _read(key: str, match: re.Match[str], lang: str, today: date) -> date | None:
    if key == "iso":
        try:
            return date(*(int(g) for g in match.groups()))
        except ValueError:
            return None
    if key == "numeric":
        return _numeric(today, int(match.group(1)), int(match.group(2)), match.group(3))
    if key == "dom":
        return _day_of_month(today, int(next(g for g in match.groups() if g)))
    if lang == "zh":
        if key == "month":
            year, month, day = match.groups()
            return _on_or_after(today, int(month), int(day), int(year) if year else None)
        which = {"下": "next", "下个": "next", "下下": "after_next", "这": "this", "本": "this",
                 "这个": "this"}.get(match.group(1) or "", "")
        return _weekday(today, _ZH_DAY[match.group(2)], which)
    groups = match.groupdict()
    if key == "month":
        month = next(int(k[1:]) for k, v in groups.items() if k.startswith("m") and v) + 1
        day = int(groups.get("a") or groups.get("b") or 0)
        return _on_or_after(today, month, day, int(groups["y"]) if groups.get("y") else None)
    wd = next(int(k[1:]) for k, v in groups.items() if k[0] == "d" and k[1:].isdigit() and v)
    which = "next" if groups.get("next") or groups.get("nexta") else (
        "this" if groups.get("this") or groups.get("thisa") else "")
    return _weekday(today, wd, which)


@lru_cache(maxsize=16)
def _window_patterns(lang: str) -> tuple[list[tuple[re.Pattern[str], str]], re.Pattern[str], tuple[str, ...]]:
    edge = (lambda p: f"(?:{p})") if lang == "zh" else _b
    words = [(re.compile(edge(p)), w) for p, w in WINDOW_WORDS.get(lang, ())]
    hour, pm = HOUR.get(lang, HOUR["en"])
    return words, re.compile(hour), pm


def window_of_hour(hour: int, marker: str, pm_words: tuple[str, ...]) -> str | None:
    """A clock hour as a call-back window; 1 to 7 with no am/pm marker is the afternoon or evening."""
    if marker.strip() in pm_words and hour < 12:
        hour += 12
    elif marker.strip() in ("am", "a.m.") and hour == 12:
        hour = 0
    elif not marker.strip() or marker.strip() not in ("am", "a.m."):
        hour = hour + 12 if 1 <= hour <= 7 else hour
    if 7 <= hour < 12:
        return "morning"
    if 12 <= hour < 17:
        return "afternoon"
    if 17 <= hour <= 22:
        return "evening"
    return None


def find_window(text: str, lang: str) -> Found | None:
    """The time of day a call-back is asked for: a word ("evening", "下午") or an hour ("after 6")."""
    words, hour, pm = _window_patterns(lang)
    for pattern, window in words:
        match = pattern.search(text)
        if match:
            return Found(window, match.start(), match.end())
    match = hour.search(text)
    if match:
        groups = [g for g in match.groups() if g is not None]
        number = next((g for g in groups if g.isdigit()), None)
        if number is not None:
            marker = next((g for g in groups if not g.isdigit()), "")
            return Found(window_of_hour(int(number), marker, pm), match.start(), match.end())
    return None


def take(text: str, found: Found | None) -> str:
    """The text without what was found, so that its digits are not read as an amount."""
    return blank(text, found.start, found.end) if found else text
