"""The words for the codes staff read, in the collectors' chat (bot/collectors.py) and in the
console (bot/console_pages.py): queue reasons, the staff view's flags, roles, promise statuses,
the audit's actions, the credit report's status. Marked for the catalogs here; each door says
them in its reader's language. The codes a notice carries have theirs in flows/notice_labels.py."""

from __future__ import annotations

from flows.types import N_

ROLES = {"collector": N_("collector"), "supervisor": N_("supervisor"), "admin": N_("admin")}
PROMISE_STATUSES = {"pending": N_("pending"), "kept": N_("kept"), "partial": N_("partly kept"),
                    "broken": N_("broken"), "cancelled": N_("cancelled")}
# The audit's actions an account page lists, as a person reads them; others show their code.
ACTIONS = {
    "link_opened": N_("link opened"), "verified": N_("chat verified"), "verify_failed": N_("a wrong answer"),
    "verify_locked": N_("verification paused"), "logout": N_("signed out of the chat"),
    "binding_expired": N_("chat silent too long, must verify again"), "promise": N_("promise made"),
    "arrangement": N_("plan chosen"), "dispute": N_("dispute raised"), "hardship": N_("hardship reported"),
    "callback": N_("call-back asked for"), "opt_out": N_("reminders stopped"),
    "opt_in": N_("reminders resumed"),
    "arrangement_approved": N_("plan approved"), "arrangement_declined": N_("plan declined"),
    "case_closed": N_("case closed"), "promise_kept": N_("promise kept"),
    "promise_broken": N_("promise broken"),
    "promise_partial": N_("promise partly kept"),
}
CREDIT = {
    "not_reported": N_("nothing reported"), "will_be_reported": N_("to be reported late if still unpaid on"),
    "reported": N_("reported late"), "cleared": N_("lateness cleared, still on the file"),
    "default_registered": N_("a default registered"), "charged_off": N_("charged off"),
}
REASONS = {
    "broken_promise": N_("broken promise"),
    "overdue": N_("overdue"),
    "dispute": N_("dispute"),
    "hardship": N_("hardship review"),
    "callback": N_("call-back request"),
    "pending_promise": N_("promise pending"),
    "awaiting_approval": N_("awaiting approval"),
    "refused_contact": N_("refused contact"),
}

# The staff view's flags, as the collectors read them (the codes stay in `show --format json`).
FLAGS = {
    "charged_off": N_("charged off"),
    "disputed": N_("disputed"),
    "closed": N_("closed"),
    "hardship_review": N_("hardship under review"),
    "callback_requested": N_("call-back requested"),
    "promise_pending": N_("a promise pending"),
    "arrangement_active": N_("a plan active"),
    "arrangement_pending_approval": N_("a plan awaiting approval"),
    "self_service_promises_paused": N_("self-service promises paused (broken promises)"),
    "chat_verified": N_("a chat verified"),
    "opted_out": N_("opted out of reminders"),
    "refused_contact": N_("refused contact"),
}
