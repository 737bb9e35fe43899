"""Who is in which group, and a team's settings.

A group chat the bot is in is a ``running_groups`` row; members link themselves with ``/join``
(their check-ins stay in the private chat). ``/team setup`` makes a group a team: members' default
check-in time and days, the weekly digest's day, and a daily post in the chat (bot/teams/daily.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot import answers
from bot.domain import DAYS
from bot.store import users
from bot.store.tables import GroupMember, RunningGroup

#: A team set up without a time, days or digest day gets these.
DEFAULT_TIME = "08:00"
DEFAULT_DAYS: tuple[str, ...] = DAYS
DEFAULT_DIGEST_DAY = "mon"


async def get_group(s: AsyncSession, key: str) -> RunningGroup | None:
    return (await s.execute(select(RunningGroup).where(col(RunningGroup.key) == key))).scalar_one_or_none()


async def register_group(s: AsyncSession, key: str, title: str, now: datetime,
                         timezone: str = "UTC") -> RunningGroup:
    """The bot was added to (or spoke in) a group chat: create or reactivate its row."""
    g = await get_group(s, key)
    if g is None:
        g = RunningGroup(key=key, title=title[:200], timezone=timezone, created_at=now)
        s.add(g)
        await s.flush()
    else:
        g.active = True
        if title:
            g.title = title[:200]
    return g


async def deactivate_group(s: AsyncSession, key: str) -> bool:
    """The bot was removed from the chat: no more digests (memberships are kept for a re-add)."""
    g = await get_group(s, key)
    if g is None:
        return False
    g.active = False
    return True


async def join_group(s: AsyncSession, group_key: str, user_key: str, display_name: str, now: datetime,
                     title: str = "") -> bool:
    """Link a member; returns False if they already were one (their name is refreshed)."""
    g = await register_group(s, group_key, title, now)
    assert g.id is not None
    m = await _membership(s, g.id, user_key)
    if m is not None:
        m.display_name = display_name[:100]
        return False
    s.add(GroupMember(group_id=g.id, user_key=user_key, display_name=display_name[:100], joined_at=now))
    await s.flush()
    return True


async def leave_group(s: AsyncSession, group_key: str, user_key: str) -> bool:
    g = await get_group(s, group_key)
    if g is None or g.id is None:
        return False
    res = await s.execute(delete(GroupMember).where(
        col(GroupMember.group_id) == g.id, col(GroupMember.user_key) == user_key))
    return bool(getattr(res, "rowcount", 0))


async def set_show_pain(s: AsyncSession, group_key: str, user_key: str, show: bool) -> bool:
    """Opt a member in or out of showing pain in this group; False if not a member."""
    g = await get_group(s, group_key)
    if g is None or g.id is None:
        return False
    m = await _membership(s, g.id, user_key)
    if m is None:
        return False
    m.show_pain = show
    return True


async def members_of(s: AsyncSession, group_key: str) -> list[GroupMember]:
    g = await get_group(s, group_key)
    if g is None:
        return []
    q = select(GroupMember).where(col(GroupMember.group_id) == g.id).order_by(col(GroupMember.joined_at))
    return list((await s.execute(q)).scalars())


async def forget_user(s: AsyncSession, user_key: str) -> int:
    """Remove a user from every group (for a complete ``delete``); returns how many links went."""
    res = await s.execute(delete(GroupMember).where(col(GroupMember.user_key) == user_key))
    return int(getattr(res, "rowcount", 0) or 0)


async def _membership(s: AsyncSession, group_id: int, user_key: str) -> GroupMember | None:
    q = select(GroupMember).where(col(GroupMember.group_id) == group_id, col(GroupMember.user_key) == user_key)
    return (await s.execute(q)).scalar_one_or_none()


# --- teams ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamSetup:
    """What ``/team setup`` asked for; None: keep what the team has (or the default)."""

    checkin_time: str | None = None
    days: tuple[str, ...] | None = None
    digest_day: str | None = None
    timezone: str | None = None


def parse_setup(args: str) -> TeamSetup | None:
    """``[HH:MM] [days] [digest DAY] [tz ZONE]`` in any order of the parts, days in the words the
    private settings accept (``weekdays``, ``mon, wed, fri``, ``every day``); None if a part is
    not understood."""
    words = args.split()
    time_: str | None = None
    digest: str | None = None
    zone: str | None = None
    rest: list[str] = []
    i = 0
    while i < len(words):
        w = words[i].lower()
        if w in ("digest", "tz", "zone", "timezone") and i + 1 < len(words):
            value = words[i + 1]
            if w == "digest":
                days = answers.parse_days(value)
                if days is None or len(days) != 1:
                    return None
                digest = days[0]
            else:
                zone = answers.parse_timezone(value)
                if zone is None:
                    return None
            i += 2
            continue
        if time_ is None and not rest:
            # "7:30", "7am", or "7 am" as two words.
            two = answers.parse_time(" ".join(words[i:i + 2])) if i + 1 < len(words) else None
            one = answers.parse_time(words[i])
            if two is not None:
                time_, i = two, i + 2
                continue
            if one is not None:
                time_, i = one, i + 1
                continue
        rest.append(words[i])
        i += 1
    days_: tuple[str, ...] | None = None
    if rest:
        days_ = answers.parse_days(" ".join(rest))
        if not days_:
            return None
    return TeamSetup(time_, days_, digest, zone)


def may_change(team: RunningGroup, user_key: str, admins: frozenset[str]) -> bool:
    """Whoever set the team up, and the admins (``BACKCHECK_ADMINS``), may change its settings."""
    return team.owner_key is None or team.owner_key == user_key or user_key in admins


async def setup_team(s: AsyncSession, group_key: str, title: str, user_key: str, setup: TeamSetup,
                     now: datetime) -> RunningGroup:
    """Make the group a team (its first setter becomes its owner) or change its settings; the
    caller has checked :func:`may_change`."""
    g = await register_group(s, group_key, title, now)
    if not g.is_team:
        g.is_team = True
        g.owner_key = user_key
        g.checkin_time, g.days, g.digest_day = DEFAULT_TIME, ",".join(DEFAULT_DAYS), DEFAULT_DIGEST_DAY
    if setup.checkin_time is not None:
        g.checkin_time = setup.checkin_time
    if setup.days is not None:
        g.days = ",".join(setup.days)
    if setup.digest_day is not None:
        g.digest_day = setup.digest_day
    if setup.timezone is not None:
        g.timezone = setup.timezone
    return g


async def first_team_of(s: AsyncSession, user_key: str) -> RunningGroup | None:
    """The earliest-joined active team the user is a member of, whose defaults a new user takes."""
    q = (select(RunningGroup).join(GroupMember, col(GroupMember.group_id) == col(RunningGroup.id))
         .where(col(GroupMember.user_key) == user_key, col(RunningGroup.is_team).is_(True),
                col(RunningGroup.active).is_(True))
         .order_by(col(GroupMember.joined_at)).limit(1))
    return (await s.execute(q)).scalar_one_or_none()


def team_schedule(team: RunningGroup) -> tuple[str, str, str]:
    """(time zone, check-in time, days) a new member starts with."""
    return team.timezone, team.checkin_time, team.days


async def give_defaults(s: AsyncSession, user_key: str, team: RunningGroup) -> bool:
    """Give a member who has not chosen a schedule (not onboarded yet) the team's time and days;
    a schedule the user chose is never touched. Returns whether anything changed. A member who has
    never written to the bot gets them when their user row is made (``Coach``)."""
    u = await users.load(s, user_key)
    if u is None or u.onboarded:
        return False
    before = u.snapshot()
    # Only the time and days: a time zone already answered in onboarding is the user's own.
    _, u.checkin_time, u.days = team_schedule(team)
    changed = bool(u.changes(before))
    await users.save(s, u, before)
    return changed
