"""An account as the bank delivered it: the facts the rules start from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

PRODUCTS = ("card", "loan")
STATUSES = ("open", "disputed", "closed", "charged_off")


@dataclass(frozen=True)
class Account:
    """One row of the bank's portfolio. Amounts are Decimals in `currency`'s minor units."""

    account_ref: str
    currency: str
    product: str
    balance: Decimal  # total outstanding
    minimum_due: Decimal
    overdue_amount: Decimal
    oldest_due_date: date | None  # earliest unpaid due date; None when nothing is overdue
    fees_charged: Decimal = Decimal(0)
    interest_charged: Decimal = Decimal(0)
    credit_limit: Decimal = Decimal(0)
    last_payment_date: date | None = None
    last_payment_amount: Decimal | None = None
    payment_due_date: date | None = None  # when minimum_due is due; None when the bank did not say
    status: str = "open"
    locale: str = "en"
    timezone: str = ""

    def days_past_due(self, today: date) -> int:
        """Days since the oldest unpaid due date; 0 when nothing is overdue or it is not yet late."""
        if self.oldest_due_date is None or self.overdue_amount <= 0:
            return 0
        return max(0, (today - self.oldest_due_date).days)
