"""The weekly digest a group (or team) gets: who took part, sessions and minutes by kind, streaks.

Privacy: a back-pain score is health data. A member's pain appears only if they opted in
(``/sharepain``), and no pain at all (a member's or an average) appears in a week in which fewer
than PAIN_MIN_ANSWERING members checked in: with one or two, even an average gives them away.

Sending goes through the platform's :class:`~bot.ports.GroupPoster` when it has one (a channel
post), else its :class:`~bot.ports.Sender`; a claim row (``group_digests``, unique per group and
week) makes each digest go out at most once across passes, restarts and replicas.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot import messages as M
from bot.domain import DAYS
from bot.ports import GroupPoster, Outgoing, PermanentFailure, Sender, platform_of
from bot.store import claims, pauses, repo
from bot.store.repo import Store
from bot.store.tables import GroupDigest, GroupMember, RunningGroup
from bot.teams import streaks
from bot.teams.membership import get_group

log = logging.getLogger(__name__)

#: The digest covers the seven days before the digest day (Monday unless the team chose another)
#: and goes out that day from this local time...
DIGEST_TIME = time(9, 0)
#: ...or later the same day after downtime, but not in the evening (no late-night pings).
DIGEST_LATEST = time(21, 0)
#: A failed digest is tried again on later passes this many times in all.
MAX_ATTEMPTS = 3
#: How far back a streak is counted.
STREAK_LOOKBACK = timedelta(days=120)
#: A streak is worth mentioning from this many days in a row.
STREAK_SHOWN = 3
#: Fewer members than this checked in during the week: no pain score of any kind in the digest.
PAIN_MIN_ANSWERING = 3
#: What each activity kind counts as in the digest, in the order shown.
KIND_GROUP = {"run": "run", "walk_run": "run", "walk": "walk", "cycle": "cross", "swim": "cross",
              "cross_trainer": "cross", "strength": "strength", "other": "other"}
KIND_ORDER = ("run", "walk", "cross", "strength", "other")


@dataclass(frozen=True)
class MemberWeek:
    """One member's week, as the group may see it."""

    name: str
    checkins: int = 0
    sessions: int = 0
    minutes: int = 0
    run_minutes: int = 0
    #: Check-ins in a row up to the week's end (bot/teams/streaks.py: pauses and flares skipped).
    streak: int = 0
    #: Average morning pain this week; None unless the member opted in (or gave no score).
    pain: float | None = None
    #: Sessions and minutes by KIND_ORDER group.
    kinds: Mapping[str, tuple[int, int]] = field(default_factory=dict)


def week_start_of(d: date) -> date:
    return d - timedelta(days=d.weekday())


def latest_streak(days: Iterable[date], end: date) -> int:
    """Days in a row with a check-in, counted back from the latest check-in on or before ``end``
    (every day scheduled, no pauses or flares: :func:`bot.teams.streaks.streak` in its plainest use)."""
    have = {d for d in days if d <= end}
    return streaks.streak(end, have, start=min(have, default=end))


async def streak_of(s: AsyncSession, user_id: int, days: str, end: date,
                    rows: repo.CheckinRows | None = None, *, ongoing: bool = False) -> int:
    """A user's streak on ``end`` by the rules of bot/teams/streaks.py (pauses, flares, referrals
    and days off skipped), from their check-ins (``rows``, if already read), suggestions and
    pauses over STREAK_LOOKBACK. The digest, the App Home and every platform use this one."""
    since = end - STREAK_LOOKBACK
    if rows is None:
        rows = await repo.checkins_between(s, user_id, since, end)
    checked = {r.local_date for r, _ in rows}
    flagged = {r.local_date for r, _ in rows if json.loads(r.red_flags or "[]")}
    recos = await repo.recommendations_between(s, user_id, since, end)
    paused = streaks.in_pauses(await pauses.pauses_between(s, user_id, since, end))
    scheduled = [d for d in days.split(",") if d in DAYS] or list(DAYS)
    return streaks.streak(end, checked, start=since, scheduled=scheduled, paused=paused,
                          eased_on=streaks.eased_days(recos, flagged, checked, since, end), ongoing=ongoing)


async def member_week(s: AsyncSession, m: GroupMember, week_start: date, end: date) -> MemberWeek | None:
    """One member's figures for ``week_start``..``end``; None if they did not check in then."""
    u = await repo.get_user(s, m.user_key)
    if u is None or u.id is None:
        return None
    since = end - STREAK_LOOKBACK
    rows = await repo.checkins_between(s, u.id, since, end)
    week = [(r, acts) for r, acts in rows if week_start <= r.local_date <= end]
    if not week:
        return None
    acts = [a for _, aa in week for a in aa]
    pains = [r.pain for r, _ in week if r.pain is not None]
    kinds: Counter[str] = Counter()
    mins: Counter[str] = Counter()
    for a in acts:
        k = KIND_GROUP.get(a.kind, "other")
        kinds[k] += 1
        mins[k] += round(a.minutes or 0)
    return MemberWeek(
        name=m.display_name or "someone",
        checkins=len(week),
        sessions=len(acts),
        minutes=round(sum(a.minutes or 0 for a in acts)),
        run_minutes=round(sum(
            (a.run_minutes if a.run_minutes is not None else (a.minutes or 0))
            for a in acts if a.kind in ("run", "walk_run"))),
        streak=await streak_of(s, u.id, u.days, end, rows),
        pain=(sum(pains) / len(pains)) if (m.show_pain and pains) else None,
        kinds={k: (kinds[k], mins[k]) for k in KIND_ORDER if kinds[k]},
    )


async def member_weeks(s: AsyncSession, group: RunningGroup, week_start: date,
                       until: date | None = None) -> tuple[list[MemberWeek], int]:
    """Each member's figures for the week (``week_start`` and six days on, or up to ``until``);
    returns (members who took part, number of members)."""
    end = min(week_start + timedelta(days=6), until or date.max)
    q = select(GroupMember).where(col(GroupMember.group_id) == group.id).order_by(col(GroupMember.joined_at))
    links = list((await s.execute(q)).scalars())
    out = [w for m in links if (w := await member_week(s, m, week_start, end)) is not None]
    return out, len(links)


def _count(n: int, one: str, many: str) -> str:
    return (one if n == 1 else many).format(n=n)


def format_digest(week_start: date, weeks: Sequence[MemberWeek], member_count: int,
                  title: str = "", partial: bool = False) -> str:
    """The digest as plain text (adapters escape and format it). Pain only for opted-in members,
    and none at all when fewer than PAIN_MIN_ANSWERING members checked in."""
    end = week_start + timedelta(days=6)
    span = M.DIGEST_SPAN.format(start=week_start, end=end)
    head = (M.DIGEST_TITLE.format(title=title) if title else "") + (
        M.DIGEST_SO_FAR if partial else M.DIGEST_WEEK).format(span=span)
    if member_count == 0:
        return head + "\n" + M.DIGEST_NOBODY
    if not weeks:
        return head + "\n" + M.DIGEST_NO_CHECKINS.format(
            members=_count(member_count, M.MEMBERS_ONE, M.MEMBERS_MANY))
    sessions = sum(w.sessions for w in weeks)
    minutes = sum(w.minutes for w in weeks)
    lines = [head, M.DIGEST_TOTALS.format(n=len(weeks), members=member_count, minutes=M.plural(minutes, "minute"),
                                          sessions=_count(sessions, M.SESSIONS_ONE, M.SESSIONS_MANY))]
    by_kind: dict[str, list[int]] = {}
    for w in weeks:
        for k, (n, mins) in w.kinds.items():
            tot = by_kind.setdefault(k, [0, 0])
            tot[0] += n
            tot[1] += mins
    if by_kind:
        lines.append(M.DIGEST_BY_KIND + ", ".join(
            M.DIGEST_KIND_LINE.format(kind=M.DIGEST_KIND[k], n=n, minutes=mins) for k in KIND_ORDER if k in by_kind
            for n, mins in [by_kind[k]]) + ".")
    pain_ok = len(weeks) >= PAIN_MIN_ANSWERING
    shared = [w.pain for w in weeks if w.pain is not None]
    if pain_ok and shared:
        lines.append(M.DIGEST_SHARED_PAIN.format(pain=sum(shared) / len(shared), n=len(shared)))
    for w in sorted(weeks, key=lambda w: (-w.minutes, -w.checkins, w.name)):
        parts = [_count(w.checkins, M.CHECKINS_ONE, M.CHECKINS_MANY),
                 _count(w.sessions, M.SESSIONS_ONE, M.SESSIONS_MANY), M.DIGEST_MINUTES.format(n=w.minutes)]
        if w.run_minutes:
            parts[-1] += M.DIGEST_RUNNING.format(n=w.run_minutes)
        if w.streak >= STREAK_SHOWN:
            parts.append(M.DIGEST_STREAK.format(n=w.streak))
        if pain_ok and w.pain is not None:
            parts.append(M.DIGEST_PAIN.format(pain=w.pain))
        lines.append(M.DIGEST_MEMBER.format(name=w.name, parts=", ".join(parts)))
    lines.append(M.DIGEST_FOOTER)
    return "\n".join(lines)


async def digest_preview(s: AsyncSession, group_key: str, today: date) -> str:
    """This week so far, for ``/digest`` in the group (sends nothing, claims nothing)."""
    g = await get_group(s, group_key)
    ws = week_start_of(today) if g is None else digest_week_start(today, g.digest_day if g.is_team else "mon")
    if g is None:
        return format_digest(ws, [], 0, partial=True)
    weeks, n = await member_weeks(s, g, ws, until=today)
    return format_digest(ws, weeks, n, title=g.title, partial=True)


def digest_week_start(today: date, digest_day: str = "mon") -> date:
    """The first day of the digest week ``today`` falls in: the week runs from the digest day."""
    wd = DAYS.index(digest_day) if digest_day in DAYS else 0
    return today - timedelta(days=(today.weekday() - wd) % 7)


def due_week(now: datetime, timezone: str, digest_day: str = "mon") -> date | None:
    """The first day of the week whose digest is due at ``now`` in the group's zone, or None: due on
    the digest day from DIGEST_TIME until DIGEST_LATEST, for the seven days before it."""
    local = now.astimezone(ZoneInfo(timezone))
    if DAYS[local.weekday()] != digest_day or not DIGEST_TIME <= local.time() < DIGEST_LATEST:
        return None
    return local.date() - timedelta(days=7)


@dataclass
class DigestReport:
    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


async def send_due_digests(store: Store, senders: Sender | Iterable[Sender], now: datetime,
                           week: date | None = None, posters: Iterable[GroupPoster] = ()) -> DigestReport:
    """Send every active group's digest that is due at ``now`` (or, with ``week``, that week's,
    whatever the time) through the platform's poster, else its sender. Each (group, week) goes at
    most once: the claim row is inserted first, and only its inserter sends. A failed send is
    retried on later passes up to MAX_ATTEMPTS; a permanent failure deactivates the group.

    Meant to be called from every scheduler pass; cheap when nothing is due."""
    by_platform: Mapping[str, Sender] = (
        {senders.platform: senders} if isinstance(senders, Sender)
        else {x.platform: x for x in senders}
    )
    poster_of = {p.platform: p for p in posters}
    report = DigestReport()
    async with store.session() as s:
        groups = list((await s.execute(select(RunningGroup).where(col(RunningGroup.active).is_(True)))).scalars())
    for g in groups:
        assert g.id is not None
        platform = platform_of(g.key)
        poster, sender = poster_of.get(platform), by_platform.get(platform)
        ws = week if week is not None else due_week(now, g.timezone, g.digest_day if g.is_team else "mon")
        if ws is None or (sender is None and poster is None):
            continue
        if not await _claim(store, g.id, ws, now):
            continue
        async with store.session() as s:
            weeks, n = await member_weeks(s, g, ws)
        text = format_digest(ws, weeks, n, title=g.title)
        try:
            if poster is not None:
                await poster.post(g.key, Outgoing(text))
            else:
                assert sender is not None
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
    return await claims.claim(store, GroupDigest, {"group_id": group_id, "week_start": week_start}, now,
                              max_attempts=MAX_ATTEMPTS)


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
