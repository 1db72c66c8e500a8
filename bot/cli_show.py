"""`debtdesk show REF` as text: the staff view (ops/staff_view.py) as a plain English page for an
operator's terminal."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from babel.dates import format_date

# The text page speaks words; the JSON keeps the codes for programs.
_WORDS = {
    "default_registered": "a default registered",
    "charged_off": "charged off",
    "disputed": "disputed",
    "closed": "closed",
    "hardship_review": "hardship under review",
    "callback_requested": "call-back requested",
    "promise_pending": "a promise pending",
    "arrangement_active": "a plan active",
    "arrangement_pending_approval": "a plan awaiting approval",
    "self_service_promises_paused": "self-service promises paused (broken promises)",
    "chat_verified": "a chat verified",
    "opted_out": "opted out of reminders",
    "refused_contact": "refused contact (nothing unprompted is sent)",
    "cure": "pay the overdue",
    "full": "pay in full",
    "settlement": "settle for less",
}


def words(code: str) -> str:
    """A code (a flag, a report step, a plan key) as an operator reads it."""
    if code.startswith("reported_") and code[9:].isdigit():
        return f"reported {code[9:]} days late"
    if code.startswith("inst") and code[4:].isdigit():
        return f"{code[4:]} monthly payments"
    return _WORDS.get(code, code.replace("_", " "))


def _report_words(report: dict[str, Any]) -> str:
    status = report["status"]
    if status == "not_reported":
        return "nothing reported"
    if status == "will_be_reported":
        return f"to be reported late on {report['will_be_reported_on']} if still unpaid"
    if status == "cleared":
        return f"late payment reported on {report['reported_since']}, cleared on {report['arrears_ended']}"
    text = f"reported late since {report['reported_since']}"
    return text if status == "reported" else f"{text}, {words(status)}"


def _next_steps(view: dict[str, Any]) -> list[str]:
    line, cur = view["timeline"], view["currency"]
    out = []
    if line["next_fee"]:
        out.append(f"  next fee      {line['next_fee']['amount']} {cur} on {line['next_fee']['on']}")
    if line["next_stage"]:
        out.append(f"  next stage    {line['next_stage']['stage']} on {line['next_stage']['on']}")
    if line["cure_by"]:
        out.append(f"  cure          pay {line['cure_amount']} {cur} by {line['cure_by']}")
    if Decimal(line["interest_per_day"]):
        out.append(f"  interest      {line['interest_per_day']} {cur} a day on {line['interest_base']} {cur}")
    if line["charge_cap"] is not None:
        state = "reached: nothing more is charged" if line["charge_cap_reached"] else "not reached"
        out.append(f"  charge cap    {line['charge_cap']} {cur} ({state})")
    report = line["credit_report"]
    text = f"  credit report {_report_words(report)}"
    if report["next_step"]:
        text += f"; next: {words(report['next_step'])} on {report['next_step_on']}"
    if report["kept_until"]:
        text += f"; kept until {report['kept_until']}"
    out.append(text)
    return out


def _figures_as_of(view: dict[str, Any]) -> str:
    day = view["figures_as_of"]
    if day is None:  # loaded before the portfolio's as-of date was recorded
        return "  Figures as of: not given"
    return f"  Figures as of {format_date(date.fromisoformat(day), 'd MMM y', locale='en')}"


def _credit(view: dict[str, Any]) -> list[str]:
    if not Decimal(view["credit_balance"]) > 0:
        return []
    return [f"  Credit balance: {view['credit_balance']} {view['currency']} — paid beyond the balance, "
            "owed back to the customer or set against the next bill"]


def _contact(view: dict[str, Any]) -> list[str]:
    """Unprompted messages against each cap, and when the next may go."""
    contact = view.get("contact")
    if contact is None:
        return []
    sent = ", ".join(f"{contact['sent'][span]}/{cap} this {span}" for span, cap in contact["caps"].items())
    if contact["refused_contact_at"]:
        after = f"none: contact refused on {contact['refused_contact_at'][:10]}"
    elif contact["allowed_now"]:
        after = "now"
    elif contact["next_allowed_at"] is None:
        after = "none"
    else:
        after = f"{datetime.fromisoformat(contact['next_allowed_at']):%Y-%m-%d %H:%M %z} (debtor's time)"
    return [f"  unprompted    {sent or 'no caps'}; next allowed {after}"]


def _stage(view: dict[str, Any]) -> str:
    text = f"  dpd / stage   {view['dpd']} / {view['stage']}"
    return text + (f" (class {view['class']})" if view.get("class") else "")


def as_text(view: dict[str, Any]) -> str:
    """A plain English page for an operator's terminal."""
    cur = view["currency"]
    lines = [
        f"{view['account_ref']}  {view['customer_name']}  ({view['product']}, {view['status']})",
        f"  worked out on {view['as_of']}",
        _figures_as_of(view),
        f"  balance       {view['balance']} {cur}",
        *_credit(view),
        f"  overdue       {view['overdue_amount']} {cur} since {view['oldest_due_date'] or '-'}",
        f"  minimum due   {view['minimum_due']} {cur}"
        + (f" by {view['payment_due_date']}" if view["payment_due_date"] else ""),
        _stage(view),
        *_next_steps(view),
        *_contact(view),
        "  offers        " + (", ".join(f"{words(q['key'])} {q['total']} {cur}" for q in view["arrangements"])
                              or "-"),
        "  promises      " + (", ".join(f"{p['amount']} by {p['due_date']} ({p['status']})"
                                        for p in view["promises"]) or "-"),
        "  flags         " + (", ".join(words(flag) for flag in view["flags"]) or "-"),
    ]
    return "\n".join(lines)
