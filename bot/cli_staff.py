"""`debtdesk staff add NAME --role collector|supervisor|admin | list | disable NAME | reset NAME`:
the console's staff (ops/staff_auth.py). `add` and `reset` ask for the password twice at a
terminal; elsewhere (a script, a pipe) they print a one-time password on stdout, once."""

from __future__ import annotations

import getpass
import sys
from datetime import UTC, datetime
from typing import Any

from ops import staff_auth
from ops.settings import Config
from store.db import Store


def _password(name: str, out: Any) -> str:
    if sys.stdin.isatty():
        first = getpass.getpass(f"password for {name}: ")
        if first != getpass.getpass("the same again: "):
            raise staff_auth.StaffError("the two passwords differ", "mismatch")
        return first
    password = staff_auth.one_time_password()
    print(password, file=out)
    print(f"staff: {name}'s one-time password is shown this once; give it to them in person",
          file=sys.stderr)
    return password


async def run_staff(config: Config, action: str, name: str | None, role: str | None, out: Any = None) -> int:
    """The CLI's `staff` command; a StaffError reaches the CLI as one line, exit 2."""
    out = out or sys.stdout
    now = datetime.now(UTC)  # the shell owns the wall clock
    store = await Store.open(config.db_path)
    try:
        if action == "list":
            for m in await staff_auth.members(store):
                state = f"disabled {m.disabled_at}" if m.disabled_at else "active"
                print(f"{m.name}\t{m.role}\t{m.locale or '-'}\tcreated {m.created_at}\t{state}", file=out)
        elif action == "disable":
            await staff_auth.disable(store, name or "", now)
            print(f"staff: {name} disabled; their sessions ended", file=out)
        else:
            staff_auth.check_name(name or "")
            if action == "add" and role not in staff_auth.ROLES:
                roles = ", ".join(staff_auth.ROLES)
                raise staff_auth.StaffError(f"role {role!r}: one of {roles}", "bad_role")
            password = _password(name or "", out)
            if action == "add":
                await staff_auth.add(store, name or "", role or "", password, now)
                print(f"staff: {name} added as {role}", file=sys.stderr)
            else:
                await staff_auth.reset(store, name or "", password, now)
                print(f"staff: {name}'s password replaced; their sessions ended", file=sys.stderr)
    finally:
        await store.close()
    return 0
