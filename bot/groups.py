"""Running groups, platform-neutral: a group chat the bot is in, its members and a weekly digest.

Members link themselves with ``/join`` in the group; their check-ins stay in the private chat.
Once a week the group gets a digest: who took part, sessions and minutes, streaks. Pain scores
appear only for members who opted in (``show_pain``), because a back-pain score is health data.

Sending goes through a :class:`~bot.ports.Sender`, and a claim row (``group_digests``, unique per
group and week) makes each digest go out at most once across passes, restarts and replicas.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot import messages as M
from bot.ports import Outgoing, PermanentFailure, Sender, platform_of
from bot.store import repo
from bot.store.repo import Store
from bot.store.tables import GroupDigest, GroupMember, RunningGroup

log = logging.getLogger(__name__)

#: The digest covers Monday-Sunday and goes out on the following Monday at this local time...
DIGEST_TIME = time(9, 0)
#: ...or later the same day after downtime, but not in the evening (no late-night pings).
DIGEST_LATEST = time(21, 0)
#: A failed digest is tried again on later passes this many times in all.
MAX_ATTEMPTS = 3
#: How far back a streak is counted.
STREAK_LOOKBACK = timedelta(days=120)
#: A streak is worth mentioning from this many days in a row.
STREAK_SHOWN = 3

# The group texts live in bot/messages.py with every other text; these names stay for callers.
GROUP_HELP = M.GROUP_HELP
JOINED = M.JOINED
ALREADY_MEMBER = M.ALREADY_MEMBER
START_PRIVATE = M.START_PRIVATE
LEFT = M.LEFT
NOT_MEMBER = M.NOT_MEMBER
PAIN_SHOWN = M.PAIN_SHOWN
PAIN_HIDDEN = M.PAIN_HIDDEN


# --- membership ------------------------------------------------------------------------------


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


# --- the digest ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberWeek:
    """One member's week, as the group may see it."""

    name: str
    checkins: int = 0
    sessions: int = 0
    minutes: int = 0
    run_minutes: int = 0
    #: Days in a row with a check-in, up to the member's latest check-in this week.
    streak: int = 0
    #: Average morning pain this week; None unless the member opted in (or gave no score).
    pain: float | None = None


def week_start_of(d: date) -> date:
    return d - timedelta(days=d.weekday())


def latest_streak(days: Iterable[date], end: date) -> int:
    """Days in a row with a check-in, counted back from the latest check-in on or before ``end``."""
    have = {d for d in days if d <= end}
    if not have:
        return 0
    d, n = max(have), 0
    while d in have:
        n += 1
        d -= timedelta(days=1)
    return n


async def member_weeks(s: AsyncSession, group: RunningGroup, week_start: date,
                       until: date | None = None) -> tuple[list[MemberWeek], int]:
    """Each member's figures for the week (Monday ``week_start`` up to Sunday, or ``until``);
    returns (members who took part, number of members)."""
    end = min(week_start + timedelta(days=6), until or date.max)
    q = select(GroupMember).where(col(GroupMember.group_id) == group.id).order_by(col(GroupMember.joined_at))
    links = list((await s.execute(q)).scalars())
    out: list[MemberWeek] = []
    for m in links:
        u = await repo.get_user(s, m.user_key)
        if u is None or u.id is None:
            continue
        rows = await repo.checkins_between(s, u.id, end - STREAK_LOOKBACK, end)
        week = [(r, acts) for r, acts in rows if week_start <= r.local_date <= end]
        if not week:
            continue
        acts = [a for _, aa in week for a in aa]
        pains = [r.pain for r, _ in week if r.pain is not None]
        out.append(MemberWeek(
            name=m.display_name or "someone",
            checkins=len(week),
            sessions=len(acts),
            minutes=round(sum(a.minutes or 0 for a in acts)),
            run_minutes=round(sum(
                (a.run_minutes if a.run_minutes is not None else (a.minutes or 0))
                for a in acts if a.kind in ("run", "walk_run"))),
            streak=latest_streak((r.local_date for r, _ in rows), end),
            pain=(sum(pains) / len(pains)) if (m.show_pain and pains) else None,
        ))
    return out, len(links)


def format_digest(week_start: date, weeks: Sequence[MemberWeek], member_count: int,
                  title: str = "", partial: bool = False) -> str:
    """The digest as plain text (adapters escape and format it)."""
    end = week_start + timedelta(days=6)
    span = M.DIGEST_SPAN.format(start=week_start, end=end)
    head = (M.DIGEST_TITLE.format(title=title) if title else "") + (
        M.DIGEST_SO_FAR if partial else M.DIGEST_WEEK).format(span=span)
    if member_count == 0:
        return head + M.DIGEST_NOBODY
    if not weeks:
        return head + M.DIGEST_NO_CHECKINS.format(n=member_count,
                                                  members=M.MEMBER_MANY if member_count != 1 else M.MEMBER_ONE)
    sessions = sum(w.sessions for w in weeks)
    minutes = sum(w.minutes for w in weeks)
    lines = [head, M.DIGEST_TOTALS.format(n=len(weeks), members=member_count, sessions=_count(
        sessions, M.SESSIONS_ONE, M.SESSIONS_MANY), minutes=minutes)]
    for w in sorted(weeks, key=lambda w: (-w.minutes, -w.checkins, w.name)):
        parts = [_count(w.checkins, M.CHECKINS_ONE, M.CHECKINS_MANY), _count(w.sessions, M.SESSIONS_ONE, M.SESSIONS_MANY),
                 M.DIGEST_MINUTES.format(n=w.minutes)]
        if w.run_minutes:
            parts[-1] += M.DIGEST_RUNNING.format(n=w.run_minutes)
        if w.streak >= STREAK_SHOWN:
            parts.append(M.DIGEST_STREAK.format(n=w.streak))
        if w.pain is not None:
            parts.append(M.DIGEST_PAIN.format(pain=w.pain))
        lines.append(M.DIGEST_MEMBER.format(name=w.name, parts=", ".join(parts)))
    lines.append(M.DIGEST_FOOTER)
    return "\n".join(lines)


def _count(n: int, one: str, many: str) -> str:
    return (one if n == 1 else many).format(n=n)


async def digest_preview(s: AsyncSession, group_key: str, today: date) -> str:
    """This week so far, for ``/digest`` in the group (sends nothing, claims nothing)."""
    g = await get_group(s, group_key)
    if g is None:
        return format_digest(week_start_of(today), [], 0, partial=True)
    ws = week_start_of(today)
    weeks, n = await member_weeks(s, g, ws, until=today)
    return format_digest(ws, weeks, n, title=g.title, partial=True)


def due_week(now: datetime, timezone: str) -> date | None:
    """The Monday of the week whose digest is due at ``now`` in the group's zone, or None: due from
    Monday DIGEST_TIME until DIGEST_LATEST that Monday."""
    local = now.astimezone(ZoneInfo(timezone))
    if local.weekday() != 0 or not DIGEST_TIME <= local.time() < DIGEST_LATEST:
        return None
    return local.date() - timedelta(days=7)


@dataclass
class DigestReport:
    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


async def send_due_digests(store: Store, senders: Sender | Iterable[Sender], now: datetime,
                           week: date | None = None) -> DigestReport:
    """Send every active group's digest that is due at ``now`` (or, with ``week``, that week's,
    whatever the time) through the sender for the group's platform. Each (group, week) goes at most
    once: the claim row is inserted first, and only its inserter sends. A failed send is retried on
    later passes up to MAX_ATTEMPTS; a permanent failure deactivates the group.

    Meant to be called from every scheduler pass; cheap when nothing is due."""
    by_platform: Mapping[str, Sender] = (
        {senders.platform: senders} if isinstance(senders, Sender)
        else {x.platform: x for x in senders}
    )
    report = DigestReport()
    async with store.session() as s:
        groups = list((await s.execute(select(RunningGroup).where(col(RunningGroup.active).is_(True)))).scalars())
    for g in groups:
        assert g.id is not None
        ws = week if week is not None else due_week(now, g.timezone)
        sender = by_platform.get(platform_of(g.key))
        if ws is None or sender is None:
            continue
        if not await _claim(store, g.id, ws, now):
            continue
        async with store.session() as s:
            weeks, n = await member_weeks(s, g, ws)
        text = format_digest(ws, weeks, n, title=g.title)
        try:
            await sender.send(g.key, [Outgoing(text)])
        except PermanentFailure as exc:
            await _finish(store, g.id, ws, "blocked", now, str(exc), deactivate=True)
            report.blocked.append(g.key)
            log.warning("digest: group %s refused it; deactivated", g.key)
        except Exception as exc:  # TemporaryFailure or anything unexpected: retried on a later pass
            await _finish(store, g.id, ws, "failed", now, f"{type(exc).__name__}: {exc}")
            report.failed.append(g.key)
            log.warning("digest: sending to %s failed (%s); will retry", g.key, type(exc).__name__)
        else:
            await _finish(store, g.id, ws, "sent", now)
            report.sent.append(g.key)
    return report


async def _claim(store: Store, group_id: int, week_start: date, now: datetime) -> bool:
    try:
        async with store.session() as s:
            s.add(GroupDigest(group_id=group_id, week_start=week_start, claimed_at=now))
            await s.flush()
        return True
    except IntegrityError:
        pass
    # Someone claimed it before: take it over only if that attempt failed, and only one taker wins
    # (the conditional update matches for exactly one of several racing replicas).
    async with store.session() as s:
        res = await s.execute(
            update(GroupDigest)
            .where(col(GroupDigest.group_id) == group_id, col(GroupDigest.week_start) == week_start,
                   col(GroupDigest.status) == "failed", col(GroupDigest.attempts) < MAX_ATTEMPTS)
            .values(status="claimed", claimed_at=now, attempts=col(GroupDigest.attempts) + 1)
        )
        return bool(getattr(res, "rowcount", 0))


async def _finish(store: Store, group_id: int, week_start: date, status: str, now: datetime,
                  error: str | None = None, deactivate: bool = False) -> None:
    async with store.session() as s:
        q = select(GroupDigest).where(col(GroupDigest.group_id) == group_id, col(GroupDigest.week_start) == week_start)
        row = (await s.execute(q)).scalar_one()
        row.status = status
        row.error = error[:200] if error else None
        if status == "sent":
            row.sent_at = now
        if deactivate:
            g = await s.get(RunningGroup, group_id)
            if g is not None:
                g.active = False
