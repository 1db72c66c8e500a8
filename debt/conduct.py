"""The conduct rules a policy may add to its [contact] table, and who the lender is.

- `[contact.hours]`: the hours unprompted messages may go, by kind of day: `working_day`,
  `weekend`, `holiday` (a public holiday of the policy's country, from the `holidays` package,
  with `contact.holiday_subdivision` where set) and, overriding the weekday's kind, `mon` ...
  `sun`; each "HH:MM-HH:MM" or "closed". `contact.weekend_days` names the weekend (sat, sun).
  Without the table every day has the [contact] start-end window and holidays play no part.
- `contact.daily_cap`, `weekly_cap`, `monthly_cap`: unprompted messages of any kind in the last
  1, 7 and 31 days (rolling, so never more than a calendar day, week or month would allow).
- `[lender]`: the name and phone (and an identifier such as a CNPJ) every unprompted message
  carries.
- `[charges] cap_share_of_principal`: fees, interest and penalties together never above this
  share of the principal, for the products listed.

Pure data and parsing; the decisions are debt.contact_rules' and debt.charge_cap's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from functools import cache

import holidays

from debt.policy_reader import PolicyError, _Reader

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_KINDS = ("working_day", "weekend", "holiday")
CLOSED = "closed"


@dataclass(frozen=True)
class Window:
    start: time
    end: time

    def holds(self, moment: time) -> bool:
        return self.start <= moment < self.end


@dataclass(frozen=True)
class DayHours:
    """The window of each kind of day; None: no unprompted message that day."""

    working_day: Window | None
    weekend: Window | None
    holiday: Window | None
    by_weekday: dict[int, Window | None] = field(default_factory=dict)  # 0 = Monday
    weekend_days: frozenset[int] = frozenset({5, 6})
    country: str = ""
    subdivision: str | None = None

    def is_holiday(self, day: date) -> bool:
        return bool(self.country) and day in _calendar(self.country, self.subdivision)

    def window_on(self, day: date) -> Window | None:
        if self.is_holiday(day):
            return self.holiday
        weekday = day.weekday()
        if weekday in self.by_weekday:
            return self.by_weekday[weekday]
        return self.weekend if weekday in self.weekend_days else self.working_day


@cache
def _calendar(country: str, subdivision: str | None) -> holidays.HolidayBase:
    return holidays.country_holidays(country, subdiv=subdivision)


@dataclass(frozen=True)
class Lender:
    name: str
    phone: str
    id_label: str = ""  # e.g. CNPJ (Brazil's consumer code, art. 42-A)
    id_number: str = ""


@dataclass(frozen=True)
class ChargeCap:
    share: Decimal  # of the principal: 1.3 is 130%
    products: tuple[str, ...]  # empty: every product


def _window(r: _Reader, key: str) -> Window | None:
    text = r.get(key, str)
    if text.strip().lower() == CLOSED:
        return None
    try:
        start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
    except ValueError:
        raise r.fail(key, 'must be hours like "08:00-20:00", or "closed"') from None
    if start >= end:
        raise r.fail(key, "the end must be after the start")
    return Window(start, end)


def parse_hours(contact: _Reader, country: str) -> DayHours | None:
    table = contact.table.get("hours")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise contact.fail("hours", "must be a table")
    h = _Reader(contact.source, table, f"{contact.prefix}hours.")
    for key in table:
        if key not in DAY_KINDS and key not in WEEKDAYS:
            raise h.fail(key, f"unknown kind of day; known: {', '.join(DAY_KINDS + WEEKDAYS)}")
    weekend = contact.get("weekend_days", list, ["sat", "sun"])
    if any(day not in WEEKDAYS for day in weekend):
        raise contact.fail("weekend_days", f"days are {', '.join(WEEKDAYS)}")
    subdivision = contact.get("holiday_subdivision", str, "") or None
    try:
        _calendar(country, subdivision)
    except NotImplementedError:
        raise PolicyError(contact.source, "country", f"{country!r} has no public holidays in the holidays "
                          "package; use an ISO 3166 code such as RU, ID or BR") from None
    return DayHours(
        working_day=_window(h, "working_day"),
        weekend=_window(h, "weekend"),
        holiday=_window(h, "holiday"),
        by_weekday={WEEKDAYS.index(k): _window(h, k) for k in table if k in WEEKDAYS},
        weekend_days=frozenset(WEEKDAYS.index(day) for day in weekend),
        country=country,
        subdivision=subdivision,
    )


def parse_lender(r: _Reader) -> Lender | None:
    table = r.table.get("lender")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise r.fail("lender", "must be a table")
    lender = _Reader(r.source, table, "lender.")
    found = Lender(lender.get("name", str), lender.get("phone", str), lender.get("id_label", str, ""),
                   lender.get("id_number", str, ""))
    if not found.name.strip() or not found.phone.strip():
        raise lender.fail("name", "the lender's name and phone must not be empty")
    if bool(found.id_label) != bool(found.id_number):
        raise lender.fail("id_number", "id_label and id_number go together")
    return found


def parse_charge_cap(r: _Reader, products: tuple[str, ...]) -> ChargeCap | None:
    table = r.table.get("charges")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise r.fail("charges", "must be a table")
    c = _Reader(r.source, table, "charges.")
    share = c.decimal("cap_share_of_principal", high=Decimal(100))
    applies = tuple(c.get("products", list, []))
    for product in applies:
        if product not in products:
            raise c.fail("products", f"unknown product {product!r}; known: {', '.join(products)}")
    return ChargeCap(share, applies)
