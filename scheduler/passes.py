"""One scheduler pass: find what is due at ``now``, hand it to the dispatcher, report.

Selection never loops over users in Python to ask "is it time?". It reads the distinct
(time zone, check-in time) pairs (an index-only scan of ``ix_users_tz_time``), works out in
Python which pairs fell due within the catch-up window and for which local date, then asks the
database for the users of those pairs who are active, onboarded, not paused, have that weekday,
and have neither a claim row nor a check-in for that date. The same pass code runs under
``backcheck run`` (APScheduler, every minute), ``backcheck tick`` (once) and ``simulate``.
"""

from __future__ import annotations

import logging
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from bot import metrics
from bot.config import Settings
from bot.ports import GroupPoster, Sender
from bot.store import outbox, retention
from bot.store.repo import Store
from bot.teams import run_daily_posts, send_due_digests
from scheduler.dispatch import CHECKIN, MAX_ATTEMPTS, PAUSE_OFFER, REMINDER, Dispatcher, Job
from scheduler.senders import PacedPoster, PacedSender
from scheduler.timing import (
    CATCH_UP,
    PAUSE_OFFER_DAYS,
    as_utc,
    occurrences,
    reminder_deadline,
    reminder_instant,
    silent_before,
    weekday_id,
)

log = logging.getLogger(__name__)

#: A row still "sending" this long after its claim belongs to a process that died mid-send.
LEASE = timedelta(minutes=15)
#: A row still "claimed" (never handed to the platform) this long after its claim belongs to a
#: process that died or stalled before sending: another pass takes it over. Longer than the
#: longest wait for a send slot (PlatformLimits.max_wait).
CLAIM_LEASE = timedelta(minutes=2)


@dataclass
class PassReport:
    now: datetime
    #: Jobs found due, by kind.
    due: Counter[str] = field(default_factory=Counter)
    #: Jobs handed to the dispatcher (not already queued or in flight here).
    queued: int = 0
    #: Rows of dead processes: handed off but never recorded (now "unknown"), and claimed but
    #: never handed off (taken over by this pass).
    in_doubt: int = 0
    taken_over: int = 0
    digests: int = 0
    #: Teams' daily posts made and edited in place (bot/teams/daily.py).
    team_posts: int = 0
    team_edits: int = 0
    #: Texts emptied by the retention rule (BACKCHECK_RETENTION_DAYS), per table.
    forgotten: Counter[str] = field(default_factory=Counter)
    #: Dispatcher counters for this pass (``"<kind>.<what>"``), filled when the pass waits.
    outcome: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        parts = [f"{k}={v}" for k, v in sorted(self.outcome.items()) if v]
        due = ", ".join(f"{k}={v}" for k, v in sorted(self.due.items())) or "nothing"
        extra = f"; {self.in_doubt} in-doubt rows marked unknown" if self.in_doubt else ""
        extra += f"; {self.taken_over} expired claims taken over" if self.taken_over else ""
        extra += f"; {self.digests} digests" if self.digests else ""
        extra += f"; team posts {self.team_posts} made, {self.team_edits} edited" if (self.team_posts or self.team_edits) else ""
        extra += f"; {sum(self.forgotten.values())} old texts erased" if self.forgotten.total() else ""
        done = " ".join(parts) or (f"{self.queued} queued for sending" if self.queued else "nothing sent")
        return f"pass at {self.now.isoformat()}: due {due}; {done}{extra}"


async def select_checkins(store: Store, now: datetime, *, platforms: Iterable[str] | None = None,
                          window: timedelta = CATCH_UP, safety: bool = True) -> list[Job]:
    """Check-ins due at ``now`` (within ``window`` of their due instant) and not yet claimed; for a
    user silent for a week, instead, a pause offer on the pause-offer days (none on the others)."""
    now = as_utc(now)
    async with store.session() as s:
        by_date: dict[date, dict[str, dict[str, datetime]]] = defaultdict(lambda: defaultdict(dict))
        for tz, hhmm in await outbox.schedules(s):
            try:
                for day, due in occurrences(tz, hhmm, now, window):
                    by_date[day][tz][hhmm] = due
            except (ValueError, KeyError):
                log.warning("scheduler: users with an unusable time zone or time %r %r skipped", tz, hhmm)
        jobs: list[Job] = []
        for day, zones in sorted(by_date.items()):
            wd = weekday_id(day)
            rows = await outbox.users_due(s, day, zones, wd, platforms=platforms, silent_before=silent_before(now),
                                          offer_day=wd in PAUSE_OFFER_DAYS)
            for uid, key, tz, hhmm, paused_until, created_at, silent in rows:
                due = zones[tz][hhmm]
                # Someone who signed up after today's time is not asked until their next day.
                if created_at is not None and as_utc(created_at) > due:
                    continue
                if silent:
                    jobs.append(Job(int(uid), key, PAUSE_OFFER, day, due, due + window))
                else:
                    jobs.append(Job(int(uid), key, CHECKIN, day, due, due + window,
                                    welcome_back=paused_until is not None, safety=safety))
    return jobs


async def select_reminders(store: Store, now: datetime, after: timedelta, *,
                           platforms: Iterable[str] | None = None, window: timedelta = CATCH_UP) -> list[Job]:
    """One reminder per sent, unanswered check-in, ``after`` its sending, before 21:00 local."""
    if after <= timedelta(0):
        return []
    now = as_utc(now)
    jobs: list[Job] = []
    async with store.session() as s:
        rows = await outbox.unanswered_checkins(s, now - after, now - after - window, platforms=platforms)
    for uid, day, sent_at, key, tz in rows:
        at = reminder_instant(sent_at, tz, day, after)
        if at is None or at > now:
            continue
        deadline = reminder_deadline(at, tz, day, window)
        if now < deadline:
            jobs.append(Job(int(uid), key, REMINDER, day, at, deadline))
    return jobs


async def select_retries(store: Store, now: datetime, *, platforms: Iterable[str] | None = None,
                         window: timedelta = CATCH_UP) -> list[Job]:
    """Failed check-ins, reminders and pause offers whose retry time has come, inside their window."""
    now = as_utc(now)
    jobs: list[Job] = []
    async with store.session() as s:
        rows = await outbox.failed_prompts(s, now, now - window, MAX_ATTEMPTS, platforms=platforms)
    for rid, uid, day, kind, due_at, attempts, key, tz, paused_until in rows:
        due = as_utc(due_at)
        deadline = due + window if kind != REMINDER else reminder_deadline(due, tz, day, window)
        if now < deadline:
            jobs.append(Job(int(uid), key, kind, day, due, deadline,
                            welcome_back=kind == CHECKIN and paused_until is not None,
                            retry_of=int(rid), attempts=int(attempts)))
    return jobs


async def recover_stale(store: Store, now: datetime, lease: timedelta = LEASE,
                        claim_lease: timedelta = CLAIM_LEASE) -> tuple[int, int]:
    """Rows whose process died. ``sending`` ones may have been delivered: marked unknown, never
    resent. ``claimed`` ones were never handed to the platform: made failed-without-an-attempt,
    so this very pass takes them over (conditionally: one taker) and sends them. A stalled owner
    that wakes up later finds the row no longer its own and drops it. Returns (unknown, retaken)."""
    now = as_utc(now)
    async with store.session() as s:
        return await outbox.recover_stale(s, now - lease, now - claim_lease)


async def select_due(store: Store, settings: Settings, now: datetime, *,
                     platforms: Iterable[str] | None = None, safety: bool = True) -> list[Job]:
    """Everything due at ``now``: check-ins, reminders and retries (the pass's selection step)."""
    after = timedelta(minutes=settings.reminder_after_minutes)
    plats = None if platforms is None else sorted(platforms)
    return [
        *await select_checkins(store, now, platforms=plats, safety=safety),
        *await select_reminders(store, now, after, platforms=plats),
        *await select_retries(store, now, platforms=plats),
    ]


async def submit_due(dispatcher: Dispatcher, settings: Settings, now: datetime, *,
                     safety: bool = True, digests: bool = True) -> PassReport:
    """The pass without the waiting: recover stale claims, select, queue. ``backcheck run`` calls
    this every minute and lets the lanes send in the background."""
    t0 = metrics.clock()
    report = PassReport(now=as_utc(now))
    report.in_doubt, report.taken_over = await recover_stale(dispatcher.store, now)
    report.forgotten.update(await apply_retention(dispatcher.store, settings, now))
    jobs = await select_due(dispatcher.store, settings, now, platforms=dispatcher.platforms, safety=safety)
    report.due.update(j.kind for j in jobs)
    metrics.DUE.set(len(jobs))
    if len(jobs) > 1:
        # Replicas start their claims at different places in the list, so they mostly claim
        # different chunks instead of queueing behind each other's uncommitted rows.
        k = random.randrange(len(jobs))
        jobs = jobs[k:] + jobs[:k]
    report.queued = dispatcher.submit(jobs)
    if digests:
        report.digests = await send_digests(dispatcher, now)
        report.team_posts, report.team_edits = await team_posts(dispatcher, now)
    metrics.PASS.observe(metrics.clock() - t0)
    return report


def _posters(dispatcher: Dispatcher) -> list[PacedPoster]:
    """The senders that can also post in a group (bot.ports.GroupPoster), paced by their lane."""
    return [PacedPoster(s, dispatcher.limiter(p)) for p, s in dispatcher.senders.items()
            if isinstance(s, GroupPoster)]


async def apply_retention(store: Store, settings: Settings, now: datetime) -> dict[str, int]:
    """Empty message texts older than ``RETENTION_DAYS`` (unset: keep). It scans whole tables, so
    it runs in the pass on the hour only (every pass under ``run``, and a cron ``tick`` every
    minute, has one such pass an hour); a text is gone within an hour of its time running out."""
    if settings.retention_days is None or as_utc(now).minute != 0:
        return {}
    before = retention.cutoff(as_utc(now), settings.retention_days)
    try:
        return await store.run(lambda s: retention.forget_texts(s, before))
    except Exception:
        log.exception("scheduler: erasing old texts failed; the next hour tries again")
        return {}


async def send_digests(dispatcher: Dispatcher, now: datetime) -> int:
    """Weekly group digests (bot.teams.digest) through the same senders and rate budgets."""
    senders = [PacedSender(s, dispatcher.limiter(p)) for p, s in dispatcher.senders.items()]
    try:
        rep = await send_due_digests(dispatcher.store, senders, as_utc(now), posters=_posters(dispatcher))
    except Exception:
        log.exception("scheduler: group digests failed; the next pass tries again")
        return 0
    return len(rep.sent)


async def team_posts(dispatcher: Dispatcher, now: datetime) -> tuple[int, int]:
    """Teams' daily posts (bot.teams.daily): made once a day, edited as members answer.
    Returns (posted, edited)."""
    posters = _posters(dispatcher)
    if not posters:
        return 0, 0
    try:
        rep = await run_daily_posts(dispatcher.store, posters, as_utc(now))
    except Exception:
        log.exception("scheduler: team daily posts failed; the next pass tries again")
        return 0, 0
    return len(rep.posted), len(rep.edited)


async def run_pass(
    store: Store,
    senders: Mapping[str, Sender] | Iterable[Sender],
    settings: Settings,
    now: datetime,
    *,
    dispatcher: Dispatcher | None = None,
    safety: bool = True,
    digests: bool = True,
    **dispatcher_kw: Any,
) -> PassReport:
    """One complete pass at ``now``: select, claim, send, record; returns when all is recorded.

    Without a ``dispatcher`` one is made for the pass, stamping claims and sends with ``now``
    plus the real time elapsed since the pass began."""
    own = dispatcher is None
    if dispatcher is None:
        import time

        start, t0 = as_utc(now), time.monotonic()
        dispatcher_kw.setdefault("clock", lambda: start + timedelta(seconds=time.monotonic() - t0))
        dispatcher = Dispatcher(store, senders, **dispatcher_kw)
    before = Counter(dispatcher.report.counts)
    try:
        report = await submit_due(dispatcher, settings, now, safety=safety, digests=digests)
        await dispatcher.drain()
    finally:
        if own:
            await dispatcher.close()
    report.outcome = Counter(dispatcher.report.counts)
    report.outcome.subtract(before)
    report.outcome = +report.outcome
    return report
