"""Issue 12 item 4: the nonce a state puts in its buttons is injected like the clock."""

from __future__ import annotations

from flows_kit import SECRET, Clock, buttons, seed, verified

from bot.i18n import translator
from debt.policy import load_policy
from flows.engine import Flows


class Numbered:
    """A nonce source a test can read: n1, n2, ..."""

    def __init__(self) -> None:
        self.given: list[str] = []

    def __call__(self) -> str:
        self.given.append(f"n{len(self.given) + 1}")
        return self.given[-1]


async def test_the_buttons_nonce_comes_from_the_injected_source_so_a_test_can_fix_it(store):
    clock, nonce = Clock(), Numbered()
    ref = await seed(store, clock)
    flows = Flows(store, load_policy("uk"), SECRET, clock, translator, nonce=nonce)
    chat = await verified(flows, ref)
    out = await chat.cmd("promise")
    stateful = [b.data for b in buttons(out) if "." in b.data]  # "cmd:..." and "person" carry none
    assert stateful and all(data.startswith(f"{nonce.given[-1]}.") for data in stateful)
    # The next state takes the next one: the buttons of older messages go stale as before.
    out = await chat.cmd("promise")
    assert all(b.data.startswith(f"{nonce.given[-1]}.") for b in buttons(out) if "." in b.data)
    assert len(set(nonce.given)) == len(nonce.given) >= 2
