"""Remembering what follows from an account's terms, the policy and the day.

The plans on offer and the timeline are pure functions of the account's amounts and dates, the
policy and today, and a debtor asks for them several times in one conversation (the plans, the
chosen plan, its confirmation); many accounts share the same terms. Who the debtor is (the
reference, the language, the time zone) plays no part, so it is left out of the key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from functools import lru_cache, wraps
from typing import TypeVar

from debt.account import Account
from debt.policy import Policy

T = TypeVar("T")
SIZE = 1024


class _Same:
    """A policy as a cache key by identity (a Policy holds a dict, so it has no hash); the cache
    keeps it alive, so its id cannot be reused by another policy while the entry lasts."""

    __slots__ = ("policy",)

    def __init__(self, policy: Policy) -> None:
        self.policy = policy

    def __hash__(self) -> int:
        return id(self.policy)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.policy is self.policy


def terms(account: Account) -> Account:
    """The account without who it belongs to: what the rules read."""
    return replace(account, account_ref="", locale="", timezone="")


Rule = Callable[..., T]


def per_terms_policy_and_day(fn: Rule[T]) -> Rule[T]:
    """fn(account, policy, today, *more), remembered for the last SIZE (terms, policy, day, more);
    what more holds must be hashable (frozen records), and fn must return something immutable."""

    @lru_cache(maxsize=SIZE)  # thread-safe: flows run on the database thread, staff views on the loop
    def remembered(account: Account, policy: _Same, today: date, *more: object, **named: object) -> T:
        return fn(account, policy.policy, today, *more, **named)

    @wraps(fn)
    def wrapper(account: Account, policy: Policy, today: date, *more: object, **named: object) -> T:
        return remembered(terms(account), _Same(policy), today, *more, **named)

    wrapper.cache_clear = remembered.cache_clear  # type: ignore[attr-defined]
    return wrapper
