"""Requests in plain words (issue 12): what bot.intents reads, done.

The conversation asks here only about a message that is no command and no answer to the open
question, and only when it is not a plain check-in (bot/intents ``might_be_request``): a message
with no request word costs one regex. A message that is a check-in *and* a request ("pain 3, ran 20.
can we move to 8am?") gets both, in one answer. Every change of a setting is confirmed in one line
and kept in ``users.undo`` so "undo" puts it back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import cast

from bot import messages as M
from bot.conversation import checkins, commands, pausing, undo
from bot.conversation.context import Context
from bot.conversation.state import State
from bot.conversation.understood import activity as understood_activity
from bot.conversation.understood import said
from bot.domain import DAYS, CheckIn
from bot.exercises import how_to
from bot.inbound import Inbound
from bot.intents import Intent, might_be_request, read_intent
from bot.intents.read import MAX_CHARS
from bot.model import tolerance_summary
from bot.store import repo

Handler = Callable[[Context, Intent], Awaitable[None]]

#: Requests that open a question of their own: not taken while a check-in's follow-up question
#: (pain, the safety screen) has just been asked.
_OPENS_QUESTION = frozenset({"ask_time", "delete", "settings", "checkin"})



async def handle(ctx: Context) -> bool:
    """Take the message if it holds a request; False leaves it to be read as a check-in."""
    msg = ctx.msg
    if len(msg.text) > MAX_CHARS or (not might_be_request(msg.text) and msg.checkin.understood):
        return False
    intent = read_intent(msg.text, ctx.today)
    if intent is None:
        return False
    whole = msg.checkin
    a, b = intent.span
    rest = Inbound.read((msg.text[:a] + " " + msg.text[b:]).strip())
    if intent.kind == "smalltalk" and whole.understood and (
            ctx.state is not None or _not_checked_in_today(ctx) or not rest.blank):
        return False  # "ok" answering "how's your back?" and "Good morning! 2 out of 10" are check-ins
    if intent.kind == "unknown" and whole.understood:
        return False
    if intent.kind not in ("smalltalk", "unknown", "correction") and not rest.blank and rest.clearly_a_checkin:
        await _both(ctx, intent, rest)
        return True
    await ctx.keep("request:" + intent.kind)
    open_before = ctx.state
    await HANDLERS[intent.kind](ctx, intent)
    if open_before in _ASK_AGAIN and ctx.state is open_before and intent.kind != "smalltalk":
        # The pain or safety question is still open: it follows the answer, so it is not forgotten.
        ctx.turn.say(*_PENDING[open_before])
    return True


async def _both(ctx: Context, intent: Intent, rest: Inbound) -> None:
    """A check-in and a request in one message: the check-in is recorded as ever (with its
    follow-up question), and the request's answer leads the same message."""
    await checkins.record(ctx, rest.checkin)
    ctx.turn.handled_as = "checkin"
    if rest.checkin.truncated:
        await ctx.keep("checkin_full_text")
    before = ctx.turn.messages
    ctx.turn.messages = []
    if intent.kind in _OPENS_QUESTION and ctx.state is not None:
        ctx.turn.say(M.LATER_REQUEST)
    else:
        await HANDLERS[intent.kind](ctx, intent)
    answer, ctx.turn.messages = ctx.turn.messages, before
    plain = [m for m in answer if not (m.choices or m.image or m.document)]
    if plain and before:
        first = before[0]
        before[0] = replace(first, text="\n".join([*(m.text for m in plain), first.text]))
        ctx.turn.messages.extend(m for m in answer if m not in plain)
    else:
        ctx.turn.messages.extend(answer)


def _not_checked_in_today(ctx: Context) -> bool:
    last = ctx.user.last_checkin_on
    return last is None or last < ctx.today


# --- settings ----------------------------------------------------------------------------------------


def _schedule_done(ctx: Context) -> None:
    u = ctx.user
    ctx.turn.say(M.DONE_SCHEDULE.format(time=u.checkin_time, timezone=u.timezone,
                                        days=M.days_words(u.days.split(","))))


async def _set_time(ctx: Context, intent: Intent) -> None:
    undo.remember(ctx, "checkin_time")
    ctx.user.checkin_time = str(intent.value)
    _schedule_done(ctx)


async def _shift_time(ctx: Context, intent: Intent) -> None:
    h, m = (int(x) for x in ctx.user.checkin_time.split(":"))
    total = (h * 60 + m + cast(int, intent.value)) % (24 * 60)
    await _set_time(ctx, replace(intent, value=f"{total // 60:02d}:{total % 60:02d}"))


async def _ask_time(ctx: Context, _intent: Intent) -> None:
    ctx.ask(State.SET_CHECKIN_TIME)
    ctx.turn.say(M.ASK_WHAT_TIME.format(time=ctx.user.checkin_time), M.CHECKIN_TIME_CHOICES)


async def _set_days(ctx: Context, intent: Intent) -> None:
    op, days = cast(tuple[str, tuple[str, ...]], intent.value)
    now = set(ctx.user.days.split(","))
    new = set(days) if op == "set" else now | set(days) if op == "add" else now - set(days)
    chosen = tuple(d for d in DAYS if d in new)
    if not chosen:
        ctx.turn.say(M.DAYS_NONE_LEFT)
        return
    undo.remember(ctx, "days")
    ctx.user.days = ",".join(chosen)
    _schedule_done(ctx)


async def _set_timezone(ctx: Context, intent: Intent) -> None:
    undo.remember(ctx, "timezone")
    ctx.user.timezone = str(intent.value)
    _schedule_done(ctx)


async def _reminders(ctx: Context, intent: Intent) -> None:
    on = bool(intent.value)
    if ctx.user.reminders == on:
        ctx.turn.say(M.ALREADY_REMINDERS[on])
        return
    undo.remember(ctx, "reminders")
    ctx.user.reminders = on
    ctx.turn.say(M.DONE_REMINDERS[on])


async def _pause(ctx: Context, intent: Intent) -> None:
    back = intent.value if isinstance(intent.value, date) else ctx.today + timedelta(days=7)
    undo.remember(ctx, "paused_until")
    await pausing.pause_until(ctx, back)
    day = _day(back, ctx.today)
    ctx.turn.say(M.DONE_PAUSE.format(when=day if day == "tomorrow" else "on " + day))


async def _resume(ctx: Context, _intent: Intent) -> None:
    if await pausing.resume(ctx):
        ctx.turn.say(M.DONE_RESUME.format(day="tomorrow", time=ctx.user.checkin_time))
    else:
        ctx.turn.say(M.NOT_PAUSED)


async def _undo(ctx: Context, _intent: Intent) -> None:
    if await undo.restore(ctx):
        ctx.turn.say(M.UNDONE.format(now=now_text(ctx)))
    else:
        ctx.turn.say(M.NOTHING_TO_UNDO)


def now_text(ctx: Context) -> str:
    """The settings a change touches, as they are now, in one sentence or two."""
    u = ctx.user
    parts = [M.NOW_SCHEDULE.format(time=u.checkin_time, timezone=u.timezone, days=M.days_words(u.days.split(",")))]
    if u.paused_until is not None and u.paused_until > ctx.today:
        parts.append(M.NOW_PAUSED.format(day=_day(u.paused_until, ctx.today)))
    if not u.reminders:
        parts.append(M.NOW_REMINDERS[False])
    return " ".join(parts)


def _day(d: date, today: date) -> str:
    if d == today + timedelta(days=1):
        return "tomorrow"
    return f"{d:%A} {d.day} {d:%B}" if (d - today).days > 6 else f"{d:%A} ({d.day} {d:%b})"


# --- commands, "why", exercises ------------------------------------------------------------------------


def _command(name: str) -> Handler:
    async def run(ctx: Context, _intent: Intent) -> None:
        await commands.HANDLERS[name](ctx, "")
        ctx.turn.handled_as = "request:" + name
    return run


async def _why(ctx: Context, intent: Intent) -> None:
    latest = await repo.latest_recommendation(ctx.session, ctx.uid)
    if latest is None:
        ctx.turn.say(M.WHY_NOTHING)
        return
    day, stored = latest
    reco = commands.reco_from_dict(stored)
    lines: list[str] = []
    asked = intent.value if isinstance(intent.value, str) else None
    if asked is not None and asked != reco.action and not (asked == "run" and reco.action == "walk_run"):
        lines.append(M.WHY_NOT.format(kind=M.WHY_KIND_WORDS.get(asked, asked), session=M.session_line(reco).removeprefix("Today: ")))
    if reco.reason:
        lines.append(M.WHY_REASON.format(reason=reco.reason))
    evidence = await _evidence(ctx, day)
    if evidence:
        lines.append(M.WHY_EVIDENCE.format(evidence=evidence))
    rule, source = M.RULE_SOURCES.get(reco.rule, M.RULE_UNKNOWN)
    lines.append(M.WHY_RULE.format(rule=rule, source=source))
    ctx.turn.say("\n".join(lines))


async def _evidence(ctx: Context, day: date) -> str:
    """What the suggestion of ``day`` was based on: that check-in, the usual pain, the tolerance."""
    parts: list[str] = []
    found = await repo.day_checkin(ctx.session, ctx.uid, day)
    if found is not None:
        what = said(found[1])
        if what:
            parts.append(f"your check-in ({what})")
    summary = tolerance_summary(ctx.model())
    if summary.get("baseline_pain") is not None:
        parts.append(f"your usual morning pain {checkins.number(summary['baseline_pain'])}/10")
    if summary.get("run_minutes"):
        parts.append(f"running you tolerate now about {checkins.number(summary['run_minutes'])} min")
    return ", ".join(parts)


async def _exercise(ctx: Context, intent: Intent) -> None:
    ctx.turn.say(how_to(str(intent.value)))


# --- corrections, small talk, the fallback ----------------------------------------------------------


async def _correction(ctx: Context, intent: Intent) -> None:
    """"I meant 4 not 7": the number of the latest check-in that equals 7 (the pain first, then a
    session's minutes or km) becomes 4, and the check-in is recorded again (checkins.record merges
    a correction into the day's check-in)."""
    new, old = cast(tuple[float, float | None], intent.value)
    day = ctx.user.last_checkin_on
    found = await repo.day_checkin(ctx.session, ctx.uid, day) if day is not None else None
    if day is None or found is None:
        ctx.turn.say(M.NOTHING_TO_CORRECT)
        return
    last = found[1]
    fix: CheckIn | None = None
    lead = ""
    if last.pain is not None and new <= 10 and (old is None or abs(last.pain - old) < 0.01):
        fix = CheckIn(pain=new, text="", correction=True)
        lead = M.CORRECTED_PAIN.format(new=checkins.number(new), old=checkins.number(last.pain))
    elif old is not None:
        for i, act in enumerate(last.activities):
            changed = None
            if act.minutes is not None and abs(act.minutes - old) < 0.01:
                scale = new / old if old else 1
                changed = replace(act, minutes=new,
                                  run_minutes=None if act.run_minutes is None else act.run_minutes * scale)
            elif act.km is not None and abs(act.km - old) < 0.01:
                changed = replace(act, km=new)
            if changed is not None:
                same_kind = tuple(changed if j == i else a for j, a in enumerate(last.activities) if a.kind == act.kind)
                fix = CheckIn(activities=same_kind, text="", correction=True)
                lead = M.CORRECTED_SESSION.format(what=understood_activity(changed))
                break
    if fix is None:
        ctx.turn.say(M.CORRECTION_UNCLEAR.format(said=said(last) or "nothing yet"))
        return
    ctx.turn.say(lead)
    await checkins.record(ctx, fix, day, announce=False)


_PENDING: dict[State, tuple[str, tuple[str, ...]]] = {
    State.CHECKIN: (M.CHECKIN_QUESTION, M.CHECKIN_CHOICES),
    State.ASK_PAIN: (M.ASK_PAIN, M.PAIN_CHOICES),
    State.SCREEN: (M.SCREEN_QUESTION, M.YES_NO),
}


#: Questions asked again after the answer to a request made while they are open.
_ASK_AGAIN = frozenset({State.ASK_PAIN, State.SCREEN})


async def _smalltalk(ctx: Context, intent: Intent) -> None:
    u = ctx.user
    if intent.value == "hello" and (not u.onboarded or u.status != "active"):
        await _command("start")(ctx, intent)
        return
    reply = M.SMALLTALK.get(str(intent.value), M.SMALLTALK["ok"])
    state = ctx.state
    if state in _PENDING:
        question, choices = _PENDING[state]  # type: ignore[index]
        ctx.turn.say(f"{reply}\n{question}", choices)
    elif intent.value == "hello" and _not_checked_in_today(ctx):
        ctx.turn.say(f"{reply} {M.SMALLTALK_CHECKIN}")
    else:
        ctx.turn.say(reply)


async def _safety(ctx: Context, _intent: Intent) -> None:
    ctx.turn.say(M.SAFETY_ANSWER)


async def _unknown(ctx: Context, _intent: Intent) -> None:
    ctx.turn.say(M.FALLBACK)


HANDLERS: dict[str, Handler] = {
    "set_time": _set_time, "shift_time": _shift_time, "ask_time": _ask_time, "set_days": _set_days,
    "reminders": _reminders, "set_timezone": _set_timezone, "pause": _pause, "resume": _resume, "undo": _undo,
    **{k: _command(k) for k in ("today", "progress", "help", "export", "delete", "stop", "settings", "checkin")},
    "why": _why, "exercise": _exercise, "correction": _correction, "smalltalk": _smalltalk, "safety": _safety,
    "unknown": _unknown,
}

