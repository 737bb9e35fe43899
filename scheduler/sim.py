"""The scheduler on a simulated clock, for ``backcheck simulate``.

``run_until(instant)`` runs the real pass at every instant in ``(last, instant]`` at which
something can fall due: each user's check-in instants, the reminder instants of check-ins
already sent, and the first minute after the previous instant (what a per-minute pass would
catch up on after the script changed something). It jumps from instant to instant instead of
stepping through every simulated minute.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from bot.config import Settings
from bot.simulate import RecordingSender
from bot.store import outbox
from bot.store.repo import Store
from scheduler.dispatch import Dispatcher
from scheduler.passes import run_pass
from scheduler.timing import PAUSE_OFFER_DAYS, as_utc, checkin_instants, next_minute, reminder_instant


async def _no_sleep(_: float) -> None:
    await asyncio.sleep(0)


class SimTicker:
    def __init__(self, store: Store, settings: Settings, emit: Callable[[dict[str, Any]], None], *,
                 safety: bool = True) -> None:
        self.store = store
        self.settings = settings
        self.safety = safety
        self.now: datetime | None = None
        self._last: datetime | None = None
        self.sender = RecordingSender(emit, self._clock)
        self.dispatcher = Dispatcher(store, [self.sender], clock=self._clock, sleep=_no_sleep)
        self.passes = 0

    def _clock(self) -> datetime:
        assert self.now is not None, "the simulated clock has not started"
        return self.now

    async def run_until(self, instant: datetime) -> None:
        instant = as_utc(instant)
        if self._last is None:
            # Start-up: like `backcheck run`, one pass at once catches up on what is due.
            await self._pass(instant)
            self._last = instant
            return
        probe: datetime | None = next_minute(self._last)
        while True:
            candidates = await self._instants(self._last, instant)
            if probe is not None and probe <= instant:
                candidates.add(probe)
            probe = None
            if not candidates:
                break
            t = min(candidates)
            await self._pass(t)
            self._last = t
        self._last = instant
        self.now = instant

    async def close(self) -> None:
        await self.dispatcher.close()

    async def _pass(self, t: datetime) -> None:
        self.now = t
        self.passes += 1
        await run_pass(self.store, self.dispatcher.senders, self.settings, t,
                       dispatcher=self.dispatcher, safety=self.safety, digests=False)

    async def _instants(self, after: datetime, until: datetime) -> set[datetime]:
        out: set[datetime] = set()
        reminder_after = timedelta(minutes=self.settings.reminder_after_minutes)
        async with self.store.session() as s:
            for tz, hhmm, days in await outbox.prompt_schedules(s):
                # A silent user's pause offers fall due at the check-in time on the offer days.
                out.update(due for _, due in checkin_instants(tz, hhmm, ",".join([days, *PAUSE_OFFER_DAYS]),
                                                              after, until))
            sent = await outbox.sent_checkins_since(s, after - reminder_after) if reminder_after else []
        for day, sent_at, tz in sent:
            at = reminder_instant(sent_at, tz, day, reminder_after)
            if at is not None and after < at <= until:
                out.add(at)
        return out


async def replay(settings: Settings, steps: list[Any], emit: Callable[[dict[str, Any]], None], *,
                 migrate: bool = True) -> None:
    """What ``backcheck simulate`` does: a store at ``settings.database_url``, the real core and the
    real scheduler passes on the script's clock, every line to ``emit``."""
    from bot.conversation import Coach
    from bot.simulate import run_script

    store = Store(settings.database_url)
    if migrate:
        await store.migrate()
    ticker = SimTicker(store, settings, emit)
    try:
        await run_script(Coach(store, settings), steps, emit, ticker=ticker)
    finally:
        await ticker.close()
        await store.close()
