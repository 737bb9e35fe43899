"""The users row on the hot path: read and written with Core statements, not ORM objects.

Every message reads its user and writes what changed. An ORM entity costs identity-map, attribute
instrumentation and a flush per message, more than the SQL itself; a plain record with a snapshot
costs a tuple comparison, and the UPDATE names only the columns that changed.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.prepared import prepared
from bot.store.tables import User

USERS: Table = User.__table__  # type: ignore[attr-defined]


@dataclass(slots=True, eq=False)
class UserRecord:
    """One ``users`` row (same names as the table's columns; see bot/store/tables.py)."""

    key: str
    created_at: datetime
    timezone: str = "UTC"
    checkin_time: str = "08:00"
    days: str = "mon,tue,wed,thu,fri,sat,sun"
    experience: str = "new"
    comfortable_run_minutes: int | None = None
    reminders: bool = True
    status: str = "active"
    paused_until: date | None = None
    onboarded: bool = False
    tolerance: str | None = None
    disclaimer_on: date | None = None
    conv_state: str | None = None
    conv_on: date | None = None
    conv_arg: str | None = None
    last_checkin_on: date | None = None
    screened_on: date | None = None
    undo: str | None = None
    id: int | None = None

    def snapshot(self) -> tuple[Any, ...]:
        return tuple(getattr(self, n) for n in _NAMES)

    def changes(self, since: tuple[Any, ...]) -> dict[str, Any]:
        return {n: getattr(self, n) for n, old in zip(_NAMES, since, strict=True) if getattr(self, n) != old}


_NAMES = tuple(f.name for f in fields(UserRecord) if f.name != "id")
assert set(_NAMES) | {"id"} == set(USERS.c.keys()), "UserRecord and the users table disagree"

# Built once: statement construction is a visible share of a reply's cost. Prepared: SQLite runs
# them on its cursor (bot/store/prepared.py).
_SELECT = prepared(select(*(USERS.c[n] for n in (*_NAMES, "id"))).where(USERS.c.key == bindparam("key")))
_INSERT = prepared(insert(USERS).returning(USERS.c.id))


def _record(row: Any) -> UserRecord:
    return UserRecord(*row)


async def load(s: AsyncSession, key: str) -> UserRecord | None:
    row = (await s.execute(_SELECT, {"key": key})).first()
    return None if row is None else _record(row)


async def add(s: AsyncSession, rec: UserRecord) -> UserRecord:
    """Insert the row (IntegrityError if the key exists: a racing replica was first)."""
    rec.id = int((await s.execute(_INSERT, {n: getattr(rec, n) for n in _NAMES})).scalar_one())
    return rec


async def save(s: AsyncSession, rec: UserRecord, since: tuple[Any, ...]) -> None:
    """Write the columns that changed since ``since`` (a :meth:`UserRecord.snapshot`)."""
    changed = rec.changes(since)
    if changed:
        params = {f"v_{n}": v for n, v in changed.items()}
        params["uid"] = rec.id
        await s.execute(_update_of(tuple(changed)), params)


@lru_cache(maxsize=256)
def _update_of(names: tuple[str, ...]) -> Any:
    """One UPDATE per set of changed columns, built once: a few sets cover nearly every message
    (a check-in changes the model, the dates and the question)."""
    return prepared(update(USERS).where(USERS.c.id == bindparam("uid"))
                    .values({n: bindparam(f"v_{n}") for n in names}))
