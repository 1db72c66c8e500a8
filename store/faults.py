"""Fault points for the kill tests: inert unless DEBTDESK_FAULT_POINT names one.

A test that must kill the process at an exact place (after a flow ran but before its commit,
after the commit but before the webhook's answer) sets DEBTDESK_FAULT_POINT to that point's
name; the process then dies there with SIGKILL, as a power cut would, without cleaning up.
Unset, a point costs one dictionary look-up.
"""

from __future__ import annotations

import os
import signal

VARIABLE = "DEBTDESK_FAULT_POINT"


def fault_point(name: str) -> None:
    if os.environ.get(VARIABLE) == name:
        os.kill(os.getpid(), signal.SIGKILL)
