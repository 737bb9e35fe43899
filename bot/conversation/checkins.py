"""Check-ins: recording one (merged with the day's earlier one), the model's answer, and the
follow-up questions (pain missing, pain contradicted, the safety screen)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from bot import messages as M
from bot.conversation.context import Context
from bot.conversation.state import State
from bot.domain import DAYS, CheckIn, Recommendation
from bot.model import step
from bot.parse import MAX_CHARS
from bot.ports import Outgoing
from bot.store import repo

#: The weekly "not medical advice" reminder (domain.md, "What the bot says").
DISCLAIMER_EVERY = timedelta(days=7)
#: Until this local time a reply still counts for the previous day's open check-in.
NIGHT_ENDS = time(4, 0)
#: A safety screen question follows a check-in with pain this high or pain into a leg.
SCREEN_PAIN = 7


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


async def record(ctx: Context, ci: CheckIn, day: date | None = None) -> None:
    """Record ``ci`` for ``day`` (default: the date the answer window gives), step the model,
    store its recommendation and say it, then ask what is missing."""
    u, s, turn = ctx.user, ctx.session, ctx.turn
    answering = day is not None or ctx.state is State.CHECKIN
    day = day or checkin_date(ctx)
    seen = u.last_checkin_on
    # Most replies are the day's first: the user row says so, which saves a query.
    existing = None if seen is not None and seen < day else await repo.get_checkin(s, ctx.uid, day)
    merged = ci
    if existing is not None:
        acts = (await repo.activities_of(s, [existing.id or 0]))[existing.id or 0]
        merged = merge_checkins(repo.checkin_from_rows(existing, acts), ci)
    await repo.save_checkin(s, ctx.uid, day, merged, ctx.now, existing)
    if answering:  # a scheduled question was open: it is answered now
        await repo.mark_prompt_answered(s, ctx.uid, day, ctx.now)
    new_state, reco = step(ctx.model(day), ctx.profile(), merged, day)
    ctx.set_model(new_state)
    u.last_checkin_on = max(day, seen) if seen is not None else day
    await repo.save_recommendation(s, ctx.uid, day, reco, ctx.now)
    turn.checkin = {"date": day.isoformat(), **merged.to_dict()}
    if ci.truncated:
        turn.say(M.TRUNCATED.format(n=MAX_CHARS))
    if existing is not None and day != ctx.today:
        turn.say(M.ADDED_TO_TODAY.format(day=day.strftime("%A")))
    turn.messages.append(reco_message(ctx, reco, day))
    ctx.ask(None)
    if reco.action == "seek_care":
        return
    if ci.pain_conflict is not None and ci.pain is not None:
        turn.say(M.CONFIRM_PAIN.format(first=number(ci.pain_conflict), later=number(ci.pain)), M.YES_NO)
        ctx.ask(State.CONFIRM_PAIN, day)
    elif merged.pain is None:
        turn.say(M.ASK_PAIN, M.PAIN_CHOICES)
        ctx.ask(State.ASK_PAIN, day)
    elif (merged.has_leg_symptoms or (merged.pain or 0) >= SCREEN_PAIN) and u.screened_on != day:
        turn.say(M.SCREEN_QUESTION, M.YES_NO)
        ctx.ask(State.SCREEN, day)


def reco_message(ctx: Context, reco: Recommendation, day: date) -> Outgoing:
    u = ctx.user
    text = M.recommendation_text(reco)
    if reco.action != "seek_care" and (
        u.disclaimer_on is None or day - u.disclaimer_on >= DISCLAIMER_EVERY or day < u.disclaimer_on
    ):
        text += "\n" + M.DISCLAIMER
        u.disclaimer_on = day
    return Outgoing(text, recommendation=reco)


async def default(ctx: Context) -> None:
    """A message that is no command and no answer to an open question: read it as a check-in."""
    ci = ctx.msg.checkin
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
        ctx.turn.say("Thanks, noted.")
        return True
    return False


async def _update_pain(ctx: Context, pain: float) -> None:
    day = ctx.user.conv_on or ctx.today
    ctx.ask(None)
    existing = await repo.get_checkin(ctx.session, ctx.uid, day)
    if existing is None:
        await record(ctx, CheckIn(pain=pain, text=str(number(pain))), day)
        return
    acts = (await repo.activities_of(ctx.session, [existing.id or 0]))[existing.id or 0]
    old = repo.checkin_from_rows(existing, acts)
    ctx.turn.say(M.PAIN_UPDATED.format(pain=number(pain)))
    # Re-recorded through the normal path, so the model and the recommendation see the new pain.
    await record(ctx, replace(old, pain=pain, text=""), day)


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
    await record(ctx, CheckIn(red_flags=flags or ("screen_positive",), text=""), day)
    return True


def merge_checkins(old: CheckIn, new: CheckIn) -> CheckIn:
    """A second message on the same date adds to the check-in: a new pain score replaces the old,
    activities of a kind the new message names replace that kind's (a correction), others add."""
    new_kinds = {a.kind for a in new.activities}
    acts = tuple(a for a in old.activities if a.kind not in new_kinds) + new.activities
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
