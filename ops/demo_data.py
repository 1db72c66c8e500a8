"""A synthetic portfolio for `debtdesk demo`: about 200 made-up accounts across every stage.

Deterministic (random.Random(42)): the same policy gives the same people, references, dates
of birth and amounts, so a demo script can be written against it. Every name, number and date
here is invented. Dates are set relative to `now`, so each stage stays populated whenever the
demo is run; the database is seeded once and left alone after that.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import phonenumbers
from babel.numbers import get_currency_precision

from debt.local_time import bank_today
from debt.money import quantum
from debt.policy import Policy, Stage
from debt.portfolio import AccountRow, parse_account_row
from store.accounts import count_accounts, get_account, upsert_accounts
from store.db import Store
from store.tokens import store_factor_rows

# The demo's own HMAC key. It protects nothing real: the demo database holds invented people
# only, and the demo alone may run without DEBTDESK_SECRET. Never use it for real accounts.
DEMO_SECRET = b"debtdesk-demo-key-for-invented-data-only"
DEMO_REF_PREFIX = "DEMO-"


def demo_db_path(policy_name: str) -> str:
    """One demo database per policy (a preset's name, or a policy file's stem): a database seeded
    in yuan never shows US fees."""
    stem = re.sub(r"[^A-Za-z0-9_-]", "_", Path(policy_name).stem) or "custom"
    return f"./debtdesk-demo-{stem}.db"
ACCOUNTS = 200

LOCALES = ("en", "zh-CN", "zh-TW", "es", "ru", "pt-BR", "id")
ZONES = {"zh-CN": "Asia/Shanghai", "zh-TW": "Asia/Taipei", "es": "Europe/Madrid", "ru": "Europe/Moscow",
         "pt-BR": "America/Sao_Paulo", "id": "Asia/Jakarta"}
NAMES = {
    "en": (("Alex", "Sam", "Jordan", "Taylor", "Morgan"), ("Smith", "Brown", "Clark", "Hughes", "Reid")),
    "zh-CN": (("伟", "芳", "娜", "敏", "静"), ("王", "李", "张", "刘", "陈")),
    "zh-TW": (("怡君", "家豪", "淑芬", "志明", "雅婷"), ("林", "黃", "吳", "蔡", "許")),
    "es": (("Lucía", "Mateo", "Sofía", "Hugo", "Elena"), ("García", "López", "Martín", "Ruiz", "Díaz")),
    "ru": (("Анна", "Иван", "Ольга", "Дмитрий", "Мария"),
           ("Иванова", "Петров", "Смирнова", "Козлов", "Орлова")),
    "pt-BR": (("Ana", "João", "Beatriz", "Pedro", "Larissa"),
              ("Silva", "Santos", "Oliveira", "Souza", "Lima")),
    "id": (("Putri", "Budi", "Siti", "Agus", "Dewi"), ("Wijaya", "Santoso", "Hidayat", "Pratama", "Lestari")),
}
LIMITS = {"CNY": (5000, 10000, 20000, 50000, 80000), "RUB": (30000, 50000, 100000, 150000, 300000),
          "IDR": (2000000, 5000000, 10000000, 20000000, 40000000)}
DEFAULT_LIMITS = (1000, 2500, 5000, 8000, 12000)  # USD, GBP, BRL and the like
MINIMUM_FLOOR = {"RUB": Decimal(500), "IDR": Decimal(50000)}  # else 25
PAYMENT_SCALE = {"RUB": 50, "IDR": 10000}  # last payments of 50-500 units times this
# Where the policy's country speaks one of ours, most of its people speak it, across its zones
# (the contact hours are the debtor's local time).
LOCAL = {
    "RU": ("ru", ("Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Novosibirsk",
                  "Asia/Vladivostok")),
    "ID": ("id", ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")),
    "BR": ("pt-BR", ("America/Sao_Paulo", "America/Manaus", "America/Recife")),
}


def demo_language(policy: Policy) -> str:
    """The Telegram app language of the demo's person: the country's own where the demo's people
    mostly speak it (LOCAL), else none (English until an account's language is known)."""
    return LOCAL.get(policy.country, ("",))[0]


@dataclass(frozen=True)
class DemoIdentity:
    """What a person types in the demo to prove they are this invented debtor."""

    account_ref: str
    date_of_birth: date
    id_last4: str
    stage: str
    locale: str
    phone: str  # E.164, in the policy's country: `/phone` with it signs in too


def _money(value: Decimal, currency: str) -> str:
    """In the currency's minor units; whole where cash has no cents (IDR)."""
    step = Decimal(1) if get_currency_precision(currency) == 0 else quantum(currency)
    return str(value.quantize(step, rounding=ROUND_HALF_UP))


def _phone(rng: random.Random, region: str) -> str:
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    base = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
    for _ in range(50):
        candidate = base[:-4] + f"{rng.randrange(10_000):04d}"
        if phonenumbers.is_valid_number(phonenumbers.parse(candidate)):
            return candidate
    return base


def _name(rng: random.Random, locale: str) -> str:
    given, family = NAMES[locale]
    first, last = rng.choice(given), rng.choice(family)
    return f"{last}{first}" if locale.startswith("zh") else f"{first} {last}"


def _dpd(rng: random.Random, stage: Stage) -> int:
    return rng.randint(stage.min_dpd, stage.max_dpd if stage.max_dpd is not None else stage.min_dpd + 240)


def _fees(policy: Policy, minimum: Decimal, cycles: int) -> Decimal:
    if cycles == 0:
        return Decimal(0)
    fee = policy.fee
    most = fee.most if fee.most is not None else Decimal("Infinity")
    if fee.kind == "percent_of_minimum":
        return min(minimum * fee.rate, most) * cycles
    return min(fee.first, most) + min(fee.repeat, most) * (cycles - 1)


def _balances(rng: random.Random, policy: Policy, dpd: int, product: str) -> dict[str, str]:
    cur = policy.currency
    limit = Decimal(rng.choice(LIMITS.get(cur, DEFAULT_LIMITS)))
    balance = limit * Decimal(rng.randint(30, 100)) / 100
    minimum = max(balance * Decimal("0.05"), MINIMUM_FLOOR.get(cur, Decimal(25)))
    cycles = -(-dpd // 30)  # due dates missed
    overdue = min(balance, minimum * cycles)
    fees = _fees(policy, minimum, cycles)
    interest = overdue * policy.interest.daily_rate * dpd
    return {
        "credit_limit": _money(limit if product == "card" else Decimal(0), cur),
        "balance": _money(balance + fees + interest, cur),
        "minimum_due": _money(minimum + overdue, cur),
        "overdue_amount": _money(overdue, cur),
        "fees_charged": _money(fees, cur),
        "interest_charged": _money(interest, cur),
    }


def _locale_and_zone(rng: random.Random, policy: Policy) -> tuple[str, str]:
    if policy.country in LOCAL:
        local, zones = LOCAL[policy.country]
        locale = local if rng.random() < 0.8 else rng.choice(LOCALES)
        zone = rng.choice(zones) if locale == local else ZONES.get(locale, policy.contact.default_timezone)
        return locale, zone
    locale = rng.choices(LOCALES, weights=(3, 3, 1, 1, 1, 1, 1))[0]
    return locale, ZONES.get(locale, policy.contact.default_timezone)


def _row(rng: random.Random, policy: Policy, number: int, stage: Stage, today: date) -> dict[str, str]:
    locale, zone = _locale_and_zone(rng, policy)
    dpd = _dpd(rng, stage)
    product = "card" if rng.random() < 0.8 else "loan"
    paid = today - timedelta(days=dpd + rng.randint(5, 40))
    row = {
        "account_ref": f"{DEMO_REF_PREFIX}{number:04d}",
        "customer_name": _name(rng, locale),
        "date_of_birth": date(rng.randint(1955, 2003), rng.randint(1, 12), rng.randint(1, 28)).isoformat(),
        "national_id_last4": f"{rng.randrange(10_000):04d}",
        "phone": _phone(rng, policy.country),
        "locale": locale,
        "timezone": zone,
        "currency": policy.currency,
        "product": product,
        **_balances(rng, policy, dpd, product),
        "oldest_due_date": (today - timedelta(days=dpd)).isoformat() if dpd else "",
        # the next due date: within the month when up to date, else a 30-day cycle after the oldest
        "payment_due_date": (today + timedelta(days=30 - dpd % 30 if dpd else 1 + number % 28)).isoformat(),
        "last_payment_date": paid.isoformat(),
        "last_payment_amount": _money(Decimal(rng.randint(50, 500) * PAYMENT_SCALE.get(policy.currency, 1)),
                                      policy.currency),
        "status": "disputed" if number % 37 == 0 else "open",
    }
    return row


def demo_rows(policy: Policy, today: date) -> list[AccountRow]:
    """The portfolio: stages in turn, so each holds about the same number of accounts."""
    rng = random.Random(42)
    return [parse_account_row(_row(rng, policy, i + 1, policy.stages[i % len(policy.stages)], today))
            for i in range(ACCOUNTS)]


async def seed_demo(store: Store, secret: bytes, policy: Policy, now: datetime) -> list[DemoIdentity]:
    """Seed the demo database once; the identities to try, one open account per stage."""
    today = bank_today(policy, now)
    rows = demo_rows(policy, today)
    async with store.unit() as db:
        if await count_accounts(db) == 0:
            await upsert_accounts(db, rows, now)
            await store_factor_rows(db, secret, rows)
    picks: dict[str, AccountRow] = {}
    for row in rows:
        stage = policy.stage_for(row.account.days_past_due(today)).name
        if row.account.status == "open":
            picks.setdefault(stage, row)
    identities = []
    async with store.read() as db:
        for stage in policy.stages:
            row = picks.get(stage.name)
            record = await get_account(db, row.account_ref) if row else None
            if record is None:  # seeded by an older demo: offer only what is really there
                continue
            now_stage = policy.stage_for(record.account.days_past_due(today)).name
            identities.append(DemoIdentity(row.account_ref, row.date_of_birth, row.national_id_last4,
                                           now_stage, record.account.locale, row.phone))
    return identities


async def prepare_demo_db(path: str, policy: Policy, reset: bool) -> str | None:
    """Make `path` ready for a demo under `policy`: deleted first on --reset, never when it holds
    anything but demo accounts. The reason it cannot be used, or None."""
    store = await Store.open(path)  # a database from a newer debtdesk raises SchemaTooNew here
    try:
        async with store.read() as db:
            accounts = await count_accounts(db)
            first = await get_account(db, f"{DEMO_REF_PREFIX}0001")
    finally:
        await store.close()
    if accounts and first is None:
        return f"{path} holds accounts that are not the demo's: name another --db"
    if reset and accounts:
        for suffix in ("", "-wal", "-shm"):
            Path(path + suffix).unlink(missing_ok=True)
    elif first is not None and first.account.currency != policy.currency:
        return (f"{path} was seeded for accounts in {first.account.currency}, not this policy's "
                f"{policy.currency}: add --reset to seed it afresh, or name another --db")
    return None
