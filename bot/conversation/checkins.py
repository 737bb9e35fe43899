"""Check-ins: recording one (merged with the day's earlier one), the model's answer, and the
follow-up questions (pain missing, pain contradicted, the safety screen)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot import messages as M
from bot.conversation.context import Context
from bot.conversation.state import State
from bot.conversation.understood import activity as understood_activity
from bot.conversation.understood import said
from bot.domain import DAYS, Activity, CheckIn, Intervals, Recommendation
from bot.model import step
from bot.parse import MAX_CHARS
from bot.ports import Outgoing
from bot.red_flags import POSSIBLE
from bot.store import repo

#: The weekly "not medical advice" reminder (domain.md, "What the bot says").
DISCLAIMER_EVERY = timedelta(days=7)
#: Until this local time a reply still counts for the previous day's open check-in.
NIGHT_ENDS = time(4, 0)
#: A safety screen question follows a check-in with pain this high or pain into a leg.
SCREEN_PAIN = 7
#: Asked at most this often (**design**): the leg or pain that prompts it often lasts for weeks, the
#: weekly safety note names the same signs, and a full referral (new or changed symptoms) asks again.
SCREEN_EVERY = timedelta(days=7)


def checkin_date(ctx: Context) -> date:
    """Which date a check-in reply counts for (issue 3's answer window).

    A reply counts for the open (asked, unanswered) check-in until the next one is asked: late at
    night, or on a day the user gets no check-in. On a check-in day, a message after the night
    (NIGHT_ENDS) is about this morning, so it counts for today, and today's question is then not
    asked: early reporters are not asked twice.
    """
    u = ctx.user
    local = ctx.now.astimezone(ZoneInfo(u.timezone))
    today = local.date()
    open_date = u.conv_on
    if ctx.state is not State.CHECKIN or open_date is None or open_date >= today:
        return today
    checkin_day = DAYS[today.weekday()] in u.days.split(",")
    if not checkin_day or local.time() < NIGHT_ENDS:
        return open_date
    return today


async def record(ctx: Context, ci: CheckIn, day: date | None = None, *, announce: bool = True) -> None:
    """Record ``ci`` for ``day`` (default: the date the answer window gives), step the model,
    store its recommendation and say it, then ask what is missing. ``announce``: begin with what
    was understood (an answer to the bot's own follow-up question says it its own way)."""
    u, s, turn = ctx.user, ctx.session, ctx.turn
    answering = day is not None or ctx.state is State.CHECKIN
    day = day or checkin_date(ctx)
    seen = u.last_checkin_on
    # Most replies are the day's first: the user row says so, which saves a query.
    existing = None if seen is not None and seen < day else await repo.day_checkin(s, ctx.uid, day)
    merged = ci if existing is None else merge_checkins(existing[1], ci)
    await repo.save_checkin(s, ctx.uid, day, merged, ctx.now, existing[0] if existing is not None else None,
                            same_activities=existing is not None and merged.activities == existing[1].activities)
    if answering:  # a scheduled question was open: it is answered now
        await repo.mark_prompt_answered(s, ctx.uid, day, ctx.now)
    new_state, reco = step(ctx.model(day), ctx.profile(), merged, day)
    ctx.set_model(new_state)
    u.last_checkin_on = max(day, seen) if seen is not None else day
    await repo.save_recommendation(s, ctx.uid, day, reco, ctx.now)
    ctx.recommended = (day, reco)
    turn.checkin = {"date": day.isoformat(), **merged.to_dict()}
    # One message: what was understood, notes about it, then the session and its reason.
    lead = [_understood_line(ci, existing is not None)] if announce else []
    if ci.cleared:
        lead.append(M.CLEARED)
    if ci.truncated:
        lead.append(M.TRUNCATED.format(chars=M.plural(MAX_CHARS, "character")))
    if existing is not None and day != ctx.today:
        lead.append(M.ADDED_TO_TODAY.format(day=day.strftime("%A")))
    turn.messages.append(reco_message(ctx, reco, day, lead))
    ctx.ask(None)
    if reco.action == "seek_care":
        return
    possible = [f for f in ci.possible_flags if f in POSSIBLE and POSSIBLE[f] not in merged.red_flags]
    if possible:
        turn.say(M.TRIAGE_QUESTION.get(possible[0], M.SCREEN_QUESTION), M.YES_NO)
        ctx.ask(State.TRIAGE, day, possible[0])
    elif ci.pain_conflict is not None and ci.pain is not None:
        turn.say(M.CONFIRM_PAIN.format(first=number(ci.pain_conflict), later=number(ci.pain)), M.YES_NO)
        ctx.ask(State.CONFIRM_PAIN, day)
    elif merged.pain is None:
        turn.say(M.ASK_PAIN, M.PAIN_CHOICES)
        ctx.ask(State.ASK_PAIN, day)
    elif (merged.has_leg_symptoms or (merged.pain or 0) >= SCREEN_PAIN) and _screen_due(u.screened_on, day, reco):
        turn.say(M.SCREEN_QUESTION, M.YES_NO)
        ctx.ask(State.SCREEN, day)
        u.screened_on = day  # asked: an unanswered question is not asked again tomorrow


def _screen_due(last: date | None, day: date, reco: Recommendation) -> bool:
    """The safety screen: first time, a week on, or with a full referral's advice (not its reminder)."""
    if last is None or day - last >= SCREEN_EVERY or last > day:
        return True
    return last != day and reco.refer and reco.rule == "refer"


def reco_message(ctx: Context, reco: Recommendation, day: date, lead: list[str] | None = None) -> Outgoing:
    u = ctx.user
    # What was understood leads; the model's text is kept under the limit by the model, so the
    # lead takes the room of the nudge's long form when both would not fit.
    body = M.recommendation_text(reco, room=M.MAX_RECOMMENDATION_CHARS - len("\n".join(lead or [])) - 1)
    text = "\n".join([*(lead or []), body])
    due = u.disclaimer_on is None or day - u.disclaimer_on >= DISCLAIMER_EVERY or day < u.disclaimer_on
    # The weekly reminder waits for a message it fits in (the next one, usually).
    if reco.action != "seek_care" and due and len(text) + 1 + len(M.DISCLAIMER) < M.MAX_RECOMMENDATION_CHARS:
        text += "\n" + M.DISCLAIMER
        u.disclaimer_on = day
    # Every referral and care message offers the way out of it (domain.md rule 2).
    choices = (M.BEEN_CHECKED,) if reco.refer or reco.action == "seek_care" else ()
    return Outgoing(text, choices + strength_choices(reco), recommendation=reco)


def strength_choices(reco: Recommendation) -> tuple[str, ...]:
    """"How do I do these?" on every suggestion with the strength routine in it (the session or
    its nudge); bot/conversation/requests.py answers it."""
    return (M.HOW_TO_STRENGTH,) if reco.action == "strength" or "add_strength" in reco.nudges else ()


def _understood_line(ci: CheckIn, same_day: bool) -> str:
    what = said(ci)
    if not what:
        return M.NOTHING_NEW
    if not same_day:
        return M.GOT_IT.format(what=what)
    return (M.CORRECTED if ci.correction and ci.activities else M.ADDED).format(what=what)


async def default(ctx: Context) -> None:
    """A message that is no command and no answer to an open question: read it as a check-in."""
    ci = ctx.msg.checkin
    if ctx.msg.text.strip().lower() == M.BEEN_CHECKED.lower():  # the referral message's button
        ci = replace(ci, cleared=True)
    if ci.same_as is not None and not ci.activities:
        await offer_same(ctx, ci)
        return
    if not ci.understood:
        await ctx.keep("unclear")
        ctx.turn.say(M.ASK_AGAIN)
        return
    await record(ctx, ci)
    ctx.turn.handled_as = "checkin"
    if len(ctx.msg.text) > MAX_CHARS:
        # The check-in row keeps what the parser read; the whole text is kept here.
        await ctx.keep("checkin_full_text")


# --- answers to the follow-up questions ------------------------------------------------------------


async def pain_answer(ctx: Context) -> bool:
    """ASK_PAIN and CONFIRM_PAIN: a bare number is the morning's pain; CONFIRM_PAIN's yes keeps it."""
    pain = ctx.msg.number
    if pain is not None:
        await ctx.keep("pain_answer")
        await _update_pain(ctx, pain)
        return True
    if ctx.state is State.CONFIRM_PAIN and ctx.msg.yes_no is True:
        ctx.ask(None)
        await ctx.keep("pain_confirmed")
        ctx.turn.say(M.PAIN_NOTED)
        return True
    return False


async def _update_pain(ctx: Context, pain: float) -> None:
    day = ctx.user.conv_on or ctx.today
    ctx.ask(None)
    if await repo.day_checkin(ctx.session, ctx.uid, day) is None:
        await record(ctx, CheckIn(pain=pain, text=str(number(pain))), day, announce=False)
        return
    ctx.turn.say(M.PAIN_UPDATED.format(pain=number(pain)))
    # Re-recorded through the normal path (the new pain merged into the day's check-in), so the
    # model and the recommendation see it.
    await record(ctx, CheckIn(pain=pain, text=""), day, announce=False)


async def screen_answer(ctx: Context) -> bool:
    """SCREEN: yes, no, or the warning signs themselves ("numb down there")."""
    yes = ctx.msg.yes_no
    flags = ctx.msg.checkin.red_flags if yes is None else ()
    if yes is None and not flags:
        return False
    day = ctx.user.conv_on or ctx.today
    await ctx.keep("screen_answer")
    ctx.ask(None)
    ctx.user.screened_on = day
    if not (yes or flags):
        ctx.turn.say(M.SCREEN_CLEAR)
        return True
    await record(ctx, CheckIn(red_flags=flags or ("screen_positive",), text=""), day, announce=False)
    return True


async def triage_answer(ctx: Context) -> bool:
    """TRIAGE: yes (or the warning signs themselves) makes the possible flag a red flag; no clears
    it; anything else leaves it unanswered, and to be safe it then counts as a yes (domain.md
    rule 1: escalate on yes or on no answer by the next check-in)."""
    flag = POSSIBLE.get(ctx.user.conv_arg or "", "screen_positive")
    day = ctx.user.conv_on or ctx.today
    yes = ctx.msg.yes_no
    said_flags = ctx.msg.checkin.red_flags if yes is None else ()
    if yes is False:
        await ctx.keep("triage_answer")
        ctx.ask(None)
        ctx.turn.say(M.TRIAGE_CLEAR)
        return True
    if yes or said_flags:
        await ctx.keep("triage_answer")
        ctx.ask(None)
        await record(ctx, CheckIn(red_flags=tuple(dict.fromkeys((flag, *said_flags))), text=""), day, announce=False)
        return True
    # No answer: the message is read as usual, with the flag added.
    ctx.ask(None)
    ctx.turn.say(M.TRIAGE_UNANSWERED)
    ci = ctx.msg.checkin
    if ctx.msg.command is None and ci.understood:
        await record(ctx, replace(ci, red_flags=tuple(dict.fromkeys((*ci.red_flags, flag)))))
        ctx.turn.handled_as = "checkin"
    else:
        await ctx.keep("triage_unanswered")
        await record(ctx, CheckIn(red_flags=(flag,), text=""), day, announce=False)
    return True


async def offer_same(ctx: Context, ci: CheckIn) -> None:
    """"same as yesterday" / "did what you said": offer to log that session, with a yes/no. What
    else the message said (a pain score) is recorded now."""
    day = checkin_date(ctx)
    session = await _session_to_copy(ctx, ci.same_as or "yesterday", day)
    if ci.pain is not None or ci.red_flags or ci.has_leg_symptoms or ci.worried or ci.worse or ci.cleared:
        await record(ctx, replace(ci, same_as=None), day)
    else:
        await ctx.keep("same_as")
    if session is None:
        ctx.turn.say(M.SAME_NOTHING)
        return
    _, label = session
    if ctx.state in (State.ASK_PAIN, State.CONFIRM_PAIN, State.SCREEN, State.TRIAGE):
        return  # a safety or pain question is open: it comes first; the session can be told later
    ctx.turn.say(M.CONFIRM_SAME.format(session=label, day="today" if day == ctx.today else day.strftime("%A")),
                 M.YES_NO)
    ctx.ask(State.CONFIRM_SAME, day, ci.same_as)


async def confirm_same(ctx: Context) -> bool:
    """CONFIRM_SAME: yes logs the offered session; no asks what was done."""
    yes = ctx.msg.yes_no
    if yes is None:
        ctx.ask(None)
        return False
    await ctx.keep("same_answer")
    day = ctx.user.conv_on or ctx.today
    kind = ctx.user.conv_arg or "yesterday"
    ctx.ask(None)
    if not yes:
        ctx.turn.say(M.SAME_DECLINED)
        return True
    session = await _session_to_copy(ctx, kind, day)
    if session is None:
        ctx.turn.say(M.SAME_NOTHING)
        return True
    activity = session[0]
    await record(ctx, CheckIn(activities=(activity,), text=""), day)
    return True


async def _session_to_copy(ctx: Context, kind: str, day: date) -> tuple[Activity, str] | None:
    """The session "same as yesterday" means (the latest check-in's main activity before ``day``),
    or the one "what you said" means (the latest suggestion before ``day``)."""
    if kind == "suggested":
        latest = await repo.latest_recommendation_before(ctx.session, ctx.uid, day)
        act = activity_of_suggestion(latest) if latest is not None else None
    else:
        act = await repo.latest_activity_before(ctx.session, ctx.uid, day)
    if act is None:
        return None
    return act, "a " + understood_activity(act)


def merge_checkins(old: CheckIn, new: CheckIn) -> CheckIn:
    """A second message on the same date adds to the check-in: its activities are added and a new
    pain score replaces the old; only an explicit correction ("actually", "I meant") replaces the
    activities of the kinds it names."""
    if new.correction:
        # A correction replaces the activities of the kinds it names ("I meant 40 min, not 30").
        named = {a.kind for a in new.activities}
        acts = tuple(a for a in old.activities if a.kind not in named) + new.activities
    else:
        acts = old.activities + new.activities
    text = "\n".join(t for t in (old.text, new.text) if t)[:MAX_CHARS]
    return CheckIn(
        pain=new.pain if new.pain is not None else old.pain,
        rested=(old.rested or new.rested) and not acts,
        activities=acts,
        red_flags=tuple(dict.fromkeys(old.red_flags + new.red_flags)),
        leg_pain=new.leg_pain if new.leg_pain is not None else old.leg_pain,
        leg_symptoms=tuple(dict.fromkeys(old.leg_symptoms + new.leg_symptoms)),
        possible_flags=tuple(dict.fromkeys(old.possible_flags + new.possible_flags)),
        worried=new.worried,
        worse=new.worse,
        cleared=new.cleared,
        correction=new.correction,
        same_as=new.same_as,
        text=text,
        pain_conflict=new.pain_conflict,
        truncated=new.truncated,
    )


def number(x: float | int) -> float | int:
    """A number as people write it: 3, not 3.0."""
    return int(x) if float(x).is_integer() else round(float(x), 1)


def activity_of_suggestion(d: dict[str, Any]) -> Activity | None:
    """A stored suggestion as the session it asked for (cross-training names no kind: not copied)."""
    action, minutes = d.get("action"), d.get("minutes") or None
    if action == "run":
        return Activity("run", minutes=minutes, run_minutes=d.get("run_minutes") or minutes, effort=d.get("effort"))
    if action == "walk_run":
        iv = d.get("intervals")
        return Activity("walk_run", minutes=minutes, run_minutes=d.get("run_minutes") or None,
                        intervals=Intervals(**iv) if isinstance(iv, dict) else None)
    if action == "walk":
        return Activity("walk", minutes=minutes)
    if action == "strength":
        return Activity("strength", minutes=minutes)
    return None
