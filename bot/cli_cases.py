"""`debtdesk cases list | close ID --outcome OUTCOME`: the operator's lines for the use cases in
ops/case_closing.py."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Any

from ops.case_closing import close, expire_callbacks
from ops.settings import Config
from store.cases import OUTCOMES, open_cases
from store.db import Store


async def run_cases(
    config: Config, action: str, case_id: int | None, outcome: str | None, out: Any = None
) -> int:
    """The CLI's `cases` command; a CaseError reaches the CLI as one line, exit 2."""
    out = out or sys.stdout
    now = datetime.now(UTC)  # the shell owns the wall clock
    store = await Store.open(config.db_path)
    try:
        if action == "list":
            expired = await expire_callbacks(store, config.policy, now)
            async with store.read() as db:
                cases = await open_cases(db)
            for case in cases:
                outcomes = ", ".join(OUTCOMES[case.kind])
                print(f"{case.id}\t{case.account_ref}\t{case.kind}\t{case.reason}\t"
                      f"opened {case.created_at.date().isoformat()}\toutcomes: {outcomes}", file=out)
            print(f"cases: {len(cases)} open, {expired} call-back requests expired now", file=sys.stderr)
        else:
            case = await close(store, case_id, outcome or "", now)
            print(f"case {case.id} ({case.kind}, {case.account_ref}) closed: {case.outcome}; "
                  "the debtor is told inside contact hours", file=out)
    finally:
        await store.close()
    return 0
