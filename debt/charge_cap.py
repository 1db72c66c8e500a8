"""A cap on charges: fees, interest and penalties together never above a share of the principal
(353-FZ art. 5 part 24: 130% on consumer loans up to a year; Brazil's Law 14.690/2023: 100% of
the original card debt). The policy's [charges] table sets the share and the products.

The principal is what the balance holds besides the charges: balance - fees_charged -
interest_charged. The room left is the cap less the charges already made; every fee, every
day's interest and every quote's fees and interest are cut to it (debt.timeline,
debt.arrangements).
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from debt.account import Account
from debt.money import Money, round_minor
from debt.policy import Policy


def cap_limit(account: Account, policy: Policy) -> Money | None:
    """The most the charges may come to on this account, None where no cap applies."""
    cap = policy.charge_cap
    if cap is None or (cap.products and account.product not in cap.products):
        return None
    principal = max(account.balance - account.fees_charged - account.interest_charged, Decimal(0))
    return Money(round_minor(principal * cap.share, account.currency, ROUND_DOWN), account.currency)


def room(account: Account, policy: Policy) -> Money | None:
    """How much more may be charged, never negative; None where no cap applies."""
    limit = cap_limit(account, policy)
    if limit is None:
        return None
    charged = Money(account.fees_charged + account.interest_charged, account.currency)
    return (limit - charged).max(Money.zero(account.currency))


def capped(amount: Money, left: Money | None) -> Money:
    """`amount`, cut to what is left under the cap (None: no cap)."""
    return amount if left is None else amount.min(left)
