"""`debtdesk check`: what a bank's operator runs before the first start, and after changing a
setting. One line a check, `<check>: ok: ...` or `<check>: problem: <why>`; exit status 1 when
any check has a problem, so a deploy script can stop there.

It reads the settings and the policy, opens the database as the bot would (an older schema is
brought up to date, as `run` would; a missing file is not created), compiles the catalogs as
the bot will, and asks the Bot API who the token belongs to (getMe, which changes nothing). It
prints no secret, and a failed check does not stop the others, unless they need what it could
not give (the settings).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from telegram import Bot
from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.catalog_check import check_all
from bot.config import Config, ConfigError, load_config
from bot.i18n import locales_dir
from bot.serve import unreachable_message
from debt.conduct import WEEKDAYS, Window
from debt.policy import Policy
from store.accounts import count_accounts
from store.db import SchemaTooNew, Store, is_postgresql, shown
from store.db_errors import DatabaseError


@dataclass(frozen=True)
class Line:
    check: str
    ok: bool
    detail: str

    def __str__(self) -> str:
        return f"{self.check}: {'ok' if self.ok else 'problem'}: {self.detail}"


def check_settings(path: str | None) -> tuple[Line, Config | None]:
    try:
        config = load_config(path)
    except ConfigError as exc:
        return Line("settings", False, str(exc)), None
    where = config.config_path or "the DEBTDESK_* environment"
    return Line("settings", True, f"read from {where}"), config


def check_secret(config: Config) -> Line:
    try:
        config.require_secret()
    except ConfigError as exc:
        return Line("secret", False, str(exc))
    return Line("secret", True, "DEBTDESK_SECRET is set")


def check_policy(config: Config) -> Line:
    policy = config.policy
    zone = policy.contact.default_timezone
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        reason = f"contact.default_timezone {zone!r} is not a time zone"
        return Line("policy", False, f"{config.policy_name}: {reason}")
    stages = ", ".join(s.name for s in policy.stages)
    name = config.policy_name
    if policy.name != name:  # a file: its path, then the name it gives itself
        name = f"{name} ({policy.name})"
    return Line("policy", True, f"{name}: {policy.currency}, stages {stages}, "
                                f"messages {_hours(policy)} {zone}")


def check_payments(config: Config) -> Line:
    """How "Pay now" is offered (bot/config.py has refused the settings if it cannot be)."""
    pay = config.pay_now
    if pay is None:
        return Line("payments", True, "no \"Pay now\": /pay says how to pay "
                                      "(DEBTDESK_PAYMENT_PROVIDER_TOKEN, or the policy's [payment] "
                                      "checkout_url, turns it on)")
    if pay.kind == "invoice":
        return Line("payments", True, "\"Pay now\" sends a Telegram invoice through the payment provider "
                                      "(DEBTDESK_PAYMENT_PROVIDER_TOKEN)")
    host = urlsplit(pay.link_template).netloc  # https: the policy refuses anything else
    return Line("payments", True, f"\"Pay now\" opens a signed link to the checkout page at {host}")


def _hours(policy: Policy) -> str:
    """One window every day, or the window of each kind of day ([contact.hours])."""
    contact = policy.contact
    if contact.hours is None:
        return f"{contact.start:%H:%M}-{contact.end:%H:%M}"

    def window(w: Window | None) -> str:
        return "closed" if w is None else f"{w.start:%H:%M}-{w.end:%H:%M}"

    h = contact.hours
    days = [f"working days {window(h.working_day)}", f"weekends {window(h.weekend)}",
            f"holidays ({h.country}) {window(h.holiday)}"]
    days += [f"{WEEKDAYS[day]} {window(w)}" for day, w in sorted(h.by_weekday.items())]
    return ", ".join(days)


async def check_database(config: Config) -> Line:
    if is_postgresql(config.db_path):
        return await _opens(config, shown(config.db_path))
    path = Path(config.db_path)
    if not path.exists():
        folder = path.parent.resolve()
        if not folder.is_dir():
            return Line("database", False, f"{path}: the folder {folder} does not exist")
        if not os.access(folder, os.W_OK | os.X_OK):
            return Line("database", False, f"{path}: the folder {folder} is not writable by this user")
        return Line("database", True, f"{path} does not exist yet; `debtdesk run` or `import` creates it")
    return await _opens(config, str(path))


async def _opens(config: Config, name: str) -> Line:
    try:
        store = await Store.open(config.db_path)
    except (DatabaseError, SchemaTooNew) as exc:
        return Line("database", False, f"{name}: {exc}")
    try:
        async with store.read() as db:
            accounts = await count_accounts(db)
    finally:
        await store.close()
    return Line("database", True, f"{name} opens: {accounts} accounts")


def check_catalogs() -> Line:
    root = locales_dir()
    locales, problems = check_all(root)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return Line("catalogs", False, problems[0] + more)
    return Line("catalogs", True, f"{len(locales)} compile ({', '.join(locales)}) from {root}")


async def check_bot_token(config: Config) -> Line:
    if not config.bot_token:
        return Line("bot token", False, "DEBTDESK_BOT_TOKEN is not set: the bot needs one from @BotFather")
    where = config.bot_api_url or "api.telegram.org"
    bot = Bot(config.bot_token, **({"base_url": config.bot_api_url} if config.bot_api_url else {}))
    try:
        async with bot:  # initialize() is getMe
            me = bot.bot
    except InvalidToken:  # PTB's message quotes the token: never shown
        return Line("bot token", False, f"the Bot API at {where} refused DEBTDESK_BOT_TOKEN: "
                                        "check the token from @BotFather")
    except NetworkError as exc:
        return Line("bot token", False, unreachable_message(where, exc, config.proxies))
    except TelegramError as exc:
        return Line("bot token", False, f"the Bot API at {where} answered getMe with {type(exc).__name__}")
    wanted = (config.bot_username or "").removeprefix("@")
    if wanted and wanted.lower() != me.username.lower():
        return Line("bot token", False, f"the token belongs to @{me.username}, but DEBTDESK_BOT_USERNAME "
                                        f"is {wanted}: deep links would open another bot")
    hint = "" if wanted else f"; set DEBTDESK_BOT_USERNAME={me.username} for `debtdesk links`"
    return Line("bot token", True, f"@{me.username} (id {me.id}) at {where}{hint}")


async def checks(config_path: str | None) -> list[Line]:
    settings, config = check_settings(config_path)
    if config is None:
        skipped = "not checked: the settings must load first"
        needing = [Line(name, False, skipped)
                   for name in ("secret", "policy", "payments", "database", "bot token")]
        return [settings, *needing[:4], check_catalogs(), needing[4]]
    return [settings, check_secret(config), check_policy(config), check_payments(config),
            await check_database(config), check_catalogs(), await check_bot_token(config)]


async def run_check(config_path: str | None, out: TextIO = sys.stdout) -> int:
    lines = await checks(config_path)
    for line in lines:
        print(line, file=out)
    return 0 if all(line.ok for line in lines) else 1
