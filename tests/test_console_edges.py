"""Issue 11 items 1 and 3 in the demo, typed through stdin: stray input keeps the step (and its
numbered buttons), and after /language or the plans list there is always a numbered way on."""

from __future__ import annotations

import asyncio
import re

from test_console import Terminal, english_identity, start_demo


def numbered(said: str) -> dict[str, str]:
    """label -> the number to type, for the buttons of the last reply."""
    return {label: number for number, label in re.findall(r"\[(\d+)\] (.+)", said)}


async def signed_in(tmp_path) -> Terminal:
    terminal = await start_demo(tmp_path)
    ref, dob = english_identity(await terminal.read_until_prompt())
    await terminal.type(ref)
    assert "You are confirmed" in await terminal.type(dob)
    return terminal


async def leave(terminal: Terminal) -> None:
    terminal.process.stdin.write(b"/quit\n")
    await terminal.process.stdin.drain()
    await asyncio.wait_for(terminal.process.stdout.read(), 20)
    assert await asyncio.wait_for(terminal.process.wait(), 20) == 0


async def test_demo_stray_input_in_the_time_picker_and_at_a_promise_asks_the_step_again(tmp_path):
    terminal = await signed_in(tmp_path)

    said = await terminal.type("/callback")
    assert "When suits you best?" in said
    said = await terminal.type("🙂")
    assert "Please use the buttons or a command" not in said
    assert "When suits you best?" in said
    said = await terminal.type(numbered(said)["In the morning"])  # the next digit still picks a time
    assert "will call you in the morning" in said

    said = await terminal.type("/promise")
    overdue = next(n for label, n in numbered(said).items() if label.startswith("The overdue"))
    said = await terminal.type(overdue)
    said = await terminal.type("1")  # the first date offered
    assert "Is that right?" in said
    said = await terminal.type("hmm")
    assert "Is that right?" in said and "[1] Yes, I promise" in said
    said = await terminal.type("yes")
    assert "Your promise to pay" in said and "is recorded" in said
    await leave(terminal)


async def test_demo_dead_ends_plans_list_has_back_and_menu_and_language_is_followed_by_the_menu(tmp_path):
    terminal = await signed_in(tmp_path)

    said = await terminal.type("/plans")
    buttons = numbered(said)
    assert "Back" in buttons and "Menu" in buttons
    said = await terminal.type(buttons["Menu"])
    assert "What would you like to do?" in said

    said = await terminal.type("/language")
    assert "Talk to a person" in numbered(said)
    said = await terminal.type(numbered(said)["Русский"])
    assert "Готово" in said
    # The menu followed, so the next digit presses one of its buttons (the balance, in Russian).
    said = await terminal.type("1")
    assert "Не удалось понять" not in said
    assert "£" in said and numbered(said)
    await leave(terminal)
