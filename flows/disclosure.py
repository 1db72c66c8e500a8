"""Statements a policy requires where the bot speaks of the debt (debt.policy.DISCLOSURES).

Under the US FDCPA a collector says that it is attempting to collect a debt in its first
communication with the debtor and in later ones: here, the first message after verification
and every message the bot starts itself. The policy names the statement; its words live in
the catalogs, so each debtor reads it in their language.
"""

from __future__ import annotations

from flows.context import Ctx
from flows.types import STATEMENTS, disclosure_texts

__all__ = ["STATEMENTS", "disclosure_texts", "say_disclosure"]


def say_disclosure(ctx: Ctx) -> None:
    """The statement as a message of its own (after verification, before anything about the debt)."""
    if texts := disclosure_texts(ctx.policy):
        ctx.say(*texts)
