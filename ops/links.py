"""`debtdesk links`: one single-use deep link per account, as a CSV the bank sends by SMS or letter.

Walks the portfolio a page at a time (each page one transaction), so a million accounts need
no more memory than a hundred. Issuing a new link revokes the account's older unused ones.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

from store.accounts import AccountRecord, account_page, get_account
from store.db import Store
from store.tokens import issue_link

PAGE = 1000
COLUMNS = ("account_ref", "phone", "link")
_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")  # Telegram: 5-32 characters


class LinkError(ValueError):
    """A request for links that cannot be met; the message is one line for the operator."""


@dataclass(frozen=True)
class LinkRow:
    account_ref: str
    phone: str
    link: str


def bot_username(name: str | None) -> str:
    """The bot's username, checked; refused when unset: a default would send every debtor's
    token to someone else's bot."""
    if not name:
        raise LinkError("links need your bot's username: pass --bot-username NAME "
                        "or set DEBTDESK_BOT_USERNAME")
    name = name.removeprefix("@")
    if not _USERNAME.fullmatch(name):
        raise LinkError(f"bot username {name!r} is not a Telegram username (5-32 letters, digits, _)")
    return name


def deep_link(username: str, token: str) -> str:
    return f"https://t.me/{username}?start={token}"


def wants_link(record: AccountRecord) -> bool:
    """Every open account with something overdue gets a link when none are named."""
    account = record.account
    return account.status == "open" and account.overdue_amount > 0


async def _issue(store: Store, secret: bytes, records: Iterable[AccountRecord], username: str,
                 expires_days: int, now: datetime) -> list[LinkRow]:
    rows = []
    async with store.unit() as db:
        for record in records:
            token = await issue_link(db, secret, record.account_ref, now, expires_days)
            rows.append(LinkRow(record.account_ref, record.phone, deep_link(username, token)))
    return rows


async def _named(store: Store, refs: list[str]) -> list[AccountRecord]:
    records = []
    async with store.read() as db:
        for ref in dict.fromkeys(refs):
            record = await get_account(db, ref)
            if record is None:
                raise LinkError(f"unknown account {ref}")
            records.append(record)
    return records


async def write_links(
    store: Store, secret: bytes, out: TextIO, now: datetime, *, username: str | None, expires_days: int,
    refs: list[str] | None = None,
) -> int:
    """Issue links (for `refs`, or every open overdue account) and write them as CSV; the count."""
    username = bot_username(username)
    if expires_days < 1:
        raise LinkError("--expires-days must be at least 1")
    writer = csv.writer(out, lineterminator="\n")
    if refs:
        named = await _named(store, refs)  # every reference checked before anything is issued
        writer.writerow(COLUMNS)
        rows = await _issue(store, secret, named, username, expires_days, now)
        writer.writerows((r.account_ref, r.phone, r.link) for r in rows)
        return len(rows)
    writer.writerow(COLUMNS)
    count, after = 0, ""
    while True:
        async with store.read() as db:
            page = await account_page(db, after, PAGE)
        if not page:
            return count
        after = page[-1].account_ref
        rows = await _issue(store, secret, filter(wants_link, page), username, expires_days, now)
        writer.writerows((r.account_ref, r.phone, r.link) for r in rows)
        count += len(rows)
