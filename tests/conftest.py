"""Shared fixtures: real databases (a fresh SQLite file and a fresh PostgreSQL database per run),
a controllable clock, and people who talk to the coach."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest
import pytest_asyncio

from bot.config import Settings
from bot.conversation import Coach
from bot.ports import Turn
from bot.store import repo
from bot.store.repo import Store

#: The admin database the test run creates its own database in (trust auth on this machine).
PG_ADMIN_URL = os.environ.get("BACKCHECK_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


@contextmanager
def fresh_pg_database(prefix: str) -> Iterator[str]:
    """Create a database for this run and drop it after. Unreachable PostgreSQL fails the tests:
    never skips."""
    import asyncio

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"

    async def admin(sql: str) -> None:
        try:
            conn = await asyncpg.connect(PG_ADMIN_URL, timeout=10)
        except (OSError, asyncpg.PostgresError) as exc:
            pytest.fail(f"PostgreSQL is required for these tests and is not reachable at {PG_ADMIN_URL}: {exc}")
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for the storage and dialogue tests."""
    with fresh_pg_database("backcheck_test") as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'backcheck.db'}"


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """Storage and dialogue tests run on both engines."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("pg_url"))


@asynccontextmanager
async def migrated_store(url: str) -> AsyncIterator[Store]:
    s = Store(url)
    await s.migrate()
    try:
        yield s
    finally:
        await s.close()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def store(db_url: str) -> AsyncIterator[Store]:
    async with migrated_store(db_url) as s:
        yield s


@pytest.fixture
def settings() -> Settings:
    return Settings(_env_file=None, database_url="sqlite:///unused.db", default_timezone="UTC")  # type: ignore[call-arg]


class Clock:
    """A hand-moved clock; tests never sleep."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> datetime:
        self.now += timedelta(**kw)
        return self.now

    def set(self, when: datetime) -> datetime:
        self.now = when
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 12, 1, 7, 30, tzinfo=UTC))


class Person:
    """A user talking to the coach: ``await alice.says("pain 3, ran 20 min")``, then look at
    ``alice.reply`` (all texts of the answer) and the stored data."""

    def __init__(self, coach: Coach, key: str, clock: Clock) -> None:
        self.coach, self.key, self.clock = coach, key, clock
        self.turn = Turn()

    async def says(self, text: str) -> Turn:
        self.turn = await self.coach.handle(self.key, text, self.clock())
        return self.turn

    @property
    def reply(self) -> str:
        return "\n".join(m.text for m in self.turn.messages)

    @property
    def choices(self) -> tuple[str, ...]:
        return self.turn.messages[-1].choices if self.turn.messages else ()

    @property
    def recommendation(self):  # type: ignore[no-untyped-def]
        for m in self.turn.messages:
            if m.recommendation is not None:
                return m.recommendation
        return None

    async def user(self):  # type: ignore[no-untyped-def]
        async with self.coach.store.session() as s:
            return await repo.get_user(s, self.key)

    async def checkins(self) -> list[dict]:  # type: ignore[type-arg]
        async with self.coach.store.session() as s:
            u = await repo.get_user(s, self.key)
            assert u is not None and u.id is not None
            rows = await repo.checkins_between(s, u.id, datetime(2000, 1, 1).date(), datetime(2100, 1, 1).date())
            return [{"date": r.local_date.isoformat(), **repo.checkin_from_rows(r, a).to_dict()} for r, a in rows]

    async def onboard(self, experience: str = "new", minutes: str = "20", tz: str = "UTC",
                      time: str = "07:30", days: str = "every day") -> None:
        await self.says("/start")
        await self.says(experience)
        if experience != "new":
            await self.says(minutes)
        await self.says(tz)
        await self.says(time)
        await self.says(days)


@pytest.fixture
def coach(store: Store, settings: Settings) -> Coach:
    return Coach(store, settings)


@pytest.fixture
def people(coach: Coach, clock: Clock):  # type: ignore[no-untyped-def]
    """``alice = people("alice")``: a fresh user per test (unique key), on the shared clock."""
    run = uuid.uuid4().hex[:8]

    def make(name: str, platform: str = "console") -> Person:
        return Person(coach, f"{platform}:{name}-{run}", clock)

    return make


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


# --- Telegram (issue 4): one fake Bot API server for every Telegram test ----------------------


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def fake_telegram():  # type: ignore[no-untyped-def]
    """A fake Telegram Bot API on 127.0.0.1 (tests/fake_telegram.py). Each bot token is a separate
    bot there, so tests sharing the server stay independent: use a fresh token per test."""
    from tests.fake_telegram import FakeTelegram

    fake = FakeTelegram()
    await fake.start()
    yield fake
    await fake.close()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def telegram_store(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Store]:
    """A migrated SQLite store for the Telegram end-to-end tests (the adapter is engine-neutral;
    the group digest claims are tested on both engines in test_groups.py)."""
    s = Store(f"sqlite:///{tmp_path_factory.mktemp('tg') / 'telegram.db'}")
    await s.migrate()
    yield s
    await s.close()


# --- scheduler tests: databases of their own ---------------------------------------------------
# Scheduler passes look at every user in the database, so these tests cannot share the dialogue
# tests' store: each engine gets a database of its own, emptied before every test.

SCHED_TABLES = ("activities", "checkins", "recommendations", "sent_messages", "inbound_messages",
                "group_digests", "group_members", "running_groups", "users")


@pytest.fixture(scope="session")
def sched_pg_url() -> Iterator[str]:
    """A second fresh PostgreSQL database, so scheduler passes never see the dialogue tests' users."""
    with fresh_pg_database("backcheck_sched") as url:
        yield url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def sched_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('sched') / 'sched.db'}"
    return str(request.getfixturevalue("sched_pg_url"))


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def _sched_store_once(sched_url: str) -> AsyncIterator[Store]:
    async with migrated_store(sched_url) as s:
        yield s


async def wipe(store: Store) -> None:
    from sqlalchemy import inspect, text

    async with store.session() as s:
        names = set(await s.run_sync(lambda ss: inspect(ss.connection()).get_table_names()))
        for t in SCHED_TABLES:
            if t in names:
                await s.execute(text(f"DELETE FROM {t}"))


@pytest_asyncio.fixture(loop_scope="session")
async def sched_store(_sched_store_once: Store) -> AsyncIterator[Store]:
    """An empty database (SQLite and PostgreSQL) for one scheduler test."""
    await wipe(_sched_store_once)
    yield _sched_store_once


# --- Slack (issue 9): one fake Slack Web API for every Slack test --------------------------------


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def fake_slack():  # type: ignore[no-untyped-def]
    """A fake Slack Web API on 127.0.0.1 (tests/fake_slack.py). Each workspace has its own bot
    token there, so tests sharing the server stay independent: make a workspace per test."""
    from tests.fake_slack import FakeSlack

    fake = FakeSlack()
    await fake.start()
    yield fake
    await fake.close()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def slack_store(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Store]:
    """A migrated SQLite store for the Slack end-to-end tests."""
    s = Store(f"sqlite:///{tmp_path_factory.mktemp('slack') / 'slack.db'}")
    await s.migrate()
    yield s
    await s.close()


@pytest_asyncio.fixture(loop_scope="session")
async def bot(fake_slack, slack_store: Store, clock: Clock):  # type: ignore[no-untyped-def]
    """The Slack adapter served on loopback for one test (tests/slack_bot.py), on the shared fake.
    (The Telegram group tests have a ``bot`` of their own.)"""
    from tests.slack_bot import SlackBot

    b = await SlackBot(fake_slack, slack_store, clock).start()
    yield b
    await b.stop()
