"""Deep links: one per overdue open account, single use, only a keyed hash stored."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from db_kit import ON_POSTGRESQL, dump

from ops.importer import import_accounts
from ops.links import LinkError, write_links
from store.tokens import redeem_token

DATA = Path(__file__).parent / "data"
LINK = re.compile(r"https://t\.me/debtdesk_demo_bot\?start=([A-Za-z0-9_-]{1,64})")


async def _links(store, secret, now, **kwargs) -> list[dict[str, str]]:
    out = io.StringIO()
    await write_links(store, secret, out, now, username="@debtdesk_demo_bot", expires_days=30, **kwargs)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


@pytest.fixture
async def portfolio(store, secret, now):
    await import_accounts(store, secret, str(DATA / "portfolio.csv"), now, progress=False)
    return store


async def test_every_open_overdue_account_gets_one_working_link(portfolio, secret, now):
    rows = await _links(portfolio, secret, now)
    # CN-0002 owes nothing overdue, CN-0004 is disputed, CN-0005 is closed.
    assert [(r["account_ref"], r["phone"]) for r in rows] == [
        ("CN-0001", "+8613812345678"), ("CN-0003", "+8613712345678")]
    for row in rows:
        token = LINK.fullmatch(row["link"]).group(1)
        async with portfolio.unit() as db:
            assert await redeem_token(db, secret, token, now) == ("ok", row["account_ref"])


async def test_a_new_link_revokes_the_older_one(portfolio, secret, now):
    first = LINK.fullmatch((await _links(portfolio, secret, now, refs=["CN-0002"]))[0]["link"]).group(1)
    second = LINK.fullmatch((await _links(portfolio, secret, now, refs=["CN-0002"]))[0]["link"]).group(1)
    async with portfolio.unit() as db:
        assert await redeem_token(db, secret, first, now) == ("expired", None)
        assert await redeem_token(db, secret, second, now) == ("ok", "CN-0002")


async def test_the_database_never_holds_a_token(portfolio, secret, now, tmp_path):
    rows = await _links(portfolio, secret, now)
    tokens = [LINK.fullmatch(r["link"]).group(1).encode() for r in rows]
    await portfolio.close()
    if ON_POSTGRESQL:  # every value of every table, as text
        stored = dump(portfolio.path).encode()
    else:  # the file's bytes, its WAL too
        stored = b"".join(p.read_bytes() for p in tmp_path.glob("debtdesk.db*"))
    assert stored and not any(token in stored for token in tokens)


async def test_an_unknown_account_issues_nothing(portfolio, secret, now):
    with pytest.raises(LinkError, match="unknown account NOPE"):
        await _links(portfolio, secret, now, refs=["CN-0001", "NOPE"])
    async with portfolio.read() as db:
        async with db.execute("SELECT COUNT(*) FROM links_issued") as cur:
            assert (await cur.fetchone())[0] == 0


async def test_a_bad_bot_username_or_expiry_is_refused(portfolio, secret, now):
    with pytest.raises(LinkError, match="not a Telegram username"):
        await write_links(portfolio, secret, io.StringIO(), now, username="no good", expires_days=30)
    with pytest.raises(LinkError, match="at least 1"):
        await write_links(portfolio, secret, io.StringIO(), now, username="debtdesk_bot", expires_days=0)
