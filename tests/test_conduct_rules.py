"""Issue 16: the conduct rules of the ru, id and br presets, worked by hand from the law.

Contact windows by kind of day in the debtor's local time (230-FZ art. 7 part 3; POJK 22/2023
art. 62(2)(f); FEBRABAN's daytime hours), the message caps over every kind (230-FZ art. 7 part 5:
2 a day, 4 a week, 16 a month), and when the next message may go.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from debt.contact_rules import counts, inside_hours, may_contact, next_allowed
from debt.local_time import debtor_zone
from debt.policy import PolicyError, load_policy, parse_policy

RU, ID, BR = load_policy("ru"), load_policy("id"), load_policy("br")
MOSCOW = debtor_zone("Europe/Moscow", "UTC")


def local(zone: str, stamp: str) -> datetime:
    return datetime.fromisoformat(stamp).replace(tzinfo=debtor_zone(zone, "UTC"))


# (policy, zone, local time, may a message go, why)
WINDOWS = [
    # Russia: working days 08:00-22:00; weekends and holidays 09:00-20:00 (230-FZ art. 7 part 3)
    (RU, "Europe/Moscow", "2026-03-04 07:59", False, "a Wednesday before 08:00"),
    (RU, "Europe/Moscow", "2026-03-04 08:00", True, "a Wednesday at 08:00"),
    (RU, "Europe/Moscow", "2026-03-04 21:59", True, "a Wednesday before 22:00"),
    (RU, "Europe/Moscow", "2026-03-04 22:00", False, "a Wednesday at 22:00"),
    (RU, "Europe/Moscow", "2026-03-07 08:30", False, "a Saturday before 09:00"),
    (RU, "Europe/Moscow", "2026-03-07 09:00", True, "a Saturday at 09:00"),
    (RU, "Europe/Moscow", "2026-03-07 20:00", False, "a Saturday at 20:00"),
    (RU, "Europe/Moscow", "2026-01-05 08:30", False, "Monday 5 January, a New Year holiday, before 09:00"),
    (RU, "Europe/Moscow", "2026-01-05 09:00", True, "Monday 5 January at 09:00"),
    (RU, "Europe/Moscow", "2026-01-05 20:30", False, "Monday 5 January after 20:00"),
    (RU, "Europe/Moscow", "2026-01-12 08:30", True, "Monday 12 January, a working day again"),
    (RU, "Asia/Vladivostok", "2026-03-04 07:30", False, "07:30 in Vladivostok (00:30 in Moscow)"),
    (RU, "Asia/Vladivostok", "2026-03-04 21:30", True, "21:30 in Vladivostok (14:30 in Moscow)"),
    # Indonesia: Monday to Saturday 08:00-20:00, never on national holidays (POJK 22/2023)
    (ID, "Asia/Jakarta", "2026-03-04 07:59", False, "a Wednesday before 08:00"),
    (ID, "Asia/Jakarta", "2026-03-04 08:00", True, "a Wednesday at 08:00"),
    (ID, "Asia/Jakarta", "2026-03-04 20:00", False, "a Wednesday at 20:00"),
    (ID, "Asia/Jakarta", "2026-03-07 10:00", True, "a Saturday at 10:00"),
    (ID, "Asia/Jakarta", "2026-03-07 20:00", False, "a Saturday at 20:00"),
    (ID, "Asia/Jakarta", "2026-03-08 10:00", False, "a Sunday"),
    (ID, "Asia/Jakarta", "2026-08-17 10:00", False, "Monday 17 August, Independence Day"),
    (ID, "Asia/Jayapura", "2026-03-04 19:30", True, "19:30 in Jayapura (17:30 in Jakarta)"),
    (ID, "Asia/Jayapura", "2026-03-04 20:30", False, "20:30 in Jayapura (18:30 in Jakarta)"),
    # Brazil: 08:00-20:00 on working days, 08:00-14:00 on Saturdays, none on Sundays and holidays
    (BR, "America/Sao_Paulo", "2026-03-04 07:59", False, "a Wednesday before 08:00"),
    (BR, "America/Sao_Paulo", "2026-03-04 19:59", True, "a Wednesday before 20:00"),
    (BR, "America/Sao_Paulo", "2026-03-04 20:00", False, "a Wednesday at 20:00"),
    (BR, "America/Sao_Paulo", "2026-03-07 13:59", True, "a Saturday before 14:00"),
    (BR, "America/Sao_Paulo", "2026-03-07 14:00", False, "a Saturday at 14:00"),
    (BR, "America/Sao_Paulo", "2026-03-08 10:00", False, "a Sunday"),
    (BR, "America/Sao_Paulo", "2026-04-21 10:00", False, "Tuesday 21 April, Tiradentes"),
    (BR, "America/Sao_Paulo", "2026-04-22 10:00", True, "the Wednesday after Tiradentes"),
]


@pytest.mark.parametrize(("policy", "zone", "stamp", "allowed", "why"), WINDOWS,
                         ids=[f"{w[0].name}: {w[4]}" for w in WINDOWS])
def test_the_contact_window_of_each_kind_of_day_in_the_debtors_time(policy, zone, stamp, allowed, why):
    at = local(zone, stamp)
    assert inside_hours(at, policy.contact) is allowed
    assert may_contact(at.astimezone(UTC), debtor_zone(zone, "UTC"), policy.contact, False, []) is allowed


def moscow(day: int, hour: int, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=MOSCOW).astimezone(UTC)


def test_ru_refuses_the_third_message_of_a_day_and_says_when_the_next_may_go():
    sent = [moscow(2, 10), moscow(2, 12)]  # Monday 2 March, 10:00 and 12:00
    now = moscow(2, 14)
    assert counts(sent, now, RU.contact) == {1: 2, 7: 2, 31: 2}
    assert not may_contact(now, MOSCOW, RU.contact, False, sent)
    # a message counts for a day from when it went: the first frees a place on Tuesday at 10:00
    assert next_allowed(now, MOSCOW, RU.contact, sent) == moscow(3, 10)
    assert may_contact(moscow(3, 10), MOSCOW, RU.contact, False, sent)


def test_ru_refuses_the_fifth_message_of_a_week():
    sent = [moscow(day, 10) for day in (2, 3, 4, 5)]  # Monday to Thursday, one a day
    now = moscow(6, 11)  # Friday: one in the last day, four in the week
    assert counts(sent, now, RU.contact) == {1: 0, 7: 4, 31: 4}
    assert not may_contact(now, MOSCOW, RU.contact, False, sent)
    # Monday's message leaves the week on the next Monday at 10:00, a working day
    assert next_allowed(now, MOSCOW, RU.contact, sent) == moscow(9, 10)


def test_ru_refuses_the_seventeenth_message_of_a_month():
    days = [1, 2, 3, 4, 8, 9, 10, 11, 15, 16, 17, 18, 22, 23, 24, 25]  # 4 a week, 16 in all
    sent = [moscow(day, 10) for day in days]
    now = moscow(29, 12)  # a Sunday: 3 in the last week, 16 in the last 31 days
    assert counts(sent, now, RU.contact) == {1: 0, 7: 3, 31: 16}
    assert not may_contact(now, MOSCOW, RU.contact, False, sent)
    # 1 March's message counts until 1 April 10:00 (31 days), a Wednesday
    assert next_allowed(now, MOSCOW, RU.contact, sent) == moscow(1, 10, month=4)


def test_a_cap_free_at_night_waits_for_the_morning_window():
    sent = [moscow(2, 21), moscow(2, 21) + timedelta(minutes=30)]  # Monday 21:00 and 21:30
    now = moscow(2, 21) + timedelta(minutes=40)
    # the day cap frees at Tuesday 21:00, inside the working day's window
    assert next_allowed(now, MOSCOW, RU.contact, sent) == moscow(3, 21)
    # on a Friday evening it frees at Saturday 21:00, after the weekend window: Sunday 09:00
    friday = [moscow(6, 21), moscow(6, 21) + timedelta(minutes=30)]
    assert next_allowed(moscow(6, 22), MOSCOW, RU.contact, friday) == moscow(8, 9)


def test_the_next_allowed_time_skips_a_closed_sunday_and_holiday_in_brazil():
    zone = debtor_zone("America/Sao_Paulo", "UTC")
    saturday_evening = datetime(2026, 4, 18, 15, tzinfo=zone)  # Saturday after 14:00
    # Sunday closed, Monday 20 April open at 08:00 (Tiradentes is the Tuesday)
    assert next_allowed(saturday_evening, zone, BR.contact, []) == datetime(2026, 4, 20, 8, tzinfo=zone)
    monday_night = datetime(2026, 4, 20, 21, tzinfo=zone)
    assert next_allowed(monday_night, zone, BR.contact, []) == datetime(2026, 4, 22, 8, tzinfo=zone)


def test_old_policies_keep_one_window_every_day_and_the_weekly_cap_alone():
    cn = load_policy("cn")
    zone = debtor_zone("Asia/Shanghai", "UTC")
    national_day = datetime(2026, 10, 1, 9, tzinfo=zone)  # a holiday in China, but cn names none
    assert inside_hours(national_day, cn.contact)
    assert cn.contact.caps() == ((3, 7),)
    assert may_contact(national_day, zone, cn.contact, False, 2)
    assert not may_contact(national_day, zone, cn.contact, False, 3)


def _policy_with(**contact: object) -> dict:
    import tomllib
    from importlib import resources

    data = tomllib.loads(resources.files("debt.presets").joinpath("br.toml").read_text("utf-8"))
    data["contact"].update(contact)
    return data


@pytest.mark.parametrize(("change", "key"), [
    ({"hours": {"working_day": "20:00-08:00"}}, "contact.hours.working_day"),
    ({"hours": {"working_day": "8 to 20"}}, "contact.hours.working_day"),
    ({"hours": {"friday": "closed"}}, "contact.hours.friday"),
    ({"weekend_days": ["saturday"]}, "contact.weekend_days"),
    ({"daily_cap": -1}, "contact.daily_cap"),
])
def test_a_bad_conduct_rule_is_named_with_its_key(change, key):
    with pytest.raises(PolicyError) as caught:
        parse_policy(_policy_with(**change), "bank.toml")
    assert caught.value.key == key


def test_a_country_without_holidays_in_the_package_is_refused():
    data = _policy_with()
    data["country"] = "XX"
    with pytest.raises(PolicyError, match="holidays"):
        parse_policy(data, "bank.toml")
