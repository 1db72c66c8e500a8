"""Issue 12 item 6: tests wait on events from the Bot API stand-in, not in sleep loops."""

from __future__ import annotations

import asyncio

import pytest
from fakeapi import FakeBotAPI


async def test_the_stand_in_wakes_a_waiter_when_the_call_it_waits_for_arrives():
    api = FakeBotAPI()
    await api.call("getMe", {})
    waiter = asyncio.create_task(api.wait_for_call("getUpdates", after=len(api.calls), timeout=5))
    await asyncio.sleep(0)
    assert not waiter.done()
    await api.call("getUpdates", {"timeout": 0})
    method, args = await asyncio.wait_for(waiter, 1)
    assert (method, args) == ("getUpdates", {"timeout": 0})


async def test_a_call_before_the_mark_does_not_count_and_the_wait_ends_in_a_clear_failure():
    api = FakeBotAPI()
    await api.call("getUpdates", {"timeout": 0})
    with pytest.raises(AssertionError, match="no getUpdates call within 0.05s"):
        await api.wait_for_call("getUpdates", after=len(api.calls), timeout=0.05)
