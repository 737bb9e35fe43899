"""Replicas share the platform's limits (issue 11, item 2): two schedulers, each with its own
engine and its own Telegram adapter, against one PostgreSQL and the fake Bot API enforcing a
bot-wide limit. Only the dispatch leader sends: the busiest second stays within the limit, no 429,
every check-in once; a leader killed in the middle of a fan-out is replaced at the next pass and
what it had claimed is sent by its successor, never twice."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import Counter
from datetime import timedelta

import asyncpg
import pytest

from adapters.telegram import TelegramAdapter
from bot.conversation import Coach
from bot.ports import PlatformLimits
from bot.store.leader import DispatchLeader
from bot.store.repo import Store
from scheduler.runner import Scheduler
from tests.conftest import PG_ADMIN_URL, wipe
from tests.fake_telegram import FakeBot, FakeTelegram
from tests.test_scheduler_helpers import add_users, make_settings, sent_rows, user_row, utc

pytestmark = pytest.mark.asyncio(loop_scope="session")

N = 120
#: The fake's bot-wide limit, and the pace the lanes are given (a margin for loopback jitter).
LIMIT = 20
PACE = PlatformLimits(rate=LIMIT * 0.9, per_key_interval=1.0, max_in_flight=20, chunk=20)


class Replica:
    """One `backcheck run` process, as far as scheduled sending goes."""

    def __init__(self, url: str, fake: FakeTelegram, token: str, clock: list) -> None:  # type: ignore[type-arg]
        self.store = Store(url)
        self.settings = make_settings(database_url=url, telegram_token=token, telegram_api_url=fake.base_url,
                                      reminder_after_minutes=0)
        self.adapter = TelegramAdapter(Coach(self.store, self.settings), self.settings)
        self.sched = Scheduler(self.store, {"telegram": self.adapter}, self.settings, clock=lambda: clock[0],
                               limits={"telegram": PACE}, flush_interval=0.02)

    async def start(self) -> None:
        await self.adapter.initialize()

    async def kill(self) -> None:
        """As SIGKILL would: its tasks stop where they are, nothing more is recorded, and the
        database drops its connections (and so the leader lock)."""
        pid = await self.sched.leader.pid()
        tasks = [t for lane in self.sched.dispatcher._lanes.values()
                 for t in (lane.worker, lane.flusher, lane._hand_task, *lane.tasks) if t is not None]
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        conn = await asyncpg.connect(PG_ADMIN_URL, timeout=10)
        try:
            # pg_terminate_backend only signals: wait until the backend (and its lock) is gone,
            # as it is once a dead process's connection has been dropped.
            await conn.execute("SELECT pg_terminate_backend($1)", pid)
            for _ in range(500):
                if not await conn.fetchval("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", pid):
                    break
                await asyncio.sleep(0.02)
        finally:
            await conn.close()
        self.sched.dispatcher._lanes.clear()

    async def stop(self) -> None:
        await self.sched.stop(grace=5)
        await self.adapter.stop()
        await self.store.close()


def checkins_to(fb: FakeBot, since: int = 0) -> Counter[int]:
    return Counter(s.chat_id for s in fb.sent[since:] if s.method == "sendMessage")


async def wait_until(ok, within: float = 60) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    end = loop.time() + within
    while not ok():
        assert loop.time() < end, "not in time"
        await asyncio.sleep(0.02)


async def test_two_replicas_send_within_the_bot_wide_limit_and_a_dead_leader_is_replaced(
        sched_pg_url: str, fake_telegram: FakeTelegram) -> None:
    setup = Store(sched_pg_url)
    await setup.migrate()
    await wipe(setup)
    chats = random.sample(range(10**8, 2 * 10**9), N)
    await add_users(setup, [user_row(f"telegram:{c}", "Europe/London") for c in chats])
    await setup.close()

    token = f"{random.randint(10**8, 10**9)}:{uuid.uuid4().hex}"
    fb = fake_telegram.bot(token)
    fb.rate_limit = LIMIT
    clock = [utc(2026, 12, 1, 7, 30)]
    a, b = Replica(sched_pg_url, fake_telegram, token, clock), Replica(sched_pg_url, fake_telegram, token, clock)
    try:
        await a.start()
        await b.start()
        # Both pass every minute; one of them is leader and sends, the other stands by.
        passes = await asyncio.gather(a.sched.tick(), b.sched.tick())
        assert sum(p is not None for p in passes) == 1
        leader, follower = (a, b) if passes[0] is not None else (b, a)
        await wait_until(lambda: sum(checkins_to(fb).values()) >= N)
        await leader.sched.dispatcher.drain()
        assert checkins_to(fb) == Counter(chats)  # each once
        assert fb.too_many == 0
        assert fb.busiest_second() <= LIMIT
        assert await follower.sched.tick() is None  # still standing by

        # Next morning the leader dies a third of the way through the fan-out.
        clock[0] = utc(2026, 12, 2, 7, 30)
        before = len(fb.sent)
        assert await leader.sched.tick() is not None
        await wait_until(lambda: sum(checkins_to(fb, before).values()) >= N // 3)
        await leader.kill()
        # The other replica's next pass (a minute later at most) finds the lock free and leads.
        assert await follower.sched.tick() is not None
        # What the dead leader had claimed but not handed over is taken over after the claim lease.
        clock[0] += timedelta(minutes=3)
        await follower.sched.tick()
        await follower.sched.dispatcher.drain()
        clock[0] += timedelta(minutes=20)  # past the lease of what was on the wire at the kill
        await follower.sched.tick()
        await follower.sched.dispatcher.drain()

        got = checkins_to(fb, before)
        assert max(got.values()) == 1  # nobody twice
        rows = {r["key"]: r["status"] for r in await sent_rows(follower.store, "checkin")
                if r["local_date"] == clock[0].date()}
        in_doubt = {k for k, st in rows.items() if st == "unknown"}
        assert set(rows.values()) <= {"sent", "unknown"}
        # Everyone got it, except what was on the wire at the kill and may not have arrived.
        missing = {f"telegram:{c}" for c in chats if got[c] == 0}
        assert missing <= in_doubt and len(in_doubt) <= PACE.max_in_flight
        assert fb.too_many == 0 and fb.busiest_second() <= LIMIT
        print(f"\nleader killed after {N // 3}+ sends: {sum(got.values())} of {N} delivered, "
              f"{len(in_doubt)} in doubt, busiest second {fb.busiest_second()} (limit {LIMIT}), 429s {fb.too_many}")
    finally:
        for r in (a, b):
            try:
                await r.stop()
            except Exception:
                pass


async def test_sqlite_has_one_process_and_it_leads(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = Store(f"sqlite:///{tmp_path}/one.db")
    try:
        leader = DispatchLeader(store)
        assert await leader.hold() and await leader.hold() and leader.held
        await leader.release()
    finally:
        await store.close()


async def test_the_lock_is_one_holders_and_freed_by_release(sched_pg_url: str) -> None:
    x, y = Store(sched_pg_url), Store(sched_pg_url)
    try:
        lx, ly = DispatchLeader(x), DispatchLeader(y)
        assert await lx.hold()
        assert not await ly.hold()
        assert await lx.hold()  # keeps it
        await lx.release()
        assert await ly.hold()
        assert not await lx.hold()
        await ly.release()
    finally:
        await x.close()
        await y.close()
