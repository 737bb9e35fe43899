"""A day's check-in reads back as it was saved, activities in order, on both engines (one
statement: the check-in joined with its activities)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain import Activity, CheckIn, Intervals
from bot.store import repo, users
from bot.store.repo import Store
from bot.store.users import UserRecord

NOW = datetime(2026, 3, 29, 7, 30, tzinfo=UTC)
DAY = date(2026, 3, 29)

pytestmark = pytest.mark.asyncio(loop_scope="session")

RUN = Activity(kind="run", minutes=20.0, km=3.5, effort="easy", pain_during=2.0, run_minutes=20.0, rpe=4.0)
WALK_RUN = Activity(kind="walk_run", minutes=24.0, run_minutes=8.0, intervals=Intervals(run_s=60, walk_s=120, repeats=8))
WALK = Activity(kind="walk", minutes=30.0)


async def new_user(store: Store) -> int:
    async with store.session() as s:
        rec = await users.add(s, UserRecord(key=f"test:{uuid.uuid4().hex}", created_at=NOW))
    assert rec.id is not None
    return rec.id


async def test_a_day_reads_back_as_saved_with_and_without_activities(store: Store) -> None:
    uid = await new_user(store)
    with_acts = CheckIn(pain=3.0, activities=(RUN, WALK_RUN, WALK), leg_symptoms=("tingling",), text="back 3")
    without = CheckIn(rested=True, pain=2.0, text="rested")
    async with store.session() as s:
        first = await repo.save_checkin(s, uid, DAY, with_acts, NOW)
        second = await repo.save_checkin(s, uid, DAY - timedelta(days=1), without, NOW)
    async with store.session() as s:
        assert await repo.day_checkin(s, uid, DAY) == (first, with_acts)
        assert await repo.day_checkin(s, uid, DAY - timedelta(days=1)) == (second, without)
        assert await repo.day_checkin(s, uid, DAY + timedelta(days=1)) is None


async def test_a_correction_replaces_the_activities_or_keeps_them(store: Store) -> None:
    uid = await new_user(store)
    async with store.session() as s:
        cid = await repo.save_checkin(s, uid, DAY, CheckIn(pain=3.0, activities=(RUN, WALK)), NOW)
    fewer = CheckIn(pain=4.0, activities=(WALK,))
    async with store.session() as s:
        assert await repo.save_checkin(s, uid, DAY, fewer, NOW, cid) == cid
        assert await repo.day_checkin(s, uid, DAY) == (cid, fewer)
    # A pain answer: the activities stay as stored.
    async with store.session() as s:
        await repo.save_checkin(s, uid, DAY, CheckIn(pain=1.0, activities=(WALK,)), NOW, cid, same_activities=True)
        assert await repo.day_checkin(s, uid, DAY) == (cid, CheckIn(pain=1.0, activities=(WALK,)))
    none = CheckIn(pain=1.0)
    async with store.session() as s:
        await repo.save_checkin(s, uid, DAY, none, NOW, cid)
        assert await repo.day_checkin(s, uid, DAY) == (cid, none)
