"""Pausing check-ins, whichever way it is asked for (``/pause``, plain words, "undo"): the
current pause is ``users.paused_until``, which the scheduler reads; its history is kept too
(bot/store/pauses.py), because a team streak pauses over the paused days instead of breaking."""

from __future__ import annotations

from datetime import date

from bot.conversation import undo
from bot.conversation.context import Context
from bot.store import pauses


async def pause_until(ctx: Context, until: date | None) -> None:
    """Pause check-ins up to (not including) ``until``; None ends a pause that is running."""
    u = ctx.user
    if until is None or until <= ctx.today:
        if u.paused_until is not None:
            await pauses.end_pauses(ctx.session, ctx.uid, ctx.today)
        u.paused_until = None
        return
    u.paused_until = until
    await pauses.record_pause(ctx.session, ctx.uid, ctx.today, until)


async def resume(ctx: Context) -> bool:
    """Check-ins back on (undoable): False, and nothing changed, when they were not off."""
    u = ctx.user
    if u.paused_until is None and u.status == "active":
        return False
    undo.remember(ctx, "paused_until", "status")
    await pause_until(ctx, None)
    u.status = "active"
    return True
