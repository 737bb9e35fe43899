"""The settings menu: shown by ``settings``; a menu item typed or tapped asks that one question,
``settings time 7:15`` changes it at once."""

from __future__ import annotations

from bot import messages as M
from bot.conversation import questions
from bot.conversation.context import Context
from bot.conversation.state import State

#: Menu words -> question names (longest match first).
_TARGETS = {
    "time zone": "timezone", "timezone": "timezone", "tz": "timezone", "zone": "timezone",
    "check-in time": "checkin_time", "checkin time": "checkin_time", "time": "checkin_time",
    "days": "days", "day": "days", "experience": "experience", "level": "experience",
    "comfortable minutes": "comfortable", "comfortable": "comfortable", "minutes": "comfortable",
    "reminders": "reminders", "reminder": "reminders",
}
_LABELS = sorted(_TARGETS, key=len, reverse=True)


def show(ctx: Context) -> None:
    u = ctx.user
    ctx.ask(State.SETTINGS)
    paused = M.SETTINGS_PAUSED.format(until=u.paused_until) if u.paused_until else ""
    ctx.turn.say(M.SETTINGS.format(
        timezone=u.timezone, checkin_time=u.checkin_time, days=M.days_words(u.days.split(",")),
        experience=u.experience,
        comfortable=(M.SETTINGS_MINUTES.format(n=u.comfortable_run_minutes) if u.comfortable_run_minutes is not None
                     else M.SETTINGS_NOT_SET),
        reminders=M.SETTINGS_ON if u.reminders else M.SETTINGS_OFF, paused=paused,
    ), M.SETTINGS_CHOICES)


def command(ctx: Context, args: str) -> None:
    """``settings [item [value]]``."""
    if not args.strip():
        show(ctx)
    elif not _pick(ctx, args):
        ctx.turn.say(M.SETTINGS_UNKNOWN, M.SETTINGS_CHOICES)


async def menu_answer(ctx: Context) -> bool:
    """SETTINGS: a menu item opens its question; anything else closes the menu and is read as
    an ordinary message."""
    if _pick(ctx, ctx.msg.text):
        await ctx.keep("settings")
        return True
    ctx.ask(None)
    return False


def _pick(ctx: Context, args: str) -> bool:
    a = " ".join(args.strip().lower().split())
    if a in ("reminders on", "reminders off"):
        _save(ctx, "reminders", a)
        return True
    for label in _LABELS:
        if a == label or a.startswith(label + " "):
            name = _TARGETS[label]
            value = args.strip()[len(label):].strip()
            if value and _save(ctx, name, value):
                return True
            ctx.ask(State("set_" + name))
            questions.ask(ctx, name)
            return True
    return False


def _save(ctx: Context, name: str, value: str) -> bool:
    saved = questions.answer(ctx, name, value)
    if saved is None:
        return False
    ctx.ask(None)
    ctx.turn.say(M.SETTING_SAVED.format(what=saved))
    return True
