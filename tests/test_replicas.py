"""Several replicas on one PostgreSQL: each due check-in goes out exactly once."""

from __future__ import annotations

import asyncio
from collections import Counter

from sqlalchemy import func, select

from bot.store.outbox import SENT_T
from bot.store.repo import Store
from tests.conftest import wipe
from tests.test_scheduler_helpers import FakeSender, add_users, make_settings, tick, user_row, utc

N = 10_000
ZONES = [("Asia/Tokyo", utc(2026, 11, 30, 22, 30)), ("Europe/London", utc(2026, 12, 1, 7, 30)),
         ("America/New_York", utc(2026, 12, 1, 12, 30))]


async def test_two_schedulers_with_their_own_engines_send_each_of_10000_checkins_once(sched_pg_url: str) -> None:
    setup = Store(sched_pg_url)
    await setup.migrate()
    await wipe(setup)
    await add_users(setup, [user_row(f"console:r{i}", "Europe/London") for i in range(N)])
    await setup.close()
    # Two replicas: separate engines and connection pools, racing for the same rows.
    a, b = Store(sched_pg_url), Store(sched_pg_url)
    fa, fb = FakeSender(), FakeSender()
    now = utc(2026, 12, 1, 7, 30)
    try:
        ra, rb = await asyncio.gather(tick(a, fa, now), tick(b, fb, now))
        delivered = fa.keys() + fb.keys()
        assert len(delivered) == N and len(set(delivered)) == N
        # Both really took part, and each counted the other's claims as taken.
        assert fa.sent and fb.sent
        assert ra.outcome["checkin.sent"] + rb.outcome["checkin.sent"] == N
        # Both keep passing: nothing more goes out.
        again = await asyncio.gather(tick(a, fa, now), tick(b, fb, now.replace(minute=31)))
        assert len(fa.sent) + len(fb.sent) == N and not any(r.outcome for r in again)
        async with a.session() as s:
            rows: dict[str, int] = dict((await s.execute(select(SENT_T.c.status, func.count()).where(SENT_T.c.kind == "checkin")
                                         .group_by(SENT_T.c.status))).all())
            per_user = Counter((await s.execute(select(SENT_T.c.user_id).where(SENT_T.c.kind == "checkin")))
                               .scalars().all())
        assert rows == {"sent": N} and max(per_user.values()) == 1
    finally:
        await a.close()
        await b.close()


async def test_replicas_in_three_zones_with_reminders_send_each_prompt_once(sched_pg_url: str) -> None:
    setup = Store(sched_pg_url)
    await setup.migrate()
    await wipe(setup)
    await add_users(setup, [user_row(f"console:{tz}-{i}", tz) for tz, _ in ZONES for i in range(300)])
    await setup.close()
    stores = [Store(sched_pg_url) for _ in range(3)]
    fakes = [FakeSender() for _ in stores]
    settings = make_settings(reminder_after_minutes=60)
    try:
        for _, at in ZONES:
            for t in (at, at.replace(minute=31), at.replace(hour=at.hour + 1, minute=30)):
                await asyncio.gather(*(tick(s, f, t, settings) for s, f in zip(stores, fakes, strict=True)))
        sent = [(k, t) for f in fakes for k, t in f.sent]
        assert len(sent) == 2 * 900 and len(set(sent)) == 2 * 900  # a check-in and a reminder each
        assert sum(1 for f in fakes if f.sent) >= 2
    finally:
        for s in stores:
            await s.close()
