"""Users' pauses of their check-ins, kept after they end: a team streak pauses over them
(bot/teams/streaks.py) instead of breaking. ``users.paused_until`` is the current pause the
scheduler reads; these rows are its history."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.store.prepared import prepared
from bot.store.tables import UserPause

_PAUSES: Table = UserPause.__table__  # type: ignore[attr-defined]
# Built once, on the table (Core rows, no ORM session): the App Home reads it after each check-in.
_PAUSES_BETWEEN = prepared(select(_PAUSES.c.start, _PAUSES.c.until)
                           .where(_PAUSES.c.user_id == bindparam("uid"), _PAUSES.c.start <= bindparam("end"),
                                  _PAUSES.c.until > bindparam("start"))
                           .order_by(_PAUSES.c.start))


async def record_pause(s: AsyncSession, user_id: int, start: date, until: date) -> None:
    """``/pause``: from ``start`` up to, not including, ``until``. A pause already running is cut
    at ``start`` first, so the rows never overlap."""
    await end_pauses(s, user_id, start)
    s.add(UserPause(user_id=user_id, start=start, until=until))


async def end_pauses(s: AsyncSession, user_id: int, today: date) -> None:
    """``/resume`` (or a new pause) on ``today``: pauses still running end today; one that had not
    begun yet goes."""
    await s.execute(delete(UserPause).where(col(UserPause.user_id) == user_id, col(UserPause.start) >= today))
    await s.execute(update(UserPause).where(col(UserPause.user_id) == user_id, col(UserPause.until) > today)
                    .values(until=today))


async def pauses_between(s: AsyncSession, user_id: int, start: date, end: date) -> list[tuple[date, date]]:
    """(start, until) of the pauses that overlap ``start``..``end``."""
    rows = await s.execute(_PAUSES_BETWEEN, {"uid": user_id, "start": start, "end": end})
    return [(a, b) for a, b in rows.all()]


async def all_pauses(s: AsyncSession, user_id: int) -> list[tuple[date, date]]:
    return await pauses_between(s, user_id, date.min, date.max)
