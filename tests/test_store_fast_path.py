"""Prepared statements on SQLite's cursor (bot/store/prepared.py) give what SQLAlchemy gives.

Every check runs the same statements on two databases built alike: one through the inline
session's fast path, one with an engine listener attached, which sends every statement through
SQLAlchemy as before. Results (values and their Python types), row counts, errors and the stored
rows must be the same."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, Executable, event, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError, ResourceClosedError
from sqlmodel import SQLModel

from bot.store import pauses, repo, users
from bot.store.db import sqlite_pragmas
from bot.store.inline import InlineSession, InlineSessions, sqlite_sync_engine
from bot.store.prepared import _REGISTRY, is_prepared, prepared
from bot.store.repo import Store
from bot.store.tables import CheckInRow, SentMessage, UserPause
from bot.store.users import UserRecord

VIENNA = ZoneInfo("Europe/Vienna")
NOW = datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=UTC)
DAY = date(2026, 3, 29)


def sessions(path: Path, *, through_sqlalchemy: bool) -> InlineSessions:
    engine = sqlite_sync_engine(f"sqlite:///{path}", sqlite_pragmas)
    SQLModel.metadata.create_all(engine)
    if through_sqlalchemy:
        # Any listener: the session then leaves every statement to SQLAlchemy, so it sees them.
        event.listen(engine, "before_cursor_execute", lambda *args: None)
    return InlineSessions(engine)


@asynccontextmanager
async def pair(tmp_path: Path) -> AsyncIterator[tuple[InlineSessions, InlineSessions]]:
    fast = sessions(tmp_path / "fast.db", through_sqlalchemy=False)
    slow = sessions(tmp_path / "slow.db", through_sqlalchemy=True)
    try:
        yield fast, slow
    finally:
        fast.dispose()
        slow.dispose()


def typed(value: Any) -> Any:
    """A value with its type: True and 1, a naive and an aware datetime, must not compare equal."""
    return (type(value).__name__, value)


def seen(result: Any) -> dict[str, Any]:
    """Everything callers can read of a result, as comparable data."""
    try:
        rows = result.all()
    except ResourceClosedError as exc:  # a statement that returns no rows
        rows, error = [], str(exc)
    else:
        error = ""
    return {
        "error": error,
        "rows": [(tuple(r._fields), [typed(v) for v in r], [typed(getattr(r, f)) for f in r._fields],
                  {k: typed(v) for k, v in r._mapping.items()}) for r in rows],
        "rowcount": result.rowcount,
    }


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every stored row, as SQLite holds it (the text the bind processors wrote)."""
    with sqlite3.connect(path) as raw:
        names = [n for (n,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {n: raw.execute(f'SELECT * FROM "{n}" ORDER BY 1').fetchall() for n in names}


def user_record(key: str, **fields: Any) -> UserRecord:
    return UserRecord(key=key, **{"created_at": NOW, **fields})


def user_params(rec: UserRecord) -> dict[str, Any]:
    return {n: getattr(rec, n) for n in users._NAMES}


def checkin_params(user_id: int, day: date, at: datetime, *, pain: float | None, rested: bool,
                   text: str = "back 3/10") -> dict[str, Any]:
    return {"user_id": user_id, "local_date": day, "created_at": at, "pain": pain, "rested": rested,
            "leg_pain": not rested, "leg_score": None if pain is None else pain / 2, "leg_symptoms": '["tingling"]',
            "red_flags": "[]", "text": text, "updated_at": at}


def activity(checkin_id: int, position: int, kind: str, minutes: float | None) -> dict[str, Any]:
    return {"checkin_id": checkin_id, "position": position, "kind": kind, "minutes": minutes, "km": None,
            "effort": "easy" if minutes else None, "pain_during": 1.5, "run_minutes": None,
            "intervals": '{"run_s": 60, "walk_s": 120, "repeats": 8}' if position else None, "rpe": None}


#: Each hot-path statement with parameters that reach dates, datetimes in several zones,
#: booleans both ways, NULLs, JSON text and unicode; in order (ids are autoincremented alike).
STEPS: list[tuple[Executable, Any]] = [
    (users._INSERT, user_params(user_record("slack:T1:U1", reminders=True, onboarded=False, paused_until=DAY,
                                            comfortable_run_minutes=None, undo='{"checkin_time": "07:30"}'))),
    (users._INSERT, user_params(user_record("telegram:42", reminders=False, onboarded=True, conv_on=DAY,
                                            tolerance="ü✓", created_at=NOW.astimezone(VIENNA)))),
    (users._SELECT, {"key": "slack:T1:U1"}),
    (users._SELECT, {"key": "telegram:42"}),
    (users._SELECT, {"key": "nobody"}),
    (users._update_of(("reminders", "paused_until", "conv_state")),
     {"v_reminders": False, "v_paused_until": None, "v_conv_state": "pain", "uid": 1}),
    (users._update_of(("onboarded", "last_checkin_on", "created_at")),
     {"v_onboarded": True, "v_last_checkin_on": DAY, "v_created_at": NOW.astimezone(timezone(timedelta(hours=-5))),
      "uid": 2}),
    (users._SELECT, {"key": "slack:T1:U1"}),
    (users._SELECT, {"key": "telegram:42"}),
    (repo._INSERT_CHECKIN, checkin_params(1, DAY, NOW, pain=3.0, rested=False)),
    (repo._INSERT_CHECKIN, checkin_params(1, DAY - timedelta(days=1), NOW.astimezone(VIENNA), pain=None,
                                          rested=True, text="rested, 日本")),
    (repo._DAY_CHECKIN, {"uid": 1, "day": DAY}),
    (repo._DAY_CHECKIN, {"uid": 1, "day": DAY + timedelta(days=1)}),
    (repo._INSERT_ACTIVITY, [activity(1, 0, "run", 20.0), activity(1, 1, "walk", None)]),
    (repo._INSERT_ACTIVITY, [activity(2, 0, "bike", 45.5)]),
    (repo._DAY_CHECKIN, {"uid": 1, "day": DAY}),
    (repo._UPDATE_CHECKIN, {"cid": 1, **{k: v for k, v in checkin_params(1, DAY, NOW, pain=4.5, rested=True).items()
                                         if k not in ("user_id", "local_date", "created_at")}}),
    (repo._DELETE_ACTIVITIES, {"cid": 1}),
    (repo._DELETE_ACTIVITIES, {"cid": 99}),
    (repo._DAY_CHECKIN, {"uid": 1, "day": DAY}),
    (repo._CHECKINS_BETWEEN, {"uid": 1, "start": date.min, "end": date.max}),
    (repo._reco_upsert("sqlite"), {"user_id": 1, "local_date": DAY, "action": "run", "payload": '{"a": 1}',
                                   "created_at": NOW}),
    (repo._reco_upsert("sqlite"), {"user_id": 1, "local_date": DAY, "action": "rest", "payload": '{"a": [2, null]}',
                                   "created_at": NOW.astimezone(VIENNA)}),
    (repo._reco_upsert("sqlite"), {"user_id": 1, "local_date": DAY - timedelta(days=3), "action": "walk",
                                   "payload": "{}", "created_at": NOW}),
    (repo._RECOS_BETWEEN, {"uid": 1, "start": DAY - timedelta(days=7), "end": DAY}),
    (repo._LATEST_RECO, {"uid": 1}),
    (repo._LATEST_RECO, {"uid": 2}),
    (repo._claim_event("sqlite"), {"platform": "slack", "event_id": "Ev1", "seen_at": NOW}),
    (repo._claim_event("sqlite"), {"platform": "slack", "event_id": "Ev1", "seen_at": NOW}),
    (repo._INSERT_INBOUND, {"user_id": 2, "at": NOW.astimezone(VIENNA), "text": "help 🙂", "handled_as": "help"}),
    # Not prepared (built per call): SQLAlchemy runs it, in the same transaction.
    (insert(SentMessage.__table__), {"user_id": 1, "local_date": DAY, "kind": "checkin", "status": "sent",  # type: ignore[attr-defined]
                                     "due_at": NOW, "claimed_at": NOW, "attempts": 0}),
    (repo._MARK_ANSWERED, {"uid": 1, "day": DAY, "now": NOW.astimezone(VIENNA)}),
    (repo._MARK_ANSWERED, {"uid": 1, "day": DAY, "now": NOW}),
    (insert(UserPause.__table__), {"user_id": 1, "start": DAY, "until": DAY + timedelta(days=3)}),  # type: ignore[attr-defined]
    (pauses._PAUSES_BETWEEN, {"uid": 1, "start": DAY - timedelta(days=1), "end": DAY + timedelta(days=9)}),
    # Expanding IN: never prepared; SQLAlchemy runs it.
    (repo._SELECT_ACTIVITIES, {"ids": [1, 2]}),
]


async def run_steps(inline: InlineSessions, steps: list[tuple[Executable, Any]]) -> list[dict[str, Any]]:
    out = []
    async with inline.session() as s:
        for stmt, params in steps:
            out.append(seen(await s.execute(stmt, params)))
    return out


def test_the_hot_path_statements_are_prepared_and_each_is_checked_here() -> None:
    stepped = {id(stmt) for stmt, _ in STEPS}
    module_level = [v for m in (repo, users, pauses) for v in vars(m).values() if is_prepared(v)]
    built = [repo._reco_upsert("sqlite"), repo._claim_event("sqlite")]
    assert len(module_level) >= 11
    for stmt in (*module_level, *built):
        assert id(stmt) in stepped, f"no step runs {stmt}"


async def test_prepared_statements_give_what_sqlalchemy_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    through_sqlalchemy: list[tuple[Connection, Any]] = []
    execute = Connection.execute

    def recording(conn: Connection, statement: Any, *args: Any, **kw: Any) -> Any:
        through_sqlalchemy.append((conn, statement))
        return execute(conn, statement, *args, **kw)

    async with pair(tmp_path) as (fast, slow):
        monkeypatch.setattr(Connection, "execute", recording)  # the tables exist: from here on
        got, expected = await run_steps(fast, STEPS), await run_steps(slow, STEPS)
        for stmt, mine, theirs in zip((stmt for stmt, _ in STEPS), got, expected, strict=True):
            assert mine == theirs, str(stmt)
        # The fast path ran every prepared statement, SQLAlchemy the others; the reference never
        # planned any and ran them all.
        assert [stmt for conn, stmt in through_sqlalchemy if conn.engine is fast.engine] == \
            [stmt for stmt, _ in STEPS if not is_prepared(stmt)]
        assert [stmt for conn, stmt in through_sqlalchemy if conn.engine is slow.engine] == [stmt for stmt, _ in STEPS]
        assert not slow.plans._plans
        assert dump(tmp_path / "fast.db") == dump(tmp_path / "slow.db")
    # Something was read back at all (the comparison is not of two empty lists).
    assert any(step["rows"] for step in got)
    assert [step["rowcount"] for step in got][27:29] == [1, 0]  # the second claim of an event is refused


@pytest.mark.parametrize("method", ["first", "all", "one", "one_or_none", "scalar", "scalar_one",
                                    "scalar_one_or_none", "iter"])
@pytest.mark.parametrize("uid", [1, 2, 3], ids=["two rows", "one row", "no row"])
async def test_results_read_as_sqlalchemy_results_do(tmp_path: Path, method: str, uid: int) -> None:
    setup = STEPS[:11]  # two users, two check-ins of user 1, none of user 2
    query = (repo._CHECKINS_BETWEEN, {"uid": uid if uid != 2 else 1, "start": DAY if uid == 2 else date.min,
                                      "end": date.max})

    async def outcome(inline: InlineSessions) -> Any:
        await run_steps(inline, setup)
        async with inline.session() as s:
            result = await s.execute(*query)
            try:
                value = list(result) if method == "iter" else getattr(result, method)()
            except Exception as exc:
                return type(exc).__name__, str(exc)
            # Read once, as SQLAlchemy's results are: what is left after the method.
            rest = result.all() if method not in ("first", "one", "one_or_none", "scalar", "scalar_one",
                                                  "scalar_one_or_none") else []
            return repr(value), rest

    async with pair(tmp_path) as (fast, slow):
        assert await outcome(fast) == await outcome(slow)


async def test_an_error_mid_transaction_rolls_everything_back(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    await store.migrate()
    try:
        async with store.session() as s:
            await users.add(s, user_record("slack:T1:U1"))
        before = dump(tmp_path / "store.db")
        with pytest.raises(IntegrityError):
            async with store.session() as s:
                assert await repo.claim_event(s, "slack", "Ev1", NOW)
                uid = (await users.add(s, user_record("slack:T1:U2"))).id
                assert uid is not None
                await repo.save_checkin(s, uid, DAY, _checkin(), NOW)
                await repo.keep_inbound(s, uid, NOW, "hello", "help")
                await users.add(s, user_record("slack:T1:U1"))  # the key exists: IntegrityError
        assert dump(tmp_path / "store.db") == before

        # Store.run's retry sees nothing of the failed attempt: only the second one's rows stay.
        attempts: list[int] = []

        async def work(s: Any) -> int:
            attempts.append(1)
            assert await repo.claim_event(s, "slack", "Ev2", NOW)
            rec = await users.add(s, user_record(f"slack:T1:U{len(attempts) + 2}"))
            assert rec.id is not None
            await repo.save_checkin(s, rec.id, DAY, _checkin(), NOW)
            if len(attempts) == 1:
                await users.add(s, user_record("slack:T1:U1"))
            return rec.id

        uid = await store.run(work)
        assert len(attempts) == 2
        after = dump(tmp_path / "store.db")
        assert [row[1] for row in after["users"]] == ["slack:T1:U1", "slack:T1:U4"]
        assert [row[1] for row in after["checkins"]] == [uid]
        assert [row[2] for row in after["platform_events"]] == ["Ev2"]
    finally:
        await store.close()


def _checkin() -> Any:
    from bot.domain import Activity, CheckIn

    return CheckIn(pain=3.0, rested=False, activities=(Activity(kind="run", minutes=20.0),), text="back 3")


async def test_a_locked_database_is_sqlalchemys_operational_error_and_leaves_nothing(tmp_path: Path) -> None:
    """Another process holding the write lock: BEGIN IMMEDIATE (on the cursor) fails as it did
    through SQLAlchemy, the error Store.run retries on."""
    path = tmp_path / "locked.db"
    fast = sessions(path, through_sqlalchemy=False)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("PRAGMA busy_timeout=0")
        other.execute("BEGIN IMMEDIATE")
        fast.engine.dispose()
        engine = sqlite_sync_engine(f"sqlite:///{path}", _no_wait)
        locked = InlineSessions(engine)
        with pytest.raises(OperationalError) as caught:
            async with locked.session() as s:
                await s.execute(users._SELECT, {"key": "x"})
        assert repo.lost_a_race(caught.value)
        other.execute("ROLLBACK")
        async with locked.session() as s:  # the connection is still good once the lock is gone
            assert (await s.execute(users._SELECT, {"key": "x"})).first() is None
        locked.dispose()
    finally:
        other.close()
        fast.dispose()


def _no_wait(dbapi_conn: Any, record: Any) -> None:
    dbapi_conn.execute("PRAGMA busy_timeout=0")


async def test_orm_work_joins_the_transaction_of_prepared_statements(tmp_path: Path) -> None:
    async with pair(tmp_path) as (fast, _slow):
        async with fast.session() as s:
            await s.execute(*STEPS[0])
            await s.execute(*STEPS[9])
            row = await repo.get_checkin(s, 1, DAY)  # an ORM statement: the ORM session joins
            assert row is not None and row.pain == 3.0
            s.add(UserPause(user_id=1, start=DAY, until=DAY + timedelta(days=2)))
            # Once the ORM session exists, prepared statements run through it (they see its state).
            assert (await s.execute(users._SELECT, {"key": "slack:T1:U1"})).first() is not None
        stored = dump(tmp_path / "fast.db")
        assert len(stored["users"]) == len(stored["checkins"]) == len(stored["user_pauses"]) == 1

        with pytest.raises(RuntimeError):
            async with fast.session() as s:
                await s.execute(*STEPS[1])
                s.add(UserPause(user_id=1, start=DAY, until=DAY + timedelta(days=5)))
                await s.flush()
                await s.execute(repo._INSERT_INBOUND, {"user_id": 1, "at": NOW, "text": "x", "handled_as": "x"})
                raise RuntimeError("the handler failed")
        assert dump(tmp_path / "fast.db") == stored


@pytest.mark.parametrize("params", [{}, {"key": 1, "extra": 2}, {"uid": 1}], ids=["none", "extra", "wrong"])
async def test_missing_or_odd_parameters_fail_or_work_as_in_sqlalchemy(tmp_path: Path, params: dict[str, Any]) -> None:
    async def outcome(inline: InlineSessions, stmt: Executable) -> Any:
        async with inline.session() as s:
            try:
                return seen(await s.execute(stmt, params))
            except Exception as exc:
                return type(exc).__name__, str(exc).split("\n")[0]

    async with pair(tmp_path) as (fast, slow):
        for stmt in (users._SELECT, repo._DAY_CHECKIN):
            assert await outcome(fast, stmt) == await outcome(slow, stmt)


async def test_a_constraint_error_is_sqlalchemys_in_its_words(tmp_path: Path) -> None:
    """IntegrityError (Store.run retries on it, users.add documents it), message and parameters."""
    async def outcome(inline: InlineSessions) -> tuple[type[Exception], str, Any]:
        with pytest.raises(IntegrityError) as caught:
            async with inline.session() as s:
                await s.execute(*STEPS[0])
                await s.execute(*STEPS[0])
        return type(caught.value), str(caught.value), caught.value.params

    async with pair(tmp_path) as (fast, slow):
        assert await outcome(fast) == await outcome(slow)
        assert dump(tmp_path / "fast.db")["users"] == []


async def test_a_value_a_type_refuses_fails_as_in_sqlalchemy(tmp_path: Path) -> None:
    """A bind processor refusing a value: nothing is sent, SQLAlchemy raises its own error."""
    async def outcome(inline: InlineSessions) -> tuple[str, str]:
        with pytest.raises(Exception) as caught:
            async with inline.session() as s:
                await s.execute(repo._DAY_CHECKIN, {"uid": 1, "day": "2026-03-29"})
        return type(caught.value).__name__, str(caught.value).split("\n")[0]

    async with pair(tmp_path) as (fast, slow):
        assert await outcome(fast) == await outcome(slow)


async def test_statements_built_per_call_are_not_prepared_nor_kept(tmp_path: Path) -> None:
    size = len(_REGISTRY)
    async with pair(tmp_path) as (fast, _slow):
        async with fast.session() as s:
            for day in range(3):
                stmt = select(CheckInRow.__table__).where(CheckInRow.__table__.c.local_date == DAY + timedelta(days=day))  # type: ignore[attr-defined]
                assert (await s.execute(stmt)).all() == []
                assert fast.plans.find(stmt, None) is None
    assert len(_REGISTRY) == size


def test_a_prepared_statement_is_kept_alive_and_marked_once() -> None:
    stmt = select(CheckInRow.__table__).where(CheckInRow.__table__.c.id == 1)  # type: ignore[attr-defined]
    ident = id(stmt)
    assert prepared(stmt) is stmt and prepared(stmt) is stmt
    del stmt
    assert is_prepared(_REGISTRY[ident])  # the registry holds it: its id cannot be reused


# --- any values ---------------------------------------------------------------------------

zones = st.sampled_from([UTC, VIENNA, ZoneInfo("America/St_Johns"), timezone(timedelta(hours=14)), None])
instants = st.builds(lambda at, zone: at.replace(tzinfo=UTC).astimezone(zone) if zone else at.replace(tzinfo=UTC),
                     st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2200, 1, 1)), zones)
pains = st.none() | st.floats(min_value=0, max_value=10, allow_nan=False)
texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@settings(max_examples=30, deadline=None)
@given(day=st.dates(), at=instants, pain=pains, rested=st.booleans(), text=texts,
       reminders=st.booleans(), paused=st.none() | st.dates(), minutes=st.none() | st.integers(-5, 10_000))
def test_any_values_come_back_as_sqlalchemy_returns_them(
    tmp_path_factory: pytest.TempPathFactory, day: date, at: datetime, pain: float | None, rested: bool, text: str,
    reminders: bool, paused: date | None, minutes: int | None,
) -> None:
    rec = user_record(text or "k", created_at=at, reminders=reminders, paused_until=paused,
                      comfortable_run_minutes=minutes, onboarded=not reminders, conv_on=day, conv_arg=text or None)
    steps: list[tuple[Executable, Any]] = [
        (users._INSERT, user_params(rec)),
        (users._SELECT, {"key": rec.key}),
        (repo._INSERT_CHECKIN, checkin_params(1, day, at, pain=pain, rested=rested, text=text)),
        (repo._DAY_CHECKIN, {"uid": 1, "day": day}),
        (repo._INSERT_INBOUND, {"user_id": 1, "at": at, "text": text, "handled_as": text[:24]}),
        (repo._reco_upsert("sqlite"), {"user_id": 1, "local_date": day, "action": "run", "payload": text,
                                       "created_at": at}),
        (repo._LATEST_RECO, {"uid": 1}),
    ]
    tmp = tmp_path_factory.mktemp("any")

    async def both() -> None:
        async with pair(tmp) as (fast, slow):
            assert await run_steps(fast, steps) == await run_steps(slow, steps)
        assert dump(tmp / "fast.db") == dump(tmp / "slow.db")

    asyncio.run(both())


def test_the_session_without_plans_runs_everything_through_sqlalchemy(tmp_path: Path) -> None:
    engine = sqlite_sync_engine(f"sqlite:///{tmp_path / 'plain.db'}", sqlite_pragmas)
    SQLModel.metadata.create_all(engine)
    statements: list[str] = []
    listener: Callable[..., None] = lambda conn, cursor, sql, *rest: statements.append(sql)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)

    async def work() -> None:
        inline = InlineSessions(engine)
        async with inline.session() as s:
            assert isinstance(s, InlineSession)
            await s.execute(users._SELECT, {"key": "x"})
        inline.dispose()

    asyncio.run(work())
    assert statements[0] == "BEGIN IMMEDIATE" and statements[1].startswith("SELECT users.")
