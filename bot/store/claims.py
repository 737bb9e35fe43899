"""Claim rows: "whoever inserts the row does the work", for things that must happen once across
passes, restarts and replicas (a group's weekly digest, a team's daily post). A claim already
taken can be taken over after its attempt failed, or after its owner went quiet for ``lease``,
by exactly one of several racing takers (the conditional UPDATE matches for one)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, col

from bot.store.repo import Store


async def claim(store: Store, model: type[SQLModel], key: dict[str, Any], now: datetime, *,
                max_attempts: int, lease: timedelta | None = None) -> bool:
    """Insert ``model(**key, claimed_at=now)`` (its unique constraint covers ``key``); True if this
    caller now holds the claim. ``model`` has ``status``, ``claimed_at`` and ``attempts`` columns."""
    try:
        async with store.session() as s:
            s.add(model(**key, claimed_at=now))
            await s.flush()
        return True
    except IntegrityError:
        pass
    table: Any = model
    retake = col(table.status) == "failed"
    if lease is not None:
        retake = or_(retake, and_(col(table.status) == "claimed", col(table.claimed_at) < now - lease))
    async with store.session() as s:
        res = await s.execute(
            update(table)
            .where(*(col(getattr(table, name)) == value for name, value in key.items()),
                   col(table.attempts) < max_attempts, retake)
            .values(status="claimed", claimed_at=now, attempts=col(table.attempts) + 1)
        )
        return bool(getattr(res, "rowcount", 0))
