"""Commands in the private chat, one small handler each (``/pause 7`` and the typed ``pause 7``)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot import answers
from bot import messages as M
from bot.commands import GROUP_ONLY
from bot.config import Settings
from bot.conversation import checkins, onboarding, pausing, settings, undo
from bot.conversation.context import Context
from bot.conversation.progress import progress
from bot.conversation.state import ONBOARDING, State
from bot.domain import Intervals, Recommendation
from bot.model import recommend, tolerance_summary
from bot.ports import Turn, UserKey
from bot.store import repo
from bot.store.repo import Store

log = logging.getLogger(__name__)

Handler = Callable[[Context, str], Awaitable[None]]


async def run(ctx: Context, command: answers.Command) -> None:
    ctx.turn.handled_as = "command:" + command.name
    await HANDLERS[command.name](ctx, command.args)
    await ctx.keep("command:" + command.name)


async def _start(ctx: Context, _args: str) -> None:
    u, turn = ctx.user, ctx.turn
    if u.status in ("stopped", "blocked"):
        u.status = "active"
        turn.say(M.RESTARTED.format(checkin_time=u.checkin_time, timezone=u.timezone))
    if not u.onboarded:
        state = ctx.state
        if not turn.messages:
            turn.say(M.INTRO)
        onboarding.begin(ctx, state if state in ONBOARDING else State.EXPERIENCE)
    elif not turn.messages:
        turn.say(M.HELP)


async def _help(ctx: Context, _args: str) -> None:
    ctx.turn.say(M.HELP)


async def _checkin(ctx: Context, _args: str) -> None:
    ctx.ask(State.CHECKIN, ctx.today)
    ctx.turn.say(M.CHECKIN_QUESTION, M.CHECKIN_CHOICES)


async def _today(ctx: Context, _args: str) -> None:
    today = ctx.today
    latest = await repo.latest_recommendation(ctx.session, ctx.uid)
    if latest and latest[0] == today:
        reco = reco_from_dict(latest[1])
        ctx.turn.say(M.recommendation_text(reco), checkins.strength_choices(reco), recommendation=reco)
    elif ctx.user.tolerance or ctx.user.onboarded:
        reco = recommend(ctx.model(today), ctx.profile(), today)
        ctx.turn.messages.append(checkins.reco_message(ctx, reco, today))
    else:
        ctx.turn.say(M.NO_SUGGESTION_YET)


async def _progress(ctx: Context, _args: str) -> None:
    await progress(ctx)


async def _settings(ctx: Context, args: str) -> None:
    settings.command(ctx, args)


async def _pause(ctx: Context, args: str) -> None:
    days = answers.parse_pause_days(args)
    if days is None:
        ctx.turn.say(M.PAUSE_BAD)
        return
    undo.remember(ctx, "paused_until")
    until = ctx.today + timedelta(days=days)
    await pausing.pause_until(ctx, until)
    ctx.turn.say(M.PAUSED.format(until=until.strftime("%a %d %b")))


async def _resume(ctx: Context, _args: str) -> None:
    ctx.turn.say(M.RESUMED if await pausing.resume(ctx) else M.NOT_PAUSED)


async def _export(ctx: Context, _args: str) -> None:
    data = await repo.export_user(ctx.session, ctx.user, tolerance_summary(ctx.model()))
    blob = json.dumps(data, indent=2, ensure_ascii=False).encode()
    ctx.turn.say(M.EXPORT, document=(f"backcheck-{UserKey.parse(ctx.user.key).slug}.json", blob))


async def _delete(ctx: Context, _args: str) -> None:
    ctx.ask(State.CONFIRM_DELETE)
    ctx.turn.say(M.CONFIRM_DELETE, M.DELETE_CHOICES)


async def _stop(ctx: Context, _args: str) -> None:
    undo.remember(ctx, "status")
    ctx.user.status = "stopped"
    ctx.ask(None)
    ctx.turn.say(M.STOPPED)


async def _group_only(ctx: Context, _args: str) -> None:
    ctx.turn.say(M.GROUP_ONLY_IN_PRIVATE)


HANDLERS: dict[str, Handler] = {
    "start": _start, "help": _help, "checkin": _checkin, "today": _today, "progress": _progress,
    "settings": _settings, "pause": _pause, "resume": _resume, "export": _export, "delete": _delete,
    "stop": _stop,
    # Every group command (/team too) gets the pointer to the group in a private chat.
    **dict.fromkeys(GROUP_ONLY, _group_only),
}


async def confirm_delete(ctx: Context) -> bool:
    """CONFIRM_DELETE: yes erases everything; no cancels; anything else cancels and is read as an
    ordinary message."""
    yes = ctx.msg.yes_no
    command = ctx.msg.command
    if yes is None and command is not None:
        yes = command.name == "delete"
    if yes:
        await repo.delete_user(ctx.session, ctx.user)
        ctx.deleted = True
        ctx.turn.say(M.DELETED)
        ctx.turn.handled_as = "deleted"
        return True
    ctx.ask(None)
    ctx.turn.say(M.DELETE_CANCELLED)
    if yes is False:
        await ctx.keep("delete_cancelled")
        return True
    return False


async def admin(store: Store, settings: Settings, key: str, command: answers.Command, now: datetime) -> Turn:
    """An operator command (``/stats [DAYS]``), answered outside the sender's own conversation: no
    user row is made or changed, nothing is stored. Not an admin: a polite refusal, nothing else."""
    turn = Turn(handled_as="command:" + command.name)
    if key not in settings.admin_keys:
        turn.say(M.ADMIN_ONLY)
        return turn
    from bot.stats import DEFAULT_DAYS, default_range, stats_report
    from bot.stats.png import daily_png
    from bot.stats.text import summary

    days = int(command.args) if command.args.isdigit() and 0 < int(command.args) <= 3660 else DEFAULT_DAYS
    rep = await stats_report(store, default_range(now.date(), days))
    image: bytes | None = None
    try:
        # Drawing takes a fraction of a second of CPU: off the event loop.
        image = await asyncio.to_thread(daily_png, rep)
    except Exception:
        log.exception("stats chart failed; sending the text alone")
    turn.say(summary(rep), image=image)
    return turn


def reco_from_dict(d: dict[str, object]) -> Recommendation:
    iv = d.get("intervals")
    return Recommendation(
        action=d["action"], minutes=d.get("minutes", 0), run_minutes=d.get("run_minutes", 0),  # type: ignore[arg-type]
        intervals=Intervals(**iv) if isinstance(iv, dict) else None, effort=d.get("effort"),  # type: ignore[arg-type]
        nudges=tuple(d.get("nudges", ())), reason=str(d.get("reason", "")), rule=str(d.get("rule", "")),  # type: ignore[arg-type]
        refer=bool(d.get("refer")), urgency=d.get("urgency"), red_flags=tuple(d.get("red_flags", ())),  # type: ignore[arg-type]
    )
