"""``BACKCHECK_RETENTION_DAYS``: what the user wrote is kept that many days; the numbers stay.

After N days a check-in keeps its date, pain, leg symptoms, red-flag ids and activities (the
tolerance model and /progress need them) but its ``text`` is emptied; a stored inbound message
keeps when it came and how it was handled (the scheduler's silence rules read ``at``) but its
``text`` is emptied. Erasing a user entirely is ``delete_user``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Table, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.tables import CheckInRow, InboundMessage

_CHECKINS: Table = CheckInRow.__table__  # type: ignore[attr-defined]
_INBOUND: Table = InboundMessage.__table__  # type: ignore[attr-defined]


def cutoff(now: datetime, days: int) -> datetime:
    return now - timedelta(days=days)


async def forget_texts(s: AsyncSession, before: datetime) -> dict[str, int]:
    """Empty the texts written before ``before``; rows changed per table. A check-in counts from
    its last change (a correction rewrites its text)."""
    out: dict[str, int] = {}
    for name, table, when in (("checkins", _CHECKINS, _CHECKINS.c.updated_at),
                              ("inbound_messages", _INBOUND, _INBOUND.c.at)):
        res = await s.execute(update(table).where(when < before, table.c.text != "").values(text=""))
        out[name] = int(getattr(res, "rowcount", 0) or 0)
    return out
