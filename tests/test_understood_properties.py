"""Whatever a person types, in any language and any order, nothing is recorded without the
Confirm press (no promise, plan, dispute, hardship, call-back or opt-out), and before
verification nothing about the account is shown."""

from __future__ import annotations

import asyncio
import tempfile
from decimal import Decimal
from pathlib import Path

from flows_kit import Chat, Clock, make_flows, rendered, rows, seed, texts, verified
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_understanding_corpus import load

from debt.money import Money
from store.db import Store

LANGUAGES = ("en", "es", "ru", "pt-br", "zh-hans", "zh-hant", "id")
SENTENCES = sorted({text for *_, text, _, _ in ((r[0], r[1], r[2], r[3], r[4]) for r in load())})
ANSWERS = ["yes", "y", "ok", "confirm", "Confirm", "sí", "si", "sim", "ya", "да", "是", "好", "确认", "確認",
           "no", "skip", "menu", "cancel", "1", "2", "50", "2400", "tomorrow", "next Friday", "2026-03-05",
           "in the evening", "I lost my job", "this isn't my debt", "stop", "all of it"]
typed = st.one_of(
    st.sampled_from(SENTENCES),
    st.sampled_from(ANSWERS),
    st.text(max_size=60),
    st.tuples(st.sampled_from(SENTENCES), st.sampled_from(ANSWERS)).map(" ".join),
)
SETTINGS = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


async def _recorded(store: Store) -> dict[str, list]:
    return {
        "promises": await rows(store, "SELECT id FROM promises"),
        "arrangements": await rows(store, "SELECT id FROM arrangements"),
        "cases": await rows(store, "SELECT kind FROM cases"),
        "opted_out": await rows(store, "SELECT chat_id FROM chats WHERE opted_out = 1"),
        "opt_outs": await rows(store, "SELECT * FROM opt_outs"),
        "outbox": await rows(store, "SELECT kind FROM outbox"),
    }


async def _typed_only(messages: list[str], language: str, verify: bool) -> tuple[dict[str, list], list]:
    with tempfile.TemporaryDirectory(prefix="debtdesk-typed-") as folder:
        store = await Store.open(str(Path(folder) / "typed.db"))
        try:
            clock = Clock()
            ref = await seed(store, clock)
            flows = make_flows(store, clock)
            chat = await verified(flows, ref, language_code=language) if verify else \
                Chat(flows, language_code=language)
            outcomes = [await chat.text(message) for message in messages]
            return await _recorded(store), outcomes
        finally:
            await store.close()


@SETTINGS
@given(messages=st.lists(typed, min_size=1, max_size=8), language=st.sampled_from(LANGUAGES))
def test_no_typed_text_records_anything_without_the_confirm_press(messages, language):
    recorded, outcomes = asyncio.run(_typed_only(messages, language, verify=True))
    assert recorded == {"promises": [], "arrangements": [], "cases": [], "opted_out": [], "opt_outs": [],
                        "outbox": []}, (messages, recorded)


@SETTINGS
@given(messages=st.lists(typed, min_size=1, max_size=8), language=st.sampled_from(LANGUAGES))
def test_no_typed_text_reveals_anything_before_verification(messages, language):
    recorded, outcomes = asyncio.run(_typed_only(messages, language, verify=False))
    assert not recorded["promises"] and not recorded["cases"]
    for outcome in outcomes:
        shown = rendered(outcome)
        values = [v for t in texts(outcome) for v in t.params.values()]
        assert not any(isinstance(v, Money | Decimal) for v in values), shown
        assert "Alice" not in shown and "2400" not in shown and "2,400" not in shown, shown


def test_the_confirm_press_is_what_records():
    """The same typed sentences, then the press: the guard above is not vacuous."""
    async def run() -> dict[str, list]:
        with tempfile.TemporaryDirectory(prefix="debtdesk-typed-") as folder:
            store = await Store.open(str(Path(folder) / "typed.db"))
            try:
                clock = Clock()
                chat = await verified(make_flows(store, clock), await seed(store, clock))
                for sentence in ("I can pay 500 on Friday", "call me in the evening", "I lost my job",
                                 "this isn't my debt", "stop texting me"):
                    await chat.text(sentence)
                    await chat.tap("Confirm")
                return await _recorded(store)
            finally:
                await store.close()

    recorded = asyncio.run(run())
    assert len(recorded["promises"]) == 1 and len(recorded["opted_out"]) == 1
    assert sorted(c["kind"] for c in recorded["cases"]) == ["callback", "dispute", "hardship"]
