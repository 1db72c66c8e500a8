"""`debtdesk sweep [--as-of DATE] [--dry-run] [--force]`: the promise sweep by hand.

A sweep writes for good: promises become broken, the collectors are told, the account goes
back to the call queue. A date after today (in the bank's zone) would break promises whose
grace has not run out, so it is refused unless --force says the operator means it.
--dry-run lists what a sweep would change and writes nothing, for any date.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, TextIO

from debt import matching
from debt.local_time import bank_today
from ops.settings import Config
from ops.sweeper import sweep, would_break
from store.db import Store


def _print_preview(changes: list[tuple[Any, matching.PromiseState]], day: date, out: TextIO) -> None:
    for row, state in changes:
        money = f"{state.paid.amount} of {state.amount.amount} {state.amount.currency} paid"
        print(f"would mark promise {row.id} of {row.account_ref} {state.status}: "
              f"{money}, due {state.due.isoformat()}", file=out)
    partial = sum(1 for _, state in changes if state.status == "partial")
    print(
        f"dry run as of {day.isoformat()}: {len(changes) - partial} would be broken, {partial} partly kept, "
        f"{len(changes)} notices; nothing was written",
        file=out,
    )


async def run_sweep(
    config: Config, as_of: date | None, out: TextIO | None = None, *, dry_run: bool = False,
    force: bool = False, clock: Callable[[], datetime] | None = None, err: TextIO | None = None,
) -> int:
    """Break overdue promises (debtor messages wait for the bot); 2 when a future date is refused."""
    out, err = out or sys.stdout, err or sys.stderr
    clock = clock or (lambda: datetime.now(UTC))  # the shell owns the wall clock
    today = bank_today(config.policy, clock())
    day = as_of or today
    if day > today and not (force or dry_run):
        print(
            f"debtdesk: --as-of {day.isoformat()} is after today ({today.isoformat()}): a sweep then would "
            "break promises whose grace has not run out. Try --dry-run to see what would change, "
            "or add --force if you mean it.",
            file=err,
        )
        return 2
    store = await Store.open(config.db_path)
    try:
        if dry_run:
            _print_preview(await would_break(store, config.policy, day), day, out)
            return 0
        report = await sweep(store, config.policy, day, clock)
    finally:
        await store.close()
    print(
        f"sweep as of {day.isoformat()}: {report.broken} broken, {report.partial} partly kept, "
        f"{len(report.notices)} notices queued, {len(report.messages)} debtor messages left for the bot",
        file=out,
    )
    return 0
