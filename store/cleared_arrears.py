"""The delinquencies that have ended (filled by a trigger, migration 0003), for the credit record."""

from __future__ import annotations

from datetime import date

import aiosqlite

from debt.timeline import ClearedArrears


async def last_cleared(db: aiosqlite.Connection, account_ref: str) -> ClearedArrears | None:
    """The most recent delinquency of the account that has been cleared, if any."""
    async with db.execute(
        "SELECT overdue_since, cleared_on FROM cleared_arrears WHERE account_ref = ? "
        "ORDER BY cleared_on DESC, id DESC LIMIT 1",
        (account_ref,),
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        return None
    return ClearedArrears(date.fromisoformat(row["overdue_since"]), date.fromisoformat(row["cleared_on"]))
