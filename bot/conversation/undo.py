""""undo": what the last change of a setting replaced, kept in ``users.undo`` (JSON, one change
deep), whichever way it was made: a request in plain words, the settings menu, ``pause``,
``resume`` or ``stop``."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from bot.conversation import pausing
from bot.conversation.context import Context
from bot.model import profile_changed

#: The user's fields a change may touch, and how a stored previous value is read back.
UNDOABLE: dict[str, Callable[[Any], Any]] = {
    "checkin_time": str, "timezone": str, "days": str, "reminders": bool, "status": str,
    "paused_until": date.fromisoformat, "experience": str, "comfortable_run_minutes": int,
}
#: Settings questions (bot/conversation/questions.py) whose field has another name.
_FIELD_OF = {"comfortable": "comfortable_run_minutes"}


def remember(ctx: Context, *names: str) -> None:
    """Keep the values of ``names`` about to change."""
    u = ctx.user
    old = {n: getattr(u, n) for n in names}
    u.undo = json.dumps({n: v.isoformat() if isinstance(v, date) else v for n, v in old.items()})


def remember_answer(ctx: Context, question: str) -> None:
    """A settings question is about to be answered: keep its field's value."""
    field = _FIELD_OF.get(question, question)
    if field in UNDOABLE:
        remember(ctx, field)


async def restore(ctx: Context) -> bool:
    """Put the remembered values back (once); False when there is nothing to undo."""
    u = ctx.user
    try:
        old = json.loads(u.undo) if u.undo else {}
    except ValueError:
        old = {}
    old = {k: v for k, v in old.items() if k in UNDOABLE} if isinstance(old, dict) else {}
    u.undo = None
    if not old:
        return False
    for name, value in old.items():
        restored = None if value is None else UNDOABLE[name](value)
        if name == "paused_until":
            await pausing.pause_until(ctx, restored)
        else:
            setattr(u, name, restored)
    if {"experience", "comfortable_run_minutes"} & set(old):
        today = ctx.today
        ctx.set_model(profile_changed(ctx.model(today), ctx.profile(), today))
    return True
