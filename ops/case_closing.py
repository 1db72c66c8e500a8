"""Closing cases (from `debtdesk cases`, bot/cli_cases.py, or /close in the collectors' chat),
and call-back requests that expire once their window has passed.

A closed case lets the account back into the call queue (when nothing else keeps it out) and
lets the debtor ask again; the collectors get a notice, and the debtor is told the outcome in
their language inside contact hours (ops/decision_messages.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from debt.policy import Policy
from store import audit, outbox
from store.cases import EXPIRED, OUTCOMES, CaseRow, callbacks_opened_before, close_case, get_case
from store.db import Store
from store.notice_payloads import CaseClosedNotice


class CaseError(Exception):
    """A case that cannot be closed so. code: not_open | bad_outcome; params for the message."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code, self.params = code, params
        super().__init__(code)

    def __str__(self) -> str:
        if self.code == "bad_outcome":
            return f"a {self.params['kind']} closes with --outcome {' or '.join(self.params['outcomes'])}"
        return f"there is no open case {self.params['case_id']}"


async def _close(db: Any, case: CaseRow, outcome: str, now: datetime, actor: str) -> None:
    await close_case(db, case.id, outcome, now)
    payload = CaseClosedNotice(account_ref=case.account_ref, case_id=case.id, case_kind=case.kind,
                               outcome=outcome)
    await outbox.enqueue(db, payload, now)
    detail = {"case_id": case.id, "outcome": outcome}
    await audit.append(db, actor, "case_closed", case.account_ref, now, detail)


async def close(store: Store, case_id: int, outcome: str, now: datetime, actor: str = "cli") -> CaseRow:
    """Close an open case with one of its kind's outcomes; returns it closed."""
    async with store.unit() as db:
        case = await get_case(db, case_id)
        if case is None or case.status != "open":
            raise CaseError("not_open", case_id=case_id)
        if outcome not in OUTCOMES[case.kind]:
            raise CaseError("bad_outcome", kind=case.kind, outcomes=OUTCOMES[case.kind])
        await _close(db, case, outcome, now, actor)
        return await get_case(db, case_id)


async def expire_callbacks(store: Store, policy: Policy, now: datetime) -> int:
    """Close every call-back request older than the policy's window as expired; how many."""
    before = now - timedelta(days=policy.cases.callback_expiry_days)
    async with store.unit() as db:
        stale = await callbacks_opened_before(db, before)
        for case in stale:
            await _close(db, case, EXPIRED, now, "scheduler")
    return len(stale)
