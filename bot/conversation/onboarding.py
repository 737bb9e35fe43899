"""Onboarding, and one setting asked from the settings menu: the profile questions in order, a
check-in sent meanwhile recorded without losing the place."""

from __future__ import annotations

from bot import commands
from bot import messages as M
from bot.conversation import checkins, questions
from bot.conversation.context import Context
from bot.conversation.state import ONBOARDING, SETTING_STATES, State
from bot.model import recommend
from bot.store import repo
from bot.teams import membership


async def first_message(ctx: Context) -> None:
    """A new user's first message: the introduction (with what a check-in in it said answered),
    then the first question."""
    msg = ctx.msg
    if msg.command is not None and msg.command.name in commands.GROUP_ONLY:
        ctx.turn.say(M.GROUP_ONLY_IN_PRIVATE)
    ctx.turn.say(M.INTRO)
    if msg.command is None and not msg.blank and msg.checkin.understood:
        await checkins.record(ctx, msg.checkin)
    if ctx.turn.checkin is None:
        await ctx.keep("onboarding")
    begin(ctx, State.EXPERIENCE)


def begin(ctx: Context, step: State) -> None:
    ctx.ask(step)
    questions.ask(ctx, step.question)


async def answer(ctx: Context) -> bool:
    """An onboarding step's or a settings question's answer; anything else gets the question again."""
    state = ctx.state
    assert state is not None
    saved = questions.answer(ctx, state.question, ctx.msg.text)
    if saved is not None:
        if state in SETTING_STATES:
            ctx.ask(None)
            ctx.turn.say(M.SETTING_SAVED.format(what=saved))
        await ctx.keep("answer:" + state)
        if state in ONBOARDING:
            await _next(ctx, state)
        return True
    if ctx.msg.clearly_a_checkin:
        await checkins.record(ctx, ctx.msg.checkin)
        ctx.turn.handled_as = "checkin"
        # Onboarding (or the settings question) goes on after the check-in.
        begin(ctx, state)
        return True
    await ctx.keep("unclear:" + state)
    ctx.turn.say(M.NOT_UNDERSTOOD.get(state.question, M.ASK_AGAIN))
    questions.ask(ctx, state.question)
    return True


async def _has_team_schedule(ctx: Context) -> bool:
    """The user joined a team before choosing a schedule, and still has the team's (bot/teams)."""
    team = await membership.first_team_of(ctx.session, ctx.user.key)
    return team is not None and (ctx.user.checkin_time, ctx.user.days) == (team.checkin_time, team.days)


async def _next(ctx: Context, done: State) -> None:
    u = ctx.user
    i = ONBOARDING.index(done) + 1
    if done is State.EXPERIENCE and u.experience == "new":
        u.comfortable_run_minutes = None
        i += 1  # a new runner is not asked what they can run
    from_team = i < len(ONBOARDING) and ONBOARDING[i] is State.CHECKIN_TIME and await _has_team_schedule(ctx)
    if from_team:
        i = len(ONBOARDING)  # the team's time and days stand (the last questions); /settings changes them
    if i < len(ONBOARDING):
        begin(ctx, ONBOARDING[i])
        return
    u.onboarded = True
    ctx.ask(None)
    ctx.turn.say(M.ONBOARDED.format(checkin_time=u.checkin_time, timezone=u.timezone,
                                    days=M.days_words(u.days.split(","))) + (M.TEAM_SCHEDULE_KEPT if from_team else ""))
    today = ctx.today
    if await repo.day_checkin(ctx.session, ctx.uid, today) is None:
        reco = recommend(ctx.model(today), ctx.profile(), today)
        ctx.turn.messages.append(checkins.reco_message(ctx, reco, today))
