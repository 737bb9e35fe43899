"""Sending scheduled prompts: claim, compose, send (paced and retried), record.

Each platform has a *lane*: its own queue, rate limiter and in-flight bound, so a slow or
rate-limited platform never holds up another. A lane works in chunks:

1. **claim** (one transaction): ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` one
   ``sent_messages`` row per job. Only rows this process inserted come back, so of several
   replicas racing for a user exactly one sends. A failed row is taken up again with a
   conditional ``UPDATE ... WHERE status = 'failed'``, which likewise matches for one taker only.
   The same transaction re-checks the user (still there, active, not checked in for that date)
   and opens the check-in for that date the way ``Coach.checkin_prompt`` does
   (``bot.prompts.open_checkins``), so the next reply counts for it.
2. **compose** the message: check-in question or reminder, with the welcome-back and weekly safety
   notes in front.
3. **hand off**: once the limiter gives the message its slot, the row is marked ``sending``
   (``UPDATE ... WHERE status = 'claimed' AND claimed_by = me``; concurrent hand-offs are
   committed together). This is the point of no return; a row another process has taken over
   in the meantime is dropped here.
4. **send** through the platform's Sender; TemporaryFailure is retried with backoff
   (``retry_after`` pauses the whole lane), PermanentFailure marks the user blocked.
5. **record** outcomes in batches (one transaction per ``flush_every`` results).

Crash guarantee (SIGKILL at any instruction):

- **No prompt is ever sent twice**: a message goes to the platform only after its row was
  marked ``sending`` by its one owner, and a ``sending`` row is never handed off again.
- **A prompt claimed but not yet handed off is not lost**: its row is still ``claimed``; after
  ``CLAIM_LEASE`` any pass (the restarted process or another replica) takes it over and sends it,
  within the catch-up window.
- **Only what was handed off and not yet recorded is in doubt**: the platform may or may not
  have received it, and without an idempotency key on the platform's side nobody can tell. Such
  rows are never resent; once ``LEASE`` is over a pass marks them ``unknown``. There are at most
  ``max_in_flight`` per platform and process, in practice the few messages on the wire at the
  instant of the kill.

The one path to a duplicate is a platform that accepted a message but answered with a timeout
or 5xx, which the retry then repeats: inherent to retrying without idempotency keys.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot import metrics, prompts
from bot.ports import Outgoing, PermanentFailure, Sender, TemporaryFailure, platform_of
from bot.store import outbox
from bot.store.outbox import CHECKIN, PAUSE_OFFER, REMINDER, SAFETY
from bot.store.repo import Store
from scheduler.limits import PlatformLimits, RateLimiter, WaitTooLong
from scheduler.timing import as_utc, week_start

log = logging.getLogger(__name__)

__all__ = ["CHECKIN", "MAX_ATTEMPTS", "PAUSE_OFFER", "REMINDER", "SAFETY", "DispatchReport", "Dispatcher", "Job", "utcnow"]

#: A failed prompt is tried again on later passes until it has had this many attempts in all.
MAX_ATTEMPTS = 8

T = TypeVar("T")


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Job:
    """One prompt to one user, as a pass selected it."""

    user_id: int
    key: str
    kind: str
    local_date: date
    due_at: datetime
    #: Not claimed at or after this instant (catch-up window, 21:00 for reminders).
    deadline: datetime
    welcome_back: bool = False
    #: Also claim and prepend this week's safety reminder.
    safety: bool = False
    #: Id of a failed row taken up again, with its attempts so far.
    retry_of: int | None = None
    attempts: int = 0

    @property
    def platform(self) -> str:
        return platform_of(self.key)

    @property
    def ident(self) -> tuple[int, date, str]:
        return (self.user_id, self.local_date, self.kind)


@dataclass
class _Claim:
    job: Job
    row_id: int
    safety_row_id: int | None = None


@dataclass
class _Outcome:
    claim: _Claim
    status: str  # sent | failed | blocked
    at: datetime
    attempts: int
    error: str | None = None
    next_attempt_at: datetime | None = None


@dataclass
class DispatchReport:
    """Counters ``"<kind>.<what>"``: sent, failed, blocked; and for jobs not claimed: answered
    (checked in meanwhile), inactive (stopped, blocked or deleted meanwhile), taken (claimed by
    another replica or pass), expired (past its deadline before a claim)."""

    counts: Counter[str] = field(default_factory=Counter)
    #: Keys of users that received a prompt, for tests and logs (bounded to the last 100,000).
    sent_keys: deque[tuple[str, str]] = field(default_factory=lambda: deque(maxlen=100_000))

    def total(self, what: str) -> int:
        return sum(n for k, n in self.counts.items() if k.endswith("." + what))


class Dispatcher:
    """Claims and sends jobs through per-platform lanes; see the module doc for the guarantees.

    ``clock`` stamps claims and sends (a pass's injected time in ``tick`` and ``simulate``);
    ``sleep`` and ``monotonic`` drive backoff and pacing (tests pass fakes, so nothing sleeps)."""

    def __init__(
        self,
        store: Store,
        senders: Mapping[str, Sender] | Iterable[Sender],
        *,
        limits: Mapping[str, PlatformLimits] | None = None,
        clock: Callable[[], datetime] = utcnow,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        db_concurrency: int | None = None,
        flush_every: int = 100,
        flush_interval: float = 0.2,
        send_timeout: float = 60.0,
        retry_delay: timedelta = timedelta(minutes=2),
        owner: str | None = None,
    ) -> None:
        self.store = store
        self.senders: dict[str, Sender] = (
            dict(senders) if isinstance(senders, Mapping) else {s.platform: s for s in senders}
        )
        #: Overrides of the senders' own limits (tests, simulate).
        self.limits = dict(limits or {})
        self.clock = clock
        self.sleep = sleep
        self.monotonic = monotonic
        sqlite = store.engine.dialect.name == "sqlite"
        # SQLite has one writer: our transactions queue here instead of failing on a busy lock.
        self._db = asyncio.Semaphore(db_concurrency or (1 if sqlite else 6))
        self.flush_every = flush_every
        self.flush_interval = flush_interval
        self.send_timeout = send_timeout
        self.retry_delay = retry_delay
        self.owner = owner or f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.report = DispatchReport()
        self._lanes: dict[str, _Lane] = {}
        self._pending: set[tuple[int, date, str]] = set()
        metrics.watch_backlog(lambda: len(self._pending))

    @property
    def platforms(self) -> frozenset[str]:
        return frozenset(self.senders)

    def is_pending(self, ident: tuple[int, date, str]) -> bool:
        return ident in self._pending

    def limiter(self, platform: str) -> RateLimiter:
        return self._lane(platform).limiter

    def submit(self, jobs: Iterable[Job]) -> int:
        """Queue jobs (not already queued here, on a platform we can send to); returns how many."""
        n = 0
        for j in jobs:
            if j.ident in self._pending or j.platform not in self.senders:
                continue
            self._pending.add(j.ident)
            self._lane(j.platform).put(j)
            n += 1
        return n

    async def drain(self) -> None:
        """Wait until every queued job is claimed, sent (or not) and recorded."""
        for lane in list(self._lanes.values()):
            await lane.drained()

    async def close(self) -> None:
        for lane in list(self._lanes.values()):
            await lane.close()
        self._lanes.clear()

    def _lane(self, platform: str) -> _Lane:
        lane = self._lanes.get(platform)
        if lane is None:
            sender = self.senders[platform]
            lane = _Lane(self, sender, self.limits.get(platform) or getattr(sender, "limits", None) or PlatformLimits())
            self._lanes[platform] = lane
        return lane

    # --- database steps --------------------------------------------------------------------

    async def _tx(self, fn: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """One transaction under the DB semaphore; the store retries it when it lost a race (a
        locked database, a deadlock, a user deleted between selection and claim)."""
        async with self._db:
            return await self.store.run(fn, attempts=6)

    async def _claim(self, chunk: Sequence[Job]) -> list[_Claim]:
        now = self.clock()
        live: list[Job] = []
        for j in chunk:
            if now >= j.deadline:
                self.report.counts[f"{j.kind}.expired"] += 1
            else:
                live.append(j)
        if not live:
            return []
        return await self._tx(lambda s: self._claim_tx(s, live, as_utc(now)))

    async def _claim_tx(self, s: AsyncSession, jobs: list[Job], now: datetime) -> list[_Claim]:
        # Re-check what may have changed since selection: the user stopped, blocked or was
        # deleted, or has checked in for that date (early or evening reports are not asked again).
        alive = await outbox.active_users(s, (j.user_id for j in jobs))
        answered = await outbox.checked_in(s, ((j.user_id, j.local_date) for j in jobs))
        for j in jobs:
            if j.user_id not in alive:
                self.report.counts[f"{j.kind}.inactive"] += 1
        jobs = [j for j in jobs if j.user_id in alive]
        claims: list[_Claim] = []
        fresh = sorted((j for j in jobs if j.retry_of is None and (j.user_id, j.local_date) not in answered),
                       key=lambda j: j.ident)
        got = await outbox.claim(s, [self._row(j.user_id, j.local_date, j.kind, j.due_at, now) for j in fresh])
        claims += [_Claim(j, got[j.ident]) for j in fresh if j.ident in got]
        retries = [j for j in jobs if j.retry_of is not None and (j.user_id, j.local_date) not in answered]
        if retries:
            ids = await outbox.retake_failed(s, (j.retry_of for j in retries if j.retry_of is not None), now,
                                             self.owner)
            claims += [_Claim(j, j.retry_of) for j in retries if j.retry_of in ids]
        riders = sorted((c for c in claims if c.job.safety), key=lambda c: c.job.user_id)
        got_safety = {(u, d): i for (u, d, _), i in (await outbox.claim(s, [
            self._row(c.job.user_id, week_start(c.job.local_date), SAFETY, c.job.due_at, now) for c in riders
        ])).items()}
        for c in riders:
            c.safety_row_id = got_safety.pop((c.job.user_id, week_start(c.job.local_date)), None)
        # A pause offer is a question of its own: any reply to it is an ordinary message.
        await outbox.open_checkins(s, [(c.job.user_id, c.job.local_date) for c in claims
                                       if c.job.kind != PAUSE_OFFER])
        mine = {c.job.ident for c in claims}
        for j in jobs:
            if (j.user_id, j.local_date) in answered:
                self.report.counts[f"{j.kind}.answered"] += 1
            elif j.ident not in mine:
                self.report.counts[f"{j.kind}.taken"] += 1
        return claims

    def _row(self, user_id: int, day: date, kind: str, due_at: datetime, now: datetime) -> dict[str, Any]:
        return outbox.claim_row(user_id, day, kind, as_utc(due_at), now, self.owner)

    async def _mark_sending(self, claims: Sequence[_Claim]) -> set[int]:
        """``claimed`` -> ``sending`` for rows this process still owns; returns their ids."""

        async def tx(s: AsyncSession) -> set[int]:
            ours = await outbox.mark_sending(s, (c.row_id for c in claims), self.owner)
            await outbox.mark_riders_sending(
                s, (c.safety_row_id for c in claims if c.safety_row_id is not None and c.row_id in ours))
            return ours

        return await self._tx(tx)

    def _compose(self, c: _Claim) -> list[Outgoing]:
        if c.job.kind == PAUSE_OFFER:
            return prompts.pause_offer()
        return prompts.compose(prompts.question(), reminder=c.job.kind == REMINDER,
                               welcome_back=c.job.welcome_back, safety=c.safety_row_id is not None)

    async def _record(self, batch: Sequence[_Outcome]) -> None:
        rows: list[dict[str, Any]] = []
        blocked: set[int] = set()
        welcomed: list[tuple[int, date]] = []
        for o in batch:
            for row_id in (o.claim.row_id, o.claim.safety_row_id):
                if row_id is not None:
                    rows.append(outbox.outcome(
                        row_id, self.owner, o.status, as_utc(o.at) if o.status == "sent" else None, o.attempts,
                        o.error, as_utc(o.next_attempt_at) if o.next_attempt_at else None))
            if o.status == "blocked":
                blocked.add(o.claim.job.user_id)
            if o.status == "sent" and o.claim.job.welcome_back:
                welcomed.append((o.claim.job.user_id, o.claim.job.local_date))

        async def tx(s: AsyncSession) -> None:
            await outbox.record(s, rows, blocked, welcomed)

        await self._tx(tx)
        for o in batch:
            self.report.counts[f"{o.claim.job.kind}.{o.status}"] += 1
            if o.status == "sent":
                metrics.sent(o.claim.job.platform, "scheduled")
            else:
                metrics.failed(o.claim.job.platform, "scheduled",
                               "permanent" if o.status == "blocked" else metrics.reason_of(o.error))
            if o.status == "sent":
                self.report.sent_keys.append((o.claim.job.kind, o.claim.job.key))
                if o.claim.safety_row_id is not None:
                    self.report.counts[f"{SAFETY}.sent"] += 1


class _Lane:
    """One platform: queue -> claim chunk -> deliver (bounded, paced) -> record in batches."""

    def __init__(self, d: Dispatcher, sender: Sender, limits: PlatformLimits) -> None:
        self.d = d
        self.sender = sender
        self.limits = limits
        self.chunk = max(1, min(limits.chunk, limits.max_in_flight))
        self.limiter = RateLimiter(limits.rate, limits.per_key_interval, d.monotonic, d.sleep)
        self.queue: deque[Job] = deque()
        self.has_jobs = asyncio.Event()
        self.slots = asyncio.Semaphore(limits.max_in_flight)
        self.done: list[_Outcome] = []
        self.running = 0
        self.outstanding = 0
        self.idle = asyncio.Event()
        self.idle.set()
        self.flush_lock = asyncio.Lock()
        self.tasks: set[asyncio.Task[None]] = set()
        self.worker: asyncio.Task[None] | None = None
        self.flusher: asyncio.Task[None] | None = None
        self._handing: list[tuple[_Claim, asyncio.Future[bool]]] = []
        self._hand_task: asyncio.Task[None] | None = None

    async def handoff(self, c: _Claim) -> bool:
        """Mark the row ``sending`` before its message leaves; False if it is no longer ours.
        Hand-offs that arrive while a mark is being committed go together in the next one."""
        fut: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._handing.append((c, fut))
        if self._hand_task is None or self._hand_task.done():
            self._hand_task = asyncio.create_task(self._mark_handoffs())
        return await fut

    async def _mark_handoffs(self) -> None:
        while self._handing:
            batch, self._handing = self._handing, []
            try:
                ours = await self.d._mark_sending([c for c, _ in batch])
            except Exception as exc:
                for _, fut in batch:
                    if not fut.done():
                        fut.set_exception(exc)
                continue
            for c, fut in batch:
                if not fut.done():
                    fut.set_result(c.row_id in ours)

    def put(self, job: Job) -> None:
        self.queue.append(job)
        self.outstanding += 1
        self.idle.clear()
        self.has_jobs.set()
        if self.worker is None or self.worker.done():
            self.worker = asyncio.create_task(self._work())
            self.flusher = asyncio.create_task(self._flush_periodically())

    async def drained(self) -> None:
        while self.outstanding:
            if self.worker is not None and self.worker.done() and self.worker.exception() is not None:
                raise RuntimeError("scheduler lane stopped") from self.worker.exception()
            await self.idle.wait()

    async def close(self) -> None:
        await self.flush()
        for t in (self.worker, self.flusher, *self.tasks):
            if t is not None:
                t.cancel()
        await asyncio.gather(*(t for t in (self.worker, self.flusher, *self.tasks) if t is not None),
                             return_exceptions=True)

    def _finish(self, n: int = 1) -> None:
        self.outstanding -= n
        if self.outstanding <= 0:
            self.outstanding = 0
            self.idle.set()

    async def _work(self) -> None:
        while True:
            await self.has_jobs.wait()
            chunk = [self.queue.popleft() for _ in range(min(self.chunk, len(self.queue)))]
            if not self.queue:
                self.has_jobs.clear()
            if not chunk:
                continue
            for _ in chunk:
                await self.slots.acquire()
            try:
                claims = await self.d._claim(chunk)
            except Exception:
                log.exception("scheduler: claiming %d %s jobs failed; a later pass picks them up",
                              len(chunk), self.sender.platform)
                claims = []
            mine = {c.job.ident for c in claims}
            for j in chunk:
                if j.ident not in mine:
                    self.d._pending.discard(j.ident)
                    self.slots.release()
                    self._finish()
            for c in claims:
                self.running += 1
                t = asyncio.create_task(self._deliver(c))
                self.tasks.add(t)
                t.add_done_callback(self.tasks.discard)

    async def _deliver(self, c: _Claim) -> None:
        outcome: _Outcome | None
        try:
            outcome = await self._attempt(c)
        except Exception as exc:
            log.exception("scheduler: delivering %s to %s failed", c.job.kind, c.job.key)
            outcome = _Outcome(c, "failed", self.d.clock(), c.job.attempts + 1, f"{type(exc).__name__}: {exc}",
                               self.d.clock() + self.d.retry_delay)
        if outcome is None:
            # Another process took the claim over (this one was too slow): it is theirs to send.
            self.d.report.counts[f"{c.job.kind}.taken"] += 1
            self.d._pending.discard(c.job.ident)
            self.slots.release()
            self._finish()
        else:
            self.done.append(outcome)
        self.running -= 1
        if len(self.done) >= self.d.flush_every or self.running == 0:
            await self.flush()

    async def _attempt(self, c: _Claim) -> _Outcome | None:
        j, d, lim = c.job, self.d, self.limits
        msgs = d._compose(c)
        attempts, error, handed = j.attempts, "", False
        for i in range(lim.attempts_per_pass):
            try:
                await self.limiter.acquire(j.key, len(msgs), max_wait=lim.max_wait)
            except WaitTooLong as w:
                return _Outcome(c, "failed", d.clock(), attempts, error or "rate limited",
                                d.clock() + max(timedelta(seconds=w.wait), d.retry_delay))
            if not handed:
                if not await self.handoff(c):
                    return None
                handed = True
            attempts += 1
            delay = 0.0
            try:
                await asyncio.wait_for(self.sender.send(j.key, msgs), d.send_timeout)
            except PermanentFailure as exc:
                return _Outcome(c, "blocked", d.clock(), attempts, f"permanent: {exc}")
            except TemporaryFailure as exc:
                error = f"temporary: {exc}"
                if exc.retry_after is not None:
                    self.limiter.pause(exc.retry_after)
                else:
                    delay = min(30.0, 2.0 ** i)
            except TimeoutError:
                error, delay = "timeout", min(30.0, 2.0 ** i)
            else:
                return _Outcome(c, "sent", d.clock(), attempts)
            if delay and i + 1 < lim.attempts_per_pass:
                await d.sleep(delay)
        return _Outcome(c, "failed", d.clock(), attempts, error, d.clock() + d.retry_delay)

    async def flush(self) -> None:
        async with self.flush_lock:
            batch, self.done = self.done, []
            if not batch:
                return
            try:
                await self.d._record(batch)
            except Exception:
                # The rows stay claimed: never resent, and marked unknown when the lease runs out.
                log.exception("scheduler: recording %d outcomes failed", len(batch))
            for o in batch:
                self.d._pending.discard(o.claim.job.ident)
                self.slots.release()
            self._finish(len(batch))

    async def _flush_periodically(self) -> None:
        while True:
            await asyncio.sleep(self.d.flush_interval)
            if self.done:
                await self.flush()
