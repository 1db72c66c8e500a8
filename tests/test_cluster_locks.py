"""Two debtdesk processes on one PostgreSQL database, as two stores in one test: a chat's turn
and a job's claim are held by one of them at a time, and a claim whose holder died (its
connection gone, as after SIGKILL) is taken over at the next try."""

from __future__ import annotations

import asyncio

from db_kit import database, postgresql_only, rows

from store.db import Store

pytestmark = postgresql_only


async def two_instances(tmp_path) -> tuple[Store, Store, str]:
    url = database(tmp_path, "cluster.db")
    return await Store.open(url), await Store.open(url), url


async def test_a_job_claimed_by_one_instance_is_skipped_by_the_other_until_released(tmp_path):
    first, second, _ = await two_instances(tmp_path)
    try:
        async with first.claim("sweep") as mine:
            assert mine
            async with second.claim("sweep") as theirs:
                assert not theirs
            async with first.claim("sweep") as again:  # nor twice inside one process
                assert not again
            async with second.claim("reminders") as other_job:
                assert other_job
        async with second.claim("sweep") as theirs:
            assert theirs
    finally:
        await first.close()
        await second.close()


async def test_the_claim_of_an_instance_whose_connection_died_is_taken_over(tmp_path):
    first, second, url = await two_instances(tmp_path)
    try:
        async with first.claim("notifier") as mine:
            assert mine
            async with second.claim("notifier") as theirs:
                assert not theirs
            # What SIGKILL does to the holder: its connection closes and the server notices.
            rows(url, "SELECT pg_terminate_backend(pid) FROM pg_locks"
                      " WHERE locktype = 'advisory' AND pid <> pg_backend_pid()")
            async with asyncio.timeout(5):
                while True:
                    async with second.claim("notifier") as theirs:
                        if theirs:
                            break
                    await asyncio.sleep(0.05)
        async with first.claim("notifier") as back:  # the first reconnects and claims again
            assert back
    finally:
        await first.close()
        await second.close()


async def test_one_chats_turns_run_one_after_another_across_instances_other_chats_meanwhile(tmp_path):
    first, second, _ = await two_instances(tmp_path)
    happened: list[str] = []
    released = asyncio.Event()

    async def hold(store: Store, chat: int, name: str) -> None:
        async with store.chat_turn(chat):
            happened.append(f"{name} in")
            if name == "first":
                await released.wait()
            happened.append(f"{name} out")

    try:
        holder = asyncio.create_task(hold(first, 42, "first"))
        await asyncio.sleep(0.1)
        waiter = asyncio.create_task(hold(second, 42, "second"))
        await hold(second, 43, "other chat")  # not held up by chat 42
        await asyncio.sleep(0.2)
        assert happened == ["first in", "other chat in", "other chat out"]
        released.set()
        await asyncio.wait_for(asyncio.gather(holder, waiter), 5)
        assert happened[3:] == ["first out", "second in", "second out"]
    finally:
        await first.close()
        await second.close()
