"""The queries the core needs, each on a session the caller owns (one transaction per message)."""

from __future__ import annotations

import asyncio
import json
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, TypeVar, cast

from sqlalchemy import Row, Table, bindparam, delete, func, insert, text, update
from sqlalchemy import select as core_select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import select

from bot import metrics
from bot.domain import Activity, CheckIn, Intervals, Recommendation
from bot.model.record import kind_rank
from bot.store import users
from bot.store.db import dialect_insert, is_sqlite, make_engine, sqlite_pragmas, upgrade
from bot.store.inline import InlineSessions, sqlite_sync_engine
from bot.store.prepared import prepared
from bot.store.tables import (
    ActivityRow,
    CheckInRow,
    GroupMember,
    InboundMessage,
    PlatformEvent,
    RecommendationRow,
    RunningGroup,
    SentMessage,
    User,
    UserPause,
)
from bot.store.users import UserRecord

T = TypeVar("T")

CHECKINS: Table = CheckInRow.__table__  # type: ignore[attr-defined]
ACTIVITIES: Table = ActivityRow.__table__  # type: ignore[attr-defined]
# Built once: statement construction is a visible share of a reply's cost. Prepared (all but the
# ORM's and the expanding IN): SQLite runs them on its cursor (bot/store/prepared.py).
_INSERT_CHECKIN = prepared(insert(CHECKINS).returning(CHECKINS.c.id))
_INSERT_ACTIVITY = prepared(insert(ACTIVITIES))
_INSERT_INBOUND = prepared(insert(InboundMessage.__table__))  # type: ignore[attr-defined]
_SELECT_CHECKIN = select(CheckInRow).where(CheckInRow.user_id == bindparam("uid"),
                                           CheckInRow.local_date == bindparam("day"))
# A day's check-in and its activities in one statement, a row per activity (one row, its
# activity columns NULL, when it has none): one statement fewer for a day's second message.
# Only ``id`` is in both tables; the activity's is read as ``activity_id``.
_DAY_CHECKIN = prepared(
    core_select(CHECKINS, ACTIVITIES.c.id.label("activity_id"),
                *(c for c in ACTIVITIES.c if c.name not in ("id", "checkin_id")))
    .select_from(CHECKINS.outerjoin(ACTIVITIES, ACTIVITIES.c.checkin_id == CHECKINS.c.id))
    .where(CHECKINS.c.user_id == bindparam("uid"), CHECKINS.c.local_date == bindparam("day"))
    .order_by(ACTIVITIES.c.position)
)
_DELETE_ACTIVITIES = prepared(delete(ACTIVITIES).where(ACTIVITIES.c.checkin_id == bindparam("cid")))
# SET: the other parameters.
_UPDATE_CHECKIN = prepared(update(CHECKINS).where(CHECKINS.c.id == bindparam("cid")))
RECOS: Table = RecommendationRow.__table__  # type: ignore[attr-defined]
# Reads as Core rows (attribute access by column name, as the ORM's objects): reading ORM objects
# costs several times the SQL, and once an ORM object is read the rest of the transaction runs
# through the ORM's Session too (bot/store/inline.py).
_SELECT_ACTIVITIES = (core_select(ACTIVITIES).where(ACTIVITIES.c.checkin_id.in_(bindparam("ids", expanding=True)))
                      .order_by(ACTIVITIES.c.checkin_id, ACTIVITIES.c.position))
_CHECKINS_BETWEEN = prepared(
    core_select(CHECKINS)
    .where(CHECKINS.c.user_id == bindparam("uid"), CHECKINS.c.local_date >= bindparam("start"),
           CHECKINS.c.local_date <= bindparam("end"))
    .order_by(CHECKINS.c.local_date)
)
_RECOS_BETWEEN = prepared(core_select(RECOS.c.local_date, RECOS.c.payload).where(
    RECOS.c.user_id == bindparam("uid"), RECOS.c.local_date >= bindparam("start"), RECOS.c.local_date <= bindparam("end")))
_LATEST_RECO = prepared(core_select(RECOS.c.local_date, RECOS.c.payload).where(RECOS.c.user_id == bindparam("uid"))
                        .order_by(RECOS.c.local_date.desc()).limit(1))
#: A check-in's row and its activities' rows, as read.
CheckinRows = list[tuple[Row[Any], list[Row[Any]]]]
_SENT: Table = SentMessage.__table__  # type: ignore[attr-defined]
_MARK_ANSWERED = prepared(
    update(_SENT)
    .where(_SENT.c.user_id == bindparam("uid"), _SENT.c.local_date == bindparam("day"), _SENT.c.kind == "checkin",
           _SENT.c.answered_at.is_(None))
    .values(answered_at=bindparam("now"))
)


class Store:
    """Owns the engine; hands out sessions. Query helpers are plain functions below.

    ``engine`` is always the async engine (dialect checks, health pings). Sessions on SQLite run
    inline on the event loop's thread (see bot/store/inline.py); on PostgreSQL they are asyncpg's.
    """

    def __init__(self, url: str, **engine_kw: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kw)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._inline: InlineSessions | None = None
        if is_sqlite(url):
            self._inline = InlineSessions(sqlite_sync_engine(url, sqlite_pragmas))

    async def migrate(self) -> None:
        await upgrade(self.url)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: commits on success, rolls back on error."""
        if self._inline is not None:
            async with self._inline.session() as inline:
                # Same surface as AsyncSession for everything the project calls.
                yield cast(AsyncSession, inline)
            return
        async with self._sessions() as s, s.begin():
            yield s

    async def run(self, work: Callable[[AsyncSession], Awaitable[T]], *, attempts: int = 3) -> T:
        """``work`` in one transaction, run again whole when it lost a race with another
        transaction: the one retry policy of the project (callers never retry on their own).

        Races: another replica inserted the same unique row first (IntegrityError: the retry sees
        it), or the database was locked, busy, deadlocked or could not serialize. A rolled-back
        transaction left nothing behind, so running it again is safe.

        Also a connection the server dropped mid-transaction (PostgreSQL restarted, a failover):
        the pool discards it and the retry runs on a fresh one, after a longer pause so a restart
        has time to finish. (Pooled connections that died while idle never get here: the engine
        pings them on checkout.)"""
        for attempt in range(1, attempts + 1):
            try:
                async with self.session() as s:
                    return await work(s)
            except DBAPIError as exc:
                if attempt == attempts or not (lost_a_race(exc) or exc.connection_invalidated):
                    metrics.db_error(retried=False)
                    raise
                metrics.db_error(retried=True)
                if exc.connection_invalidated:
                    await asyncio.sleep(0.5 * attempt)
            await asyncio.sleep(0.02 * attempt)
        raise AssertionError("unreachable")

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    async def close(self) -> None:
        if self._inline is not None:
            self._inline.dispose()
        await self.engine.dispose()


def lost_a_race(exc: DBAPIError) -> bool:
    """A transaction that failed because of another one, not because of itself."""
    if isinstance(exc, IntegrityError):
        return True
    text_ = str(exc.orig if exc.orig is not None else exc).lower()
    return any(s in text_ for s in ("database is locked", "deadlock detected", "could not serialize", "busy"))


# --- users -------------------------------------------------------------------------------


async def get_user(s: AsyncSession, key: str) -> UserRecord | None:
    return await users.load(s, key)


# --- check-ins ---------------------------------------------------------------------------


async def get_checkin(s: AsyncSession, user_id: int, local_date: date) -> CheckInRow | None:
    return (await s.execute(_SELECT_CHECKIN, {"uid": user_id, "day": local_date})).scalar_one_or_none()


async def activities_of(s: AsyncSession, checkin_ids: list[int]) -> dict[int, list[Row[Any]]]:
    if not checkin_ids:
        return {}
    out: dict[int, list[Row[Any]]] = {i: [] for i in checkin_ids}
    for a in (await s.execute(_SELECT_ACTIVITIES, {"ids": checkin_ids})).all():
        out[a.checkin_id].append(a)
    return out


async def day_checkin(s: AsyncSession, user_id: int, local_date: date) -> tuple[int, CheckIn] | None:
    """The check-in of (user, local date) as the model reads it, and its id. Core rows, no ORM
    objects: a day's second message (a correction, a pain answer) reads it on the hot path."""
    rows = (await s.execute(_DAY_CHECKIN, {"uid": user_id, "day": local_date})).all()
    if not rows:
        return None
    row = rows[0]
    acts = rows if row.activity_id is not None else ()
    return int(row.id), checkin_from_rows(row, acts)


def checkin_from_rows(row: CheckInRow | Row[Any], acts: Sequence[ActivityRow | Row[Any]]) -> CheckIn:
    return CheckIn(
        pain=row.pain,
        rested=row.rested,
        activities=tuple(activity_from_row(a) for a in acts),
        red_flags=tuple(json.loads(row.red_flags or "[]")),
        leg_pain=row.leg_score,
        # Rows from before 0005 say only whether a leg hurt.
        leg_symptoms=tuple(json.loads(row.leg_symptoms or "[]")) or (("leg_pain",) if row.leg_pain else ()),
        text=row.text,
    )


def activity_from_row(a: ActivityRow | Row[Any]) -> Activity:
    return Activity(
        kind=a.kind,  # type: ignore[arg-type]
        minutes=a.minutes,
        km=a.km,
        effort=a.effort,  # type: ignore[arg-type]
        pain_during=a.pain_during,
        run_minutes=a.run_minutes,
        intervals=Intervals(**json.loads(a.intervals)) if a.intervals else None,
        rpe=a.rpe,
    )


async def save_checkin(
    s: AsyncSession, user_id: int, local_date: date, checkin: CheckIn, now: datetime,
    existing: int | None = None, *, same_activities: bool = False,
) -> int:
    """Insert or replace the check-in for (user, local date): one per user and date; ``existing``:
    the id of the day's check-in, if there is one; ``same_activities``: its activities are those of
    ``checkin`` already (a pain answer), so they are left as they are. Returns its id.

    Core statements on the tables, not ORM objects: this is the hot path of every reply, and the
    unit of work costs more than the SQL here.
    """
    fields = {
        "pain": checkin.pain, "rested": checkin.rested, "leg_pain": checkin.has_leg_symptoms,
        "leg_score": checkin.leg_pain, "leg_symptoms": json.dumps(list(checkin.leg_symptoms)),
        "red_flags": json.dumps(list(checkin.red_flags)), "text": checkin.text, "updated_at": now,
    }
    if existing is None:
        res = await s.execute(_INSERT_CHECKIN, {"user_id": user_id, "local_date": local_date,
                                                 "created_at": now, **fields})
        checkin_id = int(res.scalar_one())
    else:
        checkin_id = existing
        await s.execute(_UPDATE_CHECKIN, {"cid": checkin_id, **fields})
        if same_activities:
            return checkin_id
        await s.execute(_DELETE_ACTIVITIES, {"cid": checkin_id})
    if checkin.activities:
        await s.execute(_INSERT_ACTIVITY, [
            {"checkin_id": checkin_id, "position": i, "kind": a.kind, "minutes": a.minutes, "km": a.km,
             "effort": a.effort, "pain_during": a.pain_during, "run_minutes": a.run_minutes,
             "intervals": json.dumps(a.intervals.to_dict()) if a.intervals else None, "rpe": a.rpe}
            for i, a in enumerate(checkin.activities)
        ])
    return checkin_id


async def checkins_between(s: AsyncSession, user_id: int, start: date, end: date) -> CheckinRows:
    rows = (await s.execute(_CHECKINS_BETWEEN, {"uid": user_id, "start": start, "end": end})).all()
    acts = await activities_of(s, [r.id for r in rows])
    return [(r, acts.get(r.id, [])) for r in rows]


# --- recommendations ---------------------------------------------------------------------


async def save_recommendation(
    s: AsyncSession, user_id: int, local_date: date, reco: Recommendation, now: datetime
) -> None:
    """One recommendation per user and date; a corrected check-in replaces it (one statement)."""
    await s.execute(_reco_upsert(s.get_bind().dialect.name), {
        "user_id": user_id, "local_date": local_date, "action": reco.action,
        "payload": json.dumps(reco.to_dict()), "created_at": now,
    })


@lru_cache(maxsize=2)
def _reco_upsert(dialect: str) -> Any:
    """Built once per dialect: building ``excluded`` copies every column, which costs more than
    running the statement. A Core INSERT on the table (not the entity) skips ORM bookkeeping."""
    ins = dialect_insert(dialect)(RecommendationRow.__table__)  # type: ignore[attr-defined]
    return prepared(ins.on_conflict_do_update(
        index_elements=["user_id", "local_date"],
        set_={"action": ins.excluded.action, "payload": ins.excluded.payload, "created_at": ins.excluded.created_at},
    ))


async def latest_recommendation_before(s: AsyncSession, user_id: int, day: date) -> dict[str, Any] | None:
    """The latest suggestion dated before ``day`` (what "I did what you said" refers to)."""
    q = (select(RecommendationRow).where(RecommendationRow.user_id == user_id, RecommendationRow.local_date < day)
         .order_by(RecommendationRow.local_date.desc()).limit(1))  # type: ignore[attr-defined]
    row = (await s.execute(q)).scalar_one_or_none()
    return json.loads(row.payload) if row else None


async def latest_activity_before(s: AsyncSession, user_id: int, day: date) -> Activity | None:
    """The main session of the latest check-in before ``day`` that reported one ("same as
    yesterday"): a run before a walk, the longest of a kind."""
    q = (select(CheckInRow.id).where(CheckInRow.user_id == user_id, CheckInRow.local_date < day)
         .order_by(CheckInRow.local_date.desc()).limit(7))  # type: ignore[attr-defined]
    for checkin_id in (await s.execute(q)).scalars():
        acts = (await activities_of(s, [checkin_id]))[checkin_id]
        if acts:
            # The model's ranking of kinds (the session a check-in is named by), then the longest.
            best = min(acts, key=lambda a: (kind_rank(a.kind), -(a.minutes or 0)))
            return activity_from_row(best)
    return None


async def recommendations_between(s: AsyncSession, user_id: int, start: date, end: date) -> dict[date, dict[str, Any]]:
    rows = (await s.execute(_RECOS_BETWEEN, {"uid": user_id, "start": start, "end": end})).all()
    return {r.local_date: json.loads(r.payload) for r in rows}


async def latest_recommendation(s: AsyncSession, user_id: int) -> tuple[date, dict[str, Any]] | None:
    row = (await s.execute(_LATEST_RECO, {"uid": user_id})).first()
    return (row.local_date, json.loads(row.payload)) if row else None


# --- inbound and sent messages -----------------------------------------------------------


async def keep_inbound(s: AsyncSession, user_id: int, at: datetime, text_: str, handled_as: str) -> None:
    await s.execute(_INSERT_INBOUND, {"user_id": user_id, "at": at, "text": text_, "handled_as": handled_as[:24]})


async def mark_prompt_answered(s: AsyncSession, user_id: int, local_date: date, now: datetime) -> None:
    await s.execute(_MARK_ANSWERED, {"uid": user_id, "day": local_date, "now": now})


# --- platform events (a retried delivery is handled once) -------------------------------

#: How long an event id is remembered: Slack retries for about an hour (after 1 and 5 minutes).
EVENT_MEMORY = timedelta(days=1)
#: About one claim in this many also prunes the old rows (no background job to lose or schedule).
PRUNE_ONE_IN = 200
_EVENTS: Table = PlatformEvent.__table__  # type: ignore[attr-defined]


@lru_cache(maxsize=2)
def _claim_event(dialect: str) -> Any:
    # One statement: the row is inserted unless it is there (PostgreSQL's and SQLite's ON CONFLICT).
    return prepared(dialect_insert(dialect)(_EVENTS).on_conflict_do_nothing(index_elements=["platform", "event_id"]))


async def claim_event(s: AsyncSession, platform: str, event_id: str, now: datetime) -> bool:
    """True the first time ``event_id`` of ``platform`` is seen, in the caller's transaction: the
    event is then handled in that same transaction, so a crash before commit leaves the retry
    to be handled, and a retry after commit is turned away. Two concurrent deliveries: the second
    waits on the first's row and finds it there once that commits."""
    res = await s.execute(_claim_event(s.get_bind().dialect.name),
                          {"platform": platform, "event_id": event_id[:100], "seen_at": now})
    if not getattr(res, "rowcount", 0):
        return False
    if zlib.crc32(event_id.encode()) % PRUNE_ONE_IN == 0:
        await prune_events(s, now - EVENT_MEMORY)
    return True


async def prune_events(s: AsyncSession, before: datetime) -> int:
    """Forget event ids seen before ``before``; returns how many."""
    res = await s.execute(delete(_EVENTS).where(_EVENTS.c.seen_at < before))
    return int(getattr(res, "rowcount", 0) or 0)


# --- export and delete -------------------------------------------------------------------


def user_profile_dict(u: UserRecord) -> dict[str, Any]:
    return {
        "key": u.key,
        "timezone": u.timezone,
        "checkin_time": u.checkin_time,
        "days": [d for d in u.days.split(",") if d],
        "experience": u.experience,
        "comfortable_run_minutes": u.comfortable_run_minutes,
        "reminders": u.reminders,
        "created_at": u.created_at.isoformat(),
        "status": u.status,
        "paused_until": u.paused_until.isoformat() if u.paused_until else None,
        "onboarded": u.onboarded,
    }


async def export_user(s: AsyncSession, user: UserRecord, tolerance: dict[str, Any]) -> dict[str, Any]:
    """Everything stored about one user, in the export format of docs/contracts.md plus extras."""
    assert user.id is not None
    rows = await checkins_between(s, user.id, date.min, date.max)
    checkins = []
    for row, acts in rows:
        d = checkin_from_rows(row, acts).to_dict()
        checkins.append({"date": row.local_date.isoformat(), **d,
                         "created_at": row.created_at.isoformat(), "updated_at": row.updated_at.isoformat()})
    recos = (await s.execute(
        select(RecommendationRow).where(RecommendationRow.user_id == user.id)
        .order_by(RecommendationRow.local_date)  # type: ignore[arg-type]
    )).scalars()
    sent = (await s.execute(
        select(SentMessage).where(SentMessage.user_id == user.id).order_by(SentMessage.due_at)  # type: ignore[arg-type]
    )).scalars()
    inbound = (await s.execute(
        select(InboundMessage).where(InboundMessage.user_id == user.id).order_by(InboundMessage.at)  # type: ignore[arg-type]
    )).scalars()
    return {
        "user": user_profile_dict(user),
        "checkins": checkins,
        "recommendations": [{"date": r.local_date.isoformat(), **json.loads(r.payload)} for r in recos],
        "tolerance": tolerance,
        "messages_sent": [
            {"date": m.local_date.isoformat(), "kind": m.kind, "status": m.status,
             "due_at": m.due_at.isoformat(), "sent_at": m.sent_at.isoformat() if m.sent_at else None,
             "answered_at": m.answered_at.isoformat() if m.answered_at else None}
            for m in sent
        ],
        "messages_received": [
            {"at": m.at.isoformat(), "text": m.text, "handled_as": m.handled_as} for m in inbound
        ],
        "conversation": {"state": user.conv_state, "date": user.conv_on.isoformat() if user.conv_on else None,
                         "last_checkin": user.last_checkin_on.isoformat() if user.last_checkin_on else None,
                         "screened_on": user.screened_on.isoformat() if user.screened_on else None,
                         "disclaimer_on": user.disclaimer_on.isoformat() if user.disclaimer_on else None,
                         # What the last change of a setting replaced ("undo" puts it back).
                         "undo": json.loads(user.undo) if user.undo else None},
        "pauses": [{"start": p.start.isoformat(), "until": p.until.isoformat()}
                   for p in (await s.execute(
                       select(UserPause).where(UserPause.user_id == user.id)  # type: ignore[arg-type]
                       .order_by(UserPause.start))).scalars()],  # type: ignore[arg-type]
        "groups": [
            {"group": g.key, "title": g.title, "display_name": m.display_name, "show_pain": m.show_pain,
             "joined_at": m.joined_at.isoformat(), "team_owner": g.owner_key == user.key}
            for m, g in (await s.execute(
                select(GroupMember, RunningGroup).join(RunningGroup, GroupMember.group_id == RunningGroup.id)  # type: ignore[arg-type]
                .where(GroupMember.user_key == user.key)
            )).all()
        ],
    }


async def delete_user(s: AsyncSession, user: UserRecord) -> dict[str, int]:
    """Erase every row that belongs to the user; returns counts per table."""
    uid = user.id
    ids = select(CheckInRow.id).where(CheckInRow.user_id == uid)
    counts: dict[str, int] = {}
    for name, stmt in (
        ("activities", delete(ActivityRow).where(ActivityRow.checkin_id.in_(ids))),  # type: ignore[attr-defined]
        ("checkins", delete(CheckInRow).where(CheckInRow.user_id == uid)),  # type: ignore[arg-type]
        ("recommendations", delete(RecommendationRow).where(RecommendationRow.user_id == uid)),  # type: ignore[arg-type]
        ("sent_messages", delete(SentMessage).where(SentMessage.user_id == uid)),  # type: ignore[arg-type]
        ("inbound_messages", delete(InboundMessage).where(InboundMessage.user_id == uid)),  # type: ignore[arg-type]
        ("user_pauses", delete(UserPause).where(UserPause.user_id == uid)),  # type: ignore[arg-type]
        # A team they set up stays, without its owner (the admins can still change it).
        ("teams_owned", update(RunningGroup).where(RunningGroup.owner_key == user.key)  # type: ignore[arg-type]
         .values(owner_key=None)),
        # Group links are keyed by user key (a member may join before talking to the bot).
        ("group_members", delete(GroupMember).where(GroupMember.user_key == user.key)),  # type: ignore[arg-type]
        ("users", delete(User).where(User.id == uid)),  # type: ignore[arg-type]
    ):
        res = await s.execute(stmt)
        counts[name] = int(getattr(res, "rowcount", 0) or 0)
    return counts


async def count_user_rows(s: AsyncSession, user_id: int, key: str) -> dict[str, int]:
    """The rows that reference the user, per table, named as ``delete_user`` names them (the user's
    own row aside): what a delete would erase (the confirmation question), and all zeros after one."""
    out = {"activities": int((await s.execute(
        select(func.count()).select_from(ActivityRow).join(CheckInRow, ActivityRow.checkin_id == CheckInRow.id)  # type: ignore[arg-type]
        .where(CheckInRow.user_id == user_id))).scalar_one())}
    for name, model, col in (("checkins", CheckInRow, CheckInRow.user_id),
                             ("recommendations", RecommendationRow, RecommendationRow.user_id),
                             ("sent_messages", SentMessage, SentMessage.user_id),
                             ("inbound_messages", InboundMessage, InboundMessage.user_id),
                             ("user_pauses", UserPause, UserPause.user_id)):
        out[name] = int((await s.execute(select(func.count()).select_from(model).where(col == user_id))).scalar_one())
    # Group links are keyed by user key, as in delete_user.
    q = select(func.count()).select_from(GroupMember).where(GroupMember.user_key == key)
    out["group_members"] = int((await s.execute(q)).scalar_one())
    q = select(func.count()).select_from(RunningGroup).where(RunningGroup.owner_key == key)  # type: ignore[arg-type]
    out["teams_owned"] = int((await s.execute(q)).scalar_one())
    return out
