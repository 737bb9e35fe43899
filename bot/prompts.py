"""Scheduled prompts: their texts (reminder, welcome back, weekly safety note) and opening the
check-in for many users at once.

Kept apart from bot/messages.py so the scheduler can grow them without touching the dialogue's
texts; a translation swaps both modules. Plain text: adapters add platform formatting.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import bindparam, or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import messages as M
from bot.conversation.state import REOPENS_FROM, State
from bot.ports import Outgoing
from bot.store.tables import User

REMINDER = (
    "Just checking in: how's your back today (0-10), and what did you do? "
    "One line is plenty, e.g. 'back 3/10, walked 20 min'."
)

WELCOME_BACK = "Welcome back! Your pause is over, so check-ins are on again."

SAFETY = (
    "Weekly safety note: if you get numbness around your bottom or genitals, new trouble peeing or "
    "controlling your bladder or bowels, or weakness or numbness in both legs, get urgent medical help. "
    "I'm a coach, not medical advice."
)

_USERS: Any = User.__table__  # type: ignore[attr-defined]


def question() -> list[Outgoing]:
    """The check-in question, as Coach.checkin_prompt words it."""
    return [Outgoing(M.CHECKIN_QUESTION, M.CHECKIN_CHOICES)]


async def open_checkins(s: AsyncSession, items: Sequence[tuple[int, date]]) -> None:
    """What Coach.checkin_prompt does to the conversation, for many (user id, local date) pairs in
    one statement: the next reply of each counts for that date. The scheduler opens a whole claim
    chunk this way in the claim's transaction (one round trip instead of one transaction per user)."""
    if not items:
        return
    u = _USERS
    await s.execute(
        update(u)
        # Plain ORs, not IN: an expanding IN list cannot go into an executemany.
        .where(u.c.id == bindparam("p_uid"),
               or_(u.c.conv_state.is_(None), *(u.c.conv_state == st.value for st in REOPENS_FROM)))
        .values(conv_state=State.CHECKIN.value, conv_on=bindparam("p_on")),
        [{"p_uid": uid, "p_on": d} for uid, d in items],
    )


def compose(question: list[Outgoing], *, reminder: bool = False, welcome_back: bool = False,
            safety: bool = False) -> list[Outgoing]:
    """The scheduled prompt as one message: the question (its choices kept), reworded as a
    reminder if need be, with the welcome-back and safety notes in front. One platform message
    per prompt keeps sending, rate limits and crash recovery simple."""
    if not question:
        return []
    last = question[-1]
    text = REMINDER if reminder else last.text
    lead = [t for t, on in ((WELCOME_BACK, welcome_back), (SAFETY, safety)) if on]
    return [*question[:-1], Outgoing("\n\n".join([*lead, text]), last.choices)]
