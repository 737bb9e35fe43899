"""What a home screen shows (Slack's App Home): today's suggestion, this week's sessions, the
four-week pain trend, the check-in streak and the settings (:class:`bot.ports.Home`). Computed
here, drawn by the adapter."""

from __future__ import annotations

from datetime import timedelta

from bot import messages as M
from bot.conversation.commands import reco_from_dict
from bot.conversation.context import Context
from bot.model import recommend
from bot.ports import Home, WeekPain
from bot.store import repo
from bot.teams.digest import STREAK_LOOKBACK, streak_of


async def home(ctx: Context) -> Home:
    u, today = ctx.user, ctx.today
    if not u.onboarded:
        return Home(onboarded=False)
    if ctx.recommended is not None and ctx.recommended[0] == today:  # stored by this very message
        reco = ctx.recommended[1]
    else:
        latest = await repo.latest_recommendation(ctx.session, ctx.uid)
        reco = (reco_from_dict(latest[1]) if latest and latest[0] == today
                else recommend(ctx.model(today), ctx.profile(), today))
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=3)
    rows = await repo.checkins_between(ctx.session, ctx.uid, min(first, today - STREAK_LOOKBACK), today)
    week = [(r, acts) for r, acts in rows if r.local_date >= monday]
    acts = [a for _, aa in week for a in aa]
    trend = []
    for w in range(4):
        start = first + timedelta(weeks=w)
        pains = [r.pain for r, _ in rows if start <= r.local_date < start + timedelta(days=7) and r.pain is not None]
        trend.append(WeekPain(start, round(sum(pains) / len(pains), 1) if pains else None))
    settings = M.HOME_SETTINGS.format(checkin_time=u.checkin_time, timezone=u.timezone,
                                      days=M.days_words(u.days.split(",")), reminders="on" if u.reminders else "off")
    return Home(
        onboarded=True, today=M.recommendation_text(reco), sessions=len(acts),
        minutes=round(sum(a.minutes or 0 for a in acts)), checkins=len(week), trend=tuple(trend),
        streak=await streak_of(ctx.session, ctx.uid, u.days, today, rows, ongoing=True), settings=settings,
        paused_until=u.paused_until if u.paused_until is not None and u.paused_until >= today else None,
    )


