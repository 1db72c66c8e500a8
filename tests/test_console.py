"""`debtdesk demo` in a real subprocess, typed into like a person at a terminal."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

DEBTDESK = str(Path(sys.executable).parent / "debtdesk")
PROMPT = "> "


class Terminal:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    async def read_until_prompt(self, timeout: float = 20) -> str:
        """Everything the demo printed up to its next prompt."""
        out = ""
        while not out.endswith(PROMPT):
            chunk = await asyncio.wait_for(self.process.stdout.read(4096), timeout)
            if not chunk:
                raise AssertionError(f"the demo ended early:\n{out}")
            out += chunk.decode()
        return out

    async def type(self, line: str) -> str:
        self.process.stdin.write(line.encode() + b"\n")
        await self.process.stdin.drain()
        return await self.read_until_prompt()


async def start_demo(tmp_path: Path) -> Terminal:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEBTDESK_")}
    process = await asyncio.create_subprocess_exec(
        DEBTDESK, "demo", "--policy", "uk", cwd=tmp_path, env=env,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    return Terminal(process)


def english_identity(listing: str) -> tuple[str, str]:
    """(reference, date of birth) of an invented English-speaking debtor from the demo's list."""
    for ref, dob in re.findall(r"reference (DEMO-\d+), date of birth ([\d-]+), .*language English", listing):
        return ref, dob
    raise AssertionError(f"no English identity in:\n{listing}")


async def test_demo_chat_verifies_shows_the_balance_and_presses_a_numbered_button(tmp_path):
    terminal = await start_demo(tmp_path)
    opening = await terminal.read_until_prompt()
    assert "Please type the account reference" in opening
    ref, dob = english_identity(opening)

    said = await terminal.type(ref)
    assert "Please type your date of birth" in said and "[1]" in said
    said = await terminal.type(dob)
    assert "You are confirmed" in said

    said = await terminal.type("/balance")
    assert "Total outstanding: £" in said
    menu = dict(re.findall(r"\[(\d+)\] (.+)", said))
    plans = next(number for number, label in menu.items() if label == "Repayment plans")

    said = await terminal.type(plans)
    assert "These are the ways you can repay" in said and "Pay in full: £" in said

    terminal.process.stdin.write(b"/quit\n")
    await terminal.process.stdin.drain()
    rest = (await asyncio.wait_for(terminal.process.stdout.read(), 20)).decode()
    assert "Goodbye." in rest
    assert await asyncio.wait_for(terminal.process.wait(), 20) == 0


async def test_demo_ends_cleanly_at_end_of_input_and_rejects_a_wrong_date_of_birth(tmp_path):
    terminal = await start_demo(tmp_path)
    ref, _dob = english_identity(await terminal.read_until_prompt())
    await terminal.type(ref)
    said = await terminal.type("1 January 1901")
    assert "do not match our records" in said and "£" not in said
    terminal.process.stdin.close()
    rest = (await asyncio.wait_for(terminal.process.stdout.read(), 20)).decode()
    assert "Goodbye." in rest and "Traceback" not in rest
    assert await asyncio.wait_for(terminal.process.wait(), 20) == 0
