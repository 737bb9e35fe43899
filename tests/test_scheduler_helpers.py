"""Helpers shared by the scheduler tests (no tests here): users in bulk, fake platforms, fake time."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update

from bot.config import Settings
from bot.ports import Outgoing, PlatformLimits
from bot.store.outbox import INBOUND_T, SENT_T, USER_T
from bot.store.repo import Store
from scheduler.passes import PassReport, run_pass

EVERY_DAY = "mon,tue,wed,thu,fri,sat,sun"
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


def make_settings(**kw: Any) -> Settings:
    base: dict[str, Any] = {"database_url": "sqlite:///unused.db", "reminder_after_minutes": 180}
    return Settings(_env_file=None, **{**base, **kw})  # type: ignore[call-arg]


def user_row(key: str, tz: str = "UTC", at: str = "07:30", days: str = EVERY_DAY, **kw: Any) -> dict[str, Any]:
    # Every row has every column: an executemany INSERT takes its columns from the first row.
    row: dict[str, Any] = {"key": key, "timezone": tz, "checkin_time": at, "days": days, "experience": "new",
                           "reminders": True, "status": "active", "onboarded": True, "created_at": LONG_AGO,
                           "paused_until": None, "conv_state": None, "conv_on": None}
    row.update(kw)
    return row


async def add_users(store: Store, rows: Sequence[dict[str, Any]]) -> None:
    async with store.session() as s:
        for i in range(0, len(rows), 5000):
            await s.execute(insert(USER_T), list(rows[i:i + 5000]))


async def sent_rows(store: Store, kind: str | None = None) -> list[dict[str, Any]]:
    q = (select(SENT_T, USER_T.c.key).select_from(SENT_T.join(USER_T, USER_T.c.id == SENT_T.c.user_id))
         .order_by(SENT_T.c.id))
    if kind is not None:
        q = q.where(SENT_T.c.kind == kind)
    async with store.session() as s:
        return [dict(r._mapping) for r in (await s.execute(q)).all()]


async def user(store: Store, key: str) -> dict[str, Any]:
    async with store.session() as s:
        return dict((await s.execute(select(USER_T).where(USER_T.c.key == key))).one()._mapping)


async def answer_all(store: Store) -> None:
    """Every check-in question sent so far counts as answered when it was sent: for tests about
    timing, not about the silence rules (which a never-answering user soon meets)."""
    async with store.session() as s:
        await s.execute(update(SENT_T).where(SENT_T.c.kind == "checkin", SENT_T.c.sent_at.is_not(None),
                                             SENT_T.c.answered_at.is_(None))
                        .values(answered_at=SENT_T.c.sent_at))


async def say(store: Store, key: str, at: datetime, text: str = "hi") -> None:
    """An inbound message from ``key`` at ``at``, stored as the core stores one it did not record
    as a check-in: what the silence rules count as the user being there."""
    async with store.session() as s:
        uid = (await s.execute(select(USER_T.c.id).where(USER_T.c.key == key))).scalar_one()
        await s.execute(insert(INBOUND_T).values(user_id=uid, at=at, text=text, handled_as="test"))


class FakeTime:
    """monotonic() and sleep() for the limiter and backoff: sleeping advances the clock at once."""

    def __init__(self) -> None:
        self.t = 1000.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.t += max(0.0, seconds)
        await asyncio.sleep(0)


class FakeSender:
    """A platform that records what it delivers. ``script[key]`` is a list of exceptions to raise on
    that key's next sends (then it succeeds); ``gate`` (an Event) holds every send until set."""

    limits = PlatformLimits()

    def __init__(self, platform: str = "console", clock: Any = None) -> None:
        self.platform = platform
        self.sent: list[tuple[str, str]] = []
        self.at: list[datetime] = []
        self.calls = 0
        self.script: dict[str, list[BaseException]] = {}
        self.gate: asyncio.Event | None = None
        self.clock = clock

    async def send(self, key: str, messages: Sequence[Outgoing]) -> None:
        self.calls += 1
        if self.gate is not None:
            await self.gate.wait()
        todo = self.script.get(key)
        if todo:
            raise todo.pop(0)
        for m in messages:
            self.sent.append((key, m.text))
            if self.clock is not None:
                self.at.append(self.clock())

    def keys(self) -> list[str]:
        return [k for k, _ in self.sent]

    def texts(self, key: str) -> list[str]:
        return [t for k, t in self.sent if k == key]


async def tick(store: Store, senders: Any, now: datetime, settings: Settings | None = None,
               ft: FakeTime | None = None, **kw: Any) -> PassReport:
    """One complete pass at ``now`` with frozen time and fake sleeping."""
    ft = ft or FakeTime()
    if not isinstance(senders, dict):
        senders = {s.platform: s for s in (senders if isinstance(senders, list) else [senders])}
    return await run_pass(store, senders, settings or make_settings(), now, clock=lambda: now,
                          sleep=ft.sleep, monotonic=ft.monotonic, **kw)


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


def days(n: int) -> timedelta:
    return timedelta(days=n)


def d(y: int, mo: int, dd: int) -> date:
    return date(y, mo, dd)
