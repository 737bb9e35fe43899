"""A team's daily post: on each team day at the team's check-in time, one post in the chat
("Morning, Park runners: 0 of 9 checked in today", with a Join choice), then edited in place as
members answer ("6 of 9 checked in today"), never a post per person.

The scheduler calls :func:`run_daily_posts` on every pass. Each (team, day) has one claim row
(``team_daily_posts``, unique): whoever inserts it posts, so the post goes once across passes,
restarts and replicas. The row keeps the platform's reference and the figures the post shows; a
later pass edits only when they changed, and a conditional update on the shown figures lets one
of several racing replicas make each edit.

A post that failed is tried again on later passes (MAX_ATTEMPTS in all, that day only). A claim
whose owner died before recording its post is taken over after CLAIM_LEASE: the one path to a
second post is a crash between the platform accepting the post and the row recording it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot import messages as M
from bot.domain import DAYS
from bot.ports import GroupPoster, Outgoing, PermanentFailure, platform_of
from bot.store import claims
from bot.store.repo import Store
from bot.store.tables import CheckInRow, GroupMember, RunningGroup, TeamDailyPost, User

log = logging.getLogger(__name__)

#: The day's post is not made after this local time (no late-night posts after downtime); edits
#: go on until the day ends.
DAILY_LATEST = time(21, 0)
#: Attempts at one day's post before it is given up.
MAX_ATTEMPTS = 3
#: A claim still not posted this long after it was made belongs to a process that died.
CLAIM_LEASE = timedelta(minutes=10)
#: The choice on the post; a press is the member typing it in the group (bot/conversation/groups.py).
JOIN = "Join"


def local_now(now: datetime, team: RunningGroup) -> datetime:
    return now.astimezone(ZoneInfo(team.timezone))


def post_due(now: datetime, team: RunningGroup) -> date | None:
    """The team's local date if its post may be made at ``now``: a team day, from its check-in
    time until DAILY_LATEST."""
    local = local_now(now, team)
    if DAYS[local.weekday()] not in team.days.split(","):
        return None
    hh, mm = (int(x) for x in team.checkin_time.split(":"))
    return local.date() if time(hh, mm) <= local.time() < DAILY_LATEST else None


async def day_figures(s: AsyncSession, group_id: int, day: date) -> tuple[int, int]:
    """(members with a check-in dated ``day``, members in all)."""
    members = int((await s.execute(
        select(func.count()).select_from(GroupMember).where(col(GroupMember.group_id) == group_id))).scalar_one())
    checked = int((await s.execute(
        select(func.count()).select_from(GroupMember)
        .join(User, col(User.key) == col(GroupMember.user_key))
        .join(CheckInRow, and_(col(CheckInRow.user_id) == col(User.id), col(CheckInRow.local_date) == day))
        .where(col(GroupMember.group_id) == group_id))).scalar_one())
    return checked, members


def daily_message(title: str, checked: int, members: int) -> Outgoing:
    return Outgoing(M.TEAM_DAILY.format(title=title or M.TEAM_NAMELESS, checked=checked, members=members),
                    choices=(JOIN,))


async def today_post(s: AsyncSession, group_id: int, day: date) -> TeamDailyPost | None:
    q = select(TeamDailyPost).where(col(TeamDailyPost.group_id) == group_id, col(TeamDailyPost.local_date) == day)
    return (await s.execute(q)).scalar_one_or_none()


@dataclass
class DailyReport:
    posted: list[str] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


async def run_daily_posts(store: Store, posters: Iterable[GroupPoster], now: datetime) -> DailyReport:
    """Make each active team's post that is due at ``now``, and edit today's posts whose figures
    changed, through the poster of the team's platform. Cheap when nothing changed."""
    by_platform = {p.platform: p for p in posters}
    report = DailyReport()
    if not by_platform:
        return report
    async with store.session() as s:
        teams = list((await s.execute(select(RunningGroup).where(
            col(RunningGroup.active).is_(True), col(RunningGroup.is_team).is_(True)))).scalars())
    for g in teams:
        poster = by_platform.get(platform_of(g.key))
        if poster is None:
            continue
        try:
            await _one_team(store, poster, g, now, report)
        except Exception:
            # One team's trouble (a bad time zone, a database hiccup) never stops the others.
            log.exception("daily post: team %s skipped this pass", g.key)
    return report


async def _one_team(store: Store, poster: GroupPoster, g: RunningGroup, now: datetime, report: DailyReport) -> None:
    assert g.id is not None
    day = local_now(now, g).date()
    async with store.session() as s:
        row = await today_post(s, g.id, day)
        checked, members = await day_figures(s, g.id, day)
    if row is None or row.status in ("failed", "claimed"):
        if post_due(now, g) == day and await _claim(store, g.id, day, now):
            await _post(store, poster, g, day, now, checked, members, report)
        return
    if row.status == "posted" and row.ref and (row.shown, row.members) != (checked, members):
        await _edit(store, poster, g, row, now, checked, members, report)


async def _claim(store: Store, group_id: int, day: date, now: datetime) -> bool:
    # A claim whose owner died (no post, no failure recorded) is taken over after CLAIM_LEASE.
    return await claims.claim(store, TeamDailyPost, {"group_id": group_id, "local_date": day}, now,
                              max_attempts=MAX_ATTEMPTS, lease=CLAIM_LEASE)


async def _post(store: Store, poster: GroupPoster, g: RunningGroup, day: date, now: datetime, checked: int,
                members: int, report: DailyReport) -> None:
    assert g.id is not None
    status, ref, error = "posted", None, None
    try:
        ref = await poster.post(g.key, daily_message(g.title, checked, members))
    except PermanentFailure as exc:
        status, error = "blocked", str(exc)
        report.blocked.append(g.key)
        log.warning("daily post: team %s refused it; deactivated", g.key)
    except Exception as exc:  # TemporaryFailure or anything unexpected: a later pass tries again
        status, error = "failed", f"{type(exc).__name__}: {exc}"
        report.failed.append(g.key)
        log.warning("daily post: posting to %s failed (%s); will retry", g.key, type(exc).__name__)
    else:
        report.posted.append(g.key)
    async with store.session() as s:
        row = await today_post(s, g.id, day)
        assert row is not None
        row.status, row.ref, row.error = status, ref, error[:200] if error else None
        if status == "posted":
            row.shown, row.members, row.posted_at = checked, members, now
        if status == "blocked":
            team = await s.get(RunningGroup, g.id)
            if team is not None:
                team.active = False


async def _edit(store: Store, poster: GroupPoster, g: RunningGroup, row: TeamDailyPost, now: datetime,
                checked: int, members: int, report: DailyReport) -> None:
    assert row.id is not None and row.ref is not None
    # Take the edit: of replicas that read the same old figures, one sees its update match.
    async with store.session() as s:
        res = await s.execute(
            update(TeamDailyPost)
            .where(col(TeamDailyPost.id) == row.id, col(TeamDailyPost.shown) == row.shown,
                   col(TeamDailyPost.members) == row.members)
            .values(shown=checked, members=members, edited_at=now))
        if not getattr(res, "rowcount", 0):
            return
    try:
        await poster.edit(g.key, row.ref, daily_message(g.title, checked, members))
    except PermanentFailure as exc:
        # The post is gone (deleted in the chat): no more edits today; the chat itself may be fine.
        async with store.session() as s:
            await s.execute(update(TeamDailyPost).where(col(TeamDailyPost.id) == row.id)
                            .values(status="gone", error=str(exc)[:200]))
        report.failed.append(g.key)
        log.info("daily post: team %s's post can no longer be edited", g.key)
    except Exception as exc:
        # Put the old figures back (if nobody moved on since) so a later pass edits again.
        async with store.session() as s:
            await s.execute(
                update(TeamDailyPost)
                .where(col(TeamDailyPost.id) == row.id, col(TeamDailyPost.shown) == checked,
                       col(TeamDailyPost.members) == members)
                .values(shown=row.shown, members=row.members))
        report.failed.append(g.key)
        log.warning("daily post: editing %s's post failed (%s); will retry", g.key, type(exc).__name__)
    else:
        report.edited.append(g.key)
