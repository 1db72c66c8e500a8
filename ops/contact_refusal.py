"""The debtor's refusal of contact (Russia: 230-FZ art. 8, by a statement to the lender), recorded
by staff (`debtdesk refuse-contact REF`) or by the bank's API (POST /api/v1/accounts/{ref}/contact,
{"refused": true}). While it holds, nothing unprompted goes to any chat of the account
(store.contact_log.CONTACTABLE) and the call queue leaves the account out (refused_contact); the
debtor can still write to the bot and is answered.
"""

from __future__ import annotations

from datetime import datetime

from store import audit
from store.accounts import get_account
from store.contact_log import refuse_contact, withdraw_refusal
from store.db import Store


class RefusalError(ValueError):
    """No such account: the message says so."""


async def set_refusal(store: Store, ref: str, refused: bool, actor: str, now: datetime) -> bool:
    """Record (refused) or withdraw the refusal; True when that changed anything. Audited."""
    async with store.unit() as db:
        if await get_account(db, ref) is None:
            raise RefusalError(f"unknown account {ref}")
        changed = await (refuse_contact(db, ref, now, actor) if refused else withdraw_refusal(db, ref))
        if changed:
            action = "contact_refused" if refused else "contact_refusal_withdrawn"
            await audit.append(db, actor, action, ref, now, {})
    return changed
