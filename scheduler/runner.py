"""``backcheck run``: one APScheduler job that runs a pass every minute, in-process.

There is exactly one job however many users there are: due users are found by the pass's
query, not by per-user jobs, so there is nothing to rebook when a user changes time zone. Of
several replicas only the dispatch leader passes (bot/store/leader.py), so the platform's bot-wide
rate is kept by one rate limiter; the claim rows in the database make each prompt go out once
even across a change of leader.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.config import Settings
from bot.ports import Sender
from bot.store.leader import DispatchLeader
from bot.store.repo import Store
from scheduler.dispatch import Dispatcher, utcnow
from scheduler.passes import PassReport, submit_due

log = logging.getLogger(__name__)


class Scheduler:
    """Owns the long-lived dispatcher (lanes keep sending between passes) and the APScheduler."""

    def __init__(self, store: Store, senders: Mapping[str, Sender] | Iterable[Sender],
                 settings: Settings, *, clock: Callable[[], datetime] = utcnow, safety: bool = True,
                 **dispatcher_kw: Any) -> None:
        self.settings = settings
        self.clock = clock
        self.safety = safety
        self.dispatcher = Dispatcher(store, senders, clock=clock, **dispatcher_kw)
        self.leader = DispatchLeader(store)
        self._aps: AsyncIOScheduler | None = None
        self.last: PassReport | None = None

    async def tick(self, now: datetime | None = None) -> PassReport | None:
        """Select and queue what is due; sending goes on in the lanes after this returns, so a
        slow platform never delays the next pass or the other platforms. Only the dispatch leader
        passes (bot/store/leader.py): one rate limiter per platform across replicas. Others
        return None and try again at the next pass, so a dead leader is replaced within one."""
        if not await self.leader.hold():
            return None
        report = await submit_due(self.dispatcher, self.settings, now or self.clock(), safety=self.safety)
        self.last = report
        if report.queued or report.in_doubt or report.taken_over or report.forgotten:
            log.info("scheduler: %s", report.summary())
        return report

    async def _safe_tick(self) -> None:
        try:
            await self.tick()
        except Exception:
            log.exception("scheduler pass failed; the next one runs in a minute")

    def start(self) -> AsyncIOScheduler:
        """Run a pass now (catch-up after downtime) and then at every whole minute."""
        aps = AsyncIOScheduler(timezone="UTC")
        aps.add_job(self._safe_tick, CronTrigger(second=0, timezone="UTC"), id="scheduler-pass",
                    max_instances=1, coalesce=True, misfire_grace_time=50,
                    # APScheduler runs on real time whatever clock the passes are given.
                    next_run_time=utcnow())
        aps.start()
        self._aps = aps
        return aps

    async def stop(self, grace: float = 10.0) -> None:
        """Stop passing; give queued sends ``grace`` seconds to finish and be recorded."""
        if self._aps is not None:
            self._aps.shutdown(wait=False)
            self._aps = None
        try:
            await asyncio.wait_for(self.dispatcher.drain(), grace)
        except TimeoutError:
            log.warning("scheduler: stopping with sends still in flight; they are recorded as unknown later")
        await self.dispatcher.close()
        # Another replica takes over at its next pass, not after the connection times out.
        await self.leader.release()
