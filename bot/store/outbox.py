"""The scheduled prompts' SQL: which users are due, claiming ``sent_messages`` rows, handing them
off and recording outcomes. The scheduler (scheduler/) decides when and paces the sending; every
statement it needs is here, on a session it owns, so it never builds SQL itself.

Claims are rows unique per (user, local date, kind): whoever inserts one sends that prompt, so a
prompt goes out at most once across passes, restarts and replicas (docs/scheduler.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Table, and_, bindparam, exists, func, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversation.state import REOPENS_FROM, State
from bot.store.db import dialect_insert
from bot.store.tables import CheckInRow, InboundMessage, SentMessage, User

SENT_T: Table = SentMessage.__table__  # type: ignore[attr-defined]
USER_T: Table = User.__table__  # type: ignore[attr-defined]
CHECKIN_T: Table = CheckInRow.__table__  # type: ignore[attr-defined]
INBOUND_T: Table = InboundMessage.__table__  # type: ignore[attr-defined]

#: Kinds of prompt rows. A pause offer replaces the check-in question for a silent user.
CHECKIN, REMINDER, SAFETY, PAUSE_OFFER = "checkin", "reminder", "safety", "pause_offer"

Row = Any


# --- selection -----------------------------------------------------------------------------------


def _platform_filter(platforms: Iterable[str] | None) -> Any:
    if platforms is None:
        return None
    conds = [USER_T.c.key.startswith(p + ":") for p in sorted(platforms)]
    return or_(*conds) if conds else USER_T.c.id.is_(None)


def _not_paused_on(day: Any) -> Any:
    return or_(USER_T.c.paused_until.is_(None), USER_T.c.paused_until <= day)


def silent_since_checkin(uid: Any, before: Any, *, strict: bool = False) -> Any:
    """True when the user has been silent since their latest check-in question sent at or before
    ``before`` (strictly before, with ``strict``): there is such a question, and since it was sent
    no inbound message, no check-in written or changed, and no prompt marked answered.

    Per user row: the latest question is one backward step on ``ix_sent_user_kind_sent_at`` and each
    "nothing since" one probe on a (user_id, time) index (0007), all correlated subqueries, so a pass
    asks it of thousands of users inside its one selection query. (``before`` may be a column of the
    query two levels up, the reminder's own row: hence ``correlate_except``.)"""
    p = SENT_T.alias("silence_p")
    a = SENT_T.alias("silence_a")
    latest = (select(func.max(p.c.sent_at))
              .where(p.c.user_id == uid, p.c.kind == CHECKIN, p.c.sent_at < before if strict else p.c.sent_at <= before)
              .correlate_except(p).scalar_subquery())
    return and_(
        latest.is_not(None),
        ~exists().where(INBOUND_T.c.user_id == uid, INBOUND_T.c.at >= latest),
        ~exists().where(CHECKIN_T.c.user_id == uid, CHECKIN_T.c.updated_at >= latest),
        ~exists().where(a.c.user_id == uid, a.c.answered_at >= latest),
    )


async def schedules(s: AsyncSession) -> list[tuple[str, str]]:
    """The distinct (time zone, check-in time) pairs: an index-only scan of ``ix_users_tz_time``."""
    return [(tz, hhmm) for tz, hhmm in (await s.execute(
        select(USER_T.c.timezone, USER_T.c.checkin_time).distinct())).all()]


async def users_due(s: AsyncSession, day: date, zones: Mapping[str, Iterable[str]], weekday: str, *,
                    platforms: Iterable[str] | None = None, silent_before: datetime | None = None,
                    offer_day: bool = False) -> list[Row]:
    """Users of the (zone -> check-in times) pairs who are active, onboarded, not paused on
    ``day``, and have neither a check-in (or pause offer) claim nor a check-in for ``day``, and
    are due something: a user *silent* since a check-in question sent at or before
    ``silent_before`` (:func:`silent_since_checkin`) only a pause offer on an ``offer_day``, any
    other user the check-in question on their ``weekday``s. Without ``silent_before`` nobody is
    silent. Rows: (id, key, timezone, checkin_time, paused_until, created_at, silent)."""
    u = USER_T
    conds = [
        or_(*(and_(u.c.timezone == tz, u.c.checkin_time.in_(sorted(times))) for tz, times in zones.items())),
        u.c.status == "active", u.c.onboarded.is_(True), _not_paused_on(day),
        ~exists().where(SENT_T.c.user_id == u.c.id, SENT_T.c.local_date == day,
                        SENT_T.c.kind.in_((CHECKIN, PAUSE_OFFER))),
        ~exists().where(CHECKIN_T.c.user_id == u.c.id, CHECKIN_T.c.local_date == day),
    ]
    if silent_before is None:
        conds.append(u.c.days.contains(weekday))
        silent: Any = False
        cols: list[Any] = []
    else:
        silent = silent_since_checkin(u.c.id, silent_before)
        # On an offer day: (their day and not silent) or silent == their day or silent; the
        # column says which, so the silence is worked out once per user, not twice.
        conds.append(or_(u.c.days.contains(weekday), silent) if offer_day
                     else and_(u.c.days.contains(weekday), ~silent))
        cols = [silent.label("silent")] if offer_day else []
    plat = _platform_filter(platforms)
    if plat is not None:
        conds.append(plat)
    q = select(u.c.id, u.c.key, u.c.timezone, u.c.checkin_time, u.c.paused_until, u.c.created_at,
               *cols).where(*conds)
    rows = (await s.execute(q)).all()
    return [(*r[:6], bool(r[6]) if cols else False) for r in rows]


async def unanswered_checkins(s: AsyncSession, sent_before: datetime, sent_after: datetime, *,
                              platforms: Iterable[str] | None = None) -> list[Row]:
    """Check-in prompts sent in (``sent_after``, ``sent_before``], unanswered, with no reminder yet,
    to active, not paused users who want reminders and did answer something since the check-in
    question before this one (two unanswered check-in days in a row: no reminder). Rows:
    (user_id, local_date, sent_at, key, timezone)."""
    s2 = SENT_T.alias("r")
    u = USER_T
    conds = [
        SENT_T.c.kind == CHECKIN, SENT_T.c.status == "sent", SENT_T.c.answered_at.is_(None),
        SENT_T.c.sent_at <= sent_before, SENT_T.c.sent_at > sent_after,
        u.c.reminders.is_(True), u.c.status == "active", _not_paused_on(SENT_T.c.local_date),
        ~exists().where(s2.c.user_id == SENT_T.c.user_id, s2.c.local_date == SENT_T.c.local_date,
                        s2.c.kind == REMINDER),
        ~exists().where(CHECKIN_T.c.user_id == SENT_T.c.user_id, CHECKIN_T.c.local_date == SENT_T.c.local_date),
        ~silent_since_checkin(SENT_T.c.user_id, SENT_T.c.sent_at, strict=True),
    ]
    plat = _platform_filter(platforms)
    if plat is not None:
        conds.append(plat)
    q = (select(SENT_T.c.user_id, SENT_T.c.local_date, SENT_T.c.sent_at, u.c.key, u.c.timezone)
         .select_from(SENT_T.join(u, u.c.id == SENT_T.c.user_id)).where(*conds))
    return list((await s.execute(q)).all())


async def failed_prompts(s: AsyncSession, now: datetime, due_after: datetime, max_attempts: int, *,
                         platforms: Iterable[str] | None = None) -> list[Row]:
    """Failed check-ins, reminders and pause offers due to be tried again, to active, not paused users. Rows:
    (id, user_id, local_date, kind, due_at, attempts, key, timezone, paused_until)."""
    u = USER_T
    conds = [
        SENT_T.c.status == "failed", SENT_T.c.kind.in_((CHECKIN, REMINDER, PAUSE_OFFER)), SENT_T.c.attempts < max_attempts,
        or_(SENT_T.c.next_attempt_at.is_(None), SENT_T.c.next_attempt_at <= now),
        SENT_T.c.due_at > due_after, u.c.status == "active", _not_paused_on(SENT_T.c.local_date),
    ]
    plat = _platform_filter(platforms)
    if plat is not None:
        conds.append(plat)
    q = (select(SENT_T.c.id, SENT_T.c.user_id, SENT_T.c.local_date, SENT_T.c.kind, SENT_T.c.due_at,
                SENT_T.c.attempts, u.c.key, u.c.timezone, u.c.paused_until)
         .select_from(SENT_T.join(u, u.c.id == SENT_T.c.user_id)).where(*conds))
    return list((await s.execute(q)).all())


async def prompt_schedules(s: AsyncSession) -> list[tuple[str, str, str]]:
    """(time zone, check-in time, days) of active, onboarded users (``simulate``'s clock)."""
    return [(tz, hhmm, days) for tz, hhmm, days in (await s.execute(
        select(USER_T.c.timezone, USER_T.c.checkin_time, USER_T.c.days)
        .where(USER_T.c.status == "active", USER_T.c.onboarded.is_(True)).distinct())).all()]


async def sent_checkins_since(s: AsyncSession, since: datetime) -> list[tuple[date, datetime, str]]:
    """(local date, sent at, time zone) of unanswered check-ins sent after ``since`` to users who
    want reminders (``simulate``'s clock)."""
    return [(d, at, tz) for d, at, tz in (await s.execute(
        select(SENT_T.c.local_date, SENT_T.c.sent_at, USER_T.c.timezone)
        .select_from(SENT_T.join(USER_T, USER_T.c.id == SENT_T.c.user_id))
        .where(SENT_T.c.kind == CHECKIN, SENT_T.c.status == "sent", SENT_T.c.answered_at.is_(None),
               SENT_T.c.sent_at > since, USER_T.c.reminders.is_(True)))).all()]


async def recover_stale(s: AsyncSession, sending_before: datetime, claimed_before: datetime) -> tuple[int, int]:
    """Rows whose process died: ``sending`` ones become ``unknown`` (never resent); ``claimed``
    ones become failed-without-an-attempt, for a pass to take over. Returns (unknown, retaken)."""
    res = await s.execute(
        update(SENT_T).where(SENT_T.c.status == "sending", SENT_T.c.claimed_at < sending_before)
        .values(status="unknown", error="in doubt: the sending process died mid-send")
    )
    unknown = int(getattr(res, "rowcount", 0) or 0)
    res = await s.execute(
        update(SENT_T).where(SENT_T.c.status == "claimed", SENT_T.c.claimed_at < claimed_before)
        .values(status="failed", next_attempt_at=None, claimed_by=None,
                error="claim expired before sending: taken over")
    )
    return unknown, int(getattr(res, "rowcount", 0) or 0)


# --- claims --------------------------------------------------------------------------------------


async def active_users(s: AsyncSession, user_ids: Iterable[int]) -> set[int]:
    """Which of ``user_ids`` still exist and are active."""
    # Status is filtered here, not in SQL: with it in the WHERE clause PostgreSQL may prefer
    # ix_users_status (every active user) over the primary key.
    return {int(u) for u, status in (await s.execute(
        select(USER_T.c.id, USER_T.c.status).where(USER_T.c.id.in_(sorted(set(user_ids)))))).all()
        if status == "active"}


async def checked_in(s: AsyncSession, pairs: Iterable[tuple[int, date]]) -> set[tuple[int, date]]:
    """Which (user id, local date) pairs have a check-in."""
    ordered = sorted(set(pairs))
    out: set[tuple[int, date]] = set()
    for i in range(0, len(ordered), 500):
        q = select(CHECKIN_T.c.user_id, CHECKIN_T.c.local_date).where(
            tuple_(CHECKIN_T.c.user_id, CHECKIN_T.c.local_date).in_(ordered[i:i + 500]))
        out |= {(int(u), d) for u, d in (await s.execute(q)).all()}
    return out


def claim_row(user_id: int, day: date, kind: str, due_at: datetime, now: datetime, owner: str) -> dict[str, Any]:
    return {"user_id": user_id, "local_date": day, "kind": kind, "status": "claimed",
            "due_at": due_at, "claimed_at": now, "claimed_by": owner, "attempts": 0}


@lru_cache(maxsize=2)
def _claim_stmt(dialect: str) -> Any:
    # One statement, executed with many parameter sets: compiled once and cached, sent as multi-row
    # INSERTs ("insertmanyvalues"), and RETURNING yields only the rows inserted.
    return (
        dialect_insert(dialect)(SENT_T)
        .on_conflict_do_nothing(index_elements=["user_id", "local_date", "kind"])
        .returning(SENT_T.c.id, SENT_T.c.user_id, SENT_T.c.local_date, SENT_T.c.kind)
    )


async def claim(s: AsyncSession, rows: Sequence[dict[str, Any]]) -> dict[tuple[int, date, str], int]:
    """Insert claim rows (:func:`claim_row`), skipping any that exist; returns the ids of those
    this transaction inserted, by (user id, local date, kind). Insert in one global order, so
    racing replicas cannot deadlock on PostgreSQL."""
    if not rows:
        return {}
    stmt = _claim_stmt(s.get_bind().dialect.name)
    return {(int(u), d, k): int(i) for i, u, d, k in (await s.execute(stmt, list(rows))).all()}


async def retake_failed(s: AsyncSession, row_ids: Iterable[int], now: datetime, owner: str) -> set[int]:
    """Failed rows claimed again; the conditional UPDATE matches for exactly one of several racing
    takers. Returns the ids this transaction took."""
    res = await s.execute(
        update(SENT_T)
        .where(SENT_T.c.id.in_(sorted(row_ids)), SENT_T.c.status == "failed")
        .values(status="claimed", claimed_at=now, claimed_by=owner)
        .returning(SENT_T.c.id)
    )
    return {int(r[0]) for r in res.all()}


async def open_checkins(s: AsyncSession, items: Sequence[tuple[int, date]]) -> None:
    """What Coach.checkin_prompt does to the conversation, for many (user id, local date) pairs in
    one statement: the next reply of each counts for that date. The scheduler opens a whole claim
    chunk this way in the claim's transaction (one round trip instead of one transaction per user)."""
    if not items:
        return
    u = USER_T
    await s.execute(
        update(u)
        # Plain ORs, not IN: an expanding IN list cannot go into an executemany.
        .where(u.c.id == bindparam("p_uid"),
               or_(u.c.conv_state.is_(None), *(u.c.conv_state == st.value for st in REOPENS_FROM)))
        .values(conv_state=State.CHECKIN.value, conv_on=bindparam("p_on")),
        [{"p_uid": uid, "p_on": d} for uid, d in items],
    )


async def mark_sending(s: AsyncSession, row_ids: Iterable[int], owner: str) -> set[int]:
    """``claimed`` -> ``sending`` for rows ``owner`` still holds; returns their ids."""
    res = await s.execute(
        update(SENT_T)
        .where(SENT_T.c.id.in_(sorted(row_ids)), SENT_T.c.status == "claimed", SENT_T.c.claimed_by == owner)
        .values(status="sending").returning(SENT_T.c.id))
    return {int(r[0]) for r in res.all()}


async def mark_riders_sending(s: AsyncSession, row_ids: Iterable[int]) -> None:
    """Rows sent inside another prompt's message (the weekly safety note) go out with it."""
    ids = sorted(row_ids)
    if ids:
        await s.execute(update(SENT_T).where(SENT_T.c.id.in_(ids), SENT_T.c.status == "claimed")
                        .values(status="sending"))


_RECORD = (
    # Only rows still ours: one taken over after our claim expired is the new owner's.
    update(SENT_T).where(SENT_T.c.id == bindparam("b_id"), SENT_T.c.claimed_by == bindparam("b_owner")).values(
        status=bindparam("b_status"), sent_at=bindparam("b_sent_at"), attempts=bindparam("b_attempts"),
        error=bindparam("b_error"), next_attempt_at=bindparam("b_next"),
    )
)
_END_PAUSE = (
    # The pause is over once the welcome-back went out; a newer pause is left alone.
    update(USER_T).where(USER_T.c.id == bindparam("b_uid"), USER_T.c.paused_until <= bindparam("b_day"))
    .values(paused_until=None)
)


def outcome(row_id: int, owner: str, status: str, sent_at: datetime | None, attempts: int, error: str | None,
            next_attempt_at: datetime | None) -> dict[str, Any]:
    """One row's outcome, for :func:`record`."""
    return {"b_id": row_id, "b_owner": owner, "b_status": status, "b_sent_at": sent_at, "b_attempts": attempts,
            "b_error": (error or None) and error[:200], "b_next": next_attempt_at}


async def record(s: AsyncSession, outcomes: Sequence[dict[str, Any]], blocked: Iterable[int],
                 welcomed: Iterable[tuple[int, date]]) -> None:
    """Outcomes of sends (:func:`outcome` rows); users found to have blocked the bot; users whose
    welcome-back went out (their pause ends)."""
    if outcomes:
        await s.execute(_RECORD, list(outcomes))
    blocked_ids = sorted(set(blocked))
    if blocked_ids:
        await s.execute(update(USER_T).where(USER_T.c.id.in_(blocked_ids)).values(status="blocked"))
    ended = [{"b_uid": uid, "b_day": day} for uid, day in welcomed]
    if ended:
        await s.execute(_END_PAUSE, ended)
