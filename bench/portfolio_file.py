"""A generated portfolio file the size of a real bank's: deterministic, valid row for row.

Every row passes `debt.portfolio.parse_account_row`, so an import measures the work of a good
file, not of error reporting. About one account in five is current; the rest are overdue by
1 to 400 days before REFERENCE_DAY.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from debt.portfolio import ACCOUNT_COLUMNS

REFERENCE_DAY = date(2026, 3, 1)
PAYMENTS_DAY = date(2026, 3, 20)  # the payments file's import day (bench.import_bench)
_LOCALES = (("en-GB", "Europe/London"), ("zh-CN", "Asia/Shanghai"), ("es", "Europe/Madrid"),
            ("ru", "Europe/Moscow"), ("pt-BR", "America/Sao_Paulo"), ("id", "Asia/Jakarta"))


def account_ref(n: int) -> str:
    return f"BN-{n:08d}"


def _money(cents: int) -> str:
    """Whole cents as "123.45": integers all the way, so no float ever touches an amount."""
    return f"{cents // 100}.{cents % 100:02d}"


def _row(rng: random.Random, n: int) -> str:
    locale, zone = _LOCALES[n % len(_LOCALES)]
    limit = rng.choice((1000, 2000, 5000, 10000, 20000))
    balance = rng.randint(10_000, limit * 100)  # cents
    minimum = balance * 5 // 100
    overdue_days = 0 if rng.random() < 0.2 else rng.randint(1, 400)
    overdue = min(minimum * (1 + overdue_days // 30), balance) if overdue_days else 0
    oldest = (REFERENCE_DAY - timedelta(days=overdue_days)).isoformat() if overdue_days else ""
    born = date(1950, 1, 1) + timedelta(days=rng.randint(0, 18000))
    values = (
        account_ref(n), f"Customer {n}", born.isoformat(), f"{n % 10000:04d}",
        f"+447400{n % 1_000_000:06d}", locale, zone, "GBP", "card" if n % 4 else "loan", str(limit),
        _money(balance), _money(minimum), _money(overdue), oldest, _money(1200 * (overdue_days // 30)),
        "0.00", "", "", "disputed" if n % 97 == 0 else "open",
    )
    return ",".join(values)


def write_portfolio(path: Path, rows: int, seed: int = 20260301) -> Path:
    """Write `rows` accounts to path (a header first) and return the path."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(ACCOUNT_COLUMNS) + "\n")
        chunk: list[str] = []
        for n in range(1, rows + 1):
            chunk.append(_row(rng, n))
            if len(chunk) == 10_000:
                fh.write("\n".join(chunk) + "\n")
                chunk = []
        if chunk:
            fh.write("\n".join(chunk) + "\n")
    return path


def write_payments(path: Path, payments: int, accounts: int, seed: int = 20260320) -> Path:
    """Write `payments` payments to accounts of write_portfolio's file (a header first), each dated
    after the portfolio's as-of day and on or before PAYMENTS_DAY, so every one is applied."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("payment_id,account_ref,amount,currency,paid_at\n")
        for n in range(1, payments + 1):
            day = REFERENCE_DAY + timedelta(days=rng.randint(1, (PAYMENTS_DAY - REFERENCE_DAY).days))
            ref, cents = account_ref(rng.randint(1, accounts)), rng.randint(100, 5000)
            fh.write(f"PAY-{n:09d},{ref},{_money(cents)},GBP,{day.isoformat()}\n")
    return path
