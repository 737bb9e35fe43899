"""Per-platform send limits: a pacing rate limiter with per-chat spacing and a pause for 429s.

The limiter hands out send slots in advance (GCRA-style): a message may start at
``max(now, previous slot + 1/rate, the chat's previous slot + per_key_interval, end of pause)``.
Messages therefore go out evenly paced at the platform's rate, never in bursts, so a platform that
counts per second sees at most ``rate`` from us. Time is injected, so tests never sleep. The
rates themselves are each Sender's own (``Sender.limits``, a :class:`~bot.ports.PlatformLimits`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from bot.ports import PlatformLimits

__all__ = ["PlatformLimits", "RateLimiter", "WaitTooLong"]


class WaitTooLong(Exception):
    """The next slot is further away than the caller is willing to wait."""

    def __init__(self, wait: float) -> None:
        super().__init__(f"next send slot in {wait:.1f}s")
        self.wait = wait


class RateLimiter:
    def __init__(
        self,
        rate: float | None = None,
        per_key_interval: float = 0.0,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate is not None and rate <= 0:
            raise ValueError("rate must be positive or None")
        self.rate = rate
        self.per_key_interval = per_key_interval
        self._mono = monotonic
        self._sleep = sleep
        self._next = 0.0
        self._paused_until = 0.0
        self._key_next: dict[str, float] = {}

    def pause(self, seconds: float) -> None:
        """The platform said "retry after": nothing starts before then."""
        self._paused_until = max(self._paused_until, self._mono() + max(0.0, seconds))

    def _slot(self, key: str) -> float:
        t = max(self._mono(), self._paused_until)
        if self.rate is not None:
            t = max(t, self._next)
        if self.per_key_interval:
            t = max(t, self._key_next.get(key, 0.0))
        return t

    async def acquire(self, key: str, n: int = 1, max_wait: float | None = None) -> None:
        """Wait for a slot for ``n`` messages to ``key``; WaitTooLong if it is beyond ``max_wait``."""
        while True:
            now = self._mono()
            t = self._slot(key)
            if max_wait is not None and t - now > max_wait:
                raise WaitTooLong(t - now)
            if self.rate is not None:
                self._next = t + n / self.rate
            if self.per_key_interval:
                self._key_next[key] = t + n * self.per_key_interval
                if len(self._key_next) > 10_000:
                    self._prune(now)
            if t > now:
                await self._sleep(t - now)
            # A 429 that arrived while we slept moves every start after the pause.
            if self._mono() >= self._paused_until:
                return

    def _prune(self, now: float) -> None:
        self._key_next = {k: v for k, v in self._key_next.items() if v > now}
