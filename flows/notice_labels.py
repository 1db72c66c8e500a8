"""The words for the codes a notice carries: reasons, call-back windows, lock scopes, plans,
statuses, kinds, outcomes.

One table per code, shared by the debtor's buttons (flows/support.py offers the reasons and
windows) and the collectors' notices (bot/notice_text.py, bot/collectors.py): a neutral room
that both may import, so that neither reaches into the other for its labels.
"""

from __future__ import annotations

import re

from flows.types import N_, NP_, Text

DISPUTE_REASONS = {
    "not_mine": N_("This debt is not mine"),
    "wrong_amount": N_("The amount is wrong"),
    "already_paid": N_("I have already paid"),
    "fraud": N_("Someone used my card or account (fraud)"),
    "other": N_("Something else"),
}
HARDSHIP_REASONS = {
    "job_loss": N_("I lost my job"),
    "illness": N_("Illness or injury"),
    "income_drop": N_("My income went down"),
    "family": N_("A family change (a birth, a death, a separation)"),
    "other": N_("Something else"),
}
WINDOWS = {
    "morning": N_("In the morning"),
    "afternoon": N_("In the afternoon"),
    "evening": N_("In the evening"),
}
# Internal codes that a notice names, as words the collectors read in their language.
SCOPES = {
    "chat": N_("the chat"),
    "account": N_("the account"),
    "new_chats": N_("new chats for this account wait longer after each failure (the debtor's own chat "
                    "and link still work)"),
}
PLANS = {
    "cure": N_("payment of the overdue amount"),
    "full": N_("payment in full"),
    "settlement": N_("a settlement for less than the balance"),
}
STATUSES = {
    "active": N_("active"),
    "pending_approval": N_("waiting for approval"),
    "declined": N_("declined"),
    "cancelled": N_("cancelled"),
    "completed": N_("completed"),
}
KINDS = {
    "promise": N_("promise to pay"),
    "arrangement": N_("repayment plan"),
    "dispute": N_("dispute"),
    "hardship": N_("hardship"),
    "callback": N_("call back"),
    "lock": N_("verification lock"),
    "kept": N_("promise kept"),
    "broken": N_("promise broken"),
    "approved": N_("arrangement approved"),
    "declined": N_("arrangement declined"),
    "case_closed": N_("case closed"),
}
# How a case closed (store.cases.OUTCOMES, and "expired" for a call-back nobody answered in time).
OUTCOMES = {
    "upheld": N_("upheld"),
    "rejected": N_("rejected"),
    "plan_agreed": N_("plan agreed"),
    "no_change": N_("no change"),
    "done": N_("call made"),
    "no_answer": N_("no answer"),
    "expired": N_("expired unanswered"),
}
CASE_KINDS = {"dispute": N_("dispute"), "hardship": N_("hardship"), "callback": N_("call back")}
# Payload fields holding a code: shown as its label; an unknown code is shown as it is rather
# than losing the notice.
LABELS = {
    "reason": {**DISPUTE_REASONS, **HARDSHIP_REASONS},
    "window": WINDOWS,
    "scope": SCOPES,
    "plan": PLANS,
    "status": STATUSES,
    "kind": KINDS,
    "outcome": OUTCOMES,
    "case_kind": CASE_KINDS,
}
_INSTALMENTS = re.compile(r"^inst(\d{1,3})$")  # plan keys such as inst12 (debt/arrangements.py)


def label(field: str, code: str) -> Text | None:
    """The words for a code in that payload field, or None when it is not one of its codes."""
    if code in LABELS.get(field, {}):
        return Text(LABELS[field][code])
    instalments = _INSTALMENTS.match(code) if field == "plan" else None
    if instalments:
        months = int(instalments.group(1))
        return NP_("{months} monthly payment", "{months} monthly payments", months, {"months": months})
    return None
